// Decoders for Postgres binary-format values (the wire form of COPY BINARY and of binary
// result columns), converted to Iceberg's representation:
//   dates → days since 1970-01-01, timestamps → microseconds since 1970-01-01 (UTC for
//   timestamptz), numerics → unscaled integers at the column's scale.
// Values Iceberg cannot hold exactly (infinite dates and timestamps, numeric NaN/±Infinity, a
// numeric with more digits than the column's precision) are kInvalidArgument naming the value;
// malformed bytes are kDataLoss. The caller adds table and column to the message.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::pg {

Result<int32_t> DecodeInt2(ByteSpan value);
Result<int32_t> DecodeInt4(ByteSpan value);
Result<int64_t> DecodeInt8(ByteSpan value);
// oid: an unsigned 32-bit number, widened so it stays non-negative.
Result<int64_t> DecodeOid(ByteSpan value);
Result<float> DecodeFloat4(ByteSpan value);
Result<double> DecodeFloat8(ByteSpan value);
Result<bool> DecodeBool(ByteSpan value);
Result<int32_t> DecodeDate(ByteSpan value);
Result<int64_t> DecodeTimestamp(ByteSpan value);
// time: µs since midnight. 24:00:00, which Postgres allows, has no Iceberg time →
// kInvalidArgument; out-of-range µs → kDataLoss (malformed).
Result<int64_t> DecodeTime(ByteSpan value);
// jsonb's binary form is a version byte (1) followed by the JSON text; returns the text.
Result<ByteSpan> DecodeJsonb(ByteSpan value);
Result<ByteSpan> DecodeUuid(ByteSpan value);

// A numeric as an unscaled integer: value = unscaled × 10^-scale.
Result<__int128> DecodeNumeric(ByteSpan value, int precision, int scale);

// Big-endian two's complement of `unscaled` in exactly `width` bytes (Parquet and Iceberg
// decimal form). CHECKs that the value fits: callers pass precision-bounded values.
void EncodeDecimalBigEndian(__int128 unscaled, int width, std::byte* out);
// The fewest bytes that hold every unscaled value of `precision` digits.
int DecimalWidthBytes(int precision);

}  // namespace pg2iceberg::pg
