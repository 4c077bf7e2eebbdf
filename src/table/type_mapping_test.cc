#include "table/type_mapping.h"

#include <gtest/gtest.h>

namespace pg2iceberg {
namespace {

using iceberg::Type;
using iceberg::TypeId;

pg::PgColumn Column(uint32_t type_oid, int32_t type_modifier, std::string type_name) {
  return pg::PgColumn{"c", type_oid, type_modifier, false, std::move(type_name)};
}

// numeric's type modifier for (precision, scale).
int32_t NumericModifier(int precision, int scale) { return ((precision << 16) | scale) + 4; }

TEST(MapColumn, ArraysOfEveryMappedScalarAreListsOfTheScalarsType) {
  struct Case {
    uint32_t array_oid;
    uint32_t element_oid;
  };
  // Every built-in array type whose element MapColumn maps, against the element's own mapping.
  const Case cases[] = {
      {1000, 16},   {1001, 17},   {1003, 19},   {1005, 21},   {1007, 23},   {1009, 25},
      {1014, 1042}, {1015, 1043}, {1016, 20},   {1021, 700},  {1022, 701},  {1028, 26},
      {1115, 1114}, {1182, 1082}, {1183, 1083}, {1185, 1184}, {199, 114},   {2951, 2950},
      {3807, 3802}, {1270, 1266}, {1187, 1186}, {1041, 869},  {651, 650},   {1040, 829},
      {775, 774},   {791, 790},   {1561, 1560}, {1563, 1562}, {143, 142},   {3221, 3220},
      {3905, 3904}, {3907, 3906}, {3909, 3908}, {3911, 3910}, {3913, 3912}, {3927, 3926}};
  for (const Case& c : cases) {
    Result<MappedColumn> element = MapColumn("public.t", Column(c.element_oid, -1, "e"));
    ASSERT_TRUE(element.ok()) << c.element_oid << ": " << element.status().ToString();
    Result<MappedColumn> array = MapColumn("public.t", Column(c.array_oid, -1, "e[]"));
    ASSERT_TRUE(array.ok()) << c.array_oid << ": " << array.status().ToString();
    EXPECT_EQ(array->iceberg_type, Type::List(0, false, element->iceberg_type)) << c.array_oid;
    EXPECT_EQ(static_cast<uint32_t>(array->oid), c.array_oid);
  }
}

TEST(MapColumn, NumericArrayElementsKeepTheDeclaredPrecision) {
  Result<MappedColumn> fixed =
      MapColumn("public.t", Column(1231, NumericModifier(10, 2), "numeric(10,2)[]"));
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ(fixed->iceberg_type.ToString(), "list<decimal(10,2)>");
  EXPECT_FALSE(fixed->iceberg_type.element->required);
  Result<MappedColumn> free = MapColumn("public.t", Column(1231, -1, "numeric[]"));
  ASSERT_TRUE(free.ok());
  EXPECT_EQ(free->iceberg_type.ToString(), "list<decimal(38,18)>");
}

TEST(MapColumn, ArrayOfAnUnmappableElementIsRefusedNamingTheColumn) {
  Result<MappedColumn> wide =
      MapColumn("public.t", Column(1231, NumericModifier(50, 2), "numeric(50,2)[]"));
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wide.status().message().find("table public.t, column \"c\": type numeric(50,2)[]"),
            std::string::npos)
      << wide.status().message();
  // iceberg.wide_numeric is for numeric columns: array elements are decoded as capture does.
  Result<MappedColumn> wide_policy =
      MapColumn("public.t", Column(1231, NumericModifier(50, 2), "numeric(50,2)[]"),
                {.wide_numeric_as_string = true});
  ASSERT_FALSE(wide_policy.ok());
  EXPECT_NE(wide_policy.status().message().find("not arrays"), std::string::npos)
      << wide_policy.status().message();
  // point[] (1017) is no array type this version mirrors.
  Result<MappedColumn> points = MapColumn("public.t", Column(1017, -1, "point[]"));
  EXPECT_EQ(points.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg
