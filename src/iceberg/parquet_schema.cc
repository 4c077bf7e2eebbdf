#include "iceberg/parquet_schema.h"

#include <limits>
#include <optional>

#include "parquet/statistics.h"

namespace pg2iceberg::iceberg {
namespace {

using parquet::Annotation;
using parquet::ColumnSpec;
using parquet::PhysicalType;
using parquet::StatValue;

// Iceberg's default metrics mode, truncate(16): string bounds keep 16 code points, binary
// bounds 16 bytes.
constexpr size_t kTruncateLength = 16;
constexpr size_t kNoByteLimit = std::numeric_limits<size_t>::max();

// The physical type and annotation of a primitive type's leaf.
void SetLeafType(const Type& type, ColumnSpec& spec) {
  switch (type.id) {
    case TypeId::kBoolean:
      spec.physical_type = PhysicalType::kBoolean;
      break;
    case TypeId::kInt:
      spec.physical_type = PhysicalType::kInt32;
      break;
    case TypeId::kLong:
      spec.physical_type = PhysicalType::kInt64;
      break;
    case TypeId::kFloat:
      spec.physical_type = PhysicalType::kFloat;
      break;
    case TypeId::kDouble:
      spec.physical_type = PhysicalType::kDouble;
      break;
    case TypeId::kDate:
      spec.physical_type = PhysicalType::kInt32;
      spec.annotation = Annotation::Date();
      break;
    case TypeId::kTime:
      spec.physical_type = PhysicalType::kInt64;
      spec.annotation = Annotation::Time();
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      spec.physical_type = PhysicalType::kInt64;
      spec.annotation = Annotation::Timestamp(type.id == TypeId::kTimestampTz);
      break;
    case TypeId::kString:
      spec.physical_type = PhysicalType::kByteArray;
      spec.annotation = Annotation::String();
      break;
    case TypeId::kBinary:
      spec.physical_type = PhysicalType::kByteArray;
      break;
    case TypeId::kDecimal:
      spec.physical_type = PhysicalType::kFixedLenByteArray;
      spec.type_length = parquet::DecimalMinBytes(type.precision);
      spec.annotation = Annotation::Decimal(type.precision, type.scale);
      break;
    case TypeId::kUuid:
      spec.physical_type = PhysicalType::kFixedLenByteArray;
      spec.type_length = 16;
      spec.annotation = Annotation::Uuid();
      break;
    case TypeId::kList:
      CHECK_MSG(false, "a list is not a leaf");
  }
}

ColumnSpec SpecFor(const Field& field) {
  ColumnSpec spec;
  spec.name = field.name;
  spec.field_id = field.id;
  spec.required = field.required;
  if (!field.type.is_list()) {
    SetLeafType(field.type, spec);
    return spec;
  }
  const ListElement& element = *field.type.element;
  spec.list_element = parquet::ListElementSpec{element.id, element.required};
  SetLeafType(element.type, spec);
  return spec;
}

// The type of the Parquet leaf with field id `id`: a top-level primitive field's, or a list
// element's (`in_list` set). Null when no leaf has that id.
const Type* LeafType(const Schema& schema, int id, bool& in_list) {
  for (const Field& field : schema.fields) {
    if (field.type.is_list() && field.type.element->id == id) {
      in_list = true;
      return &field.type.element->type;
    }
    if (!field.type.is_list() && field.id == id) {
      in_list = false;
      return &field.type;
    }
  }
  return nullptr;
}

// Drops leading bytes that only repeat the sign: 00 before a byte below 0x80, FF before a
// byte of 0x80 or more. Keeps at least one byte.
Bytes MinimalTwosComplement(ByteSpan big_endian) {
  size_t start = 0;
  while (start + 1 < big_endian.size()) {
    const auto lead = static_cast<uint8_t>(big_endian[start]);
    const bool next_negative = (static_cast<uint8_t>(big_endian[start + 1]) & 0x80) != 0;
    if (!(lead == 0x00 && !next_negative) && !(lead == 0xFF && next_negative)) break;
    ++start;
  }
  return Bytes(big_endian.begin() + static_cast<ptrdiff_t>(start), big_endian.end());
}

Bytes BigEndian(int64_t value) {
  ByteWriter writer;
  writer.AppendBigEndian(value);
  return writer.Release();
}

// A byte-array bound: STRING and binary shortened as truncate(16) requires, UUID as is,
// DECIMAL re-encoded in the fewest bytes.
std::optional<Bytes> BytesBound(TypeId type, const Bytes& value, bool upper) {
  switch (type) {
    case TypeId::kString:
      return upper ? parquet::Utf8UpperBound(value, kTruncateLength, kNoByteLimit)
                   : parquet::Utf8LowerBound(value, kTruncateLength, kNoByteLimit);
    case TypeId::kBinary:
      return upper ? parquet::BinaryUpperBound(value, kTruncateLength)
                   : parquet::BinaryLowerBound(value, kTruncateLength);
    case TypeId::kUuid:
      return value.size() == 16 ? std::optional<Bytes>(value) : std::nullopt;
    case TypeId::kDecimal:
      if (value.empty()) return std::nullopt;
      return MinimalTwosComplement(value);
    default:
      return std::nullopt;  // no other Iceberg type is stored as a byte array
  }
}

// `value` (a Parquet min or max) in Iceberg's single-value serialisation, or nullopt when no
// correct bound can be given.
std::optional<Bytes> IcebergBound(TypeId type, const StatValue& value, bool upper) {
  if (const Bytes* bytes = std::get_if<Bytes>(&value)) return BytesBound(type, *bytes, upper);
  if (type == TypeId::kDecimal) {
    // A decimal on INT32 or INT64: the unscaled value, big-endian in the fewest bytes.
    if (const auto* v = std::get_if<int32_t>(&value)) return MinimalTwosComplement(BigEndian(*v));
    if (const auto* v = std::get_if<int64_t>(&value)) return MinimalTwosComplement(BigEndian(*v));
    return std::nullopt;
  }
  // The PLAIN encodings of the other physical types are Iceberg's single-value forms.
  return parquet::EncodePlainStatValue(value);
}

}  // namespace

std::vector<ColumnSpec> ParquetColumnsFor(const Schema& schema) {
  std::vector<ColumnSpec> columns;
  columns.reserve(schema.fields.size());
  for (const Field& field : schema.fields) columns.push_back(SpecFor(field));
  return columns;
}

DataFile DataFileFor(const std::string& location, const parquet::ParquetFile& file,
                     const Schema& schema) {
  DataFile data_file;
  data_file.file_path = location;
  data_file.record_count = file.row_count;
  data_file.file_size_in_bytes = static_cast<int64_t>(file.bytes.size());
  for (const parquet::ColumnSummary& column : file.columns) {
    const int id = column.field_id;
    bool in_list = false;
    const Type* type = LeafType(schema, id, in_list);
    CHECK(type != nullptr);
    data_file.column_sizes[id] = column.compressed_size_bytes;
    data_file.value_counts[id] = column.value_count;
    data_file.null_value_counts[id] = column.null_count;
    if (column.nan_count) data_file.nan_value_counts[id] = *column.nan_count;
    if (in_list) continue;  // no bounds for list elements, as Iceberg's Java writer
    std::optional<Bytes> lower, upper;
    if (column.min) lower = IcebergBound(type->id, *column.min, /*upper=*/false);
    if (column.max) upper = IcebergBound(type->id, *column.max, /*upper=*/true);
    if (lower) data_file.lower_bounds[id] = std::move(*lower);
    if (upper) data_file.upper_bounds[id] = std::move(*upper);
  }
  return data_file;
}

}  // namespace pg2iceberg::iceberg
