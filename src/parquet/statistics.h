// Running statistics of one column over a column chunk or a whole file: value, null and NaN
// counts and min/max in the column's type-defined sort order (Parquet's ColumnOrder
// TYPE_ORDER, which the writer declares for every column).
//
// Orders: BOOLEAN false < true; INT32, INT64 signed; FLOAT and DOUBLE in IEEE order with NaN
// excluded; BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY unsigned lexicographic, except DECIMAL on
// FIXED_LEN_BYTE_ARRAY, whose big-endian two's complement values order as signed integers.
// When a float column's only non-NaN values are zeros, min is -0.0 and max is +0.0, as the
// Parquet specification recommends, so readers never wrongly prune a signed zero.
//
// Byte-array min/max are kept whole (a copy is made only when a value becomes the new min or
// max); only the Parquet Statistics written for a chunk are shortened (see ToFormat).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <variant>

#include "base/bytes.h"
#include "parquet/column_spec.h"
#include "parquet/parquet_format.h"

namespace pg2iceberg::parquet {

// A min or max in the column's physical type: bool for BOOLEAN, int32_t for INT32, int64_t
// for INT64, float for FLOAT, double for DOUBLE, the value's bytes for BYTE_ARRAY and
// FIXED_LEN_BYTE_ARRAY.
using StatValue = std::variant<bool, int32_t, int64_t, float, double, Bytes>;

// How a byte-array column's values are ordered and how its Parquet bounds may be shortened.
enum class BytesOrder {
  kUnsigned,       // unsigned lexicographic (binary, UUID); bounds cut at any byte
  kUnsignedUtf8,   // unsigned lexicographic of UTF-8 (STRING); bounds cut between code points
  kSignedDecimal,  // DECIMAL on FIXED_LEN_BYTE_ARRAY: signed, equal widths; never cut
};

BytesOrder BytesOrderFor(const ColumnSpec& spec);

// Default cap on the length of a byte-array min_value/max_value written to Parquet.
inline constexpr size_t kDefaultStatisticsBoundBytesMax = 64;

class ColumnStatistics {
 public:
  // `order` applies to AddBytes; numeric columns ignore it.
  explicit ColumnStatistics(BytesOrder order = BytesOrder::kUnsigned) : order_(order) {}

  void AddNull() { ++null_count_; }
  // BOOLEAN (as 0/1), INT32 and INT64 values.
  void AddInteger(int64_t value) {
    ++value_count_;
    int_min_ = value < int_min_ ? value : int_min_;
    int_max_ = value > int_max_ ? value : int_max_;
  }
  // FLOAT and DOUBLE values (a float converts to double exactly).
  void AddReal(double value) {
    ++value_count_;
    if (std::isnan(value)) {
      ++nan_count_;
      return;
    }
    real_min_ = value < real_min_ ? value : real_min_;
    real_max_ = value > real_max_ ? value : real_max_;
  }
  // BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY values (for kSignedDecimal all of one width).
  void AddBytes(ByteSpan value) {
    ++value_count_;
    if (!has_bytes_) [[unlikely]] {
      SetBytesBounds(value, value);
    } else if (BytesLess(value, bytes_min_)) {
      bytes_min_.assign(value.begin(), value.end());
    } else if (BytesLess(bytes_max_, value)) {
      bytes_max_.assign(value.begin(), value.end());
    }
  }

  // Both sides must have been built with the same BytesOrder.
  void Merge(const ColumnStatistics& other);

  int64_t null_count() const { return null_count_; }
  int64_t nan_count() const { return nan_count_; }
  // Non-null values, NaNs included.
  int64_t non_null_count() const { return value_count_; }

  // Min and max as typed values (byte arrays whole), or nullopt when no value qualifies.
  std::optional<StatValue> Min(PhysicalType type) const;
  std::optional<StatValue> Max(PhysicalType type) const;

  // The Parquet Statistics struct: null_count always, min_value/max_value PLAIN-encoded (byte
  // arrays without a length prefix) when Min/Max exist. Under an unsigned order a byte-array
  // bound longer than `bound_bytes_max` is shortened: min to a prefix, max to a prefix with its
  // last byte (kUnsigned) or code point (kUnsignedUtf8) incremented, and max left out when no
  // such upper bound fits. The deprecated min/max fields are never set.
  format::Statistics ToFormat(PhysicalType type,
                              size_t bound_bytes_max = kDefaultStatisticsBoundBytesMax) const;

 private:
  bool HasOrderedValue() const { return value_count_ - nan_count_ > 0; }
  std::optional<StatValue> Bound(PhysicalType type, bool min) const;
  void SetBytesBounds(ByteSpan min, ByteSpan max);
  void BytesToFormat(size_t bound_bytes_max, format::Statistics* stats) const;
  bool BytesLess(ByteSpan a, ByteSpan b) const {
    if (!a.empty() && !b.empty() && a[0] != b[0]) [[likely]] {
      // The sign lives in the first byte; equal first bytes leave an unsigned comparison.
      if (order_ == BytesOrder::kSignedDecimal) {
        return static_cast<int8_t>(a[0]) < static_cast<int8_t>(b[0]);
      }
      return a[0] < b[0];
    }
    const size_t common = a.size() < b.size() ? a.size() : b.size();
    const int c = common == 0 ? 0 : std::memcmp(a.data(), b.data(), common);
    return c < 0 || (c == 0 && a.size() < b.size());
  }

  BytesOrder order_;
  int64_t null_count_ = 0;
  int64_t nan_count_ = 0;
  int64_t value_count_ = 0;
  int64_t int_min_ = std::numeric_limits<int64_t>::max();
  int64_t int_max_ = std::numeric_limits<int64_t>::min();
  double real_min_ = std::numeric_limits<double>::infinity();
  double real_max_ = -std::numeric_limits<double>::infinity();
  bool has_bytes_ = false;
  Bytes bytes_min_;
  Bytes bytes_max_;
};

// The PLAIN little-endian encoding of a statistics value (1 byte for bool; byte arrays as
// their bytes, without a length prefix).
Bytes EncodePlainStatValue(const StatValue& value);

// Shortened bounds of byte strings under unsigned lexicographic order, shared by Parquet
// statistics and Iceberg metrics. A value that fits the limits is returned whole.
//
// The first `max_bytes` bytes of `value`: a lower bound.
Bytes BinaryLowerBound(ByteSpan value, size_t max_bytes);
// An upper bound of at most `max_bytes` bytes: the first `max_bytes` bytes with the last byte
// that is not 0xFF incremented and the bytes after it dropped; nullopt when all are 0xFF.
std::optional<Bytes> BinaryUpperBound(ByteSpan value, size_t max_bytes);
// The longest prefix of whole code points of UTF-8 `value` holding at most `max_code_points`
// code points in at most `max_bytes` bytes: a lower bound that is valid UTF-8. nullopt when
// that prefix (or the code point cut at its end) is not valid UTF-8.
std::optional<Bytes> Utf8LowerBound(ByteSpan value, size_t max_code_points, size_t max_bytes);
// An upper bound within the same limits: that prefix with its last code point that can be
// incremented (not U+10FFFF; U+D7FF steps over the surrogates to U+E000) and still fit
// replaced by its successor, the code points after it dropped. nullopt when the prefix is not
// valid UTF-8 or no code point can be incremented.
std::optional<Bytes> Utf8UpperBound(ByteSpan value, size_t max_code_points, size_t max_bytes);

}  // namespace pg2iceberg::parquet
