#include "cli/config_units.h"

#include <cctype>
#include <cmath>
#include <string>

#include "base/parse_number.h"

namespace pg2iceberg {
namespace {

constexpr double kDurationMsMax = 9e15;
constexpr double kSizeBytesMax = 9e18;

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

Status Invalid(std::string_view whole, const std::string& problem) {
  return Status::InvalidArgument(Quoted(whole) + " " + problem);
}

// Reads a non-negative decimal number (digits, optional fraction) at the front of `rest`.
Result<double> TakeNumber(std::string_view whole, std::string_view& rest) {
  size_t i = 0;
  while (i < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[i])) || rest[i] == '.'))
    ++i;
  const std::string_view number = rest.substr(0, i);
  if (whole.empty()) return Invalid(whole, "is empty");
  if (number.empty() || number == "." || number.find('.') != number.rfind('.'))
    return Invalid(whole, "does not have a number where " + Quoted(rest) + " begins");
  Result<double> value = ParseDouble(number, "number");
  if (!value.ok()) return Invalid(whole, "is too large");
  rest.remove_prefix(i);
  return *value;
}

// The milliseconds per unit at the front of `rest`.
Result<double> TakeDurationUnit(std::string_view whole, std::string_view& rest) {
  // "m" must not swallow the "m" of "ms": longer units are listed first where they share a
  // prefix.
  static const std::pair<std::string_view, double> kUnits[] = {
      {"ns", 1e-6}, {"us", 1e-3},  {"\u00b5s", 1e-3}, {"ms", 1},
      {"s", 1000},  {"m", 60'000}, {"h", 3'600'000}};
  for (auto [unit, ms] : kUnits) {
    if (rest.starts_with(unit)) {
      rest.remove_prefix(unit.size());
      return ms;
    }
  }
  size_t end = 0;
  while (end < rest.size() && !std::isdigit(static_cast<unsigned char>(rest[end]))) ++end;
  return Invalid(
      whole, "has an unknown unit " + Quoted(rest.substr(0, end)) + " (use ns, us, ms, s, m or h)");
}

Result<double> SizeUnitBytes(std::string_view whole, std::string_view unit) {
  std::string lower(unit);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::pair<std::string_view, double> kUnits[] = {{"", 1},
                                                               {"b", 1},
                                                               {"kb", 1e3},
                                                               {"mb", 1e6},
                                                               {"gb", 1e9},
                                                               {"kib", 1024.0},
                                                               {"mib", 1024.0 * 1024},
                                                               {"gib", 1024.0 * 1024 * 1024}};
  for (auto [name, bytes] : kUnits) {
    if (lower == name) return bytes;
  }
  return Invalid(whole,
                 "has an unknown unit " + Quoted(unit) + " (use B, KB, MB, GB, KiB, MiB or GiB)");
}

}  // namespace

Result<int64_t> ParseDurationMs(std::string_view text) {
  std::string_view rest = text;
  ASSIGN_OR_RETURN(const double first, TakeNumber(text, rest));
  if (rest.empty()) {  // a bare number of seconds
    if (first * 1000 > kDurationMsMax) return Invalid(text, "is too large");
    return static_cast<int64_t>(first * 1000);
  }
  rest = text;
  double total_ms = 0;
  while (!rest.empty()) {
    ASSIGN_OR_RETURN(const double number, TakeNumber(text, rest));
    ASSIGN_OR_RETURN(const double unit_ms, TakeDurationUnit(text, rest));
    total_ms += number * unit_ms;
  }
  if (total_ms > kDurationMsMax) return Invalid(text, "is too large");
  return static_cast<int64_t>(std::floor(total_ms));
}

Result<int64_t> ParseSizeBytes(std::string_view text) {
  std::string_view rest = text;
  ASSIGN_OR_RETURN(const double number, TakeNumber(text, rest));
  while (rest.starts_with(' ')) rest.remove_prefix(1);
  ASSIGN_OR_RETURN(const double scale, SizeUnitBytes(text, rest));
  const double bytes = number * scale;
  if (bytes > kSizeBytesMax) return Invalid(text, "is too large");
  if (bytes != std::floor(bytes)) return Invalid(text, "is not a whole number of bytes");
  return static_cast<int64_t>(bytes);
}

}  // namespace pg2iceberg
