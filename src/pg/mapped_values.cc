#include "pg/mapped_values.h"

#include <string>

#include "pg/binary_values.h"
#include "pg/pg_types.h"
#include "pg/text_of_binary.h"

namespace pg2iceberg::pg {
namespace {

using change::Value;

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
// The largest zone offset Postgres accepts (TZDISP_LIMIT): 15:59:59.
constexpr int64_t kMaxZoneSeconds = (15 * 60 + 59) * 60 + 59;

Status MalformedTimeTz(std::string_view text) {
  return Status::DataLoss("malformed timetz text \"" + std::string(text.substr(0, 64)) +
                          "\" (expected ISO output such as 12:34:56.5+05:30)");
}

// Microseconds since midnight UTC of a local time `offset_east_seconds` east of UTC.
int64_t UtcTimeOfDay(int64_t local_micros, int64_t offset_east_seconds) {
  const int64_t utc = (local_micros - offset_east_seconds * kMicrosPerSecond) % kMicrosPerDay;
  return utc < 0 ? utc + kMicrosPerDay : utc;
}

// Reads exactly `count` decimal digits at `*pos`.
bool ReadDigits(std::string_view text, size_t* pos, size_t count, int64_t* value) {
  if (text.size() - *pos < count) return false;
  int64_t v = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += count;
  *value = v;
  return true;
}

// Consumes `c` when the text continues with it.
bool Take(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

// "HH:MM:SS[.ffffff]" → µs; 24:00:00 allowed (timetz accepts it).
bool ReadClock(std::string_view text, size_t* pos, int64_t* micros) {
  int64_t hour, minute, second, fraction = 0;
  if (!ReadDigits(text, pos, 2, &hour) || !Take(text, pos, ':') ||
      !ReadDigits(text, pos, 2, &minute) || !Take(text, pos, ':') ||
      !ReadDigits(text, pos, 2, &second)) {
    return false;
  }
  if (Take(text, pos, '.')) {
    int digits = 0;
    while (*pos < text.size() && text[*pos] >= '0' && text[*pos] <= '9' && digits < 6) {
      fraction = fraction * 10 + (text[(*pos)++] - '0');
      ++digits;
    }
    if (digits == 0) return false;
    for (; digits < 6; ++digits) fraction *= 10;
  }
  *micros = ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond + fraction;
  return minute < 60 && second < 60 && *micros <= kMicrosPerDay;
}

// "+HH", "-HH:MM", "+HH:MM:SS" to the end → seconds east of UTC.
bool ReadOffset(std::string_view text, size_t* pos, int64_t* seconds) {
  if (*pos >= text.size() || (text[*pos] != '+' && text[*pos] != '-')) return false;
  const bool negative = text[(*pos)++] == '-';
  int64_t hours, minutes = 0, secs = 0;
  if (!ReadDigits(text, pos, 2, &hours)) return false;
  if (Take(text, pos, ':') && !ReadDigits(text, pos, 2, &minutes)) return false;
  if (Take(text, pos, ':') && !ReadDigits(text, pos, 2, &secs)) return false;
  *seconds = (negative ? -1 : 1) * ((hours * 60 + minutes) * 60 + secs);
  return *pos == text.size() && minutes < 60 && secs < 60 && hours * 3600 <= kMaxZoneSeconds;
}

Value StringOf(std::string text) { return Value::String(std::move(text)); }

Result<std::string> TextOfBinary(TypeOid type, ByteSpan data, int money_fraction_digits) {
  switch (type) {
    case TypeOid::kInterval:
      return IntervalTextOfBinary(data);
    case TypeOid::kMoney:
      return MoneyAmountOfBinary(data, money_fraction_digits);
    case TypeOid::kInet:
    case TypeOid::kCidr:
      return InetTextOfBinary(data);
    case TypeOid::kMacaddr:
      return MacaddrTextOfBinary(data, 6);
    case TypeOid::kMacaddr8:
      return MacaddrTextOfBinary(data, 8);
    case TypeOid::kBit:
    case TypeOid::kVarbit:
      return BitStringTextOfBinary(data);
    case TypeOid::kPgLsn:
      return LsnTextOfBinary(data);
    case TypeOid::kXml:  // the send form is the text, in the client encoding (UTF8)
      return std::string(AsStringView(data));
    default:  // the six range types
      return RangeTextOfBinary(type, data);
  }
}

}  // namespace

bool IsMappedType(uint32_t type_oid) {
  switch (static_cast<TypeOid>(type_oid)) {
    case TypeOid::kTimeTz:
    case TypeOid::kInterval:
    case TypeOid::kMoney:
    case TypeOid::kInet:
    case TypeOid::kCidr:
    case TypeOid::kMacaddr:
    case TypeOid::kMacaddr8:
    case TypeOid::kBit:
    case TypeOid::kVarbit:
    case TypeOid::kXml:
    case TypeOid::kPgLsn:
    case TypeOid::kInt4Range:
    case TypeOid::kInt8Range:
    case TypeOid::kNumRange:
    case TypeOid::kDateRange:
    case TypeOid::kTsRange:
    case TypeOid::kTsTzRange:
      return true;
    default:
      return false;
  }
}

Result<Value> DecodeMappedValue(uint32_t type_oid, int32_t type_modifier, ByteSpan data,
                                bool binary) {
  CHECK_MSG(IsMappedType(type_oid), "DecodeMappedValue: not a mapped type");
  const auto type = static_cast<TypeOid>(type_oid);
  const std::string_view text = AsStringView(data);
  if (type == TypeOid::kTimeTz) {
    Result<int64_t> micros = binary ? DecodeTimeTzBinary(data) : ParseTimeTzText(text);
    if (!micros.ok()) return micros.status();
    return Value::Time(*micros);
  }
  int money_fraction_digits = kMoneyFractionDigitsOfC;
  if (type == TypeOid::kMoney) {
    ASSIGN_OR_RETURN(money_fraction_digits, MoneyFractionDigitsOf(type_modifier));
  }
  Result<std::string> string = binary ? TextOfBinary(type, data, money_fraction_digits)
                               : type == TypeOid::kMoney
                                   ? MoneyAmountOfText(text, money_fraction_digits)
                                   : Result<std::string>(std::string(text));
  if (!string.ok()) return string.status();
  return StringOf(std::move(string).value());
}

Result<int64_t> DecodeTimeTzBinary(ByteSpan value) {
  if (value.size() != 12) return Status::DataLoss("malformed binary timetz: expected 12 bytes");
  ASSIGN_OR_RETURN(const int64_t local_micros, DecodeInt8(value.subspan(0, 8)));
  ASSIGN_OR_RETURN(const int32_t zone_west_seconds, DecodeInt4(value.subspan(8, 4)));
  if (local_micros < 0 || local_micros > kMicrosPerDay || zone_west_seconds < -kMaxZoneSeconds ||
      zone_west_seconds > kMaxZoneSeconds) {
    return Status::DataLoss("malformed binary timetz: " + std::to_string(local_micros) +
                            " µs, zone " + std::to_string(zone_west_seconds) + " s");
  }
  return UtcTimeOfDay(local_micros, -static_cast<int64_t>(zone_west_seconds));
}

Result<int64_t> ParseTimeTzText(std::string_view text) {
  size_t pos = 0;
  int64_t local_micros = 0, offset_east_seconds = 0;
  if (!ReadClock(text, &pos, &local_micros) || !ReadOffset(text, &pos, &offset_east_seconds) ||
      offset_east_seconds > kMaxZoneSeconds || offset_east_seconds < -kMaxZoneSeconds) {
    return MalformedTimeTz(text);
  }
  return UtcTimeOfDay(local_micros, offset_east_seconds);
}

}  // namespace pg2iceberg::pg
