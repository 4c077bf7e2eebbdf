// The scalar parsers of text_values.h (dates and times are in text_datetime.cc).
#include "pg/text_values.h"

#include <algorithm>
#include <charconv>

namespace pg2iceberg::pg {
namespace {

std::string Quoted(std::string_view text) {
  constexpr size_t kMax = 64;
  if (text.size() <= kMax) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kMax)) + "…\"";
}

Status Malformed(std::string_view type, std::string_view text) {
  return Status::DataLoss("malformed " + std::string(type) + " text " + Quoted(text));
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the bytes of an even-length hex string; false on any other character.
bool AppendHex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int high = HexDigit(hex[i]), low = HexDigit(hex[i + 1]);
    if (high < 0 || low < 0) return false;
    out->push_back(static_cast<char>(high * 16 + low));
  }
  return true;
}

template <typename Float>
Result<Float> ParseFloat(std::string_view text, std::string_view type) {
  // from_chars is locale-independent and reads "NaN", "Infinity" and "-Infinity" too.
  Float value{};
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) return Malformed(type, text);
  return value;
}

Status NotExact(std::string_view text, int precision, int scale) {
  return Status::InvalidArgument("numeric value " + Quoted(text) +
                                 " cannot be stored exactly in decimal(" +
                                 std::to_string(precision) + "," + std::to_string(scale) + ")");
}

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

Result<bool> ParseBoolText(std::string_view text) {
  if (text == "t") return true;
  if (text == "f") return false;
  return Malformed("bool", text);
}

Result<int64_t> ParseIntegerText(std::string_view text, int64_t min, int64_t max) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end || value < min || value > max) {
    return Malformed("integer", text);
  }
  return value;
}

Result<float> ParseFloat4Text(std::string_view text) { return ParseFloat<float>(text, "float4"); }

Result<double> ParseFloat8Text(std::string_view text) { return ParseFloat<double>(text, "float8"); }

Result<__int128> ParseNumericText(std::string_view text, int precision, int scale) {
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
    return Status::InvalidArgument("decimal(" + std::to_string(precision) + "," +
                                   std::to_string(scale) + ") is not an Iceberg decimal type");
  }
  if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
    return NotExact(text, precision, scale);
  }
  const bool negative = text.starts_with('-');
  const std::string_view unsigned_text = text.substr(negative ? 1 : 0);
  const size_t point = unsigned_text.find('.');
  std::string_view integer = unsigned_text.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : unsigned_text.substr(point + 1);
  if (integer.empty() || !AllDigits(integer) || !AllDigits(fraction) ||
      (point != std::string_view::npos && fraction.empty())) {
    return Malformed("numeric", text);
  }
  while (integer.size() > 1 && integer.front() == '0') integer.remove_prefix(1);
  // Fractional digits past the scale must be zeros; the rest form the unscaled integer.
  const std::string_view kept = fraction.substr(0, std::min<size_t>(fraction.size(), scale));
  if (fraction.substr(kept.size()).find_first_not_of('0') != std::string_view::npos) {
    return NotExact(text, precision, scale);
  }
  std::string digits = (integer == "0" ? "" : std::string(integer)) + std::string(kept);
  digits.append(static_cast<size_t>(scale) - kept.size(), '0');
  while (!digits.empty() && digits.front() == '0') digits.erase(0, 1);
  if (digits.size() > static_cast<size_t>(precision)) return NotExact(text, precision, scale);
  __int128 unscaled = 0;
  for (char c : digits) unscaled = unscaled * 10 + (c - '0');  // at most 38 digits: no overflow
  return negative ? -unscaled : unscaled;
}

Result<std::string> ParseByteaText(std::string_view text) {
  std::string out;
  if (!text.starts_with("\\x") || !AppendHex(text.substr(2), &out)) {
    return Status::DataLoss("malformed bytea text " + Quoted(text) +
                            " (expected hex output: bytea_output=hex)");
  }
  return out;
}

Result<std::string> ParseUuidText(std::string_view text) {
  // 8-4-4-4-12 hex digits.
  std::string hex;
  if (text.size() != 36) return Malformed("uuid", text);
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position != (text[i] == '-')) return Malformed("uuid", text);
    if (!dash_position) hex.push_back(text[i]);
  }
  std::string out;
  if (!AppendHex(hex, &out)) return Malformed("uuid", text);
  return out;
}

}  // namespace pg2iceberg::pg
