#include "iceberg/schema_json.h"

#include <gtest/gtest.h>

namespace pg2iceberg::iceberg {
namespace {

Schema SmallSchema() {
  Schema schema;
  schema.schema_id = 0;
  schema.fields = {
      {1, "id", true, Type::Primitive(TypeId::kLong), ""},
      {2, "name", false, Type::Primitive(TypeId::kString), "customer name"},
      {3, "amount", false, Type::Decimal(10, 2), ""},
      {4, "created_at", false, Type::Primitive(TypeId::kTimestampTz), ""},
  };
  schema.identifier_field_ids = {1};
  return schema;
}

constexpr std::string_view kSmallSchemaJson =
    R"({"type":"struct","schema-id":0,"identifier-field-ids":[1],"fields":[)"
    R"({"id":1,"name":"id","required":true,"type":"long"},)"
    R"({"id":2,"name":"name","required":false,"type":"string","doc":"customer name"},)"
    R"js({"id":3,"name":"amount","required":false,"type":"decimal(10,2)"},)js"
    R"({"id":4,"name":"created_at","required":false,"type":"timestamptz"}]})";

TEST(SchemaJsonTest, WritesTheSpecForm) {
  EXPECT_EQ(SchemaToJsonString(SmallSchema()), kSmallSchemaJson);
}

TEST(SchemaJsonTest, OmitsEmptyIdentifierFieldIds) {
  Schema schema = SmallSchema();
  schema.identifier_field_ids.clear();
  schema.fields.resize(1);
  EXPECT_EQ(SchemaToJsonString(schema), R"({"type":"struct","schema-id":0,"fields":[)"
                                        R"({"id":1,"name":"id","required":true,"type":"long"}]})");
}

TEST(SchemaJsonTest, ReadsWhatItWrites) {
  Result<Schema> parsed = SchemaFromJsonString(kSmallSchemaJson);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, SmallSchema());
}

// Lists: element ids come after the top-level ids, as the snapshot allocates them.
Schema ListSchema() {
  Schema schema;
  schema.fields = {
      {1, "id", true, Type::Primitive(TypeId::kInt), ""},
      {2, "tags", false, Type::List(4, false, Type::Primitive(TypeId::kString)), ""},
      {3, "prices", true, Type::List(5, true, Type::Decimal(10, 2)), ""},
  };
  return schema;
}

constexpr std::string_view kListSchemaJson =
    R"({"type":"struct","schema-id":0,"fields":[)"
    R"({"id":1,"name":"id","required":true,"type":"int"},)"
    R"({"id":2,"name":"tags","required":false,"type":{"type":"list","element-id":4,)"
    R"("element":"string","element-required":false}},)"
    R"js({"id":3,"name":"prices","required":true,"type":{"type":"list","element-id":5,)js"
    R"js("element":"decimal(10,2)","element-required":true}}]})js";

TEST(SchemaJsonTest, WritesListsInTheSpecForm) {
  EXPECT_EQ(SchemaToJsonString(ListSchema()), kListSchemaJson);
}

TEST(SchemaJsonTest, ReadsListsItWrites) {
  Result<Schema> parsed = SchemaFromJsonString(kListSchemaJson);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, ListSchema());
  EXPECT_EQ(parsed->fields[2].type.ToString(), "list<decimal(10,2)>");
}

TEST(SchemaJsonTest, HighestFieldIdCountsListElements) {
  EXPECT_EQ(ListSchema().HighestFieldId(), 5);
}

TEST(SchemaJsonTest, ListsDifferingInTheirElementAreDifferentTypes) {
  const Type a = Type::List(4, false, Type::Primitive(TypeId::kInt));
  EXPECT_EQ(a, Type::List(4, false, Type::Primitive(TypeId::kInt)));
  EXPECT_NE(a, Type::List(5, false, Type::Primitive(TypeId::kInt)));
  EXPECT_NE(a, Type::List(4, true, Type::Primitive(TypeId::kInt)));
  EXPECT_NE(a, Type::List(4, false, Type::Primitive(TypeId::kLong)));
  EXPECT_NE(a, Type::Primitive(TypeId::kInt));
}

TEST(SchemaJsonTest, ReadsEveryPrimitiveType) {
  const char* names[] = {"boolean",    "int",       "long",   "float", "double", "date",
                         "time",       "timestamp", "string", "uuid",  "binary", "decimal(38, 0)",
                         "timestamptz"};
  for (const char* name : names) {
    const std::string text = std::string(R"({"type":"struct","fields":[{"id":7,"name":"c",)") +
                             R"("required":false,"type":")" + name + R"("}]})";
    Result<Schema> parsed = SchemaFromJsonString(text);
    ASSERT_TRUE(parsed.ok()) << name << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->schema_id, 0);  // absent schema-id reads as 0
  }
}

