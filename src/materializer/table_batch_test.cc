#include "materializer/table_batch.h"

#include <gtest/gtest.h>

#include "materializer/primary_key.h"
#include "materializer/test_util.h"

namespace pg2iceberg::materializer {
namespace {

using change::ChangeKind;
using change::OldRow;
using change::Row;
using change::RowChange;
using change::TableSchema;
using change::Value;

std::shared_ptr<const TableSchema> Schema(bool wide_key = false) {
  auto schema = std::make_shared<TableSchema>();
  schema->schema_name = "public";
  schema->table_name = "docs";
  schema->columns = {{.name = "id", .type_oid = wide_key ? 20u : 23u, .key = true},
                     {.name = "title", .type_oid = 25},
                     {.name = "body", .type_oid = 25}};
  return schema;
}

Row R(int id, std::string title, std::string body) {
  return {Value::Int32(id), Value::String(std::move(title)), Value::String(std::move(body))};
}
Row Toasted(int id, std::string title) {
  return {Value::Int32(id), Value::String(std::move(title)), Value::UnchangedToast()};
}
Row Key(int id) { return {Value::Int32(id), Value::Null(), Value::Null()}; }

RowChange Insert(Row row) {
  return {.kind = ChangeKind::kInsert, .table = Schema(), .new_row = std::move(row)};
}
RowChange Update(Row row) {
  return {.kind = ChangeKind::kUpdate, .table = Schema(), .new_row = std::move(row)};
}
RowChange UpdateKey(int old_id, Row row) {
  return {.kind = ChangeKind::kUpdate,
          .table = Schema(),
          .old_kind = OldRow::kKey,
          .old_row = Key(old_id),
          .new_row = std::move(row)};
}
RowChange Delete(int id) {
  return {
      .kind = ChangeKind::kDelete, .table = Schema(), .old_kind = OldRow::kKey, .old_row = Key(id)};
}
RowChange Truncate() { return {.kind = ChangeKind::kTruncate, .table = Schema()}; }

std::string KeyBytes(int id) { return KeyOf(*Schema(), Key(id), {0}).value(); }

class TableBatchTest : public ::testing::Test {
 protected:
  // Table rows 1 and 2 live in a file before the batch.
  void SetUp() override {
    files_.AddTableFile({R(1, "one", "big-1"), R(2, "two", "big-2")}, {KeyBytes(1), KeyBytes(2)});
  }
  TableBatch Batch(TableBatchOptions options = {}) {
    return TableBatch({"id"}, index_, files_, files_, options);
  }
  std::vector<Row> Live(const TableBatch& batch) {
    files_.Settle(batch.deleted(), batch.truncated(), batch.first_batch_file());
    return files_.LiveRows();
  }

