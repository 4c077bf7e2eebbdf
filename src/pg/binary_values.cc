#include "pg/binary_values.h"

#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace pg2iceberg::pg {
namespace {

constexpr int32_t kUnixToPgEpochDays = 10957;                // 1970-01-01 → 2000-01-01
constexpr int64_t kUnixToPgEpochMicros = 946684800000000LL;  // the same, in microseconds
constexpr int32_t kPgFirstDay = -2451545;                    // 4714-11-24 BC, Julian day 0
constexpr int32_t kPgLastDay = 2145031948;                   // 5874897-12-31

constexpr uint16_t kNumericPositive = 0x0000;
constexpr uint16_t kNumericNegative = 0x4000;
constexpr uint16_t kNumericNaN = 0xC000;
constexpr uint16_t kNumericPlusInfinity = 0xD000;
constexpr uint16_t kNumericMinusInfinity = 0xF000;

Status WrongLength(const char* type, size_t want, size_t got) {
  return Status::DataLoss(std::string("malformed binary ") + type + ": expected " +
                          std::to_string(want) + " bytes, got " + std::to_string(got));
}

uint64_t BigEndian(ByteSpan value) {
  uint64_t v = 0;
  for (std::byte b : value) v = (v << 8) | static_cast<uint8_t>(b);
  return v;
}

__int128 PowerOfTen(int exponent) {
  __int128 result = 1;
  for (int i = 0; i < exponent; ++i) result *= 10;
  return result;
}

Status NotExact(const std::string& text, int precision, int scale) {
  return Status::InvalidArgument("numeric value " + text + " cannot be stored exactly in decimal(" +
                                 std::to_string(precision) + "," + std::to_string(scale) + ")");
}

// The decimal text of a numeric from its base-10000 digits, for error messages.
std::string NumericText(const std::vector<int16_t>& digits, int weight, bool negative, int dscale) {
  std::string integer, fraction;
  for (int i = 0; i <= weight; ++i) {
    int digit = i < static_cast<int>(digits.size()) ? digits[i] : 0;
    std::string group = std::to_string(digit);
    integer += integer.empty() ? group : std::string(4 - group.size(), '0') + group;
  }
  if (integer.empty()) integer = "0";
  for (int i = weight + 1; static_cast<int>(fraction.size()) < dscale; ++i) {
    int digit = i >= 0 && i < static_cast<int>(digits.size()) ? digits[i] : 0;
    std::string group = std::to_string(digit);
    fraction += std::string(4 - group.size(), '0') + group;
  }
  fraction.resize(dscale);
  return (negative ? "-" : "") + integer + (dscale > 0 ? "." + fraction : "");
}

// Σ digit[i] × 10000^(weight - i) × 10^scale as an integer, or an error when that value has
// more than `precision` digits or is not an integer (more fractional digits than `scale`).
Result<__int128> Unscale(const std::vector<int16_t>& digits, int weight, int precision, int scale) {
  const __int128 limit = PowerOfTen(precision);
  __int128 unscaled = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (digits[i] == 0) continue;
    int exponent = 4 * (weight - static_cast<int>(i)) + scale;
    if (exponent >= precision) return Status::InvalidArgument("too many digits");
    __int128 contribution;
    if (exponent < 0) {
      if (exponent < -4 || digits[i] % PowerOfTen(-exponent) != 0) {
        return Status::InvalidArgument("too many fractional digits");
      }
      contribution = digits[i] / PowerOfTen(-exponent);
    } else {
      __int128 power = PowerOfTen(exponent);
      if (digits[i] > (limit - 1 - unscaled) / power)
        return Status::InvalidArgument("too many digits");
      contribution = digits[i] * power;
    }
    if (contribution > limit - 1 - unscaled) return Status::InvalidArgument("too many digits");
    unscaled += contribution;
  }
  return unscaled;
}

}  // namespace

Result<int32_t> DecodeInt2(ByteSpan value) {
  if (value.size() != 2) return WrongLength("int2", 2, value.size());
  return static_cast<int32_t>(static_cast<int16_t>(BigEndian(value)));
}

Result<int32_t> DecodeInt4(ByteSpan value) {
  if (value.size() != 4) return WrongLength("int4", 4, value.size());
  return static_cast<int32_t>(static_cast<uint32_t>(BigEndian(value)));
}

Result<int64_t> DecodeOid(ByteSpan value) {
  if (value.size() != 4) return WrongLength("oid", 4, value.size());
  return static_cast<int64_t>(static_cast<uint32_t>(BigEndian(value)));
}

Result<int64_t> DecodeInt8(ByteSpan value) {
  if (value.size() != 8) return WrongLength("int8", 8, value.size());
  return static_cast<int64_t>(BigEndian(value));
}