TEST(SchemaJsonTest, IgnoresUnknownMembers) {
  Result<Schema> parsed = SchemaFromJsonString(
      R"({"type":"struct","schema-id":3,"future":1,"fields":[{"id":1,"name":"a",)"
      R"("required":true,"type":"int","initial-default":5}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->schema_id, 3);
  EXPECT_EQ(parsed->fields[0].type, Type::Primitive(TypeId::kInt));
}

// Each malformed schema must fail with kInvalidArgument and a message naming the problem.
struct BadSchemaCase {
  const char* json;
  const char* message_part;
};

class SchemaJsonRejectsTest : public ::testing::TestWithParam<BadSchemaCase> {};

TEST_P(SchemaJsonRejectsTest, WithInvalidArgument) {
  Result<Schema> parsed = SchemaFromJsonString(GetParam().json);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find(GetParam().message_part), std::string::npos)
      << parsed.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SchemaJsonRejectsTest,
    ::testing::Values(
        BadSchemaCase{R"({"type":"struct"})", R"(missing required field "fields")"},
        BadSchemaCase{R"({"fields":[]})", R"(missing required field "type")"},
        BadSchemaCase{R"({"type":"list","fields":[]})", R"(must be "struct")"},
        BadSchemaCase{R"({"type":"struct","fields":[{"name":"a","required":true,"type":"int"}]})",
                      R"(field #0: missing required field "id")"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","type":"int"}]})",
                      R"(missing required field "required")"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","required":"yes",)"
                      R"("type":"int"}]})",
                      R"(field "required" must be a boolean)"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":"1","name":"a","required":true,)"
                      R"("type":"int"}]})",
                      R"(field "id" must be an integer)"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":4294967297,"name":"a",)"
                      R"("required":true,"type":"int"}]})",
                      R"(field "id" must be in range)"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,)"
                      R"("type":{"type":"map","key-id":2,"key":"int","value-id":3,)"
                      R"("value":"int","value-required":false}}]})",
                      R"(nested type "map" is not supported)"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,)"
                      R"("type":{"type":"list","element-id":2,"element":"int"}}]})",
                      R"(missing required field "element-required")"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,)"
                      R"("type":{"type":"list","element-id":2,"element-required":true,)"
                      R"("element":{"type":"list","element-id":3,"element":"int",)"
                      R"("element-required":true}}}]})",
                      R"(list element: nested type "list" is not supported)"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,)"
                      R"("type":{"type":"list","element-id":1,"element":"int",)"
                      R"("element-required":true}}]})",
                      "duplicate field id 1"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,)"
                      R"("type":{"type":"list","element-id":0,"element":"int",)"
                      R"("element-required":true}}]})",
                      R"(the element of list field "a" has non-positive id 0)"},
        BadSchemaCase{R"({"type":"struct","identifier-field-ids":[1],"fields":[{"id":1,)"
                      R"("name":"a","required":true,"type":{"type":"list","element-id":2,)"
                      R"("element":"int","element-required":true}}]})",
                      R"(identifier field "a" is a list)"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,)"
                      R"("type":"fixed[16]"}]})",
                      R"(unsupported Iceberg type "fixed[16]")"},
        // Decimal arguments are parsed whole (sscanf read an overflowing int as undefined
        // behaviour and ignored a sign).
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,)"
                      R"js("type":"decimal(99999999999,2)"}]})js",
                      R"js(unsupported Iceberg type "decimal(99999999999,2)")js"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,)"
                      R"js("type":"decimal(+10,2)"}]})js",
                      R"js(unsupported Iceberg type "decimal(+10,2)")js"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,)"
                      R"js("type":"decimal(10,2x)"}]})js",
                      R"js(unsupported Iceberg type "decimal(10,2x)")js"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,)"
                      R"js("type":"decimal(10,11)"}]})js",
                      R"js(unsupported Iceberg type "decimal(10,11)")js"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,)"
                      R"("type":"int"},{"id":1,"name":"b","required":true,"type":"int"}]})",
                      "duplicate field id 1"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,)"
                      R"("type":"int"},{"id":2,"name":"a","required":true,"type":"int"}]})",
                      R"(duplicate field name "a")"},
        BadSchemaCase{R"({"type":"struct","fields":[{"id":0,"name":"a","required":true,)"
                      R"("type":"int"}]})",
                      "non-positive id 0"},
        BadSchemaCase{R"({"type":"struct","identifier-field-ids":[9],"fields":[]})",
                      "identifier field id 9 names no field"},
        BadSchemaCase{R"({"type":"struct","identifier-field-ids":[1],"fields":[{"id":1,)"
                      R"("name":"a","required":false,"type":"int"}]})",
                      R"(identifier field "a" is not required)"},
        BadSchemaCase{R"({"type":"struct",)", "malformed JSON"},
        BadSchemaCase{R"([1,2])", "schema must be a JSON object"}));

}  // namespace
}  // namespace pg2iceberg::iceberg
