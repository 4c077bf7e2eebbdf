// RetirePassedSegments and CheckAndTidyStagingLog against a real Postgres
// (PG2ICEBERG_TEST_PG_CONNINFO; skipped when unset) and a local object store.
#include "stage/staging_janitor.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "env/libpq_connection.h"
#include "env/live_test_util.h"
#include "env/local_object_store.h"
#include "env/random.h"
#include "env/real_clock.h"
#include "stage/segment_upload.h"

namespace pg2iceberg::stage {
namespace {

class StagingJanitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ConnectLivePostgres(connector_, &pg_));
    schema_ = UniqueTestName("janitor");
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

  // Indexes a segment of `count` inserts committed at `lsn`.
  void Flush(const std::string& key, int count, change::Lsn lsn) {
    auto schema = std::make_shared<change::TableSchema>(
        change::TableSchema{.relid = 42,
                            .schema_name = "public",
                            .table_name = "t",
                            .columns = {{.name = "id", .type_oid = 23}}});
    SegmentWriter writer(0);
    for (int i = 0; i < count; ++i) {
      writer.Append({.xid = 1, .commit_lsn = lsn, .end_lsn = lsn + 1},
                    {.kind = change::ChangeKind::kInsert,
                     .table = schema,
                     .new_row = {change::Value::Int32(i)}});
    }
    DurableSegment segment = UploadSegment(*store_, key, writer.Finish().value(), [&](uint32_t) {
                               return table_.table_id;
                             }).value();
    std::vector<TableState> tables = {table_};
    ASSERT_TRUE(
        coordinator_
            ->CommitFlush({segment}, coordinator_->RecordedFlushed().value(), lsn + 1, tables)
            .ok());
    table_ = tables[0];
  }

  GroupLock Lock() {
    return GroupLock::Acquire(*pg_, schema_, "default", {.wait_ms = 0}, clock_, log_).value();
  }

  std::vector<std::string> Keys() {
    std::vector<std::string> keys;
    const std::vector<ObjectInfo> objects = store_->List("stage/").value();
    for (const ObjectInfo& object : objects) keys.push_back(object.key);
    return keys;
  }

  NullLogger log_;
  RealClock clock_;
  LibpqConnector connector_{log_};
  SeededRandom random_{3};
  std::unique_ptr<PgConnection> pg_;
  std::string schema_;
  std::string dir_;
  std::unique_ptr<LocalObjectStore> store_;
  std::unique_ptr<Coordinator> coordinator_;
  TableState table_;
};

TEST_F(StagingJanitorTest, RetiresOnlySegmentsEveryCursorHasPassed) {
  Flush("stage/a.seg", 3, 0x100);
  Flush("stage/b.seg", 2, 0x200);
  EXPECT_EQ(RetirePassedSegments(*coordinator_, *store_).value(), 0);  // no cursor: kept
  ASSERT_TRUE(coordinator_->SetCursor(table_.table_id, "m1", 3).ok());
  ASSERT_TRUE(coordinator_->SetCursor(table_.table_id, "m2", 4).ok());
  EXPECT_EQ(RetirePassedSegments(*coordinator_, *store_).value(), 1);
  EXPECT_EQ(Keys(), std::vector<std::string>{"stage/b.seg"});
  EXPECT_EQ(coordinator_->Segments().value().size(), 1u);
  EXPECT_EQ(coordinator_->BlocksFrom(table_.table_id, 0, 10).value().at(0).first_offset, 3);
  ASSERT_TRUE(coordinator_->SetCursor(table_.table_id, "m1", 5).ok());
  EXPECT_EQ(RetirePassedSegments(*coordinator_, *store_).value(), 0);  // m2 still at 4
  ASSERT_TRUE(coordinator_->SetCursor(table_.table_id, "m2", 5).ok());
  EXPECT_EQ(RetirePassedSegments(*coordinator_, *store_).value(), 1);
  EXPECT_TRUE(Keys().empty());
}

TEST_F(StagingJanitorTest, RemovesOnlyObjectsNoIndexRowNames) {
  GroupLock lock = Lock();
  Flush("stage/indexed.seg", 1, 0x100);
  ASSERT_TRUE(store_->Put("stage/orphan.seg", AsBytes("left by a crash"), {}).ok());
  ASSERT_TRUE(store_->Put("elsewhere/keep", AsBytes("not staging"), {}).ok());
  StagingLogCheck checked = CheckAndTidyStagingLog(*coordinator_, *store_, "stage/", lock).value();
  EXPECT_EQ(checked.indexed, 1);
  EXPECT_EQ(checked.removed_orphans, 1);
  EXPECT_EQ(Keys(), std::vector<std::string>{"stage/indexed.seg"});
  EXPECT_TRUE(store_->Head("elsewhere/keep").ok());
  EXPECT_EQ(CheckAndTidyStagingLog(*coordinator_, *store_, "stage/", lock).value().removed_orphans,
            0);
}

// Regression (issue 11, item 1): start-up verified only the newest segment, so an older indexed
// segment deleted by a second process went unnoticed.
TEST_F(StagingJanitorTest, AMissingIndexedSegmentIsDataLossAndNothingIsDeleted) {
  GroupLock lock = Lock();
  Flush("stage/a.seg", 1, 0x100);
  Flush("stage/b.seg", 1, 0x200);
  Flush("stage/c.seg", 1, 0x300);
  ASSERT_TRUE(store_->Put("stage/orphan.seg", AsBytes("left by a crash"), {}).ok());
  ASSERT_TRUE(store_->Delete({"stage/b.seg"}).ok());
  Result<StagingLogCheck> checked = CheckAndTidyStagingLog(*coordinator_, *store_, "stage/", lock);
  ASSERT_EQ(checked.status().code(), StatusCode::kDataLoss) << checked.status().ToString();
  EXPECT_NE(checked.status().message().find("stage/b.seg"), std::string::npos)
      << checked.status().ToString();
  EXPECT_NE(checked.status().message().find("pg2iceberg cleanup"), std::string::npos);
  EXPECT_TRUE(store_->Head("stage/orphan.seg").ok())
      << "nothing may be deleted once the log is known damaged";
}

TEST_F(StagingJanitorTest, ASegmentOfAnotherSizeIsDataLoss) {
  GroupLock lock = Lock();
  Flush("stage/a.seg", 3, 0x100);
  ASSERT_TRUE(store_->Put("stage/a.seg", AsBytes("truncated"), {}).ok());
  Result<StagingLogCheck> checked = CheckAndTidyStagingLog(*coordinator_, *store_, "stage/", lock);
  ASSERT_EQ(checked.status().code(), StatusCode::kDataLoss) << checked.status().ToString();
  EXPECT_NE(checked.status().message().find("bytes"), std::string::npos)
      << checked.status().ToString();
}

}  // namespace
}  // namespace pg2iceberg::stage
