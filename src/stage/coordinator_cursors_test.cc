// The materializer's cursors in a real Postgres (PG2ICEBERG_TEST_PG_CONNINFO; fails when unset).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "base/log.h"
#include "env/libpq_connection.h"
#include "env/live_test_util.h"
#include "stage/coordinator.h"

namespace pg2iceberg::stage {
namespace {

class CoordinatorCursorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ConnectLivePostgres(connector_, &pg_));
    schema_ = UniqueTestName("cursors");
    ASSERT_TRUE(pg_->Exec("DROP SCHEMA IF EXISTS " + QuoteIdentifier(schema_) + " CASCADE").ok());
    coordinator_ = std::move(Coordinator::Open(*pg_, schema_, "default").value());
    a_ = coordinator_->RegisterTable("public", "a", 1).value().table_id;
    b_ = coordinator_->RegisterTable("public", "b", 2).value().table_id;
  }
  void TearDown() override { DropTestSchema(pg_.get(), schema_); }

  NullLogger log_;
  LibpqConnector connector_{log_};
  std::unique_ptr<PgConnection> pg_;
  std::string schema_;
  std::unique_ptr<Coordinator> coordinator_;
  int64_t a_ = 0;
  int64_t b_ = 0;
};

TEST_F(CoordinatorCursorsTest, CursorsAreCreatedThenAdvancedFromTheirValueTogether) {
  EXPECT_TRUE(coordinator_->LoadCursors("materializer").value().empty());
  ASSERT_TRUE(coordinator_
                  ->AdvanceCursors("materializer", {{.table_id = a_, .next_offset = 5},
                                                    {.table_id = b_, .next_offset = 0}})
                  .ok());
  ASSERT_TRUE(
      coordinator_
          ->AdvanceCursors("materializer", {{.table_id = a_, .expected = 5, .next_offset = 9},
                                            {.table_id = b_, .expected = 0, .next_offset = 3}})
          .ok());
  EXPECT_EQ(coordinator_->LoadCursors("materializer").value(),
            (std::map<int64_t, int64_t>{{a_, 9}, {b_, 3}}));
  EXPECT_TRUE(coordinator_->LoadCursors("worker-2").value().empty());
}

TEST_F(CoordinatorCursorsTest, AnUnexpectedValueIsAConflictAndMovesNothing) {
  ASSERT_TRUE(coordinator_
                  ->AdvanceCursors("materializer", {{.table_id = a_, .next_offset = 5},
                                                    {.table_id = b_, .next_offset = 5}})
                  .ok());
  Status status = coordinator_->AdvanceCursors("materializer",
                                               {{.table_id = a_, .expected = 5, .next_offset = 8},
                                                {.table_id = b_, .expected = 4, .next_offset = 8}});
  EXPECT_EQ(status.code(), StatusCode::kConflict);
  EXPECT_EQ(coordinator_->LoadCursors("materializer").value(),
            (std::map<int64_t, int64_t>{{a_, 5}, {b_, 5}}));
  EXPECT_EQ(
      coordinator_->AdvanceCursors("materializer", {{.table_id = a_, .next_offset = 6}}).code(),
      StatusCode::kConflict);  // it exists already
}

TEST_F(CoordinatorCursorsTest, AnEditedCursorIsDataLoss) {
  ASSERT_TRUE(
      coordinator_->AdvanceCursors("materializer", {{.table_id = a_, .next_offset = 5}}).ok());
  ASSERT_TRUE(
      pg_->Exec("UPDATE " + QuoteIdentifier(schema_) + ".cursors SET next_offset = 50").ok());
  Result<std::map<int64_t, int64_t>> loaded = coordinator_->LoadCursors("materializer");
  EXPECT_EQ(loaded.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(loaded.status().message().find("checksum"), std::string::npos);
}

}  // namespace
}  // namespace pg2iceberg::stage
