#include "mirror/row_encoder.h"

#include "pg/binary_values.h"
#include "pg/mapped_values.h"
#include "pg/text_of_binary.h"

namespace pg2iceberg {

using pg::TypeOid;

RowEncoder::RowEncoder(std::string table_name, std::vector<MappedColumn> columns)
    : table_name_(std::move(table_name)), columns_(std::move(columns)) {
  for (const MappedColumn& column : columns_) {
    bool is_decimal = column.iceberg_type.id == iceberg::TypeId::kDecimal;
    decimal_widths_.push_back(is_decimal ? pg::DecimalWidthBytes(column.iceberg_type.precision) : 0);
  }
}

Status RowEncoder::Encode(pg::CopyBinaryParser::Fields fields, parquet::ParquetWriter& writer) const {
  CHECK(fields.size() == columns_.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    Status status = fields[i] ? AppendValue(i, *fields[i], writer) : writer.AppendNull(i);
    if (!status.ok()) [[unlikely]] {
      return status.WithContext("table " + table_name_ + ", column \"" + columns_[i].pg.name + "\"");
    }
  }
  return writer.EndRow();
}

// Appends the result of a decoder, or returns its error.
#define APPEND_DECODED(append, decoded)                 \
  do {                                                  \
    auto result = (decoded);                            \
    if (!result.ok()) return result.status();           \
    return writer.append(column, *result);              \
  } while (false)

Status RowEncoder::AppendValue(size_t column, ByteSpan value, parquet::ParquetWriter& writer) const {
  switch (columns_[column].oid) {
    case TypeOid::kBool: APPEND_DECODED(AppendBool, pg::DecodeBool(value));
    case TypeOid::kInt2: APPEND_DECODED(AppendInt32, pg::DecodeInt2(value));
    case TypeOid::kInt4: APPEND_DECODED(AppendInt32, pg::DecodeInt4(value));
    case TypeOid::kInt8: APPEND_DECODED(AppendInt64, pg::DecodeInt8(value));
    case TypeOid::kOid: APPEND_DECODED(AppendInt64, pg::DecodeOid(value));
    case TypeOid::kFloat4: APPEND_DECODED(AppendFloat, pg::DecodeFloat4(value));
    case TypeOid::kFloat8: APPEND_DECODED(AppendDouble, pg::DecodeFloat8(value));
    case TypeOid::kDate: APPEND_DECODED(AppendInt32, pg::DecodeDate(value));
    case TypeOid::kTime: APPEND_DECODED(AppendInt64, pg::DecodeTime(value));
    case TypeOid::kTimeTz: APPEND_DECODED(AppendInt64, pg::DecodeTimeTzBinary(value));
    case TypeOid::kTimestamp:
    case TypeOid::kTimestampTz: APPEND_DECODED(AppendInt64, pg::DecodeTimestamp(value));
    case TypeOid::kUuid: APPEND_DECODED(AppendBytes, pg::DecodeUuid(value));
    case TypeOid::kJsonb: APPEND_DECODED(AppendBytes, pg::DecodeJsonb(value));
    case TypeOid::kText:
    case TypeOid::kName:
    case TypeOid::kVarchar:
    case TypeOid::kBpchar:
    case TypeOid::kJson:
    case TypeOid::kBytea: return writer.AppendBytes(column, value);
    case TypeOid::kNumeric:
      if (columns_[column].iceberg_type.id == iceberg::TypeId::kString) {
        // iceberg.wide_numeric: string — Postgres' exact text of the value.
        ASSIGN_OR_RETURN(const std::string text, pg::NumericTextOfBinary(value));
        return writer.AppendBytes(column, AsBytes(text));
      }
      return AppendDecimal(column, value, writer);
    default: break;
  }
  // The types mapped to the text capture stages for them (type_mapping.cc).
  CHECK_MSG(pg::IsMappedType(static_cast<uint32_t>(columns_[column].oid)), "column type was not mapped");
  ASSIGN_OR_RETURN(const change::Value text,
                   pg::DecodeMappedValue(static_cast<uint32_t>(columns_[column].oid), value, /*binary=*/true));
  return writer.AppendBytes(column, AsBytes(text.bytes));
}

#undef APPEND_DECODED

Status RowEncoder::AppendDecimal(size_t column, ByteSpan value, parquet::ParquetWriter& writer) const {
  const iceberg::Type& type = columns_[column].iceberg_type;
  ASSIGN_OR_RETURN(__int128 unscaled, pg::DecodeNumeric(value, type.precision, type.scale));
  std::byte bytes[16];
  const int width = decimal_widths_[column];
  pg::EncodeDecimalBigEndian(unscaled, width, bytes);
  return writer.AppendBytes(column, ByteSpan(bytes, static_cast<size_t>(width)));
}

}  // namespace pg2iceberg
