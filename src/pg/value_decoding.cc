#include "pg/value_decoding.h"

#include <cmath>
#include <limits>
#include <string>

#include "pg/array_values.h"
#include "pg/binary_values.h"
#include "pg/mapped_values.h"
#include "pg/pg_types.h"
#include "pg/replication_protocol.h"
#include "pg/text_values.h"

namespace pg2iceberg::pg {
namespace {

using change::ColumnSchema;
using change::Value;

// Applies `make` to a decoded value, or passes the error on.
template <typename T, typename Make>
Result<Value> Convert(Result<T> decoded, Make make) {
  if (!decoded.ok()) return decoded.status();
  return make(std::move(decoded).value());
}

Value Float32(float value) {
  return Value::Float32(std::isnan(value) ? std::numeric_limits<float>::quiet_NaN() : value);
}
Value Float64(double value) {
  return Value::Float64(std::isnan(value) ? std::numeric_limits<double>::quiet_NaN() : value);
}

Result<Value> DecodeNumber(TypeOid oid, ByteSpan data, bool binary) {
  const std::string_view text = AsStringView(data);
  auto int32 = [](int64_t v) { return Value::Int32(static_cast<int32_t>(v)); };
  switch (oid) {
    case TypeOid::kBool:
      return Convert(binary ? DecodeBool(data) : ParseBoolText(text), Value::Bool);
    case TypeOid::kInt2:
      return binary ? Convert(DecodeInt2(data), Value::Int32)
                    : Convert(ParseIntegerText(text, -32768, 32767), int32);
    case TypeOid::kInt4:
      return binary ? Convert(DecodeInt4(data), Value::Int32)
                    : Convert(ParseIntegerText(text, std::numeric_limits<int32_t>::min(),
                                               std::numeric_limits<int32_t>::max()),
                              int32);
    case TypeOid::kInt8:
      return Convert(binary ? DecodeInt8(data)
                            : ParseIntegerText(text, std::numeric_limits<int64_t>::min(),
                                               std::numeric_limits<int64_t>::max()),
                     Value::Int64);
    case TypeOid::kOid:
      return binary ? Convert(DecodeOid(data), Value::Int64)
                    : Convert(ParseIntegerText(text, 0, std::numeric_limits<uint32_t>::max()),
                              Value::Int64);
    case TypeOid::kFloat4:
      return Convert(binary ? DecodeFloat4(data) : ParseFloat4Text(text), Float32);
    default:  // kFloat8
      return Convert(binary ? DecodeFloat8(data) : ParseFloat8Text(text), Float64);
  }
}

Result<Value> DecodeBytes(TypeOid oid, ByteSpan data, bool binary) {
  const std::string_view text = AsStringView(data);
  auto string = [](ByteSpan v) { return Value::String(std::string(AsStringView(v))); };
  switch (oid) {
    case TypeOid::kJsonb:
      return binary ? Convert(DecodeJsonb(data), string) : string(data);
    case TypeOid::kBytea:
      return binary ? Value::Binary(std::string(text))
                    : Convert(ParseByteaText(text), Value::Binary);
    case TypeOid::kUuid:
      return binary ? Convert(DecodeUuid(data),
                              [](ByteSpan v) { return Value::Uuid(std::string(AsStringView(v))); })
                    : Convert(ParseUuidText(text), Value::Uuid);
    default:  // text, varchar, bpchar, name, json: the send form is the text itself
      return string(data);
  }
}

// binary_values' DecodeTimestamp, refusing the last ~30 years of Postgres' range, which move
// past the int64 range when shifted to the Unix epoch.
Result<int64_t> DecodeTimestampBinary(ByteSpan data, const char* type) {
  ASSIGN_OR_RETURN(const int64_t pg_micros, DecodeInt8(data));
  if (pg_micros != std::numeric_limits<int64_t>::max() &&
      pg_micros > std::numeric_limits<int64_t>::max() - kPgEpochUnixMicros) {
    return Status::InvalidArgument(std::string(type) + " value " + std::to_string(pg_micros) +
                                   " µs after 2000-01-01 cannot be stored in an Iceberg " + type);
  }
  return DecodeTimestamp(data);
}

Result<Value> DecodeTemporal(TypeOid oid, ByteSpan data, bool binary) {
  const std::string_view text = AsStringView(data);
  switch (oid) {
    case TypeOid::kDate:
      return Convert(binary ? DecodeDate(data) : ParseDateText(text), Value::Date);
    case TypeOid::kTime:
      return Convert(binary ? DecodeTime(data) : ParseTimeText(text), Value::Time);
    case TypeOid::kTimestamp:
      return Convert(binary ? DecodeTimestampBinary(data, "timestamp") : ParseTimestampText(text),
                     Value::Timestamp);
    default:  // kTimestampTz
      return Convert(
          binary ? DecodeTimestampBinary(data, "timestamptz") : ParseTimestampTzText(text),
          Value::TimestampTz);
  }
}

// numeric's type modifier is ((precision << 16) | scale) + 4, the scale in 11 bits.
Result<DecimalType> DecimalTypeOfModifier(int32_t type_modifier) {
  if (type_modifier < 4) {
    return DecimalType{.precision = kUnconstrainedNumericPrecision,
                       .scale = kUnconstrainedNumericScale};
  }
  const int32_t packed = type_modifier - 4;
  DecimalType out{.precision = (packed >> 16) & 0xffff, .scale = packed & 0x7ff};
  if (out.scale & 0x400) out.scale -= 0x800;  // two's complement (negative scales, PG 15+)
  if (out.precision < 1 || out.precision > 38 || out.scale < 0 || out.scale > out.precision) {
    return Status::InvalidArgument("numeric(" + std::to_string(out.precision) + "," +
                                   std::to_string(out.scale) +
                                   ") cannot be stored as an "
                                   "Iceberg decimal (needs 1 <= p <= 38 and 0 <= s <= p)");
  }
  return out;
}

Result<Value> DecodeNumericValue(const ColumnSchema& column, ByteSpan data, bool binary) {
  ASSIGN_OR_RETURN(const DecimalType type, DecimalTypeOfModifier(column.type_modifier));
  return Convert(binary ? DecodeNumeric(data, type.precision, type.scale)
                        : ParseNumericText(AsStringView(data), type.precision, type.scale),
                 Value::Decimal);
}

Result<Value> DecodePresent(const ColumnSchema& column, ByteSpan data, bool binary) {
  const TypeOid oid = static_cast<TypeOid>(column.type_oid);
  switch (oid) {
    case TypeOid::kBool:
    case TypeOid::kInt2:
    case TypeOid::kInt4:
    case TypeOid::kInt8:
    case TypeOid::kOid:
    case TypeOid::kFloat4:
    case TypeOid::kFloat8:
      return DecodeNumber(oid, data, binary);
    case TypeOid::kText:
    case TypeOid::kVarchar:
    case TypeOid::kBpchar:
    case TypeOid::kName:
    case TypeOid::kJson:
    case TypeOid::kJsonb:
    case TypeOid::kBytea:
    case TypeOid::kUuid:
      return DecodeBytes(oid, data, binary);
    case TypeOid::kDate:
    case TypeOid::kTime:
    case TypeOid::kTimestamp:
    case TypeOid::kTimestampTz:
      return DecodeTemporal(oid, data, binary);
    case TypeOid::kNumeric:
      return DecodeNumericValue(column, data, binary);
    default:
      if (IsMappedType(column.type_oid)) {
        return DecodeMappedValue(column.type_oid, column.type_modifier, data, binary);
      }
      if (ArrayElementTypeOid(column.type_oid).has_value()) {
        return DecodeArrayValue(column, data, binary, DecodePresent);
      }
      return Status::InvalidArgument("type oid " + std::to_string(column.type_oid) +
                                     " is not supported yet");
  }
}

// Up to 32 bytes of a malformed binary value in hex, for the error message.
std::string HexPreview(ByteSpan data) {
  constexpr char kHex[] = "0123456789abcdef";
  constexpr size_t kMax = 32;
  std::string out = "binary value ";
  for (size_t i = 0; i < data.size() && i < kMax; ++i) {
    const auto byte = static_cast<uint8_t>(data[i]);
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
  if (data.empty()) out += "(empty)";
  if (data.size() > kMax) out += "… (" + std::to_string(data.size()) + " bytes)";
  return out;
}

}  // namespace

Result<Value> DecodePresentValue(const ColumnSchema& column, ByteSpan data, bool binary) {
  return DecodePresent(column, data, binary);
}

Result<DecimalType> NumericTypeOf(const ColumnSchema& column) {
  Result<DecimalType> type = DecimalTypeOfModifier(column.type_modifier);
  if (type.ok()) return type;
  return type.status().WithContext("column \"" + column.name + "\"");
}

Result<Value> DecodeColumnValue(const ColumnSchema& column, const TupleColumn& data) {
  switch (data.kind) {
    case TupleColumnKind::kNull:
      return Value::Null();
    case TupleColumnKind::kUnchangedToast:
      return Value::UnchangedToast();
    case TupleColumnKind::kText:
    case TupleColumnKind::kBinary:
      break;
  }
  const bool binary = data.kind == TupleColumnKind::kBinary;
  Result<Value> value = DecodePresent(column, data.data, binary);
  if (value.ok()) return value;
  Status status = value.status().WithContext("column \"" + column.name + "\"");
  if (binary && status.code() == StatusCode::kDataLoss) {
    status = Status(status.code(), status.message() + " (" + HexPreview(data.data) + ")");
  }
  return status;
}

}  // namespace pg2iceberg::pg
