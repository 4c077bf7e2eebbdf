// PgCoordinator's Postgres specifics against a real Postgres (PG2ICEBERG_TEST_PG_CONNINFO; fails
// when unset): migrations, rows edited by SQL, row locks. The behaviour every coordinator shares
// is in coordinator_contract.h (pg_coordinator_contract_test.cc). Each test uses its own schema.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "env/libpq_connection.h"
#include "stage/coordinator_test_util.h"
#include "stage/pg_coordinator.h"

namespace pg2iceberg::stage {
namespace {

class CoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
    if (conninfo == nullptr || *conninfo == '\0')
      FAIL() << "PG2ICEBERG_TEST_PG_CONNINFO is not set: a live test fails without its server (run "
                "it under scripts/with_postgres.py, as scripts/test.sh does)";
    pg_ = Connect(conninfo);
    ASSERT_NE(pg_, nullptr);
    schema_ = "coord_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    Exec("DROP SCHEMA IF EXISTS " + QuoteIdentifier(schema_) + " CASCADE");
  }
  void TearDown() override {
    if (pg_ != nullptr) Exec("DROP SCHEMA IF EXISTS " + QuoteIdentifier(schema_) + " CASCADE");
  }
  std::unique_ptr<PgConnection> Connect(const char* conninfo) {
    PgConnectParams params;
    params.conninfo = conninfo;
    auto connection = connector_.Connect(params);
    EXPECT_TRUE(connection.ok()) << connection.status().ToString();
    return connection.ok() ? std::move(*connection) : nullptr;
  }
  PgRows Exec(const std::string& sql) {
    Result<PgRows> rows = pg_->Exec(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    return rows.ok() ? *rows : PgRows{};
  }
  std::unique_ptr<PgCoordinator> Open(std::string group = "default") {
    auto coordinator = PgCoordinator::Open(*pg_, schema_, std::move(group));
    EXPECT_TRUE(coordinator.ok()) << coordinator.status().ToString();
    return coordinator.ok() ? std::move(*coordinator) : nullptr;
  }
  std::string Q() const { return QuoteIdentifier(schema_); }

  static CaptureState Capture() { return TestCapture(); }

  NullLogger log_;
  LibpqConnector connector_{log_};
  std::unique_ptr<PgConnection> pg_;
  std::string schema_;
};

TEST_F(CoordinatorTest, MigrationIsIdempotentAndRecordsTheVersion) {
  EXPECT_EQ(MigrateCoordinator(*pg_, schema_).value(), 0);
  EXPECT_EQ(MigrateCoordinator(*pg_, schema_).value(), kCoordinatorSchemaVersion);
  EXPECT_EQ(Exec("SELECT version FROM " + Q() + ".schema_version").rows.at(0).at(0),
            std::to_string(kCoordinatorSchemaVersion));
  EXPECT_EQ(
      Exec("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema_ + "'").rows.at(0).at(0),
      "8");
}

TEST_F(CoordinatorTest, ANewerSchemaIsRefused) {
  ASSERT_TRUE(MigrateCoordinator(*pg_, schema_).ok());
  Exec("UPDATE " + Q() + ".schema_version SET version = 99");
  Result<int> found = MigrateCoordinator(*pg_, schema_);
  EXPECT_EQ(found.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(found.status().message().find("version 99"), std::string::npos)
      << found.status().ToString();
}

TEST_F(CoordinatorTest, ConcurrentMigrationsAllSucceed) {
  const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
  std::vector<std::unique_ptr<PgConnection>> connections;
  for (int i = 0; i < 4; ++i) connections.push_back(Connect(conninfo));
  std::vector<Status> results(connections.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < connections.size(); ++i) {
    threads.emplace_back(
        [&, i] { results[i] = MigrateCoordinator(*connections[i], schema_).status(); });
  }
  for (auto& thread : threads) thread.join();
  for (const Status& status : results) EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Exec("SELECT version FROM " + Q() + ".schema_version").rows.at(0).at(0),
            std::to_string(kCoordinatorSchemaVersion));
}

TEST_F(CoordinatorTest, ATableAddedLaterKeepsItsStartLsnUnderItsChecksum) {
  auto coordinator = Open();
  std::vector<TableState> added =
      coordinator->RegisterTables({{"public", "late", 7, 0x9000}}).value();
  ASSERT_EQ(added.size(), 1u);
  std::vector<TableState> loaded = coordinator->LoadTables().value();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].added_lsn, 0x9000u);
  Exec("UPDATE " + Q() + ".tables SET added_lsn = '0/8000'");
  EXPECT_EQ(coordinator->LoadTables().status().code(), StatusCode::kDataLoss);
}

