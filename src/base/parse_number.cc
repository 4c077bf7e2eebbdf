#include "base/parse_number.h"

#include <charconv>
#include <cmath>
#include <string>
#include <system_error>

namespace pg2iceberg {
namespace {

constexpr size_t kQuotedTextMaxBytes = 64;

std::string Quoted(std::string_view text) {
  if (text.size() <= kQuotedTextMaxBytes) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kQuotedTextMaxBytes)) + "\"… (" +
         std::to_string(text.size()) + " bytes)";
}

Status Failure(StatusCode code, std::string_view what, std::string_view problem,
               std::string_view text) {
  return Status(code, std::string(what) + " is " + std::string(problem) + ": " + Quoted(text));
}

// The whole of `text` as a T, or the reason it is not one.
template <typename T>
Result<T> ParseWhole(std::string_view text, std::string_view what, StatusCode code,
                     std::string_view kind, std::string_view type_name) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error == std::errc::result_out_of_range)
    return Failure(code, what, "out of range for " + std::string(type_name), text);
  if (error != std::errc() || stop != end || text.empty()) return Failure(code, what, kind, text);
  return value;
}

}  // namespace

Result<int64_t> ParseInt64(std::string_view text, std::string_view what, StatusCode code) {
  return ParseWhole<int64_t>(text, what, code, "not an integer", "int64");
}

Result<int32_t> ParseInt32(std::string_view text, std::string_view what, StatusCode code) {
  return ParseWhole<int32_t>(text, what, code, "not an integer", "int32");
}

Result<uint64_t> ParseUint64(std::string_view text, std::string_view what, StatusCode code) {
  return ParseWhole<uint64_t>(text, what, code, "not an unsigned integer", "uint64");
}

Result<uint32_t> ParseUint32(std::string_view text, std::string_view what, StatusCode code) {
  return ParseWhole<uint32_t>(text, what, code, "not an unsigned integer", "uint32");
}

Result<double> ParseDouble(std::string_view text, std::string_view what, StatusCode code) {
  // from_chars reads "inf" and "nan"; a config value or a row never means them.
  for (char c : text) {
    if (c == 'i' || c == 'I' || c == 'n' || c == 'N')
      return Failure(code, what, "not a number", text);
  }
  ASSIGN_OR_RETURN(const double value,
                   ParseWhole<double>(text, what, code, "not a number", "double"));
  if (!std::isfinite(value)) return Failure(code, what, "out of range for double", text);
  return value;
}

}  // namespace pg2iceberg
