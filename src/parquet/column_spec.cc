#include "parquet/column_spec.h"

#include <set>
#include <string_view>

namespace pg2iceberg::parquet {
namespace {

using Kind = Annotation::Kind;

constexpr std::string_view kListGroupName = "list";
constexpr std::string_view kListElementName = "element";

Status Invalid(const ColumnSpec& column, std::string_view problem) {
  return Status::InvalidArgument("parquet column '" + column.name + "': " + std::string(problem));
}

Status ValidateDecimal(const ColumnSpec& c) {
  const int32_t precision = c.annotation.decimal_precision;
  const int32_t scale = c.annotation.decimal_scale;
  if (precision < 1 || precision > 38) return Invalid(c, "decimal precision must be in 1..38");
  if (scale < 0 || scale > precision) return Invalid(c, "decimal scale must be in 0..precision");
  switch (c.physical_type) {
    case PhysicalType::kInt32:
      return precision <= 9 ? Status::Ok() : Invalid(c, "INT32 decimal needs precision <= 9");
    case PhysicalType::kInt64:
      return precision <= 18 ? Status::Ok() : Invalid(c, "INT64 decimal needs precision <= 18");
    case PhysicalType::kFixedLenByteArray:
      return c.type_length >= DecimalMinBytes(precision)
                 ? Status::Ok()
                 : Invalid(c, "fixed length too short for the decimal precision");
    default:
      return Invalid(c, "DECIMAL needs INT32, INT64 or FIXED_LEN_BYTE_ARRAY");
  }
}

Status ValidateAnnotation(const ColumnSpec& c) {
  const PhysicalType t = c.physical_type;
  switch (c.annotation.kind) {
    case Kind::kNone:
      return Status::Ok();
    case Kind::kString:
      return t == PhysicalType::kByteArray ? Status::Ok() : Invalid(c, "STRING needs BYTE_ARRAY");
    case Kind::kDate:
      return t == PhysicalType::kInt32 ? Status::Ok() : Invalid(c, "DATE needs INT32");
    case Kind::kTimestamp:
      return t == PhysicalType::kInt64 ? Status::Ok() : Invalid(c, "TIMESTAMP needs INT64");
    case Kind::kTime:
      return t == PhysicalType::kInt64 ? Status::Ok() : Invalid(c, "TIME needs INT64");
    case Kind::kDecimal:
      return ValidateDecimal(c);
    case Kind::kUuid:
      return t == PhysicalType::kFixedLenByteArray && c.type_length == 16
                 ? Status::Ok()
                 : Invalid(c, "UUID needs FIXED_LEN_BYTE_ARRAY(16)");
  }
  return Invalid(c, "unknown annotation");
}

format::LogicalType ToLogicalType(const Annotation& a) {
  format::LogicalType logical;
  switch (a.kind) {
    case Kind::kNone:
    case Kind::kString:
      logical.kind = format::LogicalType::Kind::kString;
      break;
    case Kind::kDate:
      logical.kind = format::LogicalType::Kind::kDate;
      break;
    case Kind::kTimestamp:
      logical.kind = format::LogicalType::Kind::kTimestamp;
      logical.is_adjusted_to_utc = a.timestamp_is_adjusted_to_utc;
      break;
    case Kind::kTime:
      logical.kind = format::LogicalType::Kind::kTime;
      break;
    case Kind::kDecimal:
      logical.kind = format::LogicalType::Kind::kDecimal;
      logical.decimal_precision = a.decimal_precision;
      logical.decimal_scale = a.decimal_scale;
      break;
    case Kind::kUuid:
      logical.kind = format::LogicalType::Kind::kUuid;
      break;
  }
  return logical;
}

// Legacy converted types, written where common writers write them: TIME_MICROS and
// TIMESTAMP_MICROS only for UTC-adjusted values (the legacy types imply UTC), none for UUID.
std::optional<format::ConvertedType> ToConvertedType(const Annotation& a) {
  switch (a.kind) {
    case Kind::kString:
      return format::ConvertedType::kUtf8;
    case Kind::kDate:
      return format::ConvertedType::kDate;
    case Kind::kTimestamp:
      if (a.timestamp_is_adjusted_to_utc) return format::ConvertedType::kTimestampMicros;
      return std::nullopt;
    case Kind::kDecimal:
      return format::ConvertedType::kDecimal;
    case Kind::kNone:
    case Kind::kTime:
    case Kind::kUuid:
      return std::nullopt;
  }
  return std::nullopt;
}

format::FieldRepetitionType Repetition(bool required) {
  return required ? format::FieldRepetitionType::kRequired : format::FieldRepetitionType::kOptional;
}

// The leaf of `c`: the column itself, or a list's element.
format::SchemaElement ToLeafElement(const ColumnSpec& c) {
  format::SchemaElement e;
  e.type = ToFormatType(c.physical_type);
  if (c.physical_type == PhysicalType::kFixedLenByteArray) e.type_length = c.type_length;
  e.repetition_type = Repetition(c.list_element ? c.list_element->required : c.required);
  e.name = c.list_element ? std::string(kListElementName) : c.name;
  e.converted_type = ToConvertedType(c.annotation);
  if (c.annotation.kind == Kind::kDecimal) {
    e.scale = c.annotation.decimal_scale;
    e.precision = c.annotation.decimal_precision;
  }
  e.field_id = c.leaf_field_id();
  if (c.annotation.kind != Kind::kNone) e.logical_type = ToLogicalType(c.annotation);
  return e;
}

// The two groups above a list's element: "<name> (LIST)" and its repeated group "list".
void AppendListGroups(const ColumnSpec& c, std::vector<format::SchemaElement>& elements) {
  format::SchemaElement outer;
  outer.repetition_type = Repetition(c.required);
  outer.name = c.name;
  outer.num_children = 1;
  outer.converted_type = format::ConvertedType::kList;
  outer.field_id = c.field_id;
  outer.logical_type = format::LogicalType{.kind = format::LogicalType::Kind::kList};
  elements.push_back(std::move(outer));
  format::SchemaElement repeated;
  repeated.repetition_type = format::FieldRepetitionType::kRepeated;
  repeated.name = std::string(kListGroupName);
  repeated.num_children = 1;
  elements.push_back(std::move(repeated));
}

}  // namespace

int32_t DecimalMinBytes(int32_t precision) {
  CHECK(precision >= 1 && precision <= 38);
  // The largest unscaled value is 10^precision - 1; n bytes hold up to 2^(8n-1) - 1.
  // Compare digit counts with log10(2) ~ 0.30103: 8n-1 bits suffice when
  // (8n - 1) * log10(2) >= precision.
  int32_t bytes = 1;
  while (static_cast<double>(8 * bytes - 1) * 0.30102999566398120 < precision) ++bytes;
  return bytes;
}

Status ValidateColumnSpecs(const std::vector<ColumnSpec>& columns) {
  std::set<std::string_view> names;
  for (const ColumnSpec& c : columns) {
    if (c.name.empty()) return Status::InvalidArgument("parquet column with an empty name");
    if (!names.insert(c.name).second) return Invalid(c, "duplicate column name");
    if (c.list_element && c.list_element->field_id == c.field_id) {
      return Invalid(c, "list element needs a field id of its own");
    }
    RETURN_IF_ERROR(ValidateColumnType(c));
  }
  return Status::Ok();
}

Status ValidateColumnType(const ColumnSpec& c) {
  if (c.physical_type == PhysicalType::kFixedLenByteArray && c.type_length <= 0) {
    return Invalid(c, "FIXED_LEN_BYTE_ARRAY needs a positive type_length");
  }
  return ValidateAnnotation(c);
}

std::vector<format::SchemaElement> ToSchemaElements(const std::vector<ColumnSpec>& columns) {
  std::vector<format::SchemaElement> elements;
  elements.reserve(columns.size() + 1);
  format::SchemaElement root;
  root.name = "table";
  root.num_children = static_cast<int32_t>(columns.size());
  elements.push_back(std::move(root));
  for (const ColumnSpec& c : columns) {
    if (c.list_element) AppendListGroups(c, elements);
    elements.push_back(ToLeafElement(c));
  }
  return elements;
}

std::vector<std::string> LeafPath(const ColumnSpec& column) {
  if (!column.list_element) return {column.name};
  return {column.name, std::string(kListGroupName), std::string(kListElementName)};
}

format::Type ToFormatType(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean:
      return format::Type::kBoolean;
    case PhysicalType::kInt32:
      return format::Type::kInt32;
    case PhysicalType::kInt64:
      return format::Type::kInt64;
    case PhysicalType::kFloat:
      return format::Type::kFloat;
    case PhysicalType::kDouble:
      return format::Type::kDouble;
    case PhysicalType::kByteArray:
      return format::Type::kByteArray;
    case PhysicalType::kFixedLenByteArray:
      return format::Type::kFixedLenByteArray;
  }
  CHECK_MSG(false, "unknown physical type");
}

}  // namespace pg2iceberg::parquet
