// DescribeTable's parsing of catalog rows: a non-number where pg_class or pg_attribute hold a
// number is kInternal naming the column and the text (it was read as 0 before).
#include "pg/table_discovery.h"

#include <gtest/gtest.h>

#include "pg/scripted_connection_test_util.h"

namespace pg2iceberg::pg {
namespace {

using testing::ScriptedConnection;

PgRows TableRow(std::string oid) {
  return {.column_names = {"oid", "relkind"}, .rows = {{std::move(oid), "r"}}};
}

PgRows ColumnRow(std::string type_oid, std::string type_modifier, std::string attnum) {
  return {
      .column_names = {"attname", "atttypid", "atttypmod", "attnotnull", "format_type", "attnum"},
      .rows = {{"id", std::move(type_oid), std::move(type_modifier), "true", "integer",
                std::move(attnum)}}};
}

PgRows KeyRow() { return {.column_names = {"attname"}, .rows = {{"id"}}}; }

TEST(TableDiscoveryTest, ReadsWellFormedCatalogRows) {
  ScriptedConnection connection({TableRow("16384"), ColumnRow("23", "-1", "1"), KeyRow()});
  Result<SourceTable> table = DescribeTable(connection, "public", "orders");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->oid, 16384u);
  ASSERT_EQ(table->columns.size(), 1u);
  EXPECT_EQ(table->columns[0].type_oid, 23u);
  EXPECT_EQ(table->columns[0].type_modifier, -1);
  EXPECT_EQ(table->columns[0].attnum, 1);
  EXPECT_EQ(table->primary_key, std::vector<std::string>{"id"});
}

TEST(TableDiscoveryTest, AGarbageTableOidIsAnError) {
  ScriptedConnection connection({TableRow("oid?")});
  Result<SourceTable> table = DescribeTable(connection, "public", "orders");
  EXPECT_EQ(table.status().code(), StatusCode::kInternal);
  EXPECT_EQ(table.status().message(),
            "pg_class.oid of public.orders is not an unsigned integer: \"oid?\"");
}

TEST(TableDiscoveryTest, GarbageInAColumnRowIsAnErrorNamingTheColumn) {
  for (const PgRows& bad : {ColumnRow("int4", "-1", "1"), ColumnRow("23", "-1x", "1"),
                            ColumnRow("23", "-1", "99999999999")}) {
    ScriptedConnection connection({TableRow("16384"), bad, KeyRow()});
    Result<SourceTable> table = DescribeTable(connection, "public", "orders");
    ASSERT_FALSE(table.ok());
    EXPECT_EQ(table.status().code(), StatusCode::kInternal);
    EXPECT_NE(table.status().message().find("of column \"id\""), std::string::npos)
        << table.status().ToString();
  }
}

}  // namespace
}  // namespace pg2iceberg::pg
