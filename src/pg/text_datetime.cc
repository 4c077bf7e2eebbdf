// The date and time parsers of text_values.h.
#include <cstdint>
#include <limits>
#include <string>

#include "pg/text_values.h"

namespace pg2iceberg::pg {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
// Days from 0000-03-01 (proleptic Gregorian, astronomical years) to 1970-01-01.
constexpr int64_t kDaysFromYearZeroMarchToUnixEpoch = 719'468;

// Reads the fixed-layout pieces of Postgres' ISO date/time output, left to right.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  // Reads between `min_digits` and `max_digits` decimal digits (as many as there are).
  bool Digits(int min_digits, int max_digits, int64_t* value, int* count = nullptr) {
    int n = 0;
    int64_t v = 0;
    while (n < max_digits && position_ < text_.size() && IsDigit(text_[position_])) {
      v = v * 10 + (text_[position_++] - '0');
      ++n;
    }
    if (count != nullptr) *count = n;
    *value = v;
    return n >= min_digits;
  }
  // Consumes `literal` when the text continues with it.
  bool Take(std::string_view literal) {
    if (text_.substr(position_, literal.size()) != literal) return false;
    position_ += literal.size();
    return true;
  }
  bool AtEnd() const { return position_ == text_.size(); }

 private:
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  std::string_view text_;
  size_t position_ = 0;
};

struct CivilDate {
  int64_t year = 0;  // astronomical: 1 BC is 0
  int64_t month = 0;
  int64_t day = 0;
};

int64_t FloorDivide(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int64_t DaysInMonth(int64_t year, int64_t month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date. Years are counted from March so the
// leap day ends the counted year; a month from March has (153 × m + 2) / 5 days before it.
int64_t DaysSinceUnixEpoch(const CivilDate& date) {
  const int64_t year = date.month <= 2 ? date.year - 1 : date.year;
  const int64_t month_from_march = date.month <= 2 ? date.month + 9 : date.month - 3;
  const int64_t day_of_year = (153 * month_from_march + 2) / 5 + date.day - 1;
  const int64_t days = 365 * year + FloorDivide(year, 4) - FloorDivide(year, 100) +
                       FloorDivide(year, 400) + day_of_year;
  return days - kDaysFromYearZeroMarchToUnixEpoch;
}

// For messages: the text, shortened when long.
std::string Quoted(std::string_view text) {
  constexpr size_t kMax = 64;
  if (text.size() <= kMax) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kMax)) + "…\"";
}

Status Malformed(std::string_view type, std::string_view text) {
  return Status::DataLoss("malformed " + std::string(type) + " text " + Quoted(text) +
                          " (expected ISO output: DateStyle=ISO, TimeZone=UTC)");
}

Status OutOfRange(std::string_view type, std::string_view text, std::string_view iceberg_type) {
  return Status::InvalidArgument(std::string(type) + " value " + Quoted(text) +
                                 " cannot be stored in an Iceberg " + std::string(iceberg_type));
}

// "YYYY-MM-DD" with four or more year digits; the day is checked by ReadEra.
bool ReadDate(Cursor& cursor, CivilDate* date) {
  if (!cursor.Digits(4, 9, &date->year) || !cursor.Take("-") ||
      !cursor.Digits(2, 2, &date->month) || !cursor.Take("-") || !cursor.Digits(2, 2, &date->day)) {
    return false;
  }
  return date->year >= 1 && date->month >= 1 && date->month <= 12;
}

// "HH:MM:SS" with an optional fraction of one to six digits; 24:00:00 only when `allow_24`.
bool ReadTime(Cursor& cursor, bool allow_24, int64_t* micros) {
  int64_t hour, minute, second, fraction = 0;
  int fraction_digits = 0;
  if (!cursor.Digits(2, 2, &hour) || !cursor.Take(":") || !cursor.Digits(2, 2, &minute) ||
      !cursor.Take(":") || !cursor.Digits(2, 2, &second)) {
    return false;
  }
  if (cursor.Take(".") && !cursor.Digits(1, 6, &fraction, &fraction_digits)) return false;
  for (int i = fraction_digits; i < 6; ++i) fraction *= 10;
  if (minute > 59 || second > 59 || hour > 24) return false;
  if (hour == 24 && (!allow_24 || minute != 0 || second != 0 || fraction != 0)) return false;
  *micros = ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond + fraction;
  return true;
}

