// The non-range printers of text_of_binary.h.
#include "pg/text_of_binary.h"

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

#include "base/check.h"
#include "pg/binary_values.h"

namespace pg2iceberg::pg {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr uint8_t kFamilyInet = 2;   // PGSQL_AF_INET
constexpr uint8_t kFamilyInet6 = 3;  // PGSQL_AF_INET6

Status Malformed(std::string_view type) {
  return Status::DataLoss("malformed binary " + std::string(type));
}

// `value` in decimal with at least `width` digits (zero-padded), no sign.
std::string Padded(uint64_t value, size_t width) {
  std::string digits = std::to_string(value);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

uint64_t Magnitude(int64_t value) {
  return value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
}

// One "N unit(s)" part of an interval; a part following a negative one shows its "+".
void AppendIntervalPart(int64_t value, std::string_view unit, bool* first, bool* after_negative,
                        std::string* out) {
  if (value == 0) return;
  if (!*first) *out += ' ';
  if (*after_negative && value > 0) *out += '+';
  *out += std::to_string(value) + " " + std::string(unit) + (value != 1 ? "s" : "");
  *after_negative = value < 0;
  *first = false;
}

// "HH:MM:SS[.ffffff]" of an interval's time part (no sign), fraction without trailing zeros.
std::string IntervalClock(int64_t micros) {
  const uint64_t magnitude = Magnitude(micros);
  const uint64_t fraction = magnitude % kMicrosPerSecond;
  std::string out = Padded(magnitude / kMicrosPerHour, 2) + ":" +
                    Padded(magnitude / kMicrosPerMinute % 60, 2) + ":" +
                    Padded(magnitude / kMicrosPerSecond % 60, 2);
  if (fraction != 0) {
    std::string digits = Padded(fraction, 6);
    digits.erase(digits.find_last_not_of('0') + 1);
    out += "." + digits;
  }
  return out;
}

char HexDigit(uint8_t nibble) { return "0123456789abcdef"[nibble & 0xf]; }

// An IPv6 address as Postgres prints it: lowercase hex groups, the first longest run of two or
// more zero groups as "::", and the last 32 bits dotted when the address is IPv4-compatible
// (::a.b.c.d) or IPv4-mapped (::ffff:a.b.c.d).
std::string Ipv6Text(ByteSpan address) {
  uint32_t groups[8];
  for (int i = 0; i < 8; ++i) {
    groups[i] =
        (static_cast<uint32_t>(address[2 * i]) << 8) | static_cast<uint32_t>(address[2 * i + 1]);
  }
  int best_start = -1, best_length = 0;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_length) best_start = i, best_length = j - i;
    i = j == i ? i + 1 : j;
  }
  if (best_length < 2) best_start = -1;
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (best_start >= 0 && i >= best_start && i < best_start + best_length) {
      if (i == best_start) out += ':';
      continue;
    }
    if (i != 0) out += ':';
    if (i == 6 && best_start == 0 &&
        (best_length == 6 || (best_length == 5 && groups[5] == 0xffff))) {
      for (int b = 12; b < 16; ++b)
        out += std::to_string(static_cast<uint8_t>(address[b])) + (b < 15 ? "." : "");
      return out;
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "%x", groups[i]);
    out += hex;
  }
  if (best_start >= 0 && best_start + best_length == 8) out += ':';
  return out;
}

}  // namespace

Result<std::string> IntervalTextOfBinary(ByteSpan value) {
  if (value.size() != 16) return Malformed("interval");
  ASSIGN_OR_RETURN(const int64_t micros, DecodeInt8(value.subspan(0, 8)));
  ASSIGN_OR_RETURN(const int32_t days, DecodeInt4(value.subspan(8, 4)));
  ASSIGN_OR_RETURN(const int32_t months, DecodeInt4(value.subspan(12, 4)));
  std::string out;
  bool first = true, after_negative = false;
  AppendIntervalPart(months / 12, "year", &first, &after_negative, &out);
  AppendIntervalPart(months % 12, "mon", &first, &after_negative, &out);
  AppendIntervalPart(days, "day", &first, &after_negative, &out);
  if (first || micros != 0) {
    if (!first) out += ' ';
    if (micros < 0) {
      out += '-';
    } else if (after_negative) {
      out += '+';
    }
    out += IntervalClock(micros);
  }
  return out;
}

Result<int> MoneyFractionDigitsOf(int32_t type_modifier) {
  if (type_modifier == -1) return kMoneyFractionDigitsOfC;
  if (type_modifier < 0 || type_modifier > kMoneyFractionDigitsMax) {
    return Status::InvalidArgument("money column recorded with " + std::to_string(type_modifier) +
                                   " fraction digits (expected 0 to " +
                                   std::to_string(kMoneyFractionDigitsMax) + ")");
  }
  return static_cast<int>(type_modifier);
}

