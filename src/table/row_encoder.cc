#include "table/row_encoder.h"

#include "pg/array_values.h"
#include "pg/binary_values.h"
#include "pg/mapped_values.h"
#include "pg/text_of_binary.h"
#include "pg/value_decoding.h"

namespace pg2iceberg {

using pg::TypeOid;
using Kind = DecodedRow::Kind;

void DecodedRow::Clear() {
  values_.clear();
  elements_.clear();
  buffer_.clear();
}

void DecodedRow::AddElement(Value element, ByteSpan bytes) {
  CHECK(!values_.empty() && values_.back().kind == Kind::kList);
  element.offset = buffer_.size();
  element.size = bytes.size();
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  elements_.push_back(element);
  ++values_.back().size;
}

std::span<const DecodedRow::Value> DecodedRow::ElementsOf(size_t column) const {
  const Value& v = values_[column];
  CHECK(v.kind == Kind::kList);
  return std::span<const Value>(elements_).subspan(v.offset, v.size);
}

void DecodedRow::AddBytes(ByteSpan bytes) {
  values_.push_back({.kind = Kind::kBytes, .offset = buffer_.size(), .size = bytes.size()});
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

void DecodedRow::AddDecimal(__int128 unscaled, ByteSpan fixed_bytes) {
  values_.push_back({.kind = Kind::kDecimal,
                     .unscaled = unscaled,
                     .offset = buffer_.size(),
                     .size = fixed_bytes.size()});
  buffer_.insert(buffer_.end(), fixed_bytes.begin(), fixed_bytes.end());
}

ByteSpan DecodedRow::BytesOf(const Value& v) const {
  return ByteSpan(buffer_.data() + v.offset, v.size);
}

std::optional<iceberg::Literal> DecodedRow::LiteralOf(size_t column) const {
  const Value& v = values_[column];
  switch (v.kind) {
    case Kind::kNull:
      return std::nullopt;
    case Kind::kFloat:
    case Kind::kDouble:
      return iceberg::Literal::Real(v.real);
    case Kind::kBytes:
      return iceberg::Literal::Bytes(std::string(AsStringView(BytesOf(column))));
    case Kind::kDecimal:
      return iceberg::Literal::Decimal(v.unscaled);
    case Kind::kList:
      CHECK_MSG(false, "a list has no partition literal");
      return std::nullopt;
    default:
      return iceberg::Literal::Integer(v.integer);  // bool, int32, int64
  }
}

RowEncoder::RowEncoder(std::string table_name, std::vector<MappedColumn> columns)
    : table_name_(std::move(table_name)), columns_(std::move(columns)) {
  for (const MappedColumn& column : columns_) {
    const iceberg::Type& type =
        column.iceberg_type.is_list() ? column.iceberg_type.element->type : column.iceberg_type;
    bool is_decimal = type.id == iceberg::TypeId::kDecimal;
    decimal_widths_.push_back(is_decimal ? pg::DecimalWidthBytes(type.precision) : 0);
  }
}

Status RowEncoder::InColumn(Status status, size_t column) const {
  return status.WithContext("table " + table_name_ + ", column \"" + columns_[column].pg.name +
                            "\"");
}

Status RowEncoder::Decode(pg::CopyBinaryParser::Fields fields, DecodedRow& row) const {
  CHECK(fields.size() == columns_.size());
  row.Clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!fields[i]) {
      row.AddNull();
      continue;
    }
    Status status = DecodeValue(i, *fields[i], row);
    if (!status.ok()) [[unlikely]]
      return InColumn(status, i);
  }
  return Status::Ok();
}

Status RowEncoder::Write(const DecodedRow& row, parquet::ParquetWriter& writer) const {
  CHECK(row.size() == columns_.size());
  for (size_t i = 0; i < row.size(); ++i) {
    Status status = WriteValue(row, i, writer);
    if (!status.ok()) [[unlikely]]
      return InColumn(status, i);
  }
  return writer.EndRow();
}

namespace {

// Appends one scalar (or null) value whose bytes (kBytes, kDecimal) are `bytes`.
Status WriteScalar(const DecodedRow::Value& v, ByteSpan bytes, size_t column,
                   parquet::ParquetWriter& writer) {
  switch (v.kind) {
    case Kind::kNull:
      return writer.AppendNull(column);
    case Kind::kBool:
      return writer.AppendBool(column, v.integer != 0);
    case Kind::kInt32:
      return writer.AppendInt32(column, static_cast<int32_t>(v.integer));
    case Kind::kInt64:
      return writer.AppendInt64(column, v.integer);
    case Kind::kFloat:
      return writer.AppendFloat(column, static_cast<float>(v.real));
    case Kind::kDouble:
      return writer.AppendDouble(column, v.real);
    case Kind::kBytes:
    case Kind::kDecimal:
      return writer.AppendBytes(column, bytes);
    case Kind::kList:
      break;
  }
  return Status::Internal("not a scalar decoded value");
}

}  // namespace

Status RowEncoder::WriteValue(const DecodedRow& row, size_t column,
                              parquet::ParquetWriter& writer) const {
  const DecodedRow::Value& v = row.value(column);
  if (v.kind == Kind::kList) return WriteList(row, column, writer);
  return WriteScalar(v, row.BytesOf(v), column, writer);
}

Status RowEncoder::WriteList(const DecodedRow& row, size_t column,
                             parquet::ParquetWriter& writer) const {
  RETURN_IF_ERROR(writer.BeginList(column));
  for (const DecodedRow::Value& element : row.ElementsOf(column)) {
    RETURN_IF_ERROR(WriteScalar(element, row.BytesOf(element), column, writer));
  }
  return writer.EndList(column);
}

// Adds the result of a decoder to the row, or returns its error.
#define ADD_DECODED(add, kind, decoded)       \
  do {                                        \
    auto result = (decoded);                  \
    if (!result.ok()) return result.status(); \
    row.add(kind, *result);                   \
    return Status::Ok();                      \
  } while (false)

#define ADD_DECODED_BYTES(decoded)            \
  do {                                        \
    auto result = (decoded);                  \
    if (!result.ok()) return result.status(); \
    row.AddBytes(*result);                    \
    return Status::Ok();                      \
  } while (false)

Status RowEncoder::DecodeValue(size_t column, ByteSpan value, DecodedRow& row) const {
  switch (columns_[column].oid) {
    case TypeOid::kBool:
      ADD_DECODED(AddInteger, Kind::kBool, pg::DecodeBool(value));
    case TypeOid::kInt2:
      ADD_DECODED(AddInteger, Kind::kInt32, pg::DecodeInt2(value));
    case TypeOid::kInt4:
      ADD_DECODED(AddInteger, Kind::kInt32, pg::DecodeInt4(value));
    case TypeOid::kInt8:
      ADD_DECODED(AddInteger, Kind::kInt64, pg::DecodeInt8(value));
    case TypeOid::kOid:
      ADD_DECODED(AddInteger, Kind::kInt64, pg::DecodeOid(value));
    case TypeOid::kFloat4:
      ADD_DECODED(AddReal, Kind::kFloat, pg::DecodeFloat4(value));
    case TypeOid::kFloat8:
      ADD_DECODED(AddReal, Kind::kDouble, pg::DecodeFloat8(value));
    case TypeOid::kDate:
      ADD_DECODED(AddInteger, Kind::kInt32, pg::DecodeDate(value));
    case TypeOid::kTime:
      ADD_DECODED(AddInteger, Kind::kInt64, pg::DecodeTime(value));
    case TypeOid::kTimeTz:
      ADD_DECODED(AddInteger, Kind::kInt64, pg::DecodeTimeTzBinary(value));
    case TypeOid::kTimestamp:
    case TypeOid::kTimestampTz:
      ADD_DECODED(AddInteger, Kind::kInt64, pg::DecodeTimestamp(value));
    case TypeOid::kUuid:
      ADD_DECODED_BYTES(pg::DecodeUuid(value));
    case TypeOid::kJsonb:
      ADD_DECODED_BYTES(pg::DecodeJsonb(value));
    case TypeOid::kText:
    case TypeOid::kName:
    case TypeOid::kVarchar:
    case TypeOid::kBpchar:
    case TypeOid::kJson:
    case TypeOid::kBytea:
      row.AddBytes(value);
      return Status::Ok();
    case TypeOid::kNumeric:
      if (columns_[column].iceberg_type.id == iceberg::TypeId::kString) {
        // iceberg.wide_numeric: string — Postgres' exact text of the value.
        ASSIGN_OR_RETURN(const std::string text, pg::NumericTextOfBinary(value));
        row.AddBytes(AsBytes(text));
        return Status::Ok();
      }
      return DecodeDecimal(column, value, row);
    default:
      break;
  }
  if (columns_[column].iceberg_type.is_list()) return DecodeList(column, value, row);
  // The types mapped to the text capture stages for them (type_mapping.cc).
  CHECK_MSG(pg::IsMappedType(static_cast<uint32_t>(columns_[column].oid)),
            "column type was not mapped");
  ASSIGN_OR_RETURN(
      const change::Value text,
      pg::DecodeMappedValue(static_cast<uint32_t>(columns_[column].oid),
                            columns_[column].pg.type_modifier, value, /*binary=*/true));
  row.AddBytes(AsBytes(text.bytes));
  return Status::Ok();
}

