#include "mirror/row_encoder.h"

#include "pg/array_values.h"
#include "pg/binary_values.h"
#include "pg/mapped_values.h"
#include "pg/text_of_binary.h"
#include "pg/value_decoding.h"

namespace pg2iceberg {

using pg::TypeOid;

RowEncoder::RowEncoder(std::string table_name, std::vector<MappedColumn> columns)
    : table_name_(std::move(table_name)), columns_(std::move(columns)) {
  for (const MappedColumn& column : columns_) {
    const iceberg::Type& type =
        column.iceberg_type.is_list() ? column.iceberg_type.element->type : column.iceberg_type;
    bool is_decimal = type.id == iceberg::TypeId::kDecimal;
    decimal_widths_.push_back(is_decimal ? pg::DecimalWidthBytes(type.precision) : 0);
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
  if (columns_[column].iceberg_type.is_list()) return AppendList(column, value, writer);
  // The types mapped to the text capture stages for them (type_mapping.cc).
  CHECK_MSG(pg::IsMappedType(static_cast<uint32_t>(columns_[column].oid)), "column type was not mapped");
  ASSIGN_OR_RETURN(const change::Value text,
                   pg::DecodeMappedValue(static_cast<uint32_t>(columns_[column].oid), value, /*binary=*/true));
  return writer.AppendBytes(column, AsBytes(text.bytes));
}

#undef APPEND_DECODED

namespace {

// `unscaled` as a `width`-byte big-endian decimal.
Status AppendUnscaled(size_t column, __int128 unscaled, int width, parquet::ParquetWriter& writer) {
  std::byte bytes[16];
  pg::EncodeDecimalBigEndian(unscaled, width, bytes);
  return writer.AppendBytes(column, ByteSpan(bytes, static_cast<size_t>(width)));
}

}  // namespace

Status RowEncoder::AppendDecimal(size_t column, ByteSpan value,
                                 parquet::ParquetWriter& writer) const {
  const iceberg::Type& type = columns_[column].iceberg_type;
  ASSIGN_OR_RETURN(__int128 unscaled, pg::DecodeNumeric(value, type.precision, type.scale));
  return AppendUnscaled(column, unscaled, decimal_widths_[column], writer);
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

Status RowEncoder::AppendList(size_t column, ByteSpan value, parquet::ParquetWriter& writer) const {
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
  RETURN_IF_ERROR(writer.BeginList(column));
  for (const change::Value& element : list.elements) {
    RETURN_IF_ERROR(AppendElement(column, element, writer));
  }
  return writer.EndList(column);
}

// One decoded element, already in the list's element type (array_values.h decodes it as the
// scalar column would be).
Status RowEncoder::AppendElement(size_t column, const change::Value& element,
                                 parquet::ParquetWriter& writer) const {
  using change::ValueKind;
  switch (element.kind) {
    case ValueKind::kNull:
      return writer.AppendNull(column);
    case ValueKind::kBool:
      return writer.AppendBool(column, element.int_value != 0);
    case ValueKind::kInt32:
    case ValueKind::kDate:
      return writer.AppendInt32(column, static_cast<int32_t>(element.int_value));
    case ValueKind::kInt64:
    case ValueKind::kTime:
    case ValueKind::kTimestamp:
    case ValueKind::kTimestampTz:
      return writer.AppendInt64(column, element.int_value);
    case ValueKind::kFloat32:
      return writer.AppendFloat(column, static_cast<float>(element.float_value));
    case ValueKind::kFloat64:
      return writer.AppendDouble(column, element.float_value);
    case ValueKind::kDecimal:
      return AppendUnscaled(column, element.decimal_unscaled, decimal_widths_[column], writer);
    case ValueKind::kString:
    case ValueKind::kBinary:
    case ValueKind::kUuid:
      return writer.AppendBytes(column, AsBytes(element.bytes));
    case ValueKind::kUnchangedToast:
    case ValueKind::kList:
      break;
  }
  CHECK_MSG(false, "array element of an unexpected kind");
  return Status::Internal("unreachable");
}

}  // namespace pg2iceberg
