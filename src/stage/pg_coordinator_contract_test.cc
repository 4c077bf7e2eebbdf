// The Coordinator contract (stage/coordinator_contract.h) against PgCoordinator in a real
// Postgres (PG2ICEBERG_TEST_PG_CONNINFO; every test fails when it is unset). Each test gets a
// fresh coordinator schema; the outside edits are SQL UPDATEs that leave the checksum.
#include <gtest/gtest.h>

#include "base/log.h"
#include "env/libpq_connection.h"
#include "env/live_test_util.h"
#include "stage/coordinator_contract.h"
#include "stage/pg_coordinator.h"

namespace pg2iceberg::stage {
namespace {

class PgHarness {
 public:
  ~PgHarness() { DropTestSchema(pg_.get(), schema_); }

  void Start() {
    ASSERT_NO_FATAL_FAILURE(ConnectLivePostgres(connector_, &pg_));
    schema_ = UniqueTestName("coord_contract");
    DropTestSchema(pg_.get(), schema_);
  }
  std::unique_ptr<Coordinator> Open(const std::string& group) {
    Result<std::unique_ptr<PgCoordinator>> opened = PgCoordinator::Open(*pg_, schema_, group);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(*opened) : nullptr;
  }

  void EditFlushedLsn(const std::string& group, change::Lsn lsn) {
    Update("capture SET flushed_lsn = " + QuoteLiteral(change::FormatLsn(lsn)) +
           " WHERE group_name = " + QuoteLiteral(group));
  }
  void EditNextOffset(int64_t table_id, int64_t next_offset) {
    Update("tables SET next_offset = " + std::to_string(next_offset) +
           " WHERE table_id = " + std::to_string(table_id));
  }
  void EditChangeCount(int64_t table_id, int64_t first_offset, int64_t change_count) {
    Update("segment_blocks SET change_count = " + std::to_string(change_count) +
           " WHERE table_id = " + std::to_string(table_id) +
           " AND first_offset = " + std::to_string(first_offset));
  }
  void EditCursor(int64_t table_id, const std::string& consumer, int64_t next_offset) {
    Update("cursors SET next_offset = " + std::to_string(next_offset) + " WHERE table_id = " +
           std::to_string(table_id) + " AND consumer = " + QuoteLiteral(consumer));
  }

 private:
  // "UPDATE <schema>.<rest>", which must change one row.
  void Update(const std::string& rest) {
    Result<PgRows> rows =
        pg_->Exec("UPDATE " + QuoteIdentifier(schema_) + "." + rest + " RETURNING 1");
    ASSERT_TRUE(rows.ok()) << rest << ": " << rows.status().ToString();
    ASSERT_EQ(rows->rows.size(), 1u) << rest;
  }

  NullLogger log_;
  LibpqConnector connector_{log_};
  std::unique_ptr<PgConnection> pg_;
  std::string schema_;
};

INSTANTIATE_TYPED_TEST_SUITE_P(PgCoordinator, CoordinatorContractTest, ::testing::Types<PgHarness>);

}  // namespace
}  // namespace pg2iceberg::stage
