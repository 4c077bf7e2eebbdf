// Converts Postgres values into the change model's Value (Iceberg's representation), by the
// column's type OID and type modifier: the one decoding switch of the project. Capture decodes
// pgoutput tuple columns with it (DecodeColumnValue), the snapshot COPY BINARY fields, which
// are the same binary send form as pgoutput's 'b' columns (copy_row_decoder.h, through
// DecodePresentValueInto).
//
//   'n' → Null, 'u' → UnchangedToast (whatever the type);
//   't' (text output) and 'b' (binary send form) of:
//     bool → Bool; int2, int4 → Int32; int8, oid → Int64; float4 → Float32; float8 → Float64;
//     numeric(p,s) with p <= 38 → Decimal (unscaled at scale s), unconstrained numeric as
//     numeric(38,18); a wider numeric → String of its exact text when DecodeOptions ask;
//     text, varchar, bpchar, name, json, jsonb → String; bytea → Binary; date → Date;
//     time → Time; timestamp → Timestamp; timestamptz → TimestampTz; uuid → Uuid;
//     arrays of those types → List (array_values.h);
//     timetz → Time (in UTC) and interval, money, inet, cidr, macaddr[8], bit, varbit, xml,
//     pg_lsn and the built-in ranges → String, as mapped_values.h describes.
// Text forms are parsed as text_values.h describes (the session settings it names are required);
// binary forms as binary_values.h. NaN floats become the one canonical quiet NaN.
//
// Errors name the column (and the value where it can be shown):
//   kInvalidArgument  a type this version does not mirror (numeric with precision > 38 or
//                     a negative scale unless DecodeOptions ask for a string, any type not
//                     listed), or a value Iceberg
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

// How values whose declared type has no exact Iceberg type of its own are decoded; the
// table's mapping policy (table/type_mapping.h) chooses. Capture uses the defaults.
struct DecodeOptions {
  // numeric whose type modifier no Iceberg decimal holds (precision > 38, negative scale) →
  // String holding Postgres' exact text of the value, instead of kInvalidArgument. Never
  // applies to array elements (the type mapping refuses such arrays).
  bool wide_numeric_as_string = false;
};

// The decoding of a present value of `column`'s type (text or binary form) that
// DecodeColumnValue applies, into `out`, without naming the column in errors. `out` is
// overwritten whatever it held; its string's capacity is reused, so decoding row after row
// into the same change::Row allocates only for values longer than any before them in that
// column, and for arrays and the string-mapped types (mapped_values.h), which build new values.
// On error `out` is unspecified (but valid).
Status DecodePresentValueInto(const change::ColumnSchema& column, ByteSpan data, bool binary,
                              const DecodeOptions& options, change::Value& out);

// DecodePresentValueInto with the default options, as a new value: the element decoder for
// DecodeArrayValue (array_values.h).
Result<change::Value> DecodePresentValue(const change::ColumnSchema& column, ByteSpan data,
                                         bool binary);

// `status` (an error of the decoding above) with `context` (e.g. `column "c"`) in front and,
// for a malformed (kDataLoss) binary value, up to 32 of its bytes in hex after it.
Status NameValueError(const Status& status, std::string_view context, ByteSpan data, bool binary);

// The precision and scale of a numeric column's type modifier (38 and 18 when it has none:
// unconstrained numeric, see pg_types.h); kInvalidArgument when it does not fit an Iceberg
// decimal (p > 38, s < 0, s > p).
struct DecimalType {
  int precision = 0;
  int scale = 0;
};
Result<DecimalType> NumericTypeOf(const change::ColumnSchema& column);

}  // namespace pg2iceberg::pg
