// Running statistics of one column over a column chunk or a whole file: value, null and NaN
// counts and min/max in the column's physical type.
//
// Min/max exist for BOOLEAN (false < true), INT32, INT64 (signed order), FLOAT and DOUBLE
// (IEEE order with NaN excluded). Byte arrays get no min/max yet: absent bounds are correct,
// a wrong bound is not. When a float column's only non-NaN values are zeros, min is -0.0 and
// max is +0.0, as the Parquet specification recommends, so readers never wrongly prune a
// signed zero.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <variant>

#include "parquet/column_spec.h"
#include "parquet/parquet_format.h"

namespace pg2iceberg::parquet {

// A min or max in the column's physical type: bool for BOOLEAN, int32_t for INT32, int64_t
// for INT64, float for FLOAT, double for DOUBLE.
using StatValue = std::variant<bool, int32_t, int64_t, float, double>;

class ColumnStatistics {
 public:
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
  // Counts a value whose type has no min/max (byte arrays).
  void AddUnordered() { ++value_count_; }

  void Merge(const ColumnStatistics& other);

  int64_t null_count() const { return null_count_; }
  int64_t nan_count() const { return nan_count_; }
  // Non-null values, NaNs included.
  int64_t non_null_count() const { return value_count_; }

  // Min and max as typed values, or nullopt when the type has none or no value qualifies.
  std::optional<StatValue> Min(PhysicalType type) const;
  std::optional<StatValue> Max(PhysicalType type) const;

  // The Parquet Statistics struct: null_count always, min_value/max_value PLAIN-encoded when
  // Min/Max exist.
  format::Statistics ToFormat(PhysicalType type) const;

 private:
  bool HasOrderedValue() const { return value_count_ - nan_count_ > 0; }
  std::optional<StatValue> Bound(PhysicalType type, bool min) const;

  int64_t null_count_ = 0;
  int64_t nan_count_ = 0;
  int64_t value_count_ = 0;
  int64_t int_min_ = std::numeric_limits<int64_t>::max();
  int64_t int_max_ = std::numeric_limits<int64_t>::min();
  double real_min_ = std::numeric_limits<double>::infinity();
  double real_max_ = -std::numeric_limits<double>::infinity();
};

// The PLAIN little-endian encoding of a statistics value (1 byte for bool).
Bytes EncodePlainStatValue(const StatValue& value);

}  // namespace pg2iceberg::parquet
