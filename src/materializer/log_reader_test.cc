// ReadTableLog against a real Postgres (PG2ICEBERG_TEST_PG_CONNINFO; fails when unset) holding
// the coordinator, and a local object store holding the segments.
#include "materializer/log_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "base/log.h"
#include "env/libpq_connection.h"
#include "env/live_test_util.h"
#include "env/local_object_store.h"
#include "env/random.h"
#include "stage/segment_upload.h"

namespace pg2iceberg::materializer {
namespace {

using stage::Coordinator;

class LogReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ConnectLivePostgres(connector_, &pg_));
    schema_ = UniqueTestName("log_reader");
    ASSERT_TRUE(pg_->Exec("DROP SCHEMA IF EXISTS " + QuoteIdentifier(schema_) + " CASCADE").ok());
    dir_ = ::testing::TempDir() + schema_;
    store_ = std::move(LocalObjectStore::Open(dir_, random_).value());
    coordinator_ = std::move(Coordinator::Open(*pg_, schema_, "default").value());
    ASSERT_TRUE(coordinator_
                    ->CreateCapture({.system_identifier = "1",
                                     .database = "db",
                                     .slot_name = "s",
                                     .publication_name = "p",
                                     .slot_created_lsn = 1,
                                     .flushed_lsn = 1})
                    .ok());
    table_ = coordinator_->RegisterTable("public", "t", 42).value();
  }
  void TearDown() override {
    DropTestSchema(pg_.get(), schema_);
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Indexes a segment of `count` inserts (ids first_id, first_id + 1, ...) committed at `lsn`.
  void Flush(const std::string& key, int first_id, int count, change::Lsn lsn) {
    auto schema = std::make_shared<change::TableSchema>(
        change::TableSchema{.relid = 42,
                            .schema_name = "public",
                            .table_name = "t",
                            .columns = {{.name = "id", .type_oid = 23, .key = true}}});
    stage::SegmentWriter writer(0);
    for (int i = 0; i < count; ++i) {
      writer.Append({.xid = 1, .commit_lsn = lsn, .end_lsn = lsn + 1},
                    {.kind = change::ChangeKind::kInsert,
                     .table = schema,
                     .new_row = {change::Value::Int32(first_id + i)}});
    }
    stage::DurableSegment segment =
        stage::UploadSegment(*store_, key, writer.Finish().value(), [&](uint32_t) {
          return table_.table_id;
        }).value();
    std::vector<stage::TableState> tables = {table_};
    ASSERT_TRUE(
        coordinator_
            ->CommitFlush({segment}, coordinator_->RecordedFlushed().value(), lsn + 1, tables)
            .ok());
    table_ = tables[0];
  }

  LogReadOptions Options(int64_t from, change::Lsn bound) const {
    return {
        .table_id = table_.table_id, .table_name = "public.t", .from_offset = from, .bound = bound};
  }

  static std::vector<int64_t> Ids(const LogRead& read) {
    std::vector<int64_t> ids;
    for (const LoggedChange& c : read.changes) ids.push_back(c.staged.change.new_row[0].int_value);
    return ids;
  }

  NullLogger log_;
  LibpqConnector connector_{log_};
  SeededRandom random_{3};
  std::unique_ptr<PgConnection> pg_;
  std::string schema_;
  std::string dir_;
  std::unique_ptr<LocalObjectStore> store_;
  std::unique_ptr<Coordinator> coordinator_;
  stage::TableState table_;
};

TEST_F(LogReaderTest, ReadsFromTheCursorAcrossBlocksUpToTheBound) {
  Flush("seg-1", 0, 3, 100);
  Flush("seg-2", 3, 2, 200);
  Flush("seg-3", 5, 2, 300);
  LogRead read = ReadTableLog(*coordinator_, *store_, Options(2, 200)).value();
  EXPECT_TRUE(read.complete);
  EXPECT_EQ(Ids(read), (std::vector<int64_t>{2, 3, 4}));
  ASSERT_EQ(read.changes.size(), 3u);
  EXPECT_EQ(read.changes[0].offset, 2);
  EXPECT_EQ(read.changes[2].offset, 4);
  EXPECT_EQ(read.changes[2].staged.commit.commit_lsn, 200u);

  LogRead rest = ReadTableLog(*coordinator_, *store_, Options(5, 1000)).value();
  EXPECT_TRUE(rest.complete);
  EXPECT_EQ(Ids(rest), (std::vector<int64_t>{5, 6}));
  EXPECT_TRUE(ReadTableLog(*coordinator_, *store_, Options(7, 1000)).value().changes.empty());
}

TEST_F(LogReaderTest, ChangesMaxStopsAfterTheBlockThatPassesIt) {
  Flush("seg-1", 0, 3, 100);
  Flush("seg-2", 3, 2, 200);
  LogReadOptions options = Options(0, 1000);
  options.changes_max = 1;
  LogRead read = ReadTableLog(*coordinator_, *store_, options).value();
  EXPECT_FALSE(read.complete);
  EXPECT_EQ(Ids(read), (std::vector<int64_t>{0, 1, 2}));
}

TEST_F(LogReaderTest, AMissingSegmentIsDataLossNamingTableAndSegment) {
  Flush("seg-1", 0, 3, 100);
  ASSERT_TRUE(store_->Delete({"seg-1"}).ok());
  Status status = ReadTableLog(*coordinator_, *store_, Options(0, 1000)).status();
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("public.t"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("seg-1"), std::string::npos) << status.message();
}

TEST_F(LogReaderTest, ADamagedBlockIsDataLoss) {
  Flush("seg-1", 0, 3, 100);
  Bytes bytes = store_->Get("seg-1").value();
  bytes[bytes.size() / 2] ^= std::byte{0x40};
  ASSERT_TRUE(store_->Delete({"seg-1"}).ok());
  ASSERT_TRUE(store_->Put("seg-1", bytes, {}).ok());
  EXPECT_EQ(ReadTableLog(*coordinator_, *store_, Options(0, 1000)).status().code(),
            StatusCode::kDataLoss);
}

}  // namespace
}  // namespace pg2iceberg::materializer
