#include "iceberg/partition.h"

#include <gtest/gtest.h>

namespace pg2iceberg::iceberg {
namespace {

Schema TableSchema() {
  Schema schema;
  schema.fields = {{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                   {2, "created_at", false, Type::Primitive(TypeId::kTimestampTz), ""},
                   {3, "name", false, Type::Primitive(TypeId::kString), ""},
                   {4, "region", false, Type::Primitive(TypeId::kString), ""},
                   {5, "flag", false, Type::Primitive(TypeId::kBoolean), ""}};
  return schema;
}

TEST(ParsePartitionEntryTest, AcceptsTheConfigurationSyntax) {
  EXPECT_EQ(ParsePartitionEntry("day(created_at)")->transform.kind, TransformKind::kDay);
  EXPECT_EQ(ParsePartitionEntry(" Bucket[16]( id ) ")->transform,
            (Transform{TransformKind::kBucket, 16}));
  EXPECT_EQ(ParsePartitionEntry(" Bucket[16]( id ) ")->column, "id");
  EXPECT_EQ(ParsePartitionEntry("truncate[4](name)")->transform.width, 4);
  EXPECT_EQ(ParsePartitionEntry("region")->transform.kind, TransformKind::kIdentity);
  EXPECT_EQ(ParsePartitionEntry("region")->column, "region");
  EXPECT_EQ(ParsePartitionEntry("identity(region)")->transform.kind, TransformKind::kIdentity);
  EXPECT_EQ(ParsePartitionEntry("identity(region)")->column, "region");
}

TEST(ParsePartitionEntryTest, RefusesMalformedEntriesQuotingThem) {
  for (std::string_view bad : {"", "day(", "day()", "bucket(id)", "bucket[0](id)",
                               "week(created_at)", "day(a)(b)", "region)", "void(region)"}) {
    Result<PartitionEntry> parsed = ParsePartitionEntry(bad);
    ASSERT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(parsed.status().message().find("\"" + std::string(bad) + "\""), std::string::npos)
        << parsed.status().message();
  }
}

TEST(BuildPartitionSpecTest, NumbersFieldsFrom1000AndNamesThemAsJava) {
  Result<PartitionSpec> spec = BuildPartitionSpec(
      "public.t", TableSchema(),
      {"day(created_at)", "bucket[16](id)", "region", "truncate[4](name)", "hour(created_at)"});
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  const std::vector<PartitionField> expected = {{2, 1000, "created_at_day", "day"},
                                                {1, 1001, "id_bucket", "bucket[16]"},
                                                {4, 1002, "region", "identity"},
                                                {3, 1003, "name_trunc", "truncate[4]"},
                                                {2, 1004, "created_at_hour", "hour"}};
  EXPECT_EQ(spec->fields, expected);
  EXPECT_EQ(spec->spec_id, 0);
}

TEST(BuildPartitionSpecTest, RefusesUnknownColumnsAndUnsupportedTypesNamingTableAndEntry) {
  Result<PartitionSpec> missing = BuildPartitionSpec("public.t", TableSchema(), {"day(nope)"});
  ASSERT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("public.t"), std::string::npos);
  EXPECT_NE(missing.status().message().find("\"nope\" does not exist"), std::string::npos);
  Result<PartitionSpec> type = BuildPartitionSpec("public.t", TableSchema(), {"bucket[2](flag)"});
  ASSERT_EQ(type.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(type.status().message().find("\"flag\""), std::string::npos);
  EXPECT_NE(type.status().message().find("boolean"), std::string::npos);
  Result<PartitionSpec> twice =
      BuildPartitionSpec("public.t", TableSchema(), {"region", " region"});
  EXPECT_EQ(twice.status().code(), StatusCode::kInvalidArgument);
  Result<PartitionSpec> syntax = BuildPartitionSpec("public.t", TableSchema(), {"day(created_at"});
  ASSERT_EQ(syntax.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(syntax.status().message().find("public.t"), std::string::npos);
}

TEST(PartitionPathTest, EscapesValuesAndWritesNullAsNull) {
  Result<PartitionSpec> spec = BuildPartitionSpec(
      "t", TableSchema(), {"day(created_at)", "bucket[16](id)", "region", "name"});
  Result<std::vector<BoundPartitionField>> bound = BindPartitionSpec(*spec, TableSchema());
  ASSERT_TRUE(bound.ok());
  PartitionTuple tuple = {Literal::Integer(19753), Literal::Integer(3), Literal::Bytes("eu west/1"),
                          std::nullopt};
  EXPECT_EQ(PartitionPath(*bound, tuple),
            "created_at_day=2024-01-31/id_bucket=3/region=eu+west%2F1/name=null");
  EXPECT_EQ(PartitionType(*bound)[0].type, Type::Primitive(TypeId::kDate));
  EXPECT_EQ(PartitionType(*bound)[1].id, 1001);
  EXPECT_FALSE(PartitionType(*bound)[2].required);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
