// Iceberg partition transforms (spec "Partition Transforms"): identity, bucket[N],
// truncate[W], year, month, day and hour, with the spec's rules for which source types each
// accepts, the type each produces, and the forms a value takes outside the tool:
//   - the 32-bit Murmur3 hash bucket[N] is built on (spec Appendix B), over each type's hash
//     bytes (int, long, date, time and timestamps as an 8-byte little-endian long; string as
//     UTF-8; binary as is; uuid as 16 big-endian bytes; decimal as the unscaled value's
//     minimal big-endian two's complement);
//   - the single-value binary form manifests use for bounds (spec Appendix D);
//   - the human string of partition paths ("2024-01-31", "2024-01-31-05", "eu").
// Pure functions; no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "iceberg/literal.h"
#include "iceberg/schema.h"

namespace pg2iceberg::iceberg {

enum class TransformKind { kIdentity, kBucket, kTruncate, kYear, kMonth, kDay, kHour };

struct Transform {
  TransformKind kind = TransformKind::kIdentity;
  int32_t width = 0;  // bucket[N]: N; truncate[W]: W (both positive); 0 for the others

  // The metadata form: "identity", "bucket[16]", "truncate[4]", "year", "month", "day", "hour".
  std::string ToString() const;
  bool operator==(const Transform&) const = default;
};

// Parses the metadata form; kInvalidArgument for anything else (void, unknown names, a
// bucket or truncate width that is not a positive 32-bit integer).
Result<Transform> ParseTransform(std::string_view text);

// The type `transform` produces from `source`: identity and truncate keep it, bucket, year,
// month and hour give int, day gives date. kInvalidArgument naming both when the spec does not
// define the transform on that type (bucket: int, long, decimal, date, time, timestamp(tz),
// string, uuid, binary; truncate: int, long, decimal, string, binary; year, month, day: date,
// timestamp(tz); hour: timestamp(tz); identity: every primitive type).
Result<Type> TransformResultType(const Transform& transform, const Type& source);

// `value` (of type `source`, which TransformResultType accepts) transformed. kInvalidArgument
// when the result does not fit its type (an hour beyond int range, an int or decimal truncated
// below its type's minimum).
Result<Literal> ApplyTransform(const Transform& transform, const Type& source,
                               const Literal& value);

// Murmur3 x86 32-bit of `bytes` with seed 0, as a signed int (Java's Guava murmur3_32).
int32_t Murmur3Hash32(ByteSpan bytes);
// The spec's hash of a value of `type` (a type bucket accepts).
int32_t HashValue(const Type& type, const Literal& value);

// The single-value binary form of a value of `type`.
Bytes SingleValueBytes(const Type& type, const Literal& value);
// <0, 0, >0 as a < b in `type`'s order (strings, binary and uuids by unsigned bytes). Not for
// NaN.
int CompareLiterals(const Type& type, const Literal& a, const Literal& b);

// The human string of a partition value of `transform` over a source of type `source`:
// year "2017", month "2017-11", day "2017-11-16", hour "2017-11-16-22", bucket the number;
// identity and truncate the value's own text (dates and times in ISO form, timestamptz with
// "Z", uuids in canonical form, binary in base64, decimals with their scale).
std::string HumanString(const Transform& transform, const Type& source, const Literal& value);

}  // namespace pg2iceberg::iceberg
