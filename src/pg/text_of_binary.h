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
// money: int64 in cents (two fractional digits, as lc_monetary=C prints it) → the decimal
// amount without currency symbol or grouping: "1234.56", "-0.01".
Result<std::string> MoneyAmountOfBinary(ByteSpan value);
// money's text output ("$1,234.56", "-$0.01" under lc_monetary=C) → "1234.56", "-0.01".
Result<std::string> MoneyAmountOfText(std::string_view text);
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
