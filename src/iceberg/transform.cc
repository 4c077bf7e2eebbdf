#include "iceberg/transform.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace pg2iceberg::iceberg {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerHour = 3600 * kMicrosPerSecond;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The proleptic Gregorian date of a day count since 1970-01-01.
struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

CivilDate CivilFromDays(int64_t days) {
  days += 719468;  // days from 0000-03-01 to 1970-01-01
  const int64_t era = FloorDiv(days, 146097);
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;  // 0 = March
  const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  return {year_of_era + era * 400 + (month <= 2), month, day};
}

int64_t DaysOf(const Type& source, int64_t value) {
  return source.id == TypeId::kDate ? value : FloorDiv(value, kMicrosPerDay);
}

bool IsTemporal(TypeId id) {
  return id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampTz;
}

bool AcceptsBucket(TypeId id) {
  switch (id) {
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kDecimal:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kString:
    case TypeId::kUuid:
    case TypeId::kBinary:
      return true;
    default:
      return false;
  }
}

bool AcceptsTruncate(TypeId id) {
  return id == TypeId::kInt || id == TypeId::kLong || id == TypeId::kDecimal ||
         id == TypeId::kString || id == TypeId::kBinary;
}

Result<Literal> FitInt(int64_t value, const char* what) {
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
    return Status::InvalidArgument(std::string(what) + " " + std::to_string(value) +
                                   " is outside int range");
  }
  return Literal::Integer(value);
}

// The first `width` code points of UTF-8 `text` (continuation bytes follow their lead byte).
std::string TruncateUtf8(const std::string& text, int32_t width) {
  size_t end = 0;
  int32_t points = 0;
  while (end < text.size()) {
    if ((static_cast<uint8_t>(text[end]) & 0xC0) != 0x80 && points++ == width) break;
    ++end;
  }
  return text.substr(0, end);
}

Result<Literal> Truncate(int32_t width, const Type& source, const Literal& value) {
  switch (source.id) {
    case TypeId::kInt:
      return FitInt(value.integer - (((value.integer % width) + width) % width), "truncated int");
    case TypeId::kLong: {
      const __int128 v = value.integer;
      const __int128 result = v - (((v % width) + width) % width);
      if (result < std::numeric_limits<int64_t>::min())
        return Status::InvalidArgument("truncated long is outside long range");
      return Literal::Integer(static_cast<int64_t>(result));
    }
    case TypeId::kDecimal: {
      const __int128 remainder = ((value.unscaled % width) + width) % width;
      __int128 result;
      if (__builtin_sub_overflow(value.unscaled, remainder, &result)) {
        return Status::InvalidArgument("truncated decimal is outside decimal range");
      }
      return Literal::Decimal(result);
    }
    case TypeId::kString:
      return Literal::Bytes(TruncateUtf8(value.bytes, width));
    default:
      return Literal::Bytes(value.bytes.substr(0, size_t(width)));  // binary
  }
}

Result<Literal> Temporal(TransformKind kind, const Type& source, int64_t value) {
  if (kind == TransformKind::kHour) return FitInt(FloorDiv(value, kMicrosPerHour), "hour");
  const int64_t days = DaysOf(source, value);
  if (kind == TransformKind::kDay) return FitInt(days, "day");
  const CivilDate date = CivilFromDays(days);
  if (kind == TransformKind::kYear) return FitInt(date.year - 1970, "year");
  return FitInt((date.year - 1970) * 12 + (date.month - 1), "month");
}

// Java BigInteger.toByteArray: the fewest big-endian two's-complement bytes (at least one).
Bytes MinimalBigEndian(__int128 value) {
  int size = 16;
  while (size > 1) {
    const __int128 shifted = value >> (8 * (size - 1) - 1);  // the top byte plus the next sign bit
    if (shifted != 0 && shifted != -1) break;
    --size;
  }
  Bytes out(static_cast<size_t>(size));
  for (int i = 0; i < size; ++i) out[size_t(i)] = std::byte(uint8_t(value >> (8 * (size - 1 - i))));
  return out;
}

Bytes LittleEndian(uint64_t value, int size) {
  Bytes out(static_cast<size_t>(size));
  for (int i = 0; i < size; ++i) out[size_t(i)] = std::byte(uint8_t(value >> (8 * i)));
  return out;
}

std::string Format(const char* format, auto... args) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, args...);
  return buffer;
}

std::string DateString(int64_t days) {
  const CivilDate d = CivilFromDays(days);
  return Format("%04lld-%02d-%02d", static_cast<long long>(d.year), d.month, d.day);
}

std::string TimeString(int64_t micros) {
  const int64_t seconds = micros / kMicrosPerSecond;
  std::string text =
      Format("%02lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
             static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  if (micros % kMicrosPerSecond != 0)
    text += Format(".%06lld", static_cast<long long>(micros % kMicrosPerSecond));
  return text;
}

std::string TimestampString(int64_t micros) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  return DateString(days) + "T" + TimeString(micros - days * kMicrosPerDay);
}

