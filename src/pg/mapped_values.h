// Decoders for the Postgres types capture maps onto a Value kind of another type, in their
// 't' (text output) and 'b' (binary send) wire forms:
//
//   timetz → Time: microseconds since midnight of the time converted to UTC,
//            ((local time − offset east of UTC) mod 24 h); "24:00:00+00" becomes 00:00.
//   interval, money, inet, cidr, macaddr, macaddr8, bit, varbit, xml, pg_lsn, int4range,
//   int8range, numrange, daterange, tsrange, tstzrange → String holding what
//            `SELECT value::text` prints in capture's session (text_of_binary.h), the same
//            string for both wire forms — except money, which becomes its decimal amount
//            ("1234.56", "-0.01") with the fraction digits its type modifier records
//            (text_of_binary.h: the source's lc_monetary decides them; -1 means C's two). Its
//            text form must be lc_monetary=C output, which capture's session prints.
//
// The text form of the string-mapped types is stored as received (it already is that output).
// Errors: bytes or text that are not a valid value of the type are kDataLoss naming the type;
// the caller adds the column.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"
#include "change/change.h"

namespace pg2iceberg::pg {

// Whether DecodeMappedValue handles `type_oid`.
bool IsMappedType(uint32_t type_oid);

// Decodes a non-null value of a type IsMappedType accepts (CHECKed). `type_modifier` is the
// column's (only money's is used: its fraction digits; kInvalidArgument when out of range).
Result<change::Value> DecodeMappedValue(uint32_t type_oid, int32_t type_modifier, ByteSpan data,
                                        bool binary);

// timetz's send form: int64 µs of local time, int32 zone offset in seconds WEST of UTC
// → µs since midnight UTC.
Result<int64_t> DecodeTimeTzBinary(ByteSpan value);
// "12:34:56.789+05:30" (offset "+HH", "+HH:MM" or "+HH:MM:SS" east of UTC) → µs since
// midnight UTC.
Result<int64_t> ParseTimeTzText(std::string_view text);

}  // namespace pg2iceberg::pg
