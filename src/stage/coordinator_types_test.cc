// The coordinator's `types` table against a real Postgres (PG2ICEBERG_TEST_PG_CONNINFO; fails
// when unset): recorded resolutions round-trip, the first recording wins, a tampered row stops
// with kDataLoss, cleanup forgets them, and a version-1 schema gains the table.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "env/libpq_connection.h"
#include "stage/coordinator.h"

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
  std::unique_ptr<Coordinator> Open(std::string group = "default") {
    auto coordinator = Coordinator::Open(*pg_, schema_, std::move(group));
    EXPECT_TRUE(coordinator.ok()) << coordinator.status().ToString();
    return coordinator.ok() ? std::move(*coordinator) : nullptr;
  }
  std::string Q() const { return QuoteIdentifier(schema_); }

  // A domain over numeric(10,2) and an enum, as capture records them.
  static constexpr int32_t kNumeric10x2 = ((10 << 16) | 2) + 4;
  const RecordedType price_{.type_oid = 16500,
                            .resolved_oid = 1700,
                            .type_modifier = kNumeric10x2,
                            .declared_name = "public.price"};
  const RecordedType mood_{
      .type_oid = 16400, .resolved_oid = 25, .type_modifier = -1, .declared_name = "public.mood"};

  NullLogger log_;
  LibpqConnector connector_{log_};
  std::unique_ptr<PgConnection> pg_;
  std::string schema_;
};

TEST_F(CoordinatorTypesTest, RecordedTypesRoundTripPerGroup) {
  auto coordinator = Open();
  ASSERT_NE(coordinator, nullptr);
  EXPECT_TRUE(coordinator->LoadTypes().value().empty());
  EXPECT_EQ(coordinator->RecordType(price_).value(), price_);
  EXPECT_EQ(coordinator->RecordType(mood_).value(), mood_);
  EXPECT_EQ(coordinator->LoadTypes().value(),
            (std::vector<RecordedType>{mood_, price_}));  // by type oid
  EXPECT_TRUE(Open("other")->LoadTypes().value().empty());
}

TEST_F(CoordinatorTypesTest, TheFirstRecordingWins) {
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->RecordType(price_).ok());
  // The same OID later resolving to something else (a re-used OID) never replaces the record.
  RecordedType reused{
      .type_oid = price_.type_oid, .resolved_oid = 23, .declared_name = "public.other"};
  EXPECT_EQ(coordinator->RecordType(reused).value(), price_);
  EXPECT_EQ(coordinator->LoadTypes().value(), (std::vector<RecordedType>{price_}));
  // Another group records its own resolution of the same OID (another cluster's catalog).
  EXPECT_EQ(Open("other")->RecordType(reused).value(), reused);
}

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

TEST_F(CoordinatorTypesTest, DeleteGroupForgetsTheGroupsTypes) {
  auto coordinator = Open();
  auto other = Open("other");
  ASSERT_TRUE(coordinator->RecordType(price_).ok());
  ASSERT_TRUE(other->RecordType(mood_).ok());
  ASSERT_TRUE(coordinator->DeleteGroup().ok());
  EXPECT_TRUE(coordinator->LoadTypes().value().empty());
  EXPECT_EQ(other->LoadTypes().value(), (std::vector<RecordedType>{mood_}));
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
