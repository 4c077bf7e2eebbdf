#include "capture/transaction_buffer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "env/local_object_store.h"
#include "env/random.h"

namespace pg2iceberg::capture {
namespace {

using change::RowChange;
using change::Value;

constexpr uint64_t kBudget = 64 << 10;

std::shared_ptr<const change::TableSchema> Table(uint32_t relid) {
  change::TableSchema schema;
  schema.relid = relid;
  schema.schema_name = "public";
  schema.table_name = "t" + std::to_string(relid);
  schema.columns = {{.name = "id", .type_oid = 20, .type_modifier = -1, .key = true},
                    {.name = "note", .type_oid = 25, .type_modifier = -1, .key = false}};
  return std::make_shared<const change::TableSchema>(std::move(schema));
}

// An insert whose id identifies it and whose note pads it to about `note_bytes`.
RowChange Insert(int64_t id, size_t note_bytes = 200, uint32_t relid = 1) {
  RowChange change;
  change.table = Table(relid);
  change.new_row = {Value::Int64(id), Value::String(std::string(note_bytes, 'a' + id % 26))};
  return change;
}

class TransactionBufferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/pg2i-txn-buffer-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    auto store = LocalObjectStore::Open(dir_ + "/spill", random_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    buffer_ = std::make_unique<TransactionBuffer>(
        TransactionBufferOptions{.memory_budget_bytes = kBudget, .spill_chunk_bytes = 16 << 10},
        *store_);
  }
  void TearDown() override {
    buffer_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  size_t SpillObjects() {
    auto listed = store_->List(kSpillPrefix);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    return listed.ok() ? listed->size() : 0;
  }
  // The ids of xid's changes, as Commit hands them over.
  std::vector<int64_t> CommitIds(uint32_t xid) {
    std::vector<int64_t> ids;
    Status status = buffer_->Commit(xid, [&](const RowChange& change) {
      ids.push_back(change.new_row.at(0).int_value);
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return ids;
  }
  void AddIds(uint32_t xid, uint32_t subxid, int64_t first, int64_t end, size_t note_bytes = 200) {
    for (int64_t id = first; id < end; ++id) {
      ASSERT_TRUE(buffer_->Add(xid, subxid, Insert(id, note_bytes)).ok());
    }
  }

  SeededRandom random_{42};
  std::string dir_;
  std::unique_ptr<LocalObjectStore> store_;
  std::unique_ptr<TransactionBuffer> buffer_;
};

std::vector<int64_t> Range(int64_t first, int64_t end) {
  std::vector<int64_t> ids;
  for (int64_t id = first; id < end; ++id) ids.push_back(id);
  return ids;
}

TEST(TransactionBufferEstimateTest, ListsCountEveryElementRecursively) {
  const RowChange flat = Insert(0, 0);
  RowChange listed = flat;
  listed.new_row[1] = Value::List({Value::String("abc"), Value::List({Value::Null()})});
  EXPECT_EQ(EstimateChangeMemoryBytes(listed) - EstimateChangeMemoryBytes(flat),
            3 * sizeof(Value) + 3);
}

TEST_F(TransactionBufferTest, SmallTransactionStaysInMemory) {
  AddIds(5, 5, 0, 10);
  EXPECT_EQ(buffer_->open_transactions(), 1u);
  EXPECT_EQ(buffer_->memory_bytes(), 10 * EstimateChangeMemoryBytes(Insert(0)));
  EXPECT_EQ(buffer_->spilled_bytes(), 0u);
  EXPECT_EQ(SpillObjects(), 0u);
  EXPECT_EQ(CommitIds(5), Range(0, 10));
  EXPECT_EQ(buffer_->open_transactions(), 0u);
  EXPECT_EQ(buffer_->memory_bytes(), 0u);
}

TEST_F(TransactionBufferTest, TransactionOfAHundredBudgetsPassesThroughWithinBudget) {
  const uint64_t per_change = EstimateChangeMemoryBytes(Insert(0));
  const int64_t count = static_cast<int64_t>(100 * kBudget / per_change) + 1;
  std::vector<RowChange> originals;
  for (int64_t id = 0; id < count; ++id) {
    originals.push_back(Insert(id, 150 + id % 100));
    ASSERT_TRUE(buffer_->Add(7, 7, originals.back()).ok());
    ASSERT_LE(buffer_->memory_bytes(), kBudget) << "after change " << id;
  }
  EXPECT_GT(buffer_->spilled_bytes(), 30 * kBudget);
  EXPECT_GT(SpillObjects(), 100u);

  size_t next = 0;
  Status status = buffer_->Commit(7, [&](const RowChange& change) {
    EXPECT_LE(buffer_->memory_bytes(), kBudget);
    if (next >= originals.size()) return Status::Internal("too many changes");
    const RowChange& want = originals[next++];
    EXPECT_EQ(change.kind, want.kind);
    EXPECT_EQ(*change.table, *want.table);
    EXPECT_EQ(change.new_row, want.new_row);
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(next, originals.size());
  EXPECT_EQ(SpillObjects(), 0u);
  EXPECT_EQ(buffer_->spilled_bytes(), 0u);
  EXPECT_EQ(buffer_->memory_bytes(), 0u);
}

TEST_F(TransactionBufferTest, InterleavedTransactionsKeepTheirOwnOrder) {
  // Three transactions interleaved in slices, together several budgets, one aborted.
  for (int slice = 0; slice < 30; ++slice) {
    for (uint32_t xid : {100u, 200u, 300u}) {
      AddIds(xid, xid, xid * 1000 + slice * 20, xid * 1000 + slice * 20 + 20);
      ASSERT_LE(buffer_->memory_bytes(), kBudget);
    }
  }
  EXPECT_GT(buffer_->spilled_bytes(), 0u);
  EXPECT_EQ(buffer_->open_transactions(), 3u);
  EXPECT_EQ(CommitIds(200), Range(200'000, 200'600));
  ASSERT_TRUE(buffer_->Abort(100).ok());
  EXPECT_EQ(CommitIds(300), Range(300'000, 300'600));
  EXPECT_EQ(buffer_->open_transactions(), 0u);
  EXPECT_EQ(SpillObjects(), 0u);
}

TEST_F(TransactionBufferTest, SubtransactionAbortBeforeSpillingDropsItAndEverythingAfter) {
  AddIds(10, 10, 0, 3);
  AddIds(10, 11, 3, 6);
  AddIds(10, 10, 6, 8);
  AddIds(10, 12, 8, 10);
  ASSERT_TRUE(buffer_->AbortSubtransaction(10, 11).ok());
  EXPECT_EQ(buffer_->memory_bytes(), 3 * EstimateChangeMemoryBytes(Insert(0)));
  ASSERT_TRUE(buffer_->AbortSubtransaction(10, 12).ok());  // already gone: nothing to do
  ASSERT_TRUE(buffer_->AbortSubtransaction(10, 99).ok());  // unknown
  ASSERT_TRUE(buffer_->AbortSubtransaction(77, 78).ok());  // unknown xid
  AddIds(10, 13, 50, 52);
  EXPECT_EQ(CommitIds(10), (std::vector<int64_t>{0, 1, 2, 50, 51}));
}

TEST_F(TransactionBufferTest, SubtransactionAbortAfterSpillingTrimsChunksAndDeletesTheRest) {
  AddIds(10, 10, 0, 150);
  AddIds(10, 11, 150, 900);  // starts inside the spilled part once the rest spills
  ASSERT_GT(buffer_->spilled_bytes(), 0u);
  const size_t objects_before = SpillObjects();
  ASSERT_TRUE(buffer_->AbortSubtransaction(10, 11).ok());
  EXPECT_LT(SpillObjects(), objects_before);
  EXPECT_GT(buffer_->spilled_bytes(), 0u);  // the chunks before the subtransaction stay
  EXPECT_EQ(buffer_->memory_bytes(), 0u);
  AddIds(10, 12, 1000, 1010);
  EXPECT_EQ(CommitIds(10), [] {
    std::vector<int64_t> ids = Range(0, 150);
    for (int64_t id = 1000; id < 1010; ++id) ids.push_back(id);
    return ids;
  }());
  EXPECT_EQ(SpillObjects(), 0u);
}

TEST_F(TransactionBufferTest, AbortDeletesSpillObjects) {
  AddIds(3, 3, 0, 1000);
  ASSERT_GT(SpillObjects(), 0u);
  ASSERT_TRUE(buffer_->Abort(3).ok());
  EXPECT_EQ(SpillObjects(), 0u);
  EXPECT_EQ(buffer_->spilled_bytes(), 0u);
  EXPECT_EQ(buffer_->memory_bytes(), 0u);
  EXPECT_EQ(CommitIds(3), std::vector<int64_t>{});
}

TEST_F(TransactionBufferTest, AbortingTheTopLevelAsASubtransactionAbortsAll) {
  AddIds(3, 3, 0, 1000);
  ASSERT_TRUE(buffer_->AbortSubtransaction(3, 3).ok());
  EXPECT_EQ(buffer_->open_transactions(), 0u);
  EXPECT_EQ(SpillObjects(), 0u);
}

TEST_F(TransactionBufferTest, CommitReturnsTheSinkErrorAndForgetsTheTransaction) {
  AddIds(4, 4, 0, 1000);
  int seen = 0;
  Status status = buffer_->Commit(4, [&](const RowChange&) {
    return ++seen == 3 ? Status::Unavailable("staging full") : Status::Ok();
  });
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(status.message(), "staging full");
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(buffer_->open_transactions(), 0u);
  EXPECT_EQ(SpillObjects(), 0u);
}

TEST_F(TransactionBufferTest, CorruptSpillChunkIsDataLoss) {
  AddIds(6, 6, 0, 1000);
  auto listed = store_->List(kSpillPrefix);
  ASSERT_TRUE(listed.ok() && !listed->empty());
  auto bytes = store_->Get(listed->front().key);
  ASSERT_TRUE(bytes.ok());
  (*bytes)[bytes->size() / 2] ^= std::byte{0x20};
  ASSERT_TRUE(store_->Put(listed->front().key, *bytes, PutOptions{}).ok());
  Status status = buffer_->Commit(6, [](const RowChange&) { return Status::Ok(); });
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  EXPECT_NE(status.message().find("checksum mismatch"), std::string::npos) << status.ToString();
}

TEST_F(TransactionBufferTest, DiscardAllRemovesOpenTransactionsAndLeftovers) {
  ASSERT_TRUE(store_
                  ->Put(std::string(kSpillPrefix) + "1-00000000000000000000.chunk",
                        AsBytes("from an earlier run"), PutOptions{})
                  .ok());
  ASSERT_TRUE(store_->Put("unrelated", AsBytes("kept"), PutOptions{}).ok());
  // A leftover with the name the buffer would pick is refused, never replaced.
  Status clash = Status::Ok();
  for (int64_t id = 0; id < 1000 && clash.ok(); ++id) clash = buffer_->Add(1, 1, Insert(id));
  EXPECT_EQ(clash.code(), StatusCode::kInternal) << clash.ToString();
  AddIds(2, 2, 0, 10);
  ASSERT_TRUE(buffer_->DiscardAll().ok());
  EXPECT_EQ(SpillObjects(), 0u);
  EXPECT_EQ(buffer_->open_transactions(), 0u);
  EXPECT_EQ(buffer_->memory_bytes(), 0u);
  EXPECT_TRUE(store_->Head("unrelated").ok());
}

}  // namespace
}  // namespace pg2iceberg::capture
