// ReadTableLog against a real Postgres (PG2ICEBERG_TEST_PG_CONNINFO; fails when unset) holding
// the coordinator, and a local object store holding the segments.
#include "materializer/log_reader.h"

#include <gtest/gtest.h>

#include "stage/staging_log_test_util.h"

namespace pg2iceberg::materializer {
namespace {

class LogReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(log_.Start("log_reader"));
    table_ = log_.Register("t", 42);
  }
  void TearDown() override { log_.Stop(); }

  // Indexes a segment of `count` inserts (ids first_id, first_id + 1, ...) committed at `lsn`.
  void Flush(const std::string& key, int first_id, int count, change::Lsn lsn) {
    auto schema = std::make_shared<change::TableSchema>(
        change::TableSchema{.relid = 42,
                            .schema_name = "public",
                            .table_name = "t",
                            .columns = {{.name = "id", .type_oid = 23, .key = true}}});
    std::vector<std::pair<change::CommitInfo, change::RowChange>> changes;
    for (int i = 0; i < count; ++i) {
      changes.push_back({{.xid = 1, .commit_lsn = lsn, .end_lsn = lsn + 1},
                         {.kind = change::ChangeKind::kInsert,
                          .table = schema,
                          .new_row = {change::Value::Int32(first_id + i)}}});
    }
    ASSERT_NO_FATAL_FAILURE(log_.Index(key, changes));
  }

  Result<LogRead> Read(const LogReadOptions& options) {
    return ReadTableLog(*log_.coordinator, *log_.staging, options);
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

  stage::StagingLogFixture log_;
  stage::TableState table_;
};

TEST_F(LogReaderTest, ReadsFromTheCursorAcrossBlocksUpToTheBound) {
  Flush("seg-1", 0, 3, 100);
  Flush("seg-2", 3, 2, 200);
  Flush("seg-3", 5, 2, 300);
  LogRead read = Read(Options(2, 200)).value();
  EXPECT_TRUE(read.complete);
  EXPECT_EQ(Ids(read), (std::vector<int64_t>{2, 3, 4}));
  ASSERT_EQ(read.changes.size(), 3u);
  EXPECT_EQ(read.changes[0].offset, 2);
  EXPECT_EQ(read.changes[2].offset, 4);
  EXPECT_EQ(read.changes[2].staged.commit.commit_lsn, 200u);

  LogRead rest = Read(Options(5, 1000)).value();
  EXPECT_TRUE(rest.complete);
  EXPECT_EQ(Ids(rest), (std::vector<int64_t>{5, 6}));
  EXPECT_TRUE(Read(Options(7, 1000)).value().changes.empty());
}

TEST_F(LogReaderTest, ChangesMaxStopsAfterTheBlockThatPassesIt) {
  Flush("seg-1", 0, 3, 100);
  Flush("seg-2", 3, 2, 200);
  LogReadOptions options = Options(0, 1000);
  options.changes_max = 1;
  LogRead read = Read(options).value();
  EXPECT_FALSE(read.complete);
  EXPECT_EQ(Ids(read), (std::vector<int64_t>{0, 1, 2}));
}

TEST_F(LogReaderTest, AMissingSegmentIsDataLossNamingTableAndSegment) {
  Flush("seg-1", 0, 3, 100);
  ASSERT_TRUE(log_.staging->Delete({"seg-1"}).ok());
  Status status = Read(Options(0, 1000)).status();
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("public.t"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("seg-1"), std::string::npos) << status.message();
}

TEST_F(LogReaderTest, ADamagedBlockIsDataLoss) {
  Flush("seg-1", 0, 3, 100);
  Bytes bytes = log_.staging->Get("seg-1").value();
  bytes[bytes.size() / 2] ^= std::byte{0x40};
  ASSERT_TRUE(log_.staging->Delete({"seg-1"}).ok());
  ASSERT_TRUE(log_.staging->Put("seg-1", bytes, {}).ok());
  EXPECT_EQ(Read(Options(0, 1000)).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace pg2iceberg::materializer
