#include "parquet/column_spec.h"

#include <gtest/gtest.h>

namespace pg2iceberg::parquet {
namespace {

ColumnSpec Column(std::string name, PhysicalType type, Annotation annotation = {},
                  int32_t type_length = 0) {
  return ColumnSpec{std::move(name), 1, false, type, type_length, annotation};
}

TEST(DecimalMinBytes, MatchesTwosComplementCapacity) {
  EXPECT_EQ(DecimalMinBytes(1), 1);
  EXPECT_EQ(DecimalMinBytes(2), 1);
  EXPECT_EQ(DecimalMinBytes(3), 2);
  EXPECT_EQ(DecimalMinBytes(9), 4);
  EXPECT_EQ(DecimalMinBytes(10), 5);
  EXPECT_EQ(DecimalMinBytes(18), 8);
  EXPECT_EQ(DecimalMinBytes(19), 9);
  EXPECT_EQ(DecimalMinBytes(38), 16);
}

TEST(ValidateColumnSpecs, AcceptsEveryAnnotationOnItsType) {
  std::vector<ColumnSpec> columns = {
      Column("s", PhysicalType::kByteArray, Annotation::String()),
      Column("d", PhysicalType::kInt32, Annotation::Date()),
      Column("ts", PhysicalType::kInt64, Annotation::Timestamp(true)),
      Column("t", PhysicalType::kInt64, Annotation::Time()),
      Column("dec", PhysicalType::kFixedLenByteArray, Annotation::Decimal(38, 10), 16),
      Column("dec32", PhysicalType::kInt32, Annotation::Decimal(9, 0)),
      Column("u", PhysicalType::kFixedLenByteArray, Annotation::Uuid(), 16),
  };
  EXPECT_TRUE(ValidateColumnSpecs(columns).ok());
}

TEST(ValidateColumnSpecs, RejectsMismatchesAndBadNames) {
  auto invalid = [](std::vector<ColumnSpec> columns) {
    return ValidateColumnSpecs(columns).code() == StatusCode::kInvalidArgument;
  };
  EXPECT_TRUE(invalid({Column("", PhysicalType::kInt32)}));
  EXPECT_TRUE(invalid({Column("a", PhysicalType::kInt32), Column("a", PhysicalType::kInt64)}));
  EXPECT_TRUE(invalid({Column("f", PhysicalType::kFixedLenByteArray)}));
  EXPECT_TRUE(invalid({Column("s", PhysicalType::kInt32, Annotation::String())}));
  EXPECT_TRUE(invalid({Column("u", PhysicalType::kFixedLenByteArray, Annotation::Uuid(), 8)}));
  EXPECT_TRUE(
      invalid({Column("d", PhysicalType::kFixedLenByteArray, Annotation::Decimal(38, 0), 15)}));
  EXPECT_TRUE(invalid({Column("d", PhysicalType::kInt32, Annotation::Decimal(10, 0))}));
  EXPECT_TRUE(invalid({Column("d", PhysicalType::kInt64, Annotation::Decimal(5, 6))}));
  EXPECT_TRUE(invalid({Column("d", PhysicalType::kInt64, Annotation::Decimal(0, 0))}));
}

TEST(ToSchemaElements, RootGroupThenLeavesWithFieldIds) {
  std::vector<ColumnSpec> columns = {
      ColumnSpec{"id", 1, true, PhysicalType::kInt64, 0, {}},
      ColumnSpec{"amount", 2, false, PhysicalType::kFixedLenByteArray, 16,
                 Annotation::Decimal(38, 2)},
  };
  auto elements = ToSchemaElements(columns);
  ASSERT_EQ(elements.size(), 3u);
  EXPECT_EQ(elements[0].name, "table");
  EXPECT_EQ(elements[0].num_children, 2);
  EXPECT_FALSE(elements[0].type.has_value());
  EXPECT_EQ(elements[1].repetition_type, format::FieldRepetitionType::kRequired);
  EXPECT_EQ(elements[1].field_id, 1);
  EXPECT_FALSE(elements[1].logical_type.has_value());
  EXPECT_EQ(elements[2].repetition_type, format::FieldRepetitionType::kOptional);
  EXPECT_EQ(elements[2].type_length, 16);
  EXPECT_EQ(elements[2].converted_type, format::ConvertedType::kDecimal);
  EXPECT_EQ(elements[2].precision, 38);
  EXPECT_EQ(elements[2].scale, 2);
  EXPECT_EQ(elements[2].logical_type->kind, format::LogicalType::Kind::kDecimal);
}

TEST(ToSchemaElements, ConvertedTypeOnlyForUtcTimestamps) {
  std::vector<ColumnSpec> columns = {
      Column("utc", PhysicalType::kInt64, Annotation::Timestamp(true)),
      Column("local", PhysicalType::kInt64, Annotation::Timestamp(false)),
      Column("time", PhysicalType::kInt64, Annotation::Time()),
      Column("uuid", PhysicalType::kFixedLenByteArray, Annotation::Uuid(), 16),
  };
  auto elements = ToSchemaElements(columns);
  EXPECT_EQ(elements[1].converted_type, format::ConvertedType::kTimestampMicros);
  EXPECT_TRUE(elements[1].logical_type->is_adjusted_to_utc);
  EXPECT_FALSE(elements[2].converted_type.has_value());
  EXPECT_FALSE(elements[2].logical_type->is_adjusted_to_utc);
  EXPECT_FALSE(elements[3].converted_type.has_value());
  EXPECT_EQ(elements[3].logical_type->kind, format::LogicalType::Kind::kTime);
  EXPECT_FALSE(elements[4].converted_type.has_value());
  EXPECT_EQ(elements[4].logical_type->kind, format::LogicalType::Kind::kUuid);
}

TEST(ToSchemaElements, ListIsThreeLevelsWithIdsOnGroupAndElement) {
  ColumnSpec list{"tags", 3, false, PhysicalType::kByteArray, 0, Annotation::String()};
  list.list_element = ListElementSpec{7, false};
  const auto elements = ToSchemaElements({list});
  ASSERT_EQ(elements.size(), 4u);
  EXPECT_EQ(elements[0].num_children, 1);
  const format::SchemaElement& outer = elements[1];
  EXPECT_EQ(outer.name, "tags");
  EXPECT_EQ(outer.repetition_type, format::FieldRepetitionType::kOptional);
  EXPECT_EQ(outer.num_children, 1);
  EXPECT_EQ(outer.converted_type, format::ConvertedType::kList);
  ASSERT_TRUE(outer.logical_type.has_value());
  EXPECT_EQ(outer.logical_type->kind, format::LogicalType::Kind::kList);
  EXPECT_EQ(outer.field_id, 3);
  EXPECT_FALSE(outer.type.has_value());
  const format::SchemaElement& repeated = elements[2];
  EXPECT_EQ(repeated.name, "list");
  EXPECT_EQ(repeated.repetition_type, format::FieldRepetitionType::kRepeated);
  EXPECT_EQ(repeated.num_children, 1);
  EXPECT_FALSE(repeated.field_id.has_value());
  const format::SchemaElement& element = elements[3];
  EXPECT_EQ(element.name, "element");
  EXPECT_EQ(element.repetition_type, format::FieldRepetitionType::kOptional);
  EXPECT_EQ(element.type, format::Type::kByteArray);
  EXPECT_EQ(element.converted_type, format::ConvertedType::kUtf8);
  EXPECT_EQ(element.field_id, 7);
  EXPECT_EQ(LeafPath(list), (std::vector<std::string>{"tags", "list", "element"}));
}

TEST(ColumnSpecLevels, FollowNullabilityOfListAndElement) {
  ColumnSpec flat{"a", 1, false, PhysicalType::kInt32, 0, {}};
  EXPECT_EQ(flat.max_definition_level(), 1);
  EXPECT_EQ(flat.max_repetition_level(), 0);
  flat.required = true;
  EXPECT_EQ(flat.max_definition_level(), 0);
  ColumnSpec list = flat;
  list.list_element = ListElementSpec{2, true};
  EXPECT_EQ(list.max_definition_level(), 1);  // required list of required elements
  EXPECT_EQ(list.max_repetition_level(), 1);
  list.required = false;
  list.list_element->required = false;
  EXPECT_EQ(list.max_definition_level(), 3);
  EXPECT_EQ(list.leaf_field_id(), 2);
}

TEST(ValidateColumnSpecs, ListElementNeedsItsOwnFieldId) {
  ColumnSpec list{"l", 4, false, PhysicalType::kInt32, 0, {}};
  list.list_element = ListElementSpec{4, false};
  EXPECT_EQ(ValidateColumnSpecs({list}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg::parquet
