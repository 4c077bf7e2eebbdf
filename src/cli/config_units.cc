#include "cli/config_units.h"

#include <cctype>
#include <cmath>
#include <string>

namespace pg2iceberg {
namespace {

// Reads a non-negative decimal number (digits, optional fraction) at the front of `text`.
std::optional<double> TakeNumber(std::string_view& text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  if (i == 0 || text.substr(0, i) == ".") return std::nullopt;
  std::string number(text.substr(0, i));
  if (number.find('.') != number.rfind('.')) return std::nullopt;
  text.remove_prefix(i);
  return std::stod(number);
}

std::optional<double> DurationUnitMs(std::string_view& text) {
  static const std::pair<std::string_view, double> kUnits[] = {
      {"ns", 1e-6}, {"us", 1e-3},  {"\u00b5s", 1e-3}, {"ms", 1},
      {"s", 1000},  {"m", 60'000}, {"h", 3'600'000}};
  for (auto [unit, ms] : kUnits) {
    // "m" must not swallow the "m" of "ms": longer units are listed first where they share a
    // prefix.
    if (text.starts_with(unit)) {
      text.remove_prefix(unit.size());
      return ms;
    }
  }
  return std::nullopt;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<int64_t> ParseDurationMs(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string_view rest = text;
  std::optional<double> bare = TakeNumber(rest);
  if (bare && rest.empty())
    return *bare * 1000 > 9e15 ? std::nullopt : std::optional<int64_t>(*bare * 1000);
  rest = text;
  double total_ms = 0;
  while (!rest.empty()) {
    std::optional<double> number = TakeNumber(rest);
    if (!number) return std::nullopt;
    std::optional<double> unit = DurationUnitMs(rest);
    if (!unit) return std::nullopt;
    total_ms += *number * *unit;
  }
  if (total_ms > 9e15) return std::nullopt;
  return static_cast<int64_t>(std::floor(total_ms));
}

std::optional<int64_t> ParseSizeBytes(std::string_view text) {
  std::string_view rest = text;
  std::optional<double> number = TakeNumber(rest);
  if (!number) return std::nullopt;
  while (rest.starts_with(' ')) rest.remove_prefix(1);
  const std::string unit = Lower(rest);
  double scale = 0;
  if (unit.empty() || unit == "b")
    scale = 1;
  else if (unit == "kb")
    scale = 1e3;
  else if (unit == "mb")
    scale = 1e6;
  else if (unit == "gb")
    scale = 1e9;
  else if (unit == "kib")
    scale = 1024.0;
  else if (unit == "mib")
    scale = 1024.0 * 1024;
  else if (unit == "gib")
    scale = 1024.0 * 1024 * 1024;
  else
    return std::nullopt;
  const double bytes = *number * scale;
  if (bytes > 9e18 || bytes != std::floor(bytes)) return std::nullopt;
  return static_cast<int64_t>(bytes);
}

}  // namespace pg2iceberg
