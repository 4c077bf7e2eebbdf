#include "change/change.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace pg2iceberg::change {

std::string FormatLsn(Lsn lsn) {
  char text[24];
  std::snprintf(text, sizeof text, "%" PRIX32 "/%" PRIX32, static_cast<uint32_t>(lsn >> 32),
                static_cast<uint32_t>(lsn));
  return text;
}

namespace {

// Parses 1..8 hex digits; false for anything else.
bool ParseHex32(std::string_view text, uint32_t* out) {
  if (text.empty() || text.size() > 8) return false;
  uint32_t value = 0;
  for (char c : text) {
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (digit < 0) return false;
    value = value << 4 | static_cast<uint32_t>(digit);
  }
  *out = value;
  return true;
}

}  // namespace

Result<Lsn> ParseLsn(std::string_view text) {
  size_t slash = text.find('/');
  uint32_t high = 0;
  uint32_t low = 0;
  if (slash == std::string_view::npos || !ParseHex32(text.substr(0, slash), &high) ||
      !ParseHex32(text.substr(slash + 1), &low)) {
    return Status::InvalidArgument("not an LSN (expected X/XXXXXXXX): \"" + std::string(text) +
                                   "\"");
  }
  return (static_cast<Lsn>(high) << 32) | low;
}

std::string_view ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kUnchangedToast:
      return "unchanged-toast";
    case ValueKind::kBool:
      return "bool";
    case ValueKind::kInt32:
      return "int32";
    case ValueKind::kInt64:
      return "int64";
    case ValueKind::kFloat32:
      return "float32";
    case ValueKind::kFloat64:
      return "float64";
    case ValueKind::kDecimal:
      return "decimal";
    case ValueKind::kString:
      return "string";
    case ValueKind::kBinary:
      return "binary";
    case ValueKind::kDate:
      return "date";
    case ValueKind::kTime:
      return "time";
    case ValueKind::kTimestamp:
      return "timestamp";
    case ValueKind::kTimestampTz:
      return "timestamptz";
    case ValueKind::kUuid:
      return "uuid";
    case ValueKind::kList:
      return "list";
  }
  return "unknown";
}

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kInsert:
      return "insert";
    case ChangeKind::kUpdate:
      return "update";
    case ChangeKind::kDelete:
      return "delete";
    case ChangeKind::kTruncate:
      return "truncate";
  }
  return "unknown";
}

bool Value::operator==(const Value& other) const {
  if (kind != other.kind) return false;
  switch (kind) {
    case ValueKind::kNull:
    case ValueKind::kUnchangedToast:
      return true;
    case ValueKind::kFloat32:
    case ValueKind::kFloat64:
      return std::memcmp(&float_value, &other.float_value, sizeof float_value) == 0;
    case ValueKind::kDecimal:
      return decimal_unscaled == other.decimal_unscaled;
    case ValueKind::kString:
    case ValueKind::kBinary:
    case ValueKind::kUuid:
      return bytes == other.bytes;
    case ValueKind::kList:
      return elements == other.elements;
    default:
      return int_value == other.int_value;
  }
}

}  // namespace pg2iceberg::change