std::string MoneyAmount(int64_t units, int fraction_digits) {
  CHECK_MSG(fraction_digits >= 0 && fraction_digits <= kMoneyFractionDigitsMax,
            "MoneyAmount: fraction digits out of range");
  const uint64_t magnitude = Magnitude(units);
  std::string out = units < 0 ? "-" : "";
  if (fraction_digits == 0) return out + std::to_string(magnitude);
  uint64_t scale = 1;
  for (int i = 0; i < fraction_digits; ++i) scale *= 10;
  return out + std::to_string(magnitude / scale) + "." +
         Padded(magnitude % scale, static_cast<size_t>(fraction_digits));
}

Result<std::string> MoneyAmountOfBinary(ByteSpan value, int fraction_digits) {
  if (value.size() != 8) return Malformed("money");
  ASSIGN_OR_RETURN(const int64_t units, DecodeInt8(value));
  return MoneyAmount(units, fraction_digits);
}

namespace {

// The digits of lc_monetary=C money text ("-$1,234.56": a sign, "$", digits grouped by ",",
// exactly two after the point) as the integer it prints; nullopt when `text` is not that form
// or the number does not fit money's int64.
std::optional<int64_t> MoneyUnitsOfCText(std::string_view text) {
  const bool negative = text.starts_with('-');
  if (negative) text.remove_prefix(1);
  if (!text.starts_with('$')) return std::nullopt;
  text.remove_prefix(1);
  const size_t point = text.find('.');
  if (point == std::string_view::npos || text.size() - point != 3 || point == 0)
    return std::nullopt;
  uint64_t magnitude = 0;
  bool any_digit = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == point || (c == ',' && i < point)) continue;
    if (c < '0' || c > '9') return std::nullopt;
    if (magnitude > (std::numeric_limits<uint64_t>::max() - 9) / 10) return std::nullopt;
    magnitude = magnitude * 10 + static_cast<uint64_t>(c - '0');
    any_digit |= i < point;
  }
  const uint64_t limit =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
  if (!any_digit || magnitude > limit) return std::nullopt;
  return negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
}

}  // namespace

Result<std::string> MoneyAmountOfText(std::string_view text, int fraction_digits) {
  const std::optional<int64_t> units = MoneyUnitsOfCText(text);
  if (!units.has_value()) {
    return Status::DataLoss("malformed money text \"" + std::string(text.substr(0, 64)) +
                            "\" (expected lc_monetary=C output such as -$1,234.56)");
  }
  return MoneyAmount(*units, fraction_digits);
}

Result<std::string> InetTextOfBinary(ByteSpan value) {
  if (value.size() < 4) return Malformed("inet");
  const auto family = static_cast<uint8_t>(value[0]);
  const auto bits = static_cast<uint8_t>(value[1]);
  const bool is_cidr = value[2] != std::byte{0};
  const auto length = static_cast<uint8_t>(value[3]);
  const ByteSpan address = value.subspan(4);
  const bool v4 = family == kFamilyInet && length == 4 && bits <= 32;
  const bool v6 = family == kFamilyInet6 && length == 16 && bits <= 128;
  if (!(v4 || v6) || address.size() != length) return Malformed(is_cidr ? "cidr" : "inet");
  std::string out;
  if (v4) {
    for (int i = 0; i < 4; ++i)
      out += std::to_string(static_cast<uint8_t>(address[i])) + (i < 3 ? "." : "");
  } else {
    out = Ipv6Text(address);
  }
  if (is_cidr || bits != 8 * length) out += "/" + std::to_string(bits);
  return out;
}

Result<std::string> MacaddrTextOfBinary(ByteSpan value, size_t length) {
  if (value.size() != length) return Malformed(length == 8 ? "macaddr8" : "macaddr");
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (i > 0) out += ':';
    out += HexDigit(static_cast<uint8_t>(value[i]) >> 4);
    out += HexDigit(static_cast<uint8_t>(value[i]));
  }
  return out;
}

Result<std::string> BitStringTextOfBinary(ByteSpan value) {
  if (value.size() < 4) return Malformed("bit string");
  ASSIGN_OR_RETURN(const int32_t bit_count, DecodeInt4(value.subspan(0, 4)));
  const ByteSpan bytes = value.subspan(4);
  if (bit_count < 0 || bytes.size() != (static_cast<size_t>(bit_count) + 7) / 8)
    return Malformed("bit string");
  std::string out;
  out.reserve(bit_count);
  for (int32_t i = 0; i < bit_count; ++i) {
    out += (static_cast<uint8_t>(bytes[i / 8]) >> (7 - i % 8)) & 1 ? '1' : '0';
  }
  return out;
}

Result<std::string> LsnTextOfBinary(ByteSpan value) {
  if (value.size() != 8) return Malformed("pg_lsn");
  ASSIGN_OR_RETURN(const int64_t lsn, DecodeInt8(value));
  // "%X/%X" as pg_lsn_out prints it (change::FormatLsn zero-pads the low half).
  char text[24];
  std::snprintf(text, sizeof text, "%X/%X", static_cast<unsigned>(static_cast<uint64_t>(lsn) >> 32),
                static_cast<unsigned>(static_cast<uint64_t>(lsn) & 0xffffffffu));
  return std::string(text);
}

}  // namespace pg2iceberg::pg
