// The range printer of text_of_binary.h and the element printers it needs.
#include <limits>
#include <string>
#include <vector>

#include "pg/binary_values.h"
#include "pg/text_of_binary.h"

namespace pg2iceberg::pg {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
// Days from 0000-03-01 (proleptic Gregorian, astronomical years) to 2000-01-01.
constexpr int64_t kDaysFromYearZeroMarchToPgEpoch = 730'425;
constexpr int64_t kDaysPer400Years = 146'097;

// Range flags (rangetypes.h).
constexpr uint8_t kRangeEmpty = 0x01;
constexpr uint8_t kRangeLowerInclusive = 0x02;
constexpr uint8_t kRangeUpperInclusive = 0x04;
constexpr uint8_t kRangeLowerInfinite = 0x08;
constexpr uint8_t kRangeUpperInfinite = 0x10;
constexpr uint8_t kRangeLowerNull = 0x20;
constexpr uint8_t kRangeUpperNull = 0x40;

// numeric sign words (numeric.c).
constexpr uint16_t kNumericNegative = 0x4000;
constexpr uint16_t kNumericNaN = 0xC000;
constexpr uint16_t kNumericPlusInfinity = 0xD000;
constexpr uint16_t kNumericMinusInfinity = 0xF000;

int64_t FloorDivide(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string Padded(int64_t value, size_t width) {
  std::string digits = std::to_string(value);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

struct CivilDate {
  int64_t year = 0;  // astronomical: 1 BC is 0
  int64_t month = 0;
  int64_t day = 0;
};

// The proleptic Gregorian date `pg_days` after 2000-01-01. Counting from 0000-03-01 puts each
// leap day at the end of its year; a 400-year cycle has a fixed length, and within it the year
// follows from the day by removing the leap days before it.
CivilDate CivilFromPgDays(int64_t pg_days) {
  const int64_t days = pg_days + kDaysFromYearZeroMarchToPgEpoch;
  const int64_t cycle = FloorDivide(days, kDaysPer400Years);
  const int64_t day_of_cycle = days - cycle * kDaysPer400Years;  // [0, 146096]
  const int64_t year_of_cycle =
      (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36524 - day_of_cycle / 146096) / 365;
  const int64_t day_of_year =
      day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;  // months of (153 m + 2) / 5 days
  CivilDate date;
  date.day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  date.month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  date.year = cycle * 400 + year_of_cycle + (date.month <= 2 ? 1 : 0);
  return date;
}

std::string YearMonthDay(const CivilDate& date) {
  const int64_t shown_year = date.year <= 0 ? 1 - date.year : date.year;
  return Padded(shown_year, 4) + "-" + Padded(date.month, 2) + "-" + Padded(date.day, 2);
}

// Postgres quotes a range bound that is empty or holds a quote, backslash, parenthesis,
// bracket, comma or white space, doubling quotes and backslashes inside.
std::string RangeBound(const std::string& text) {
  bool quote = text.empty();
  for (char c : text) {
    if (c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' || c == '[' || c == ']' ||
        c == ' ' || (c >= '\t' && c <= '\r')) {
      quote = true;
    }
  }
  if (!quote) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += c;
    out += c;
  }
  return out + "\"";
}

Status MalformedRange() { return Status::DataLoss("malformed binary range"); }

// The text of one range element's send form.
Result<std::string> ElementText(TypeOid range, ByteSpan value) {
  switch (range) {
    case TypeOid::kInt4Range: {
      ASSIGN_OR_RETURN(const int32_t v, DecodeInt4(value));
      return std::to_string(v);
    }
    case TypeOid::kInt8Range: {
      ASSIGN_OR_RETURN(const int64_t v, DecodeInt8(value));
      return std::to_string(v);
    }
    case TypeOid::kNumRange:
      return NumericTextOfBinary(value);
    case TypeOid::kDateRange: {
      ASSIGN_OR_RETURN(const int32_t v, DecodeInt4(value));
      return DateText(v);
    }
    case TypeOid::kTsRange:
    case TypeOid::kTsTzRange: {
      ASSIGN_OR_RETURN(const int64_t v, DecodeInt8(value));
      return TimestampText(v, range == TypeOid::kTsTzRange);
    }
    default:
      CHECK_MSG(false, "RangeTextOfBinary: not a supported range type");
      return Status::Internal("unreachable");
  }
}

// Reads one bound (int32 length, then that many bytes) and prints it.
Result<std::string> ReadBound(TypeOid range, ByteReader& reader) {
  int32_t length = 0;
  ByteSpan bytes;
  if (!reader.ReadBigEndian32(&length) || length < 0 ||
      !reader.ReadBytes(static_cast<size_t>(length), &bytes)) {
    return MalformedRange();
  }
  ASSIGN_OR_RETURN(std::string text, ElementText(range, bytes));
  return RangeBound(text);
}

}  // namespace

std::string DateText(int32_t pg_days) {
  if (pg_days == std::numeric_limits<int32_t>::max()) return "infinity";
  if (pg_days == std::numeric_limits<int32_t>::min()) return "-infinity";
  const CivilDate date = CivilFromPgDays(pg_days);
  return YearMonthDay(date) + (date.year <= 0 ? " BC" : "");
}

std::string TimestampText(int64_t pg_micros, bool utc_offset) {
  if (pg_micros == std::numeric_limits<int64_t>::max()) return "infinity";
  if (pg_micros == std::numeric_limits<int64_t>::min()) return "-infinity";
  // The time of day first: days × kMicrosPerDay can be beyond int64 near its ends.
  int64_t days = pg_micros / kMicrosPerDay;
  int64_t micros = pg_micros % kMicrosPerDay;
  if (micros < 0) {
    micros += kMicrosPerDay;
    --days;
  }
  const CivilDate date = CivilFromPgDays(days);
  const int64_t seconds = micros / kMicrosPerSecond;
  std::string out = YearMonthDay(date) + " " + Padded(seconds / 3600, 2) + ":" +
                    Padded(seconds / 60 % 60, 2) + ":" + Padded(seconds % 60, 2);
  if (micros % kMicrosPerSecond != 0) {
    std::string fraction = Padded(micros % kMicrosPerSecond, 6);
    fraction.erase(fraction.find_last_not_of('0') + 1);
    out += "." + fraction;
  }
  if (utc_offset) out += "+00";
  return out + (date.year <= 0 ? " BC" : "");
}

Result<std::string> NumericTextOfBinary(ByteSpan value) {
  ByteReader reader(value);
  int16_t ndigits, weight, sign_bits, dscale;
  if (!reader.ReadBigEndian16(&ndigits) || !reader.ReadBigEndian16(&weight) ||
      !reader.ReadBigEndian16(&sign_bits) || !reader.ReadBigEndian16(&dscale) || ndigits < 0 ||
      dscale < 0 || reader.remaining() != static_cast<size_t>(ndigits) * 2) {
    return Status::DataLoss("malformed binary numeric");
  }
  const auto sign = static_cast<uint16_t>(sign_bits);
  if (sign == kNumericNaN) return std::string("NaN");
  if (sign == kNumericPlusInfinity) return std::string("Infinity");
  if (sign == kNumericMinusInfinity) return std::string("-Infinity");
  if (sign != 0 && sign != kNumericNegative)
    return Status::DataLoss("malformed binary numeric sign");
  std::vector<int16_t> digits(ndigits);
  for (int16_t& digit : digits) {
    (void)reader.ReadBigEndian16(&digit);
    if (digit < 0 || digit > 9999) return Status::DataLoss("malformed binary numeric digit");
  }
  auto group = [&](int i) { return i >= 0 && i < ndigits ? digits[i] : 0; };
  std::string out = sign == kNumericNegative ? "-" : "";
  if (weight < 0) out += '0';
  for (int i = 0; i <= weight; ++i) out += i == 0 ? std::to_string(group(i)) : Padded(group(i), 4);
  if (dscale > 0) {
    std::string fraction;
    for (int i = weight + 1; static_cast<int>(fraction.size()) < dscale; ++i)
      fraction += Padded(group(i), 4);
    out += "." + fraction.substr(0, dscale);
  }
  return out;
}

Result<std::string> RangeTextOfBinary(TypeOid range, ByteSpan value) {
  ByteReader reader(value);
  ByteSpan flag_byte;
  if (!reader.ReadBytes(1, &flag_byte)) return MalformedRange();
  const auto flags = static_cast<uint8_t>(flag_byte[0]);
  if (flags & kRangeEmpty) {
    if (reader.remaining() != 0) return MalformedRange();
    return std::string("empty");
  }
  std::string out = flags & kRangeLowerInclusive ? "[" : "(";
  if (!(flags & (kRangeLowerInfinite | kRangeLowerNull))) {
    ASSIGN_OR_RETURN(std::string lower, ReadBound(range, reader));
    out += lower;
  }
  out += ',';
  if (!(flags & (kRangeUpperInfinite | kRangeUpperNull))) {
    ASSIGN_OR_RETURN(std::string upper, ReadBound(range, reader));
    out += upper;
  }
  if (reader.remaining() != 0) return MalformedRange();
  return out + (flags & kRangeUpperInclusive ? "]" : ")");
}

}  // namespace pg2iceberg::pg
