// Literal: one non-null value of an Iceberg primitive type, in the form partition transforms
// take and produce it and partition tuples hold it. The type is not stored: whoever holds a
// literal knows it (a schema field, a partition field's result type). Which member holds the
// value follows the type:
//   boolean (0 or 1), int, long, date (days since 1970-01-01), time (microseconds since
//   midnight), timestamp and timestamptz (microseconds since 1970-01-01 00:00 UTC) → integer
//   float, double                                                              → real
//   decimal (the unscaled value; the scale is the type's)                      → unscaled
//   string (UTF-8), binary, uuid (16 bytes, big-endian)                        → bytes
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pg2iceberg::iceberg {

struct Literal {
  int64_t integer = 0;
  double real = 0;
  __int128 unscaled = 0;
  std::string bytes;

  static Literal Integer(int64_t value) { return Literal{.integer = value}; }
  static Literal Real(double value) { return Literal{.real = value}; }
  static Literal Decimal(__int128 unscaled) { return Literal{.unscaled = unscaled}; }
  static Literal Bytes(std::string bytes) { return Literal{.bytes = std::move(bytes)}; }

  // Reals compare by bit pattern, so a NaN equals itself and -0.0 differs from 0.0, as Java's
  // Double.equals decides identity partitions.
  bool operator==(const Literal& other) const {
    return integer == other.integer &&
           std::bit_cast<uint64_t>(real) == std::bit_cast<uint64_t>(other.real) &&
           unscaled == other.unscaled && bytes == other.bytes;
  }
};

// A data file's partition values, one per partition field in spec order; nullopt is null.
using PartitionTuple = std::vector<std::optional<Literal>>;

}  // namespace pg2iceberg::iceberg
