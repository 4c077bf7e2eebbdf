#include "table/row_encoder.h"

#include "pg/binary_values.h"

namespace pg2iceberg {
namespace {

using change::Value;
using change::ValueKind;
using iceberg::TypeId;

// The value kind of a primitive Iceberg type (type_mapping.h's targets).
ValueKind KindOf(TypeId id) {
  switch (id) {
    case TypeId::kBoolean:
      return ValueKind::kBool;
    case TypeId::kInt:
      return ValueKind::kInt32;
    case TypeId::kLong:
      return ValueKind::kInt64;
    case TypeId::kFloat:
      return ValueKind::kFloat32;
    case TypeId::kDouble:
      return ValueKind::kFloat64;
    case TypeId::kDecimal:
      return ValueKind::kDecimal;
    case TypeId::kBinary:
      return ValueKind::kBinary;
    case TypeId::kDate:
      return ValueKind::kDate;
    case TypeId::kTime:
      return ValueKind::kTime;
    case TypeId::kTimestamp:
      return ValueKind::kTimestamp;
    case TypeId::kTimestampTz:
      return ValueKind::kTimestampTz;
    case TypeId::kUuid:
      return ValueKind::kUuid;
    default:
      return ValueKind::kString;
  }
}

__int128 PowerOfTen(int exponent) {
  __int128 out = 1;
  for (int i = 0; i < exponent; ++i) out *= 10;
  return out;
}

// How many dimensions a list has: lists of lists nest one level per dimension.
int Dimensions(const Value& list) {
  int dimensions = 1;
  for (const Value* v = &list; !v->elements.empty() && v->elements[0].kind == ValueKind::kList;
       v = &v->elements[0]) {
    ++dimensions;
  }
  return dimensions;
}

Status WrongKind(const Value& value, ValueKind expected) {
  return Status::Internal(std::string("a ") + std::string(change::ValueKindName(value.kind)) +
                          " value where the column takes " +
                          std::string(change::ValueKindName(expected)) +
                          " values (unresolved or unconverted before writing)");
}

}  // namespace

RowEncoder::RowEncoder(std::string table_name, std::vector<MappedColumn> columns)
    : table_name_(std::move(table_name)), columns_(std::move(columns)) {
  forms_.reserve(columns_.size());
  for (const MappedColumn& column : columns_) {
    const bool list = column.iceberg_type.is_list();
    const iceberg::Type& type = list ? column.iceberg_type.element->type : column.iceberg_type;
    ColumnForm form{.list = list, .kind = KindOf(type.id)};
    if (type.id == TypeId::kDecimal) {
      form.decimal_width = pg::DecimalWidthBytes(type.precision);
      form.decimal_limit = PowerOfTen(type.precision);
    }
    forms_.push_back(form);
  }
}

Status RowEncoder::InColumn(Status status, size_t column) const {
  return status.WithContext("table " + table_name_ + ", column \"" + columns_[column].pg.name +
                            "\"");
}

Status RowEncoder::Write(const change::Row& row, parquet::ParquetWriter& writer) const {
  CHECK(row.size() == columns_.size());
  for (size_t i = 0; i < row.size(); ++i) {
    Status status = WriteValue(row[i], i, writer);
    if (!status.ok()) [[unlikely]]
      return InColumn(status, i);
  }
  return writer.EndRow();
}

Status RowEncoder::WriteValue(const Value& value, size_t column,
                              parquet::ParquetWriter& writer) const {
  if (value.kind == ValueKind::kNull) return writer.AppendNull(column);
  if (!forms_[column].list) return WriteScalar(value, column, writer);
  if (value.kind != ValueKind::kList) return WrongKind(value, ValueKind::kList);
  return WriteList(value, column, writer);
}

Status RowEncoder::WriteList(const Value& list, size_t column,
                             parquet::ParquetWriter& writer) const {
  if (const int dimensions = Dimensions(list); dimensions > 1) {
    return Status::InvalidArgument("array value has " + std::to_string(dimensions) +
                                   " dimensions; only one-dimensional arrays can be stored as "
                                   "an Iceberg list");
  }
  RETURN_IF_ERROR(writer.BeginList(column));
  for (const Value& element : list.elements) {
    RETURN_IF_ERROR(element.kind == ValueKind::kNull ? writer.AppendNull(column)
                                                     : WriteScalar(element, column, writer));
  }
  return writer.EndList(column);
}

// One present value of the column's (or its elements') kind.
Status RowEncoder::WriteScalar(const Value& value, size_t column,
                               parquet::ParquetWriter& writer) const {
  const ColumnForm& form = forms_[column];
  if (value.kind != form.kind) [[unlikely]]
    return WrongKind(value, form.kind);
  switch (value.kind) {
    case ValueKind::kBool:
      return writer.AppendBool(column, value.int_value != 0);
    case ValueKind::kInt32:
    case ValueKind::kDate:
      return writer.AppendInt32(column, static_cast<int32_t>(value.int_value));
    case ValueKind::kInt64:
    case ValueKind::kTime:
    case ValueKind::kTimestamp:
    case ValueKind::kTimestampTz:
      return writer.AppendInt64(column, value.int_value);
    case ValueKind::kFloat32:
      return writer.AppendFloat(column, static_cast<float>(value.float_value));
    case ValueKind::kFloat64:
      return writer.AppendDouble(column, value.float_value);
    case ValueKind::kDecimal: {
      const __int128 unscaled = value.decimal_unscaled;
      if (unscaled >= form.decimal_limit || unscaled <= -form.decimal_limit) [[unlikely]] {
        return Status::InvalidArgument(
            "decimal value has more digits than the column's "
            "precision");
      }
      std::byte bytes[16];
      pg::EncodeDecimalBigEndian(unscaled, form.decimal_width, bytes);
      return writer.AppendBytes(column, ByteSpan(bytes, static_cast<size_t>(form.decimal_width)));
    }
    default:  // kString, kBinary, kUuid
      return writer.AppendBytes(column, AsBytes(value.bytes));
  }
}

}  // namespace pg2iceberg