std::string DecimalString(__int128 unscaled, int scale) {
  const bool negative = unscaled < 0;
  unsigned __int128 magnitude = negative ? -static_cast<unsigned __int128>(unscaled) : unscaled;
  std::string digits;
  do {
    digits.insert(digits.begin(), char('0' + int(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  if (scale > 0) {
    if (digits.size() <= size_t(scale)) digits.insert(0, size_t(scale) + 1 - digits.size(), '0');
    digits.insert(digits.size() - size_t(scale), ".");
  }
  return negative ? "-" + digits : digits;
}

std::string UuidString(const std::string& bytes) {
  std::string text;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += Format("%02x", static_cast<uint8_t>(bytes[i]));
  }
  return text;
}

std::string Base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = uint32_t(uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) chunk |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) chunk |= uint8_t(bytes[i + 2]);
    for (size_t j = 0; j < 4; ++j) {
      out += i + j <= bytes.size() ? kAlphabet[(chunk >> (18 - 6 * j)) & 63] : '=';
    }
  }
  return out;
}

std::string RealString(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

std::string ValueString(const Type& type, const Literal& value) {
  switch (type.id) {
    case TypeId::kBoolean:
      return value.integer != 0 ? "true" : "false";
    case TypeId::kFloat:
    case TypeId::kDouble:
      return RealString(value.real);
    case TypeId::kDecimal:
      return DecimalString(value.unscaled, type.scale);
    case TypeId::kDate:
      return DateString(value.integer);
    case TypeId::kTime:
      return TimeString(value.integer);
    case TypeId::kTimestamp:
      return TimestampString(value.integer);
    case TypeId::kTimestampTz:
      return TimestampString(value.integer) + "Z";
    case TypeId::kString:
      return value.bytes;
    case TypeId::kUuid:
      return UuidString(value.bytes);
    case TypeId::kBinary:
      return Base64(value.bytes);
    default:
      return std::to_string(value.integer);  // int, long
  }
}

}  // namespace

std::string Transform::ToString() const {
  switch (kind) {
    case TransformKind::kIdentity:
      return "identity";
    case TransformKind::kBucket:
      return "bucket[" + std::to_string(width) + "]";
    case TransformKind::kTruncate:
      return "truncate[" + std::to_string(width) + "]";
    case TransformKind::kYear:
      return "year";
    case TransformKind::kMonth:
      return "month";
    case TransformKind::kDay:
      return "day";
    case TransformKind::kHour:
      return "hour";
  }
  return "identity";
}

Result<Transform> ParseTransform(std::string_view text) {
  static constexpr std::pair<std::string_view, TransformKind> kPlain[] = {
      {"identity", TransformKind::kIdentity},
      {"year", TransformKind::kYear},
      {"month", TransformKind::kMonth},
      {"day", TransformKind::kDay},
      {"hour", TransformKind::kHour}};
  for (const auto& [name, kind] : kPlain) {
    if (text == name) return Transform{kind, 0};
  }
  for (TransformKind kind : {TransformKind::kBucket, TransformKind::kTruncate}) {
    const std::string_view name = kind == TransformKind::kBucket ? "bucket[" : "truncate[";
    if (!text.starts_with(name) || !text.ends_with("]")) continue;
    const std::string_view digits = text.substr(name.size(), text.size() - name.size() - 1);
    int32_t width = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), width);
    if (error == std::errc() && end == digits.data() + digits.size() && width > 0 &&
        !digits.starts_with("+")) {
      return Transform{kind, width};
    }
    return Status::InvalidArgument("transform \"" + std::string(text) +
                                   "\": the width must be a positive integer");
  }
  return Status::InvalidArgument("unknown partition transform \"" + std::string(text) + "\"");
}

Result<Type> TransformResultType(const Transform& transform, const Type& source) {
  if (source.is_list()) {
    return Status::InvalidArgument("transform " + transform.ToString() +
                                   " is not defined on type " + source.ToString() +
                                   ": partition sources must be primitive");
  }
  bool accepted = false;
  Type result = Type::Primitive(TypeId::kInt);
  switch (transform.kind) {
    case TransformKind::kIdentity:
      accepted = true;
      result = source;
      break;
    case TransformKind::kBucket:
      accepted = AcceptsBucket(source.id);
      break;
    case TransformKind::kTruncate:
      accepted = AcceptsTruncate(source.id);
      result = source;
      break;
    case TransformKind::kYear:
    case TransformKind::kMonth:
      accepted = IsTemporal(source.id);
      break;
    case TransformKind::kDay:
      accepted = IsTemporal(source.id);
      result = Type::Primitive(TypeId::kDate);
      break;
    case TransformKind::kHour:
      accepted = IsTemporal(source.id) && source.id != TypeId::kDate;
      break;
  }
  if (!accepted) {
    return Status::InvalidArgument("transform " + transform.ToString() +
                                   " is not defined on type " + source.ToString());
  }
  return result;
}

