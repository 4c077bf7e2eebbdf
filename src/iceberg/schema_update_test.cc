#include "iceberg/schema_update.h"

#include <gtest/gtest.h>

#include "iceberg/metadata_json.h"

namespace pg2iceberg::iceberg {
namespace {

Type T(TypeId id) { return Type::Primitive(id); }

TEST(IsAllowedPromotionTest, AllowsTheSpecsWideningsOnly) {
  EXPECT_TRUE(IsAllowedPromotion(T(TypeId::kInt), T(TypeId::kInt)));
  EXPECT_TRUE(IsAllowedPromotion(T(TypeId::kInt), T(TypeId::kLong)));
  EXPECT_TRUE(IsAllowedPromotion(T(TypeId::kFloat), T(TypeId::kDouble)));
  EXPECT_TRUE(IsAllowedPromotion(Type::Decimal(20, 2), Type::Decimal(30, 2)));
  EXPECT_TRUE(IsAllowedPromotion(Type::Decimal(20, 2), Type::Decimal(20, 2)));

  EXPECT_FALSE(IsAllowedPromotion(T(TypeId::kLong), T(TypeId::kInt)));
  EXPECT_FALSE(IsAllowedPromotion(T(TypeId::kDouble), T(TypeId::kFloat)));
  EXPECT_FALSE(IsAllowedPromotion(T(TypeId::kInt), T(TypeId::kDouble)));
  EXPECT_FALSE(IsAllowedPromotion(T(TypeId::kString), T(TypeId::kInt)));
  EXPECT_FALSE(IsAllowedPromotion(T(TypeId::kInt), T(TypeId::kString)));
  EXPECT_FALSE(IsAllowedPromotion(Type::Decimal(30, 2), Type::Decimal(20, 2)));
  EXPECT_FALSE(IsAllowedPromotion(Type::Decimal(20, 2), Type::Decimal(30, 3)));
  EXPECT_FALSE(IsAllowedPromotion(T(TypeId::kTimestamp), T(TypeId::kTimestampTz)));
}

Schema Shape(std::vector<Field> fields, std::vector<int> identifiers = {}) {
  Schema schema;
  schema.fields = std::move(fields);
  schema.identifier_field_ids = std::move(identifiers);
  return schema;
}

TableMetadata Table() {
  Result<TableMetadata> metadata = NewTableMetadata(
      Shape({{1, "id", true, T(TypeId::kInt), ""}, {2, "v", false, T(TypeId::kString), ""}}, {1}),
      "file:///wh/t", "9c12d441-03fe-4693-9a96-a0705ddf69c1", {}, 1000);
  CHECK(metadata.ok());
  return *metadata;
}

TEST(WithCurrentSchemaTest, AddsANewSchemaUnderTheNextIdAndKeepsTheOldOne) {
  const TableMetadata base = Table();
  const Schema evolved =
      Shape({{1, "id", true, T(TypeId::kLong), ""}, {3, "w", false, T(TypeId::kDate), ""}}, {1});
  Result<TableMetadata> next = WithCurrentSchema(base, evolved);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  ASSERT_EQ(next->schemas.size(), 2u);
  EXPECT_EQ(next->schemas[0], base.schemas[0]);
  EXPECT_EQ(next->current_schema_id, 1);
  EXPECT_EQ(next->CurrentSchema()->fields, evolved.fields);
  EXPECT_EQ(next->last_column_id, 3);
  EXPECT_EQ(next->last_updated_ms, base.last_updated_ms);
}

TEST(WithCurrentSchemaTest, MetadataFileKeepsEverySchemaAndRoundTrips) {
  Result<TableMetadata> next = WithCurrentSchema(
      Table(),
      Shape({{1, "id", true, T(TypeId::kLong), ""}, {3, "w", false, T(TypeId::kDate), ""}}, {1}));
  ASSERT_TRUE(next.ok());
  const std::string json = TableMetadataToJsonString(*next);
  EXPECT_NE(json.find(R"("last-column-id":3)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("current-schema-id":1)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("schemas":[{"type":"struct","schema-id":0,"identifier-field-ids":[1],)"
                      R"("fields":[{"id":1,"name":"id","required":true,"type":"int"},)"
                      R"({"id":2,"name":"v","required":false,"type":"string"}]},)"
                      R"({"type":"struct","schema-id":1,"identifier-field-ids":[1],)"
                      R"("fields":[{"id":1,"name":"id","required":true,"type":"long"},)"
                      R"({"id":3,"name":"w","required":false,"type":"date"}]}])"),
            std::string::npos)
      << json;
  Result<TableMetadata> parsed = TableMetadataFromJsonString(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, *next);
}

TEST(WithCurrentSchemaTest, NeverLowersLastColumnId) {
  const TableMetadata base = Table();
  Result<TableMetadata> next =
      WithCurrentSchema(base, Shape({{1, "id", true, T(TypeId::kInt), ""}}, {1}));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->current_schema_id, 1);
  EXPECT_EQ(next->last_column_id, 2);
}

TEST(WithCurrentSchemaTest, ReusesAnEqualSchemaItAlreadyHas) {
  const TableMetadata base = Table();
  Schema renamed = base.schemas[0];
  renamed.fields[1].name = "w";
  Result<TableMetadata> once = WithCurrentSchema(base, renamed);
  ASSERT_TRUE(once.ok());
  Schema back = base.schemas[0];
  back.schema_id = 42;  // ignored
  Result<TableMetadata> twice = WithCurrentSchema(*once, back);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->schemas.size(), 2u);
  EXPECT_EQ(twice->current_schema_id, 0);
  Result<TableMetadata> same = WithCurrentSchema(base, base.schemas[0]);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, base);
}

TEST(WithCurrentSchemaTest, IdentifierFieldsCountAsPartOfTheShape) {
  const TableMetadata base = Table();
  Schema keyless = base.schemas[0];
  keyless.identifier_field_ids.clear();
  Result<TableMetadata> next = WithCurrentSchema(base, keyless);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->schemas.size(), 2u);
  EXPECT_TRUE(next->CurrentSchema()->identifier_field_ids.empty());
}

TEST(WithCurrentSchemaTest, RejectsAnInvalidSchema) {
  const Schema optional_key = Shape({{1, "id", false, T(TypeId::kInt), ""}}, {1});
  EXPECT_EQ(WithCurrentSchema(Table(), optional_key).status().code(), StatusCode::kInvalidArgument);
  const Schema duplicate =
      Shape({{1, "a", false, T(TypeId::kInt), ""}, {1, "b", false, T(TypeId::kInt), ""}});
  EXPECT_EQ(WithCurrentSchema(Table(), duplicate).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
