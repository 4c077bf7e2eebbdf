// The coordinator's `types` table against a real Postgres (PG2ICEBERG_TEST_PG_CONNINFO; fails
// when unset): a row tampered by SQL stops with kDataLoss, and a version-1 schema gains the
// table. How types are recorded is in the contract suite (coordinator_contract.h).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "env/libpq_connection.h"
#include "stage/coordinator_test_util.h"
#include "stage/pg_coordinator.h"

namespace pg2iceberg::stage {
namespace {

class CoordinatorTypesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
    if (conninfo == nullptr || *conninfo == '\0')
      FAIL() << "PG2ICEBERG_TEST_PG_CONNINFO is not set: a live test fails without its "
                "server (run it under scripts/with_postgres.py, as scripts/test.sh does)";
    PgConnectParams params;
    params.conninfo = conninfo;
    auto connection = connector_.Connect(params);
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    pg_ = std::move(*connection);
    schema_ = "coord_types_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    Exec("DROP SCHEMA IF EXISTS " + Q() + " CASCADE");
  }
  void TearDown() override {
    if (pg_ != nullptr) Exec("DROP SCHEMA IF EXISTS " + Q() + " CASCADE");
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

  const RecordedType price_ = kTestPrice;
  const RecordedType mood_ = kTestMood;

  NullLogger log_;
  LibpqConnector connector_{log_};
  std::unique_ptr<PgConnection> pg_;
  std::string schema_;
};

TEST_F(CoordinatorTypesTest, AnEditedTypeRowFailsItsChecksum) {
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->RecordType(price_).ok());
  ASSERT_TRUE(coordinator->RecordType(mood_).ok());
  Exec("UPDATE " + Q() + ".types SET type_modifier = -1 WHERE type_oid = 16500");
  Result<std::vector<RecordedType>> loaded = coordinator->LoadTypes();
  ASSERT_EQ(loaded.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(loaded.status().message().find("type oid 16500"), std::string::npos)
      << loaded.status().ToString();
  EXPECT_NE(loaded.status().message().find("checksum"), std::string::npos)
      << loaded.status().ToString();
  // A recording that meets the tampered row refuses it too, rather than trusting it.
  EXPECT_EQ(coordinator->RecordType(price_).status().code(), StatusCode::kDataLoss);
}

TEST_F(CoordinatorTypesTest, AnEditedDeclaredNameFailsItsChecksum) {
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->RecordType(mood_).ok());
  Exec("UPDATE " + Q() + ".types SET declared_name = 'public.feeling'");
  EXPECT_EQ(coordinator->LoadTypes().status().code(), StatusCode::kDataLoss);
}

TEST_F(CoordinatorTypesTest, AVersionOneSchemaIsMigratedToHoldTypes) {
  ASSERT_TRUE(MigrateCoordinator(*pg_, schema_).ok());
  Exec("DROP TABLE " + Q() + ".types");
  Exec("UPDATE " + Q() + ".schema_version SET version = 1");
  EXPECT_EQ(MigrateCoordinator(*pg_, schema_).value(), 1);
  EXPECT_EQ(Exec("SELECT version FROM " + Q() + ".schema_version").rows.at(0).at(0), "2");
  auto coordinator = Open();
  EXPECT_EQ(coordinator->RecordType(mood_).value(), mood_);
  // The step is idempotent: run again over a schema that has the table, it changes nothing.
  Exec("UPDATE " + Q() + ".schema_version SET version = 1");
  EXPECT_EQ(MigrateCoordinator(*pg_, schema_).value(), 1);
  EXPECT_EQ(coordinator->LoadTypes().value(), (std::vector<RecordedType>{mood_}));
}

}  // namespace
}  // namespace pg2iceberg::stage