TEST_F(CoordinatorTest, AnEditedTableRowFailsItsChecksum) {
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->RegisterTable("public", "orders", 16384).ok());
  Exec("UPDATE " + Q() + ".tables SET relid = 16999");
  auto tables = coordinator->LoadTables();
  ASSERT_EQ(tables.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(tables.status().message().find("public.orders"), std::string::npos);
}

// Regression (issue 11, item 3): the compare-and-set of flushed_lsn was a SELECT, a compare and
// an UPDATE. A delayed commit of an old session moving flushed_lsn to 0x200 slipped between the
// SELECT and the UPDATE of a second session, whose UPDATE then moved it back to 0x150.
TEST_F(CoordinatorTest, AConcurrentFlushedLsnWriterMakesTheCompareAndSetConflict) {
  const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->CreateCapture(Capture()).ok());
  const std::string checksum_at_100 =
      Exec("SELECT checksum FROM " + Q() + ".capture").rows.at(0).at(0).value();
  ASSERT_TRUE(coordinator->AdvanceFlushed(coordinator->RecordedFlushed().value(), 0x200).ok());
  const std::string checksum_at_200 =
      Exec("SELECT checksum FROM " + Q() + ".capture").rows.at(0).at(0).value();
  Exec("UPDATE " + Q() + ".capture SET flushed_lsn = '0/100', checksum = " + checksum_at_100);
  RecordedLsn at_100 = coordinator->RecordedFlushed().value();

  // The old session: moves flushed_lsn to 0x200 and holds its transaction open.
  std::unique_ptr<PgConnection> old_session = Connect(conninfo);
  ASSERT_TRUE(old_session->Exec("BEGIN").ok());
  ASSERT_TRUE(old_session
                  ->Exec("UPDATE " + Q() +
                         ".capture SET flushed_lsn = '0/200', checksum = " + checksum_at_200)
                  .ok());
  // The second session compares against 0x100 (all it can see) and must wait for the row.
  std::unique_ptr<PgConnection> second_session = Connect(conninfo);
  const std::string second_pid =
      second_session->Exec("SELECT pg_backend_pid()").value().rows.at(0).at(0).value();
  auto second = PgCoordinator::Open(*second_session, schema_, "default").value();
  Result<RecordedLsn> advanced = Status::Internal("not run");
  std::thread writer([&] { advanced = second->AdvanceFlushed(at_100, 0x150); });
  bool waiting = false;
  for (int i = 0; i < 500 && !waiting; ++i) {  // at most ~10 s
    waiting = Exec("SELECT 1 FROM pg_stat_activity WHERE pid = " + second_pid +
                   " AND wait_event_type = 'Lock'")
                  .rows.size() == 1;
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(old_session->Exec("COMMIT").ok());
  writer.join();
  EXPECT_TRUE(waiting) << "the second session never waited for the row";
  EXPECT_EQ(advanced.status().code(), StatusCode::kConflict) << advanced.status().ToString();
  EXPECT_EQ(coordinator->LoadCapture().value()->flushed_lsn, 0x200u);
}

TEST_F(CoordinatorTest, AnEditedWatchedFingerprintFailsItsChecksum) {
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->RecordWatched("publication", "publication 1/3").ok());
  Exec("UPDATE " + Q() + ".watched_catalog SET fingerprint = 'publication 1/4'");
  EXPECT_EQ(coordinator->LoadWatched("publication").status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace pg2iceberg::stage
