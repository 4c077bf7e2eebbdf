// Parsers for the text output of Postgres values, as pgoutput sends them without the `binary`
// option, converted to Iceberg's representation (the same as binary_values.h: days and
// microseconds since 1970-01-01, numerics as unscaled integers at the column's scale).
//
// They parse exactly what a session with these settings prints (capture's replication
// connection sets them):
//   DateStyle=ISO,YMD  TimeZone=UTC  extra_float_digits=3  bytea_output=hex  IntervalStyle=postgres
// so dates are "2024-01-31" or "0044-03-15 BC", timestamps "2024-01-31 12:34:56.123456",
// timestamptz the same plus an offset ("+00", "+05:30", "-03:52:58"), times "12:34:56.5".
//
// Errors follow binary_values.h: text that is not what such a session prints is kDataLoss;
// values Iceberg cannot hold exactly (infinite dates and timestamps, numeric NaN/±Infinity,
// more digits than the column's precision, time 24:00:00, timestamps past the int64
// microsecond range) are kInvalidArgument naming the value. The caller adds the column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace pg2iceberg::pg {

Result<bool> ParseBoolText(std::string_view text);  // "t" or "f"
// A decimal integer within [min, max] (the type's range; anything else is malformed).
Result<int64_t> ParseIntegerText(std::string_view text, int64_t min, int64_t max);
// Decimal or exponent notation, "NaN", "Infinity", "-Infinity"; "-0" keeps its sign.
Result<float> ParseFloat4Text(std::string_view text);
Result<double> ParseFloat8Text(std::string_view text);
// "-12.340" → unscaled integer at `scale` (-1234 at scale 2).
Result<__int128> ParseNumericText(std::string_view text, int precision, int scale);
// "\x0a1b" → the raw bytes.
Result<std::string> ParseByteaText(std::string_view text);
// "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" → 16 bytes in network order.
Result<std::string> ParseUuidText(std::string_view text);
// Days since 1970-01-01.
Result<int32_t> ParseDateText(std::string_view text);
// Microseconds since midnight.
Result<int64_t> ParseTimeText(std::string_view text);
// Microseconds since 1970-01-01 00:00:00; the timestamptz form converts its offset to UTC.
Result<int64_t> ParseTimestampText(std::string_view text);
Result<int64_t> ParseTimestampTzText(std::string_view text);

}  // namespace pg2iceberg::pg
