// Postgres' text output of values received in binary (send) form, for the types capture stores
// as strings (see mapped_values.h). Each function prints exactly what `SELECT value::text`
// prints in a session with capture's settings (DateStyle=ISO,YMD, TimeZone=UTC,
// IntervalStyle=postgres, lc_monetary=C), so the binary and the text wire form of one value
// become the same string.
//
// Errors: bytes that are not a valid send form of the type are kDataLoss naming the type.
// Nothing here is kInvalidArgument: every valid value has a text form.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "base/status.h"
#include "pg/pg_types.h"

namespace pg2iceberg::pg {

// interval: int64 µs, int32 days, int32 months → "1 year 2 mons -3 days +04:05:06.5".
Result<std::string> IntervalTextOfBinary(ByteSpan value);
// money: its send form is an int64 count of the smallest unit of the currency; how many of
// its digits are fraction digits depends on lc_monetary (LC_MONETARY's frac_digits, 2 when the
// locale gives none or more than 10, as in C; 0 for ja_JP, 3 for ar_KW). Capture and the
// snapshot learn that number for the source's sessions (pg/type_resolver.h) and record it
// as the money column's type modifier, which money otherwise never has.
inline constexpr int kMoneyFractionDigitsOfC = 2;
inline constexpr int kMoneyFractionDigitsMax = 10;
// The fraction digits a money column's type modifier records: -1 (none recorded) is lc_monetary
// C's 2; kInvalidArgument outside -1..kMoneyFractionDigitsMax.
Result<int> MoneyFractionDigitsOf(int32_t type_modifier);
// `units` of the smallest unit as the decimal amount with `fraction_digits` digits after the
// point (none and no point for 0), without currency symbol or grouping: "1234.56", "-0.01",
// "1235". `fraction_digits` must be 0..kMoneyFractionDigitsMax (CHECKed).
std::string MoneyAmount(int64_t units, int fraction_digits);
// money's send form (int64 units) → MoneyAmount.
Result<std::string> MoneyAmountOfBinary(ByteSpan value, int fraction_digits);
// money's text output under lc_monetary=C, as capture's replication session prints it
// ("$1,234.56", "-$0.01": the units with two digits after the point whatever the source's
// locale) → MoneyAmount of those units: "1234.56" with 2 fraction digits, "123456" with 0.
Result<std::string> MoneyAmountOfText(std::string_view text, int fraction_digits);
// inet and cidr: family, bits, is_cidr, address length, address → "10.1.2.3/24", "::1",
// "10.0.0.0/8"; inet omits a full-length prefix, cidr always shows it.
Result<std::string> InetTextOfBinary(ByteSpan value);
// macaddr (6 bytes) and macaddr8 (8 bytes) → "08:00:2b:01:02:03".
Result<std::string> MacaddrTextOfBinary(ByteSpan value, size_t length);
// bit and varbit: int32 bit count, then the bits packed high-order first → "0101".
Result<std::string> BitStringTextOfBinary(ByteSpan value);
// pg_lsn: int64 → "16/B374D848".
Result<std::string> LsnTextOfBinary(ByteSpan value);

// Range types over int4, int8, numeric, date, timestamp, timestamptz: flags byte, then each
// finite bound as int32 length + the element's send form → "[1,10)", "empty", "(,5]",
// "[\"2024-01-01 00:00:00\",\"2024-02-01 00:00:00\")". `range` must be one of the six
// range OIDs of pg_types.h (CHECKed).
Result<std::string> RangeTextOfBinary(TypeOid range, ByteSpan value);

// The element printers RangeTextOfBinary uses, exposed for tests:
// days since 2000-01-01 → "2024-01-31", "0044-03-15 BC", "infinity".
std::string DateText(int32_t pg_days);
// µs since 2000-01-01 → "2024-01-31 12:34:56.5" (+ "+00" when `utc_offset`), "infinity".
std::string TimestampText(int64_t pg_micros, bool utc_offset);
// numeric's send form (any precision, NaN and ±Infinity included) → "-12.340".
Result<std::string> NumericTextOfBinary(ByteSpan value);

}  // namespace pg2iceberg::pg
