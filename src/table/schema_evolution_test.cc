#include "table/schema_evolution.h"

#include <gtest/gtest.h>

namespace pg2iceberg {
namespace {

using iceberg::Field;
using iceberg::Type;
using iceberg::TypeId;

Type T(TypeId id) { return Type::Primitive(id); }

SourceColumn Column(int attnum, std::string name, Type type, bool not_null = false,
                    bool key = false) {
  return SourceColumn{attnum, std::move(name), "pg", type, not_null, key};
}

// id integer PRIMARY KEY, amount numeric(20,2), note text, n integer, r real: field ids 1..5.
std::vector<SourceColumn> Original() {
  return {Column(1, "id", T(TypeId::kInt), true, true), Column(2, "amount", Type::Decimal(20, 2)),
          Column(3, "note", T(TypeId::kString)), Column(4, "n", T(TypeId::kInt)),
          Column(5, "r", T(TypeId::kFloat))};
}

struct Table {
  iceberg::Schema schema;
  int last_column_id;
  FieldIdMap ids;
};

Table Created() {
  EvolvedSchema created = NewTableSchema(Original());
  return {created.schema, created.schema.HighestFieldId(), created.field_ids};
}

Result<EvolvedSchema> Evolve(const Table& table, const std::vector<SourceColumn>& columns) {
  return EvolveSchema("public.t", table.schema, table.last_column_id, table.ids, columns);
}

TEST(FieldIdsPropertyTest, RoundTripsAndRejectsMalformedText) {
  const FieldIdMap ids{{1, 1}, {2, 7}, {10, 3}};
  EXPECT_EQ(FormatFieldIds(ids), "1:1,2:7,10:3");
  Result<FieldIdMap> parsed = ParseFieldIds("1:1,2:7,10:3");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, ids);
  EXPECT_EQ(FormatFieldIds({}), "");
  ASSERT_TRUE(ParseFieldIds("").ok());
  EXPECT_TRUE(ParseFieldIds("")->empty());
  for (const char* bad :
       {"1", "1:", ":1", "a:1", "1:1,", "0:1", "1:-2", "1:1,1:2", "1:1,2:1", "1:1 "}) {
    EXPECT_EQ(ParseFieldIds(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(NewTableSchemaTest, NumbersFieldsInColumnOrderWithTheKeyAsIdentifier) {
  const EvolvedSchema created = NewTableSchema(Original());
  ASSERT_EQ(created.schema.fields.size(), 5u);
  EXPECT_EQ(created.schema.fields[0], (Field{1, "id", true, T(TypeId::kInt), ""}));
  EXPECT_EQ(created.schema.fields[4], (Field{5, "r", false, T(TypeId::kFloat), ""}));
  EXPECT_EQ(created.schema.identifier_field_ids, std::vector<int>{1});
  EXPECT_EQ(created.field_ids, (FieldIdMap{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}}));
  EXPECT_TRUE(created.changes.empty());
}

TEST(EvolveSchemaTest, UnchangedSourceKeepsTheSchema) {
  const Table table = Created();
  Result<EvolvedSchema> evolved = Evolve(table, Original());
  ASSERT_TRUE(evolved.ok()) << evolved.status().ToString();
  EXPECT_EQ(evolved->schema.fields, table.schema.fields);
  EXPECT_EQ(evolved->schema.identifier_field_ids, table.schema.identifier_field_ids);
  EXPECT_EQ(evolved->field_ids, table.ids);
  EXPECT_TRUE(evolved->changes.empty());
}

TEST(EvolveSchemaTest, AddDropRenameAndPromote) {
  const Table table = Created();
  // note dropped; n renamed to count and widened to bigint; amount numeric(30,2); r double;
  // d added (attnum 6).
  const std::vector<SourceColumn> columns = {
      Column(1, "id", T(TypeId::kInt), true, true), Column(2, "amount", Type::Decimal(30, 2)),
      Column(4, "count", T(TypeId::kLong)), Column(5, "r", T(TypeId::kDouble)),
      Column(6, "d", T(TypeId::kDate), /*not_null=*/true)};
  Result<EvolvedSchema> evolved = Evolve(table, columns);
  ASSERT_TRUE(evolved.ok()) << evolved.status().ToString();
  const std::vector<Field> expected = {
      {1, "id", true, T(TypeId::kInt), ""},
      {2, "amount", false, Type::Decimal(30, 2), ""},
      {4, "count", false, T(TypeId::kLong), ""},
      {5, "r", false, T(TypeId::kDouble), ""},
      {6, "d", false, T(TypeId::kDate), ""}};  // added columns are optional
  EXPECT_EQ(evolved->schema.fields, expected);
  EXPECT_EQ(evolved->schema.identifier_field_ids, std::vector<int>{1});
  EXPECT_EQ(evolved->field_ids, (FieldIdMap{{1, 1}, {2, 2}, {4, 4}, {5, 5}, {6, 6}}));
  EXPECT_EQ(evolved->changes.size(), 6u);
}

TEST(EvolveSchemaTest, DroppedAndReAddedColumnGetsANewIdAndIdsAreNeverReused) {
  Table table = Created();
  table.last_column_id = 9;  // ids up to 9 were used once, by columns dropped since
  std::vector<SourceColumn> columns = Original();
  columns[2].attnum = 6;  // note dropped and added again
  Result<EvolvedSchema> evolved = Evolve(table, columns);
  ASSERT_TRUE(evolved.ok());
  EXPECT_EQ(evolved->schema.fields[2], (Field{10, "note", false, T(TypeId::kString), ""}));
  EXPECT_EQ(evolved->field_ids.at(6), 10);
  EXPECT_FALSE(evolved->field_ids.contains(3));
  EXPECT_EQ(evolved->schema.FindById(3), nullptr);
}

TEST(EvolveSchemaTest, RenameSwapFollowsAttnumsNotNames) {
  const Table table = Created();
  std::vector<SourceColumn> columns = Original();
  columns[3].name = "r";  // attnum 4 (integer) is now called r
  columns[4].name = "n";  // attnum 5 (real) is now called n
  Result<EvolvedSchema> evolved = Evolve(table, columns);
  ASSERT_TRUE(evolved.ok()) << evolved.status().ToString();
  EXPECT_EQ(evolved->schema.fields[3], (Field{4, "r", false, T(TypeId::kInt), ""}));
  EXPECT_EQ(evolved->schema.fields[4], (Field{5, "n", false, T(TypeId::kFloat), ""}));
}

TEST(EvolveSchemaTest, WithoutTheMapColumnsAreMatchedByName) {
  const Table table = Created();
  std::vector<SourceColumn> columns = Original();
  for (SourceColumn& column : columns) column.attnum += 20;  // attnums say nothing
  columns[3].name = "m";  // a rename cannot be told from drop + add
  Result<EvolvedSchema> evolved =
      EvolveSchema("public.t", table.schema, table.last_column_id, std::nullopt, columns);
  ASSERT_TRUE(evolved.ok());
  EXPECT_EQ(evolved->schema.fields[0].id, 1);
  EXPECT_EQ(evolved->schema.fields[2].id, 3);
  EXPECT_EQ(evolved->schema.fields[3], (Field{6, "m", false, T(TypeId::kInt), ""}));
  EXPECT_EQ(evolved->field_ids, (FieldIdMap{{21, 1}, {22, 2}, {23, 3}, {24, 6}, {25, 5}}));
}

TEST(EvolveSchemaTest, NullabilityOnlyLoosens) {
  const Table table = Created();
  std::vector<SourceColumn> columns = Original();
  columns[0].key = false;
  columns[0].not_null = false;  // id lost its key and NOT NULL
  columns[2].not_null = true;   // note became NOT NULL: stays optional
  Result<EvolvedSchema> evolved = Evolve(table, columns);
  ASSERT_TRUE(evolved.ok()) << evolved.status().ToString();
  EXPECT_FALSE(evolved->schema.fields[0].required);
  EXPECT_FALSE(evolved->schema.fields[2].required);
  EXPECT_TRUE(evolved->schema.identifier_field_ids.empty());
}

TEST(EvolveSchemaTest, RefusesChangesIcebergCannotApply) {
  const Table table = Created();
  auto refused = [&](std::vector<SourceColumn> columns) {
    Result<EvolvedSchema> evolved = Evolve(table, columns);
    EXPECT_EQ(evolved.status().code(), StatusCode::kInvalidArgument);
    return evolved.status().message();
  };
  std::vector<SourceColumn> columns = Original();
  columns[2].type = T(TypeId::kInt);
  columns[2].pg_type = "integer";
  const std::string text_to_int = refused(columns);
  EXPECT_NE(text_to_int.find("public.t, column \"note\""), std::string::npos) << text_to_int;
  EXPECT_NE(text_to_int.find("from string to int (Postgres integer)"), std::string::npos);
  EXPECT_NE(text_to_int.find("drop the Iceberg table"), std::string::npos);

  columns = Original();
  columns[1].type = Type::Decimal(30, 3);  // scale change
  EXPECT_NE(refused(columns).find("decimal(20,2) to decimal(30,3)"), std::string::npos);
  columns = Original();
  columns[3].type = T(TypeId::kLong);
  columns[0].type = T(TypeId::kLong);
  columns[1].type = Type::Decimal(10, 2);  // narrowing
  EXPECT_NE(refused(columns).find("\"amount\""), std::string::npos);
  columns = Original();
  columns[2].key = true;  // key on an optional field
  columns[2].not_null = true;
  EXPECT_NE(refused(columns).find("primary key"), std::string::npos);
  columns = Original();
  columns.push_back(Column(6, "k2", T(TypeId::kInt), true, true));  // key on a new column
  EXPECT_NE(refused(columns).find("primary key"), std::string::npos);
}

// As type_mapping maps arrays: list<T> with element id 0 until a schema numbers it.
Type ListOf(Type element) { return Type::List(0, false, element); }

TEST(EvolveSchemaTest, ListElementIdsFollowTheColumnsAndAreKept) {
  const std::vector<SourceColumn> columns = {Column(1, "id", T(TypeId::kInt), true, true),
                                             Column(2, "xs", ListOf(T(TypeId::kLong))),
                                             Column(3, "ys", ListOf(T(TypeId::kString)))};
  EvolvedSchema created = NewTableSchema(columns);
  EXPECT_EQ(created.schema.fields[1].type, Type::List(4, false, T(TypeId::kLong)));
  EXPECT_EQ(created.schema.fields[2].type, Type::List(5, false, T(TypeId::kString)));
  const Table table{created.schema, created.schema.HighestFieldId(), created.field_ids};
  EXPECT_EQ(table.last_column_id, 5);

  Result<EvolvedSchema> same = Evolve(table, columns);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same->schema.fields, created.schema.fields);
  EXPECT_TRUE(same->changes.empty());

  std::vector<SourceColumn> added = columns;
  added.push_back(Column(4, "zs", ListOf(T(TypeId::kInt))));
  Result<EvolvedSchema> evolved = Evolve(table, added);
  ASSERT_TRUE(evolved.ok()) << evolved.status().ToString();
  EXPECT_EQ(evolved->schema.fields[3].id, 6);
  EXPECT_EQ(evolved->schema.fields[3].type, Type::List(7, false, T(TypeId::kInt)));

  std::vector<SourceColumn> retyped = columns;
  retyped[1].type = ListOf(T(TypeId::kString));
  EXPECT_EQ(Evolve(table, retyped).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg
