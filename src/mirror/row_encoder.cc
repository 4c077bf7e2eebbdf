#include "mirror/row_encoder.h"

#include "pg/binary_values.h"
#include "pg/mapped_values.h"
#include "pg/text_of_binary.h"

namespace pg2iceberg {

using pg::TypeOid;
using Kind = DecodedRow::Kind;

void DecodedRow::Clear() {
  values_.clear();
  buffer_.clear();
}

void DecodedRow::AddBytes(ByteSpan bytes) {
  values_.push_back({.kind = Kind::kBytes, .offset = buffer_.size(), .size = bytes.size()});
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

void DecodedRow::AddDecimal(__int128 unscaled, ByteSpan fixed_bytes) {
  values_.push_back({.kind = Kind::kDecimal, .unscaled = unscaled, .offset = buffer_.size(),
                     .size = fixed_bytes.size()});
  buffer_.insert(buffer_.end(), fixed_bytes.begin(), fixed_bytes.end());
}

ByteSpan DecodedRow::BytesOf(size_t column) const {
  const Value& v = values_[column];
  return ByteSpan(buffer_.data() + v.offset, v.size);
}

std::optional<iceberg::Literal> DecodedRow::LiteralOf(size_t column) const {
  const Value& v = values_[column];
  switch (v.kind) {
    case Kind::kNull: return std::nullopt;
    case Kind::kFloat:
    case Kind::kDouble: return iceberg::Literal::Real(v.real);
    case Kind::kBytes: return iceberg::Literal::Bytes(std::string(AsStringView(BytesOf(column))));
    case Kind::kDecimal: return iceberg::Literal::Decimal(v.unscaled);
    default: return iceberg::Literal::Integer(v.integer);  // bool, int32, int64
  }
}

RowEncoder::RowEncoder(std::string table_name, std::vector<MappedColumn> columns)
    : table_name_(std::move(table_name)), columns_(std::move(columns)) {
  for (const MappedColumn& column : columns_) {
    bool is_decimal = column.iceberg_type.id == iceberg::TypeId::kDecimal;
    decimal_widths_.push_back(is_decimal ? pg::DecimalWidthBytes(column.iceberg_type.precision) : 0);
  }
}

Status RowEncoder::InColumn(Status status, size_t column) const {
  return status.WithContext("table " + table_name_ + ", column \"" + columns_[column].pg.name + "\"");
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
    if (!status.ok()) [[unlikely]] return InColumn(status, i);
  }
  return Status::Ok();
}

Status RowEncoder::Write(const DecodedRow& row, parquet::ParquetWriter& writer) const {
  CHECK(row.size() == columns_.size());
  for (size_t i = 0; i < row.size(); ++i) {
    Status status = WriteValue(row, i, writer);
    if (!status.ok()) [[unlikely]] return InColumn(status, i);
  }
  return writer.EndRow();
}

Status RowEncoder::WriteValue(const DecodedRow& row, size_t column, parquet::ParquetWriter& writer) const {
  const DecodedRow::Value& v = row.value(column);
  switch (v.kind) {
    case Kind::kNull: return writer.AppendNull(column);
    case Kind::kBool: return writer.AppendBool(column, v.integer != 0);
    case Kind::kInt32: return writer.AppendInt32(column, static_cast<int32_t>(v.integer));
    case Kind::kInt64: return writer.AppendInt64(column, v.integer);
    case Kind::kFloat: return writer.AppendFloat(column, static_cast<float>(v.real));
    case Kind::kDouble: return writer.AppendDouble(column, v.real);
    case Kind::kBytes:
    case Kind::kDecimal: return writer.AppendBytes(column, row.BytesOf(column));
  }
  return Status::Internal("unknown decoded value kind");
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
    case TypeOid::kBool: ADD_DECODED(AddInteger, Kind::kBool, pg::DecodeBool(value));
    case TypeOid::kInt2: ADD_DECODED(AddInteger, Kind::kInt32, pg::DecodeInt2(value));
    case TypeOid::kInt4: ADD_DECODED(AddInteger, Kind::kInt32, pg::DecodeInt4(value));
    case TypeOid::kInt8: ADD_DECODED(AddInteger, Kind::kInt64, pg::DecodeInt8(value));
    case TypeOid::kOid: ADD_DECODED(AddInteger, Kind::kInt64, pg::DecodeOid(value));
    case TypeOid::kFloat4: ADD_DECODED(AddReal, Kind::kFloat, pg::DecodeFloat4(value));
    case TypeOid::kFloat8: ADD_DECODED(AddReal, Kind::kDouble, pg::DecodeFloat8(value));
    case TypeOid::kDate: ADD_DECODED(AddInteger, Kind::kInt32, pg::DecodeDate(value));
    case TypeOid::kTime: ADD_DECODED(AddInteger, Kind::kInt64, pg::DecodeTime(value));
    case TypeOid::kTimeTz: ADD_DECODED(AddInteger, Kind::kInt64, pg::DecodeTimeTzBinary(value));
    case TypeOid::kTimestamp:
    case TypeOid::kTimestampTz: ADD_DECODED(AddInteger, Kind::kInt64, pg::DecodeTimestamp(value));
    case TypeOid::kUuid: ADD_DECODED_BYTES(pg::DecodeUuid(value));
    case TypeOid::kJsonb: ADD_DECODED_BYTES(pg::DecodeJsonb(value));
    case TypeOid::kText:
    case TypeOid::kName:
    case TypeOid::kVarchar:
    case TypeOid::kBpchar:
    case TypeOid::kJson:
    case TypeOid::kBytea: row.AddBytes(value); return Status::Ok();
    case TypeOid::kNumeric:
      if (columns_[column].iceberg_type.id == iceberg::TypeId::kString) {
        // iceberg.wide_numeric: string — Postgres' exact text of the value.
        ASSIGN_OR_RETURN(const std::string text, pg::NumericTextOfBinary(value));
        row.AddBytes(AsBytes(text));
        return Status::Ok();
      }
      return DecodeDecimal(column, value, row);
    default: break;
  }
  // The types mapped to the text capture stages for them (type_mapping.cc).
  CHECK_MSG(pg::IsMappedType(static_cast<uint32_t>(columns_[column].oid)), "column type was not mapped");
  ASSIGN_OR_RETURN(const change::Value text,
                   pg::DecodeMappedValue(static_cast<uint32_t>(columns_[column].oid), value, /*binary=*/true));
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

}  // namespace pg2iceberg
