#include "avro/schema_declaration.h"

#include <gtest/gtest.h>

namespace pg2iceberg::avro {
namespace {

Schema ExampleRecord() {
  Schema pair =
      Schema::Record("k1_v2", {RequiredField("key", Schema::Primitive(Kind::kInt), 1),
                               RequiredField("value", Schema::Primitive(Kind::kLong), 2)});
  Schema map = Schema::Array(pair);
  map.logical_type = "map";
  Schema list = Schema::Array(Schema::Primitive(Kind::kLong));
  list.element_id = 7;
  return Schema::Record("entry",
                        {RequiredField("id", Schema::Primitive(Kind::kInt), 0, "the id"),
                         OptionalField("sizes", map, 3), OptionalField("offsets", list, 6)});
}

TEST(SchemaDeclarationTest, RendersIcebergAttributesInJavaOrder) {
  EXPECT_EQ(RenderSchemaJson(ExampleRecord()),
            R"({"type":"record","name":"entry","fields":[)"
            R"({"name":"id","type":"int","doc":"the id","field-id":0},)"
            R"({"name":"sizes","type":["null",{"type":"array","items":{"type":"record",)"
            R"("name":"k1_v2","fields":[{"name":"key","type":"int","field-id":1},)"
            R"({"name":"value","type":"long","field-id":2}]},"logicalType":"map"}],)"
            R"("default":null,"field-id":3},)"
            R"({"name":"offsets","type":["null",{"type":"array","items":"long",)"
            R"("element-id":7}],"default":null,"field-id":6}]})");
}

TEST(SchemaDeclarationTest, ParseInvertsRender) {
  const Schema schema = ExampleRecord();
  Result<Schema> parsed = ParseSchemaJson(RenderSchemaJson(schema));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, schema);
}

TEST(SchemaDeclarationTest, RepeatedNamedTypeIsDeclaredOnceThenReferenced) {
  Schema fixed = Schema::Fixed("md5", 16);
  Schema record = Schema::Record("r", {RequiredField("a", fixed, 1), RequiredField("b", fixed, 2)});
  const std::string json = RenderSchemaJson(record);
  EXPECT_EQ(json,
            R"({"type":"record","name":"r","fields":[{"name":"a","type":{"type":"fixed",)"
            R"("name":"md5","size":16},"field-id":1},{"name":"b","type":"md5","field-id":2}]})");
  Result<Schema> parsed = ParseSchemaJson(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, record);
}

TEST(SchemaDeclarationTest, ParsesNamespacesMapsEnumsAndPrimitiveObjects) {
  Result<Schema> parsed = ParseSchemaJson(R"({"type":"record","name":"x","namespace":"a.b",
      "fields":[{"name":"e","type":{"type":"enum","name":"color","symbols":["R","G"]}},
                {"name":"f","type":"color"},
                {"name":"m","type":{"type":"map","values":"string","key-id":4,"value-id":5}},
                {"name":"d","type":{"type":"int","logicalType":"date"}}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->name, "a.b.x");
  EXPECT_EQ(parsed->fields[0].type.name, "a.b.color");
  EXPECT_EQ(parsed->fields[1].type, parsed->fields[0].type);
  EXPECT_EQ(parsed->fields[2].type.kind, Kind::kMap);
  EXPECT_EQ(parsed->fields[2].type.key_id, 4);
  EXPECT_EQ(parsed->fields[2].type.value_id, 5);
  EXPECT_EQ(parsed->fields[3].type.kind, Kind::kInt);
  EXPECT_EQ(parsed->fields[3].type.logical_type, "date");
}

TEST(SchemaDeclarationTest, RejectsMalformedSchemas) {
  for (const char* json : {
           "not json",
           R"("nosuchtype")",
           R"({"type":"record","name":"r"})",
           R"({"type":"record","name":"r","fields":[{"name":"a","type":"r"}]})",
           R"(["null",["int"]])",
           R"({"type":"fixed","name":"f","size":-1})",
           R"({"type":"record","name":"r","fields":[{"name":"a","type":"int","field-id":"x"}]})",
           R"({"type":"record","name":"r","fields":[)"
           R"({"name":"a","type":"int","field-id":4294967296}]})",
           R"([{"type":"fixed","name":"f","size":1},{"type":"fixed","name":"f","size":2}])",
           R"({"type":"array"})",
           "17",
       }) {
    Result<Schema> parsed = ParseSchemaJson(json);
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << json;
  }
}

TEST(SchemaDeclarationTest, RejectsNestingDeeperThanTheLimit) {
  std::string json;
  for (int i = 0; i < 100; ++i) json += R"({"type":"array","items":)";
  json += R"("int")";
  for (int i = 0; i < 100; ++i) json += "}";
  EXPECT_EQ(ParseSchemaJson(json).status().code(), StatusCode::kInvalidArgument);
}

TEST(SchemaDeclarationTest, RejectsReferencesThatExpandToAHugeTree) {
  // t0 is a record; each t<i> holds two t<i-1>: 2^40 nodes from a few kilobytes.
  std::string json = R"({"type":"record","name":"top","fields":[{"name":"f0","type":)"
                     R"({"type":"record","name":"t0","fields":[]}})";
  for (int i = 1; i <= 40; ++i) {
    const std::string prev = "t" + std::to_string(i - 1);
    json += R"(,{"name":"f)" + std::to_string(i) + R"(","type":{"type":"record","name":"t)" +
            std::to_string(i) + R"(","fields":[{"name":"a","type":")" + prev +
            R"("},{"name":"b","type":")" + prev + R"("}]}})";
  }
  json += "]}";
  EXPECT_EQ(ParseSchemaJson(json).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg::avro
