// RetirePassedSegments and CheckAndTidyStagingLog against a real Postgres
// (PG2ICEBERG_TEST_PG_CONNINFO; fails when unset) and a local object store.
#include "stage/staging_janitor.h"

#include <gtest/gtest.h>

#include "env/real_clock.h"
#include "stage/staging_log_test_util.h"

namespace pg2iceberg::stage {
namespace {

class StagingJanitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(stage_.Start("janitor"));
    table_ = stage_.Register("t", 42);
  }
  void TearDown() override { stage_.Stop(); }

  // Indexes a segment of `count` inserts committed at `lsn`.
  void Flush(const std::string& key, int count, change::Lsn lsn) {
    auto schema = std::make_shared<change::TableSchema>(
        change::TableSchema{.relid = 42,
                            .schema_name = "public",
                            .table_name = "t",
                            .columns = {{.name = "id", .type_oid = 23}}});
    std::vector<std::pair<change::CommitInfo, change::RowChange>> changes;
    for (int i = 0; i < count; ++i) {
      changes.push_back({{.xid = 1, .commit_lsn = lsn, .end_lsn = lsn + 1},
                         {.kind = change::ChangeKind::kInsert,
                          .table = schema,
                          .new_row = {change::Value::Int32(i)}}});
    }
    ASSERT_NO_FATAL_FAILURE(stage_.Index(key, changes));
    table_ = stage_.table(42);
  }

  GroupLock Lock() {
    return GroupLock::Acquire(*stage_.pg, stage_.schema, "default", {.wait_ms = 0}, clock_, log_)
        .value();
  }

  std::vector<std::string> Keys() {
    std::vector<std::string> keys;
    const std::vector<ObjectInfo> objects = stage_.staging->List("stage/").value();
    for (const ObjectInfo& object : objects) keys.push_back(object.key);
    return keys;
  }

  StagingLogFixture stage_;
  NullLogger log_;
  RealClock clock_;
  TableState table_;
};

TEST_F(StagingJanitorTest, RetiresOnlySegmentsEveryCursorHasPassed) {
  Flush("stage/a.seg", 3, 0x100);
  Flush("stage/b.seg", 2, 0x200);
  EXPECT_EQ(RetirePassedSegments(*stage_.coordinator, *stage_.staging).value(),
            0);  // no cursor: kept
  ASSERT_TRUE(stage_.coordinator->SetCursor(table_.table_id, "m1", 3).ok());
  ASSERT_TRUE(stage_.coordinator->SetCursor(table_.table_id, "m2", 4).ok());
  EXPECT_EQ(RetirePassedSegments(*stage_.coordinator, *stage_.staging).value(), 1);
  EXPECT_EQ(Keys(), std::vector<std::string>{"stage/b.seg"});
  EXPECT_EQ(stage_.coordinator->Segments().value().size(), 1u);
  EXPECT_EQ(stage_.coordinator->BlocksFrom(table_.table_id, 0, 10).value().at(0).first_offset, 3);
  ASSERT_TRUE(stage_.coordinator->SetCursor(table_.table_id, "m1", 5).ok());
  EXPECT_EQ(RetirePassedSegments(*stage_.coordinator, *stage_.staging).value(),
            0);  // m2 still at 4
  ASSERT_TRUE(stage_.coordinator->SetCursor(table_.table_id, "m2", 5).ok());
  EXPECT_EQ(RetirePassedSegments(*stage_.coordinator, *stage_.staging).value(), 1);
  EXPECT_TRUE(Keys().empty());
}

TEST_F(StagingJanitorTest, RemovesOnlyObjectsNoIndexRowNames) {
  GroupLock lock = Lock();
  Flush("stage/indexed.seg", 1, 0x100);
  ASSERT_TRUE(stage_.staging->Put("stage/orphan.seg", AsBytes("left by a crash"), {}).ok());
  ASSERT_TRUE(stage_.staging->Put("elsewhere/keep", AsBytes("not staging"), {}).ok());
  StagingLogCheck checked =
      CheckAndTidyStagingLog(*stage_.coordinator, *stage_.staging, "stage/", lock).value();
  EXPECT_EQ(checked.indexed, 1);
  EXPECT_EQ(checked.removed_orphans, 1);
  EXPECT_EQ(Keys(), std::vector<std::string>{"stage/indexed.seg"});
  EXPECT_TRUE(stage_.staging->Head("elsewhere/keep").ok());
  EXPECT_EQ(CheckAndTidyStagingLog(*stage_.coordinator, *stage_.staging, "stage/", lock)
                .value()
                .removed_orphans,
            0);
}

// Regression (issue 11, item 1): start-up verified only the newest segment, so an older indexed
// segment deleted by a second process went unnoticed.
TEST_F(StagingJanitorTest, AMissingIndexedSegmentIsDataLossAndNothingIsDeleted) {
  GroupLock lock = Lock();
  Flush("stage/a.seg", 1, 0x100);
  Flush("stage/b.seg", 1, 0x200);
  Flush("stage/c.seg", 1, 0x300);
  ASSERT_TRUE(stage_.staging->Put("stage/orphan.seg", AsBytes("left by a crash"), {}).ok());
  ASSERT_TRUE(stage_.staging->Delete({"stage/b.seg"}).ok());
  Result<StagingLogCheck> checked =
      CheckAndTidyStagingLog(*stage_.coordinator, *stage_.staging, "stage/", lock);
  ASSERT_EQ(checked.status().code(), StatusCode::kDataLoss) << checked.status().ToString();
  EXPECT_NE(checked.status().message().find("stage/b.seg"), std::string::npos)
      << checked.status().ToString();
  EXPECT_NE(checked.status().message().find("pg2iceberg cleanup"), std::string::npos);
  EXPECT_TRUE(stage_.staging->Head("stage/orphan.seg").ok())
      << "nothing may be deleted once the log is known damaged";
}

TEST_F(StagingJanitorTest, ASegmentOfAnotherSizeIsDataLoss) {
  GroupLock lock = Lock();
  Flush("stage/a.seg", 3, 0x100);
  ASSERT_TRUE(stage_.staging->Put("stage/a.seg", AsBytes("truncated"), {}).ok());
  Result<StagingLogCheck> checked =
      CheckAndTidyStagingLog(*stage_.coordinator, *stage_.staging, "stage/", lock);
  ASSERT_EQ(checked.status().code(), StatusCode::kDataLoss) << checked.status().ToString();
  EXPECT_NE(checked.status().message().find("bytes"), std::string::npos)
      << checked.status().ToString();
}

}  // namespace
}  // namespace pg2iceberg::stage
