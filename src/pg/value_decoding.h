// Converts a pgoutput tuple column into the change model's Value (Iceberg's representation),
// by the column's type OID and type modifier from the Relation message.
//
//   'n' → Null, 'u' → UnchangedToast (whatever the type);
//   't' (text output) and 'b' (binary send form) of:
//     bool → Bool; int2, int4 → Int32; int8, oid → Int64; float4 → Float32; float8 → Float64;
//     numeric(p,s) with p <= 38 → Decimal (unscaled at scale s);
//     text, varchar, bpchar, name, json, jsonb → String; bytea → Binary; date → Date;
//     time → Time; timestamp → Timestamp; timestamptz → TimestampTz; uuid → Uuid;
//     arrays of those types → List (array_values.h);
//     timetz → Time (in UTC) and interval, money, inet, cidr, macaddr[8], bit, varbit, xml,
//     pg_lsn and the built-in ranges → String, as mapped_values.h describes.
// Text forms are parsed as text_values.h describes (the session settings it names are required);
// binary forms as binary_values.h. NaN floats become the one canonical quiet NaN.
//
// Errors name the column (and the value where it can be shown):
//   kInvalidArgument  a type this version does not mirror (numeric without a declared
//                     precision, precision > 38, any type not listed), or a value Iceberg
//                     cannot hold exactly (infinite date/timestamp, numeric NaN/±Infinity,
//                     digits beyond the precision, time 24:00:00, out-of-range timestamps);
//   kDataLoss         bytes that are not a valid value of the type.
#pragma once

#include "base/status.h"
#include "change/change.h"
#include "pg/pgoutput.h"

namespace pg2iceberg::pg {

Result<change::Value> DecodeColumnValue(const change::ColumnSchema& column,
                                        const TupleColumn& data);

// The decoding of a present value of `column`'s type (text or binary form) that
// DecodeColumnValue applies, without naming the column in errors: the element decoder for
// DecodeArrayValue (array_values.h) outside capture.
Result<change::Value> DecodePresentValue(const change::ColumnSchema& column, ByteSpan data,
                                         bool binary);

// The precision and scale of a numeric column's type modifier (38 and 18 when it has none:
// unconstrained numeric, see pg_types.h); kInvalidArgument when it does not fit an Iceberg
// decimal (p > 38, s < 0, s > p).
struct DecimalType {
  int precision = 0;
  int scale = 0;
};
Result<DecimalType> NumericTypeOf(const change::ColumnSchema& column);

}  // namespace pg2iceberg::pg
