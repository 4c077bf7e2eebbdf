#include "parquet/reader_schema.h"

#include <string>

namespace pg2iceberg::parquet {
namespace {

using format::ConvertedType;
using format::FieldRepetitionType;
using format::LogicalType;
using format::SchemaElement;

Status Unsupported(const SchemaElement& e, std::string_view problem) {
  return Status::InvalidArgument("parquet schema: column '" + e.name + "' " + std::string(problem) +
                                 "; the reader takes the subset pg2iceberg writes "
                                 "(docs/parquet.md)");
}

Status Corrupt(std::string_view problem) {
  return Status::DataLoss("parquet footer schema corrupt: " + std::string(problem));
}

bool IsGroup(const SchemaElement& e) { return e.num_children.has_value(); }

Result<PhysicalType> ToPhysicalType(const SchemaElement& e) {
  if (!e.type) return Corrupt("leaf '" + e.name + "' without a physical type");
  switch (*e.type) {
    case format::Type::kBoolean:
      return PhysicalType::kBoolean;
    case format::Type::kInt32:
      return PhysicalType::kInt32;
    case format::Type::kInt64:
      return PhysicalType::kInt64;
    case format::Type::kFloat:
      return PhysicalType::kFloat;
    case format::Type::kDouble:
      return PhysicalType::kDouble;
    case format::Type::kByteArray:
      return PhysicalType::kByteArray;
    case format::Type::kFixedLenByteArray:
      return PhysicalType::kFixedLenByteArray;
    default:
      return Unsupported(e, "has physical type " + std::to_string(static_cast<int>(*e.type)) +
                                " (INT96 or unknown)");
  }
}

Result<Annotation> FromLogicalType(const SchemaElement& e, const LogicalType& t) {
  using Kind = LogicalType::Kind;
  const bool micros = t.unit == format::TimeUnit::kMicros;
  switch (t.kind) {
    case Kind::kString:
      return Annotation::String();
    case Kind::kDate:
      return Annotation::Date();
    case Kind::kTime:
      if (micros) return Annotation::Time();
      break;
    case Kind::kTimestamp:
      if (micros) return Annotation::Timestamp(t.is_adjusted_to_utc);
      break;
    case Kind::kDecimal:
      return Annotation::Decimal(t.decimal_precision, t.decimal_scale);
    case Kind::kUuid:
      return Annotation::Uuid();
    default:
      break;
  }
  return Unsupported(e, "has logical type " + std::to_string(static_cast<int>(t.kind)) +
                            " (or a time unit other than microseconds)");
}

Result<Annotation> FromConvertedType(const SchemaElement& e, ConvertedType t) {
  switch (t) {
    case ConvertedType::kUtf8:
      return Annotation::String();
    case ConvertedType::kDate:
      return Annotation::Date();
    case ConvertedType::kTimeMicros:
      return Annotation::Time();
    case ConvertedType::kTimestampMicros:
      return Annotation::Timestamp(true);
    case ConvertedType::kDecimal:
      return Annotation::Decimal(e.precision.value_or(0), e.scale.value_or(0));
    default:
      return Unsupported(e, "has converted type " + std::to_string(static_cast<int>(t)));
  }
}

Result<Annotation> LeafAnnotation(const SchemaElement& e) {
  if (e.logical_type) return FromLogicalType(e, *e.logical_type);
  if (e.converted_type) return FromConvertedType(e, *e.converted_type);
  return Annotation::None();
}

// Required or optional; kInvalidArgument for repeated (or unknown) repetition.
Result<bool> IsRequired(const SchemaElement& e) {
  const auto r = e.repetition_type.value_or(FieldRepetitionType::kRequired);
  if (r == FieldRepetitionType::kRequired) return true;
  if (r == FieldRepetitionType::kOptional) return false;
  return Unsupported(e, "is repeated outside a 3-level list");
}

Status FillLeaf(const SchemaElement& e, ColumnSpec* spec) {
  if (IsGroup(e) || !e.type) return Corrupt("expected a leaf at '" + e.name + "'");
  ASSIGN_OR_RETURN(spec->physical_type, ToPhysicalType(e));
  if (spec->physical_type == PhysicalType::kFixedLenByteArray) {
    spec->type_length = e.type_length.value_or(0);
  }
  ASSIGN_OR_RETURN(spec->annotation, LeafAnnotation(e));
  return Status::Ok();
}

bool IsListAnnotated(const SchemaElement& e) {
  return (e.logical_type && e.logical_type->kind == LogicalType::Kind::kList) ||
         e.converted_type == ConvertedType::kList;
}

// The list at schema[*i] (its group, repeated group and element); advances *i past it.
Result<ColumnSpec> ReadList(const std::vector<SchemaElement>& schema, size_t* i) {
  const SchemaElement& outer = schema[*i];
  if (!IsListAnnotated(outer) || *outer.num_children != 1 || *i + 2 >= schema.size()) {
    return Unsupported(outer, "is a group other than a 3-level list");
  }
  const SchemaElement& repeated = schema[*i + 1];
  const SchemaElement& element = schema[*i + 2];
  if (!IsGroup(repeated) || repeated.num_children != 1 ||
      repeated.repetition_type != FieldRepetitionType::kRepeated || IsGroup(element)) {
    return Unsupported(outer, "is a list whose element is not a single leaf (3-level layout)");
  }
  ColumnSpec spec;
  spec.name = outer.name;
  spec.field_id = outer.field_id.value_or(0);
  ASSIGN_OR_RETURN(spec.required, IsRequired(outer));
  RETURN_IF_ERROR(FillLeaf(element, &spec));
  ASSIGN_OR_RETURN(bool element_required, IsRequired(element));
  spec.list_element = ListElementSpec{element.field_id.value_or(0), element_required};
  *i += 3;
  return spec;
}

Result<ColumnSpec> ReadColumn(const std::vector<SchemaElement>& schema, size_t* i) {
  const SchemaElement& e = schema[*i];
  if (IsGroup(e)) {
    if (e.type) return Corrupt("group '" + e.name + "' with a physical type");
    return ReadList(schema, i);
  }
  ColumnSpec spec;
  spec.name = e.name;
  spec.field_id = e.field_id.value_or(0);
  ASSIGN_OR_RETURN(spec.required, IsRequired(e));
  RETURN_IF_ERROR(FillLeaf(e, &spec));
  ++*i;
  return spec;
}

}  // namespace

Result<std::vector<ColumnSpec>> ColumnsFromSchema(const std::vector<SchemaElement>& schema) {
  if (schema.empty() || !IsGroup(schema[0])) return Corrupt("no root group");
  const int32_t children = *schema[0].num_children;
  if (children < 1 || static_cast<size_t>(children) >= schema.size()) {
    return Corrupt("root declares " + std::to_string(children) + " children");
  }
  std::vector<ColumnSpec> columns;
  size_t i = 1;
  for (int32_t c = 0; c < children; ++c) {
    if (i >= schema.size()) return Corrupt("fewer schema elements than the root declares");
    ASSIGN_OR_RETURN(ColumnSpec spec, ReadColumn(schema, &i));
    RETURN_IF_ERROR(ValidateColumnType(spec));
    columns.push_back(std::move(spec));
  }
  if (i != schema.size()) return Corrupt("schema elements beyond the root's children");
  return columns;
}

}  // namespace pg2iceberg::parquet
