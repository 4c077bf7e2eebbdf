// RecordedTypeResolver against a real Postgres (PG2ICEBERG_TEST_PG_CONNINFO; fails when unset):
// the source catalog and the coordinator share the server; each test has its own schemas.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "capture/recorded_type_resolver.h"
#include "env/libpq_connection.h"
#include "stage/pg_coordinator.h"

namespace pg2iceberg::capture {
namespace {

constexpr int32_t kNumeric10x2 = ((10 << 16) | 2) + 4;

class RecordedTypesTest : public ::testing::Test {
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
    const std::string suffix = std::to_string(getpid()) + "_" +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name();
    source_ = QuoteIdentifier("rt_src_" + suffix);
    coordinator_schema_ = "rt_coord_" + suffix;
    TearDown();
    Exec("CREATE SCHEMA " + source_);
    auto coordinator = stage::PgCoordinator::Open(*pg_, coordinator_schema_, "default");
    ASSERT_TRUE(coordinator.ok()) << coordinator.status().ToString();
    coordinator_ = std::move(*coordinator);
  }
  void TearDown() override {
    if (pg_ == nullptr) return;
    Exec("DROP SCHEMA IF EXISTS " + source_ + " CASCADE");
    Exec("DROP SCHEMA IF EXISTS " + QuoteIdentifier(coordinator_schema_) + " CASCADE");
  }
  PgRows Exec(const std::string& sql) {
    Result<PgRows> rows = pg_->Exec(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    return rows.ok() ? *rows : PgRows{};
  }
  uint32_t Oid(const std::string& regtype_or_regclass, const std::string& name) {
    return static_cast<uint32_t>(
        std::stoul(Exec("SELECT '" + source_ + "." + name + "'::" + regtype_or_regclass + "::oid")
                       .rows.at(0)
                       .at(0)
                       .value()));
  }
  std::unique_ptr<RecordedTypeResolver> Load() {
    auto resolver = RecordedTypeResolver::Load(*pg_, *coordinator_, log_);
    EXPECT_TRUE(resolver.ok()) << resolver.status().ToString();
    return resolver.ok() ? std::move(*resolver) : nullptr;
  }

  NullLogger log_;
  LibpqConnector connector_{log_};
  std::unique_ptr<PgConnection> pg_;
  std::string source_;
  std::string coordinator_schema_;
  std::unique_ptr<stage::Coordinator> coordinator_;
};

TEST_F(RecordedTypesTest, ColumnTypesRecordedWhileTheyExistResolveAfterTheyAreDropped) {
  Exec("CREATE DOMAIN " + source_ + ".price AS numeric(10,2); CREATE DOMAIN " + source_ +
       ".price2 AS " + source_ + ".price; CREATE TYPE " + source_ +
       ".mood AS ENUM ('a'); CREATE TABLE " + source_ + ".t (id int, p " + source_ + ".price2, m " +
       source_ + ".mood[], pair int4range)");
  const uint32_t price2 = Oid("regtype", "price2");
  const uint32_t moods = Oid("regtype", "mood[]");
  ASSERT_TRUE(Load()->RecordColumnTypes({Oid("regclass", "t")}).ok());
  EXPECT_EQ(coordinator_->LoadTypes().value().size(), 2u);  // the domain and the enum array only
  Exec("DROP TABLE " + source_ + ".t; DROP DOMAIN " + source_ + ".price2, " + source_ +
       ".price; DROP TYPE " + source_ + ".mood");
  std::unique_ptr<RecordedTypeResolver> resolver = Load();  // a later session
  Result<ResolvedType> price = resolver->Resolve(price2, -1);
  ASSERT_TRUE(price.ok()) << price.status().ToString();
  EXPECT_EQ(price->type_oid, 1700u);
  EXPECT_EQ(price->type_modifier, kNumeric10x2);
  Result<ResolvedType> mood = resolver->Resolve(moods, -1);
  ASSERT_TRUE(mood.ok()) << mood.status().ToString();
  EXPECT_EQ(mood->type_oid, 1009u);  // text[]
}

TEST_F(RecordedTypesTest, AnOidNeverRecordedIsRecordedAtItsFirstResolution) {
  Exec("CREATE TYPE " + source_ + ".mood AS ENUM ('a')");
  const uint32_t mood = Oid("regtype", "mood");
  EXPECT_EQ(Load()->Resolve(mood, -1).value().type_oid, 25u);
  ASSERT_EQ(coordinator_->LoadTypes().value().size(), 1u);
  EXPECT_EQ(coordinator_->LoadTypes().value()[0].type_oid, mood);
}

TEST_F(RecordedTypesTest, AnOidNeitherRecordedNorInPgTypeIsDataLoss) {
  Exec("CREATE DOMAIN " + source_ + ".gone AS int");
  const uint32_t gone = Oid("regtype", "gone");
  Exec("DROP DOMAIN " + source_ + ".gone");
  Result<ResolvedType> resolved = Load()->Resolve(gone, -1);
  ASSERT_EQ(resolved.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(resolved.status().message().find("type oid " + std::to_string(gone) + " "),
            std::string::npos);
  EXPECT_NE(resolved.status().message().find("pg2iceberg cleanup"), std::string::npos);
}

TEST_F(RecordedTypesTest, TheRecordWinsOverTodaysCatalog) {
  Exec("CREATE DOMAIN " + source_ + ".label AS text");
  const uint32_t label = Oid("regtype", "label");
  // What the oid meant when first seen (as if it named another type then).
  ASSERT_TRUE(
      coordinator_
          ->RecordType({.type_oid = label, .resolved_oid = 23, .declared_name = "public.old"})
          .ok());
  EXPECT_EQ(Load()->Resolve(label, -1).value().type_oid, 23u);
}

TEST_F(RecordedTypesTest, AColumnTypeResolvingOtherwiseThanRecordedIsAReusedOid) {
  Exec("CREATE DOMAIN " + source_ + ".label AS text; CREATE TABLE " + source_ + ".t (id int, l " +
       source_ + ".label)");
  const uint32_t label = Oid("regtype", "label");
  ASSERT_TRUE(
      coordinator_
          ->RecordType({.type_oid = label, .resolved_oid = 23, .declared_name = "public.old"})
          .ok());
  Status status = Load()->RecordColumnTypes({Oid("regclass", "t")});
  ASSERT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("re-used"), std::string::npos) << status.ToString();
  // A renamed type decodes as recorded: accepted.
  Exec("ALTER DOMAIN " + source_ + ".label RENAME TO label2");
  ASSERT_TRUE(coordinator_->DeleteGroup().ok());
  ASSERT_TRUE(
      coordinator_
          ->RecordType({.type_oid = label, .resolved_oid = 25, .declared_name = "public.label"})
          .ok());
  EXPECT_TRUE(Load()->RecordColumnTypes({Oid("regclass", "t")}).ok());
}

TEST_F(RecordedTypesTest, ATamperedRecordStopsTheLoad) {
  Exec("CREATE TYPE " + source_ + ".mood AS ENUM ('a')");
  ASSERT_TRUE(Load()->Resolve(Oid("regtype", "mood"), -1).ok());
  Exec("UPDATE " + QuoteIdentifier(coordinator_schema_) + ".types SET resolved_oid = 23");
  EXPECT_EQ(RecordedTypeResolver::Load(*pg_, *coordinator_, log_).status().code(),
            StatusCode::kDataLoss);
}

}  // namespace
}  // namespace pg2iceberg::capture