// "+HH", "-HH:MM" or "+HH:MM:SS" → seconds east of UTC.
bool ReadOffset(Cursor& cursor, int64_t* seconds) {
  const bool negative = cursor.Take("-");
  if (!negative && !cursor.Take("+")) return false;
  int64_t hours, minutes = 0, secs = 0;
  if (!cursor.Digits(2, 2, &hours)) return false;
  if (cursor.Take(":")) {
    if (!cursor.Digits(2, 2, &minutes)) return false;
    if (cursor.Take(":") && !cursor.Digits(2, 2, &secs)) return false;
  }
  if (minutes > 59 || secs > 59) return false;
  *seconds = (negative ? -1 : 1) * ((hours * 60 + minutes) * 60 + secs);
  return true;
}

// Reads the optional " BC" suffix (year N BC is astronomical year 1 - N), which ends the text,
// then checks the day against its month in that year.
bool ReadEraAndEnd(Cursor& cursor, CivilDate* date) {
  if (cursor.Take(" BC")) date->year = 1 - date->year;
  return cursor.AtEnd() && date->day >= 1 && date->day <= DaysInMonth(date->year, date->month);
}

Status CheckFinite(std::string_view type, std::string_view text, std::string_view iceberg_type) {
  if (text == "infinity" || text == "-infinity") return OutOfRange(type, text, iceberg_type);
  return Status::Ok();
}

Result<int64_t> ParseTimestampWithOffset(std::string_view text, bool with_offset) {
  const char* type = with_offset ? "timestamptz" : "timestamp";
  const char* iceberg_type = with_offset ? "timestamptz" : "timestamp";
  RETURN_IF_ERROR(CheckFinite(type, text, iceberg_type));
  Cursor cursor(text);
  CivilDate date;
  int64_t time_micros = 0, offset_seconds = 0;
  if (!ReadDate(cursor, &date) || !cursor.Take(" ") || !ReadTime(cursor, false, &time_micros) ||
      (with_offset && !ReadOffset(cursor, &offset_seconds)) || !ReadEraAndEnd(cursor, &date)) {
    return Malformed(type, text);
  }
  int64_t micros;
  // Local time minus the offset east of UTC is UTC.
  if (__builtin_mul_overflow(DaysSinceUnixEpoch(date), kMicrosPerDay, &micros) ||
      __builtin_add_overflow(micros, time_micros, &micros) ||
      __builtin_sub_overflow(micros, offset_seconds * kMicrosPerSecond, &micros)) {
    return OutOfRange(type, text, iceberg_type);
  }
  return micros;
}

}  // namespace

Result<int32_t> ParseDateText(std::string_view text) {
  RETURN_IF_ERROR(CheckFinite("date", text, "date"));
  Cursor cursor(text);
  CivilDate date;
  if (!ReadDate(cursor, &date) || !ReadEraAndEnd(cursor, &date)) return Malformed("date", text);
  const int64_t days = DaysSinceUnixEpoch(date);
  if (days < std::numeric_limits<int32_t>::min() || days > std::numeric_limits<int32_t>::max()) {
    return OutOfRange("date", text, "date");
  }
  return static_cast<int32_t>(days);
}

Result<int64_t> ParseTimeText(std::string_view text) {
  Cursor cursor(text);
  int64_t micros = 0;
  if (!ReadTime(cursor, /*allow_24=*/true, &micros) || !cursor.AtEnd()) {
    return Malformed("time", text);
  }
  if (micros == kMicrosPerDay) {
    return Status::InvalidArgument(
        "time value \"24:00:00\" cannot be stored in an Iceberg time "
        "(which ends at 23:59:59.999999)");
  }
  return micros;
}

Result<int64_t> ParseTimestampText(std::string_view text) {
  return ParseTimestampWithOffset(text, /*with_offset=*/false);
}

Result<int64_t> ParseTimestampTzText(std::string_view text) {
  return ParseTimestampWithOffset(text, /*with_offset=*/true);
}

}  // namespace pg2iceberg::pg