Result<Literal> ApplyTransform(const Transform& transform, const Type& source,
                               const Literal& value) {
  switch (transform.kind) {
    case TransformKind::kIdentity:
      return value;
    case TransformKind::kBucket:
      return Literal::Integer((HashValue(source, value) & std::numeric_limits<int32_t>::max()) %
                              transform.width);
    case TransformKind::kTruncate:
      return Truncate(transform.width, source, value);
    default:
      return Temporal(transform.kind, source, value.integer);
  }
}

int32_t Murmur3Hash32(ByteSpan bytes) {
  constexpr uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  auto mix = [&](uint32_t k) { return std::rotl(k * c1, 15) * c2; };
  uint32_t h = 0;
  const size_t blocks = bytes.size() / 4;
  for (size_t i = 0; i < blocks; ++i) {
    uint32_t k = 0;
    for (size_t j = 0; j < 4; ++j) k |= uint32_t(bytes[4 * i + j]) << (8 * j);
    h = std::rotl(h ^ mix(k), 13) * 5 + 0xe6546b64;
  }
  uint32_t tail = 0;
  for (size_t j = 0; j < bytes.size() % 4; ++j) tail |= uint32_t(bytes[4 * blocks + j]) << (8 * j);
  if (bytes.size() % 4 != 0) h ^= mix(tail);
  h ^= static_cast<uint32_t>(bytes.size());
  h = (h ^ (h >> 16)) * 0x85ebca6b;
  h = (h ^ (h >> 13)) * 0xc2b2ae35;
  return static_cast<int32_t>(h ^ (h >> 16));
}

int32_t HashValue(const Type& type, const Literal& value) {
  switch (type.id) {
    case TypeId::kDecimal:
      return Murmur3Hash32(MinimalBigEndian(value.unscaled));
    case TypeId::kString:
    case TypeId::kUuid:
    case TypeId::kBinary:
      return Murmur3Hash32(AsBytes(value.bytes));
    default:
      return Murmur3Hash32(LittleEndian(uint64_t(value.integer), 8));
  }
}

Bytes SingleValueBytes(const Type& type, const Literal& value) {
  switch (type.id) {
    case TypeId::kBoolean:
      return LittleEndian(value.integer != 0, 1);
    case TypeId::kInt:
    case TypeId::kDate:
      return LittleEndian(uint64_t(value.integer), 4);
    case TypeId::kFloat:
      return LittleEndian(std::bit_cast<uint32_t>(static_cast<float>(value.real)), 4);
    case TypeId::kDouble:
      return LittleEndian(std::bit_cast<uint64_t>(value.real), 8);
    case TypeId::kDecimal:
      return MinimalBigEndian(value.unscaled);
    case TypeId::kString:
    case TypeId::kUuid:
    case TypeId::kBinary: {
      const ByteSpan bytes = AsBytes(value.bytes);
      return Bytes(bytes.begin(), bytes.end());
    }
    default:
      return LittleEndian(uint64_t(value.integer), 8);  // long, time, timestamps
  }
}

int CompareLiterals(const Type& type, const Literal& a, const Literal& b) {
  auto order = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  switch (type.id) {
    case TypeId::kFloat:
    case TypeId::kDouble:
      return order(a.real, b.real);
    case TypeId::kDecimal:
      return order(a.unscaled, b.unscaled);
    case TypeId::kString:
    case TypeId::kUuid:
    case TypeId::kBinary: {
      const int c = a.bytes.compare(b.bytes);  // char_traits<char> compares as unsigned char
      return order(c, 0);
    }
    default:
      return order(a.integer, b.integer);
  }
}

std::string HumanString(const Transform& transform, const Type& source, const Literal& value) {
  switch (transform.kind) {
    case TransformKind::kIdentity:
    case TransformKind::kTruncate:
      return ValueString(source, value);
    case TransformKind::kBucket:
      return std::to_string(value.integer);
    case TransformKind::kYear:
      return Format("%04lld", static_cast<long long>(1970 + value.integer));
    case TransformKind::kMonth: {
      const int64_t year = 1970 + FloorDiv(value.integer, 12);
      return Format("%04lld-%02d", static_cast<long long>(year),
                    int(value.integer - (year - 1970) * 12 + 1));
    }
    case TransformKind::kDay:
      return DateString(value.integer);
    case TransformKind::kHour: {
      const int64_t days = FloorDiv(value.integer, 24);
      return DateString(days) + Format("-%02d", int(value.integer - days * 24));
    }
  }
  return std::to_string(value.integer);
}

}  // namespace pg2iceberg::iceberg