#undef ADD_DECODED
#undef ADD_DECODED_BYTES

Status RowEncoder::DecodeDecimal(size_t column, ByteSpan value, DecodedRow& row) const {
  const iceberg::Type& type = columns_[column].iceberg_type;
  ASSIGN_OR_RETURN(__int128 unscaled, pg::DecodeNumeric(value, type.precision, type.scale));
  std::byte bytes[16];
  const int width = decimal_widths_[column];
  pg::EncodeDecimalBigEndian(unscaled, width, bytes);
  row.AddDecimal(unscaled, ByteSpan(bytes, static_cast<size_t>(width)));
  return Status::Ok();
}

namespace {

// How many dimensions a decoded array has: lists of lists nest one level per dimension.
int Dimensions(const change::Value& list) {
  int dimensions = 1;
  for (const change::Value* v = &list;
       !v->elements.empty() && v->elements[0].kind == change::ValueKind::kList;
       v = &v->elements[0]) {
    ++dimensions;
  }
  return dimensions;
}

}  // namespace

Status RowEncoder::DecodeList(size_t column, ByteSpan value, DecodedRow& row) const {
  const MappedColumn& mapped = columns_[column];
  const change::ColumnSchema schema{.name = mapped.pg.name,
                                    .type_oid = mapped.pg.type_oid,
                                    .type_modifier = mapped.pg.type_modifier};
  ASSIGN_OR_RETURN(const change::Value list,
                   pg::DecodeArrayValue(schema, value, /*binary=*/true, pg::DecodePresentValue));
  if (const int dimensions = Dimensions(list); dimensions > 1) {
    return Status::InvalidArgument("array value has " + std::to_string(dimensions) +
                                   " dimensions; only one-dimensional arrays can be stored as "
                                   "an Iceberg list");
  }
  row.AddList();
  for (const change::Value& element : list.elements) AddElement(column, element, row);
  return Status::Ok();
}

// One decoded element, already in the list's element type (array_values.h decodes it as the
// scalar column would be).
void RowEncoder::AddElement(size_t column, const change::Value& element, DecodedRow& row) const {
  using change::ValueKind;
  switch (element.kind) {
    case ValueKind::kNull:
      return row.AddElement({});
    case ValueKind::kBool:
      return row.AddElement({.kind = Kind::kBool, .integer = element.int_value});
    case ValueKind::kInt32:
    case ValueKind::kDate:
      return row.AddElement({.kind = Kind::kInt32, .integer = element.int_value});
    case ValueKind::kInt64:
    case ValueKind::kTime:
    case ValueKind::kTimestamp:
    case ValueKind::kTimestampTz:
      return row.AddElement({.kind = Kind::kInt64, .integer = element.int_value});
    case ValueKind::kFloat32:
      return row.AddElement({.kind = Kind::kFloat, .real = element.float_value});
    case ValueKind::kFloat64:
      return row.AddElement({.kind = Kind::kDouble, .real = element.float_value});
    case ValueKind::kDecimal: {
      std::byte bytes[16];
      const int width = decimal_widths_[column];
      pg::EncodeDecimalBigEndian(element.decimal_unscaled, width, bytes);
      return row.AddElement({.kind = Kind::kDecimal, .unscaled = element.decimal_unscaled},
                            ByteSpan(bytes, static_cast<size_t>(width)));
    }
    case ValueKind::kString:
    case ValueKind::kBinary:
    case ValueKind::kUuid:
      return row.AddElement({.kind = Kind::kBytes}, AsBytes(element.bytes));
    case ValueKind::kUnchangedToast:
    case ValueKind::kList:
      break;
  }
  CHECK_MSG(false, "array element of an unexpected kind");
}

}  // namespace pg2iceberg