  PrimaryKeyIndex index_{"public.docs", 1 << 20};
  MemoryFiles files_{index_};
};

TEST_F(TableBatchTest, InsertUpdateDeleteLeaveOnlyTheNewestImages) {
  TableBatch batch = Batch();
  ASSERT_TRUE(batch.Apply(Insert(R(3, "three", "b3"))).ok());
  ASSERT_TRUE(batch.Apply(Update(R(3, "three'", "b3'"))).ok());
  ASSERT_TRUE(batch.Apply(Update(R(1, "one'", "b1'"))).ok());
  ASSERT_TRUE(batch.Apply(Delete(2)).ok());
  EXPECT_EQ(Live(batch), (std::vector<Row>{R(3, "three'", "b3'"), R(1, "one'", "b1'")}));
  EXPECT_EQ(index_.size(), 2u);
  EXPECT_EQ(batch.stats().rows_appended, 3);
}

TEST_F(TableBatchTest, InsertOfAKeyTheMirrorHoldsReplacesIt) {
  TableBatch batch = Batch();
  ASSERT_TRUE(batch.Apply(Insert(R(1, "again", "b"))).ok());  // a replayed change
  ASSERT_TRUE(batch.Apply(Insert(R(1, "again", "b"))).ok());
  EXPECT_EQ(Live(batch), (std::vector<Row>{R(2, "two", "big-2"), R(1, "again", "b")}));
}

TEST_F(TableBatchTest, DeleteOfAKeyTheMirrorDoesNotHoldChangesNothing) {
  TableBatch batch = Batch();
  ASSERT_TRUE(batch.Apply(Delete(99)).ok());
  EXPECT_TRUE(batch.deleted().empty());
}

TEST_F(TableBatchTest, UnchangedToastComesFromTheTableThenFromTheBatch) {
  TableBatch batch = Batch();
  ASSERT_TRUE(batch.Apply(Update(Toasted(1, "first"))).ok());   // from the table's file
  ASSERT_TRUE(batch.Apply(Update(Toasted(1, "second"))).ok());  // from the batch's image
  EXPECT_EQ(Live(batch), (std::vector<Row>{R(2, "two", "big-2"), R(1, "second", "big-1")}));
  EXPECT_EQ(batch.stats().toast_from_table, 1);
  EXPECT_EQ(batch.stats().toast_from_batch, 1);
}

TEST_F(TableBatchTest, UnchangedToastOfAChangedKeyComesFromTheOldKeysRow) {
  TableBatch batch = Batch();
  ASSERT_TRUE(batch.Apply(UpdateKey(2, Toasted(20, "moved"))).ok());
  EXPECT_EQ(Live(batch), (std::vector<Row>{R(1, "one", "big-1"), R(20, "moved", "big-2")}));
  EXPECT_FALSE(index_.Find(KeyBytes(2)).has_value());
  EXPECT_TRUE(index_.Find(KeyBytes(20)).has_value());
}

TEST_F(TableBatchTest, UnchangedToastAfterDeleteAndReinsertIsTheReinsertedValue) {
  TableBatch batch = Batch();
  ASSERT_TRUE(batch.Apply(Delete(1)).ok());
  ASSERT_TRUE(batch.Apply(Insert(R(1, "new", "fresh"))).ok());
  ASSERT_TRUE(batch.Apply(Update(Toasted(1, "newer"))).ok());
  EXPECT_EQ(Live(batch), (std::vector<Row>{R(2, "two", "big-2"), R(1, "newer", "fresh")}));
}

TEST_F(TableBatchTest, UnchangedToastOfARowTheMirrorLacksIsDataLossNamingTableKeyColumn) {
  TableBatch batch = Batch();
  Status status = batch.Apply(Update(Toasted(7, "x")));
  ASSERT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("public.docs"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("id=7"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("\"body\""), std::string::npos) << status.message();
}

TEST_F(TableBatchTest, UnchangedToastAfterADeleteInTheBatchIsDataLoss) {
  TableBatch batch = Batch();
  ASSERT_TRUE(batch.Apply(Delete(1)).ok());
  EXPECT_EQ(batch.Apply(Update(Toasted(1, "x"))).code(), StatusCode::kDataLoss);
}

TEST_F(TableBatchTest, WhileReplayingAnUpdateOfAnAbsentRowWithUnchangedToastIsDropped) {
  TableBatch batch = Batch();
  batch.SetReplaying(true);
  ASSERT_TRUE(batch.Apply(Update(Toasted(7, "x"))).ok());  // row 7 was gone when its range was read
  ASSERT_TRUE(batch.Apply(Delete(7)).ok());
  ASSERT_TRUE(batch.Apply(Update(Toasted(1, "one'"))).ok());  // a held row resolves as always
  EXPECT_EQ(batch.stats().replay_dropped, 1);
  EXPECT_EQ(Live(batch), (std::vector<Row>{R(2, "two", "big-2"), R(1, "one'", "big-1")}));
}

TEST_F(TableBatchTest, WhileReplayingAKeyChangeOfAnAbsentRowOntoAHeldKeyIsDropped) {
  TableBatch batch = Batch();
  batch.SetReplaying(true);
  ASSERT_TRUE(batch.Apply(UpdateKey(7, Toasted(2, "moved"))).ok());
  EXPECT_EQ(batch.stats().replay_dropped, 1);
  EXPECT_EQ(Live(batch), (std::vector<Row>{R(1, "one", "big-1"), R(2, "two", "big-2")}));
}

TEST_F(TableBatchTest, WhileReplayingAKeyChangeOfAnAbsentRowOntoAnAbsentKeyIsDataLoss) {
  TableBatch batch = Batch();
  batch.SetReplaying(true);
  Status status = batch.Apply(UpdateKey(7, Toasted(8, "moved")));
  ASSERT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("start over"), std::string::npos) << status.message();
}

TEST_F(TableBatchTest, PastTheReplayAnUpdateOfAnAbsentRowIsDataLossAgain) {
  TableBatch batch = Batch();
  batch.SetReplaying(true);
  batch.SetReplaying(false);
  EXPECT_EQ(batch.Apply(Update(Toasted(7, "x"))).code(), StatusCode::kDataLoss);
}

TEST_F(TableBatchTest, TruncateDropsWhatCameBeforeAndKeepsWhatComesAfter) {
  TableBatch batch = Batch();
  ASSERT_TRUE(batch.Apply(Update(R(1, "before", "b"))).ok());
  ASSERT_TRUE(batch.Apply(Insert(R(5, "before", "b"))).ok());
  ASSERT_TRUE(batch.Apply(Truncate()).ok());
  ASSERT_TRUE(batch.Apply(Insert(R(2, "after", "a"))).ok());
  EXPECT_TRUE(batch.truncated());
  EXPECT_EQ(Live(batch), (std::vector<Row>{R(2, "after", "a")}));
  for (RowLocation location : batch.deleted()) {
    EXPECT_GE(location.file, batch.first_batch_file());  // the old files are removed whole
  }
  EXPECT_EQ(index_.size(), 1u);
  // Nothing from before the truncate can feed an unchanged TOAST value.
  EXPECT_EQ(batch.Apply(Update(Toasted(1, "x"))).code(), StatusCode::kDataLoss);
}

TEST_F(TableBatchTest, AWidenedKeyFindsRowsWrittenBeforeTheWidening) {
  TableBatch batch = Batch();
  RowChange wide{.kind = ChangeKind::kDelete,
                 .table = Schema(/*wide_key=*/true),
                 .old_kind = OldRow::kKey,
                 .old_row = {Value::Int64(1), Value::Null(), Value::Null()}};
  ASSERT_TRUE(batch.Apply(wide).ok());
  EXPECT_EQ(Live(batch), (std::vector<Row>{R(2, "two", "big-2")}));
}

TEST_F(TableBatchTest, PastTheImageBoundRowsAreReadBackNotLost) {
  TableBatch batch = Batch({.images_bytes_max = 1});
  ASSERT_TRUE(batch.Apply(Insert(R(3, "three", "b3"))).ok());
  ASSERT_TRUE(batch.Apply(Update(Toasted(3, "three'"))).ok());
  EXPECT_EQ(Live(batch),
            (std::vector<Row>{R(1, "one", "big-1"), R(2, "two", "big-2"), R(3, "three'", "b3")}));
  EXPECT_EQ(batch.stats().toast_from_table, 1);
  EXPECT_EQ(files_.reads, 1);
}

TEST_F(TableBatchTest, ANullKeyIsRefusedNamingTheColumn) {
  TableBatch batch = Batch();
  Status status = batch.Apply(Insert({Value::Null(), Value::String("t"), Value::String("b")}));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("\"id\""), std::string::npos);
}

}  // namespace
}  // namespace pg2iceberg::materializer
