#include "pg/value_decoding.h"

#include <cmath>
#include <limits>
#include <string>

#include "pg/array_values.h"
#include "pg/binary_values.h"
#include "pg/mapped_values.h"
#include "pg/pg_types.h"
#include "pg/replication_protocol.h"
#include "pg/text_of_binary.h"
#include "pg/text_values.h"

namespace pg2iceberg::pg {
namespace {

using change::ColumnSchema;
using change::Value;

using change::ValueKind;

// Makes `out` a value of `kind` with an empty payload. Keeps the capacity of its bytes, so a
// row decoded again and again allocates only when a value outgrows what it held before.
void Reset(Value& out, ValueKind kind) {
  out.kind = kind;
  out.int_value = 0;
  out.float_value = 0;
  out.decimal_unscaled = 0;
  out.bytes.clear();
  if (!out.elements.empty()) out.elements.clear();
}

template <typename T>
Status SetInt(Result<T> decoded, ValueKind kind, Value& out) {
  if (!decoded.ok()) return decoded.status();
  Reset(out, kind);
  out.int_value = static_cast<int64_t>(*decoded);
  return Status::Ok();
}

// float4 and float8; every NaN becomes the one canonical quiet NaN of its width.
template <typename T>
Status SetFloat(Result<T> decoded, Value& out) {
  if (!decoded.ok()) return decoded.status();
  const T value = std::isnan(*decoded) ? std::numeric_limits<T>::quiet_NaN() : *decoded;
  Reset(out, sizeof(T) == 4 ? ValueKind::kFloat32 : ValueKind::kFloat64);
  out.float_value = value;
  return Status::Ok();
}

Status SetBytes(Result<ByteSpan> decoded, ValueKind kind, Value& out) {
  if (!decoded.ok()) return decoded.status();
  Reset(out, kind);
  out.bytes.assign(AsStringView(*decoded));
  return Status::Ok();
}

Status SetBytes(Result<std::string> decoded, ValueKind kind, Value& out) {
  if (!decoded.ok()) return decoded.status();
  Reset(out, kind);
  out.bytes = std::move(decoded).value();
  return Status::Ok();
}

Status SetValue(Result<Value> decoded, Value& out) {
  if (!decoded.ok()) return decoded.status();
  out = std::move(decoded).value();
  return Status::Ok();
}

Status DecodeNumber(TypeOid oid, ByteSpan data, bool binary, Value& out) {
  const std::string_view text = AsStringView(data);
  constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
  constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
  constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
  constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
  switch (oid) {
    case TypeOid::kBool:
      return SetInt(binary ? DecodeBool(data) : ParseBoolText(text), ValueKind::kBool, out);
    case TypeOid::kInt2:
      return binary ? SetInt(DecodeInt2(data), ValueKind::kInt32, out)
                    : SetInt(ParseIntegerText(text, -32768, 32767), ValueKind::kInt32, out);
    case TypeOid::kInt4:
      return binary ? SetInt(DecodeInt4(data), ValueKind::kInt32, out)
                    : SetInt(ParseIntegerText(text, kInt32Min, kInt32Max), ValueKind::kInt32, out);
    case TypeOid::kInt8:
      return SetInt(binary ? DecodeInt8(data) : ParseIntegerText(text, kInt64Min, kInt64Max),
                    ValueKind::kInt64, out);
    case TypeOid::kOid:
      return SetInt(binary ? DecodeOid(data)
                           : ParseIntegerText(text, 0, std::numeric_limits<uint32_t>::max()),
                    ValueKind::kInt64, out);
    case TypeOid::kFloat4:
      return SetFloat(binary ? DecodeFloat4(data) : ParseFloat4Text(text), out);
    default:  // kFloat8
      return SetFloat(binary ? DecodeFloat8(data) : ParseFloat8Text(text), out);
  }
}

Status DecodeBytes(TypeOid oid, ByteSpan data, bool binary, Value& out) {
  const std::string_view text = AsStringView(data);
  switch (oid) {
    case TypeOid::kJsonb:
      return SetBytes(binary ? DecodeJsonb(data) : Result<ByteSpan>(data), ValueKind::kString, out);
    case TypeOid::kBytea:
      return binary ? SetBytes(Result<ByteSpan>(data), ValueKind::kBinary, out)
                    : SetBytes(ParseByteaText(text), ValueKind::kBinary, out);
    case TypeOid::kUuid:
      return binary ? SetBytes(DecodeUuid(data), ValueKind::kUuid, out)
                    : SetBytes(ParseUuidText(text), ValueKind::kUuid, out);
    default:  // text, varchar, bpchar, name, json: the send form is the text itself
      return SetBytes(Result<ByteSpan>(data), ValueKind::kString, out);
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

Status DecodeTemporal(TypeOid oid, ByteSpan data, bool binary, Value& out) {
  const std::string_view text = AsStringView(data);
  switch (oid) {
    case TypeOid::kDate:
      return SetInt(binary ? DecodeDate(data) : ParseDateText(text), ValueKind::kDate, out);
    case TypeOid::kTime:
      return SetInt(binary ? DecodeTime(data) : ParseTimeText(text), ValueKind::kTime, out);
    case TypeOid::kTimestamp:
      return SetInt(binary ? DecodeTimestampBinary(data, "timestamp") : ParseTimestampText(text),
                    ValueKind::kTimestamp, out);
    default:  // kTimestampTz
      return SetInt(
          binary ? DecodeTimestampBinary(data, "timestamptz") : ParseTimestampTzText(text),
          ValueKind::kTimestampTz, out);
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

// A numeric whose declared type no Iceberg decimal holds is, when `options` ask for it, the
// string of its exact value: numeric_out's text, which is also its text form.
Status DecodeNumericValue(const ColumnSchema& column, ByteSpan data, bool binary,
                          const DecodeOptions& options, Value& out) {
  Result<DecimalType> type = DecimalTypeOfModifier(column.type_modifier);
  if (!type.ok() && options.wide_numeric_as_string) {
    return binary ? SetBytes(NumericTextOfBinary(data), ValueKind::kString, out)
                  : SetBytes(Result<ByteSpan>(data), ValueKind::kString, out);
  }
  if (!type.ok()) return type.status();
  Result<__int128> unscaled =
      binary ? DecodeNumeric(data, type->precision, type->scale)
             : ParseNumericText(AsStringView(data), type->precision, type->scale);
  if (!unscaled.ok()) return unscaled.status();
  Reset(out, ValueKind::kDecimal);
  out.decimal_unscaled = *unscaled;
  return Status::Ok();
}

// The one decoding switch, for pgoutput columns and COPY fields alike.
Status DecodePresent(const ColumnSchema& column, ByteSpan data, bool binary,
                     const DecodeOptions& options, Value& out) {
  const TypeOid oid = static_cast<TypeOid>(column.type_oid);
  switch (oid) {
    case TypeOid::kBool:
    case TypeOid::kInt2:
    case TypeOid::kInt4:
    case TypeOid::kInt8:
    case TypeOid::kOid:
    case TypeOid::kFloat4:
    case TypeOid::kFloat8:
      return DecodeNumber(oid, data, binary, out);
    case TypeOid::kText:
    case TypeOid::kVarchar:
    case TypeOid::kBpchar:
    case TypeOid::kName:
    case TypeOid::kJson:
    case TypeOid::kJsonb:
    case TypeOid::kBytea:
    case TypeOid::kUuid:
      return DecodeBytes(oid, data, binary, out);
    case TypeOid::kDate:
    case TypeOid::kTime:
    case TypeOid::kTimestamp:
    case TypeOid::kTimestampTz:
      return DecodeTemporal(oid, data, binary, out);
    case TypeOid::kNumeric:
      return DecodeNumericValue(column, data, binary, options, out);
    default:
      if (IsMappedType(column.type_oid)) {
        return SetValue(DecodeMappedValue(column.type_oid, column.type_modifier, data, binary),
                        out);
      }
      if (ArrayElementTypeOid(column.type_oid).has_value()) {
        return SetValue(DecodeArrayValue(column, data, binary, DecodePresentValue), out);
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

Status DecodePresentValueInto(const ColumnSchema& column, ByteSpan data, bool binary,
                              const DecodeOptions& options, Value& out) {
  return DecodePresent(column, data, binary, options, out);
}

Result<Value> DecodePresentValue(const ColumnSchema& column, ByteSpan data, bool binary) {
  Value value;
  RETURN_IF_ERROR(DecodePresent(column, data, binary, DecodeOptions{}, value));
  return value;
}

Status NameValueError(const Status& status, std::string_view context, ByteSpan data, bool binary) {
  Status named = status.WithContext(context);
  if (binary && named.code() == StatusCode::kDataLoss) {
    named = Status(named.code(), named.message() + " (" + HexPreview(data) + ")");
  }
  return named;
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
  Value value;
  Status status = DecodePresent(column, data.data, binary, DecodeOptions{}, value);
  if (!status.ok()) {
    return NameValueError(status, "column \"" + column.name + "\"", data.data, binary);
  }
  return value;
}

}  // namespace pg2iceberg::pg
