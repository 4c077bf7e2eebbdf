// Key ranges planned from a real server's sample cover every row exactly once, whatever the key's
// type, collation and arity.
#include <gtest/gtest.h>

#include "base/log.h"
#include "base/parse_number.h"
#include "env/libpq_connection.h"
#include "env/live_test_util.h"
#include "mirror/load_plan.h"

namespace pg2iceberg {
namespace {

class LoadPlanLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ConnectLivePostgres(connector_, &pg_));
    schema_ = UniqueTestName("load_plan");
    ASSERT_TRUE(pg_->Exec("DROP SCHEMA IF EXISTS " + QuoteIdentifier(schema_) + " CASCADE").ok());
    ASSERT_TRUE(pg_->Exec("CREATE SCHEMA " + QuoteIdentifier(schema_)).ok());
  }
  void TearDown() override { DropTestSchema(pg_.get(), schema_); }

  void Sql(const std::string& sql) { ASSERT_TRUE(pg_->Exec(sql).ok()) << sql; }

  pg::SourceTable Table(const std::string& name) {
    return pg::DescribeTable(*pg_, schema_, name).value();
  }

  int64_t Count(const std::string& table, const std::string& where) {
    PgRows rows = pg_->Exec("SELECT count(*)::text FROM " + QuoteIdentifier(schema_) + "." +
                            QuoteIdentifier(table) + (where.empty() ? "" : " WHERE " + where))
                      .value();
    return ParseInt64(*rows.rows[0][0], "count").value();
  }

  // Every row of `table` is in exactly one range of `plan`, and no range holds most rows.
  void ExpectPartition(const std::string& table, const LoadPlan& plan) {
    const int64_t total = Count(table, "");
    int64_t covered = 0;
    for (int64_t r = 0; r < plan.ranges(); ++r) {
      const int64_t in_range = Count(table, RangeCondition(plan, r));
      EXPECT_LT(in_range, total / 2) << "range " << r << " of " << plan.ranges();
      covered += in_range;
    }
    EXPECT_EQ(covered, total);
  }

  NullLogger log_;
  LibpqConnector connector_{log_};
  std::unique_ptr<PgConnection> pg_;
  std::string schema_;
};

TEST_F(LoadPlanLiveTest, ANumericKeyIsSplitInNumericOrderNotTextOrder) {
  const std::string t = QuoteIdentifier(schema_) + ".t";
  ASSERT_NO_FATAL_FAILURE(Sql("CREATE TABLE " + t + " (id bigint PRIMARY KEY, pad text)"));
  ASSERT_NO_FATAL_FAILURE(
      Sql("INSERT INTO " + t + " SELECT g, repeat('x', 100) FROM generate_series(1, 30000) g"));
  pg::SourceTable table = Table("t");
  EXPECT_TRUE(KeyIsIndexed(*pg_, table, {"id"}).value());
  LoadPlan plan = SampleLoadPlan(*pg_, table, {"id"}, 8, 400).value();
  EXPECT_EQ(plan.ranges(), 8);
  ASSERT_NO_FATAL_FAILURE(ExpectPartition("t", plan));
}

TEST_F(LoadPlanLiveTest, ACompositeKeyWithACollationIsSplitAsTheIndexOrdersIt) {
  const std::string t = QuoteIdentifier(schema_) + ".\"Multi Key\"";
  ASSERT_NO_FATAL_FAILURE(Sql("CREATE TABLE " + t +
                              " (tenant text COLLATE \"C\", \"Order\" numeric, at timestamptz, "
                              "PRIMARY KEY (tenant, \"Order\", at))"));
  ASSERT_NO_FATAL_FAILURE(
      Sql("INSERT INTO " + t +
          " SELECT CASE g % 3 WHEN 0 THEN 'a''b' WHEN 1 THEN 'Zed' ELSE 'é' END, g / 7.0, "
          "'2026-01-01 00:00:00.123456+00'::timestamptz + g * interval '1.5 s' "
          "FROM generate_series(1, 30000) g"));
  pg::SourceTable table = Table("Multi Key");
  const std::vector<std::string> key{"tenant", "Order", "at"};
  EXPECT_TRUE(KeyIsIndexed(*pg_, table, key).value());
  EXPECT_FALSE(KeyIsIndexed(*pg_, table, {"Order"}).value());
  LoadPlan plan = SampleLoadPlan(*pg_, table, key, 6, 300).value();
  EXPECT_GT(plan.ranges(), 3);
  ASSERT_NO_FATAL_FAILURE(ExpectPartition("Multi Key", plan));
  // The plan survives its document.
  EXPECT_EQ(DecodeLoadPlan(EncodeLoadPlan(plan)).value(), plan);
}

TEST_F(LoadPlanLiveTest, AnEmptyTableIsOneRange) {
  const std::string t = QuoteIdentifier(schema_) + ".e";
  ASSERT_NO_FATAL_FAILURE(Sql("CREATE TABLE " + t + " (id int PRIMARY KEY)"));
  EXPECT_EQ(SampleLoadPlan(*pg_, Table("e"), {"id"}, 8, 0).value().ranges(), 1);
}

TEST_F(LoadPlanLiveTest, BoundariesThatDoNotAscendAreRefused) {
  const std::string t = QuoteIdentifier(schema_) + ".t";
  ASSERT_NO_FATAL_FAILURE(Sql("CREATE TABLE " + t + " (id bigint PRIMARY KEY)"));
  pg::SourceTable table = Table("t");
  // Ascending as text, not as numbers: what sorting the sample by its text would give.
  LoadPlan plan{.key = {"id"}, .boundaries = {{"100"}, {"20"}, {"300"}}};
  EXPECT_EQ(CheckLoadPlan(*pg_, table, plan).code(), StatusCode::kInternal);
  plan.boundaries = {{"20"}, {"100"}, {"300"}};
  EXPECT_TRUE(CheckLoadPlan(*pg_, table, plan).ok());
}

}  // namespace
}  // namespace pg2iceberg
