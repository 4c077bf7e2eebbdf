#include "iceberg/parquet_schema.h"

namespace pg2iceberg::iceberg {
namespace {

using parquet::Annotation;
using parquet::ColumnSpec;
using parquet::PhysicalType;

ColumnSpec SpecFor(const Field& field) {
  ColumnSpec spec;
  spec.name = field.name;
  spec.field_id = field.id;
  spec.required = field.required;
  switch (field.type.id) {
    case TypeId::kBoolean: spec.physical_type = PhysicalType::kBoolean; break;
    case TypeId::kInt: spec.physical_type = PhysicalType::kInt32; break;
    case TypeId::kLong: spec.physical_type = PhysicalType::kInt64; break;
    case TypeId::kFloat: spec.physical_type = PhysicalType::kFloat; break;
    case TypeId::kDouble: spec.physical_type = PhysicalType::kDouble; break;
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
      spec.annotation = Annotation::Timestamp(field.type.id == TypeId::kTimestampTz);
      break;
    case TypeId::kString:
      spec.physical_type = PhysicalType::kByteArray;
      spec.annotation = Annotation::String();
      break;
    case TypeId::kBinary: spec.physical_type = PhysicalType::kByteArray; break;
    case TypeId::kDecimal:
      spec.physical_type = PhysicalType::kFixedLenByteArray;
      spec.type_length = parquet::DecimalMinBytes(field.type.precision);
      spec.annotation = Annotation::Decimal(field.type.precision, field.type.scale);
      break;
    case TypeId::kUuid:
      spec.physical_type = PhysicalType::kFixedLenByteArray;
      spec.type_length = 16;
      spec.annotation = Annotation::Uuid();
      break;
  }
  return spec;
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
    CHECK(schema.FindById(id) != nullptr);
    data_file.column_sizes[id] = column.compressed_size_bytes;
    data_file.value_counts[id] = column.value_count;
    data_file.null_value_counts[id] = column.null_count;
    if (column.nan_count) data_file.nan_value_counts[id] = *column.nan_count;
    // Parquet PLAIN encodings of these physical types are Iceberg's single-value forms.
    if (column.min) data_file.lower_bounds[id] = parquet::EncodePlainStatValue(*column.min);
    if (column.max) data_file.upper_bounds[id] = parquet::EncodePlainStatValue(*column.max);
  }
  return data_file;
}

}  // namespace pg2iceberg::iceberg