Result<float> DecodeFloat4(ByteSpan value) {
  if (value.size() != 4) return WrongLength("float4", 4, value.size());
  uint32_t bits = static_cast<uint32_t>(BigEndian(value));
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

Result<double> DecodeFloat8(ByteSpan value) {
  if (value.size() != 8) return WrongLength("float8", 8, value.size());
  uint64_t bits = BigEndian(value);
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

Result<bool> DecodeBool(ByteSpan value) {
  if (value.size() != 1) return WrongLength("bool", 1, value.size());
  return value[0] != std::byte{0};
}

Result<int32_t> DecodeDate(ByteSpan value) {
  if (value.size() != 4) return WrongLength("date", 4, value.size());
  int32_t days = static_cast<int32_t>(static_cast<uint32_t>(BigEndian(value)));
  if (days == std::numeric_limits<int32_t>::max()) {
    return Status::InvalidArgument("date value infinity cannot be stored in an Iceberg date");
  }
  if (days == std::numeric_limits<int32_t>::min()) {
    return Status::InvalidArgument("date value -infinity cannot be stored in an Iceberg date");
  }
  // Postgres' dates run from 4714-11-24 BC to 5874897-12-31 (date_recv refuses the rest); a
  // value beyond is not a date it sent, and shifting it could overflow.
  if (days < kPgFirstDay || days > kPgLastDay) {
    return Status::DataLoss("malformed binary date: " + std::to_string(days) +
                            " days from 2000-01-01 is outside Postgres' date range");
  }
  return days + kUnixToPgEpochDays;
}

Result<int64_t> DecodeTimestamp(ByteSpan value) {
  if (value.size() != 8) return WrongLength("timestamp", 8, value.size());
  int64_t micros = static_cast<int64_t>(BigEndian(value));
  if (micros == std::numeric_limits<int64_t>::max()) {
    return Status::InvalidArgument(
        "timestamp value infinity cannot be stored in an Iceberg timestamp");
  }
  if (micros == std::numeric_limits<int64_t>::min()) {
    return Status::InvalidArgument(
        "timestamp value -infinity cannot be stored in an Iceberg timestamp");
  }
  return micros + kUnixToPgEpochMicros;
}

Result<ByteSpan> DecodeJsonb(ByteSpan value) {
  if (value.empty() || value[0] != std::byte{1}) {
    return Status::DataLoss("malformed binary jsonb: unknown version byte");
  }
  return value.subspan(1);
}

Result<int64_t> DecodeTime(ByteSpan value) {
  constexpr int64_t kMicrosPerDay = int64_t{86'400} * 1'000'000;
  ASSIGN_OR_RETURN(const int64_t micros, DecodeInt8(value));
  if (micros == kMicrosPerDay) {
    return Status::InvalidArgument(
        "time value 24:00:00 cannot be stored in an Iceberg time "
        "(which ends at 23:59:59.999999)");
  }
  if (micros < 0 || micros > kMicrosPerDay) {
    return Status::DataLoss("malformed binary time: " + std::to_string(micros) + " µs");
  }
  return micros;
}

Result<ByteSpan> DecodeUuid(ByteSpan value) {
  if (value.size() != 16) return WrongLength("uuid", 16, value.size());
  return value;
}

Result<__int128> DecodeNumeric(ByteSpan value, int precision, int scale) {
  ByteReader reader(value);
  int16_t ndigits, weight, sign_bits, dscale;
  if (!reader.ReadBigEndian16(&ndigits) || !reader.ReadBigEndian16(&weight) ||
      !reader.ReadBigEndian16(&sign_bits) || !reader.ReadBigEndian16(&dscale) || ndigits < 0 ||
      reader.remaining() != static_cast<size_t>(ndigits) * 2) {
    return Status::DataLoss("malformed binary numeric");
  }
  // numeric_recv refuses a display scale outside 0..0x3FFF (NUMERIC_DSCALE_MASK).
  if (dscale < 0 || dscale > 0x3FFF) {
    return Status::DataLoss("malformed binary numeric: display scale " + std::to_string(dscale));
  }
  uint16_t sign = static_cast<uint16_t>(sign_bits);
  if (sign == kNumericNaN) return NotExact("NaN", precision, scale);
  if (sign == kNumericPlusInfinity) return NotExact("Infinity", precision, scale);
  if (sign == kNumericMinusInfinity) return NotExact("-Infinity", precision, scale);
  if (sign != kNumericPositive && sign != kNumericNegative) {
    return Status::DataLoss("malformed binary numeric sign");
  }
  std::vector<int16_t> digits(ndigits);
  for (int16_t& digit : digits) {
    (void)reader.ReadBigEndian16(&digit);
    if (digit < 0 || digit > 9999) return Status::DataLoss("malformed binary numeric digit");
  }
  Result<__int128> unscaled = Unscale(digits, weight, precision, scale);
  if (!unscaled.ok()) {
    return NotExact(NumericText(digits, weight, sign == kNumericNegative, dscale), precision,
                    scale);
  }
  return sign == kNumericNegative ? -*unscaled : *unscaled;
}

int DecimalWidthBytes(int precision) {
  const __int128 max_unscaled = PowerOfTen(precision) - 1;
  for (int width = 1; width < 16; ++width) {
    __int128 max_signed = (static_cast<__int128>(1) << (8 * width - 1)) - 1;
    if (max_unscaled <= max_signed) return width;
  }
  return 16;
}

void EncodeDecimalBigEndian(__int128 unscaled, int width, std::byte* out) {
  CHECK(width >= 1 && width <= 16);
  unsigned __int128 bits = static_cast<unsigned __int128>(unscaled);
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<std::byte>(static_cast<uint8_t>(bits));
    bits >>= 8;
  }
}

}  // namespace pg2iceberg::pg
