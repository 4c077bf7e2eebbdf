#include "parquet/statistics.h"

#include <algorithm>
#include <cstring>

namespace pg2iceberg::parquet {

void ColumnStatistics::Merge(const ColumnStatistics& other) {
  null_count_ += other.null_count_;
  nan_count_ += other.nan_count_;
  value_count_ += other.value_count_;
  int_min_ = std::min(int_min_, other.int_min_);
  int_max_ = std::max(int_max_, other.int_max_);
  real_min_ = std::min(real_min_, other.real_min_);
  real_max_ = std::max(real_max_, other.real_max_);
}

std::optional<StatValue> ColumnStatistics::Min(PhysicalType type) const {
  return Bound(type, /*min=*/true);
}

std::optional<StatValue> ColumnStatistics::Max(PhysicalType type) const {
  return Bound(type, /*min=*/false);
}

std::optional<StatValue> ColumnStatistics::Bound(PhysicalType type, bool min) const {
  if (!HasOrderedValue()) return std::nullopt;
  const int64_t integer = min ? int_min_ : int_max_;
  double real = min ? real_min_ : real_max_;
  // Zero compares equal to negative zero; widen the bounds so both signs are covered.
  if (real == 0.0) real = min ? -0.0 : 0.0;
  switch (type) {
    case PhysicalType::kBoolean:
      return StatValue(integer != 0);
    case PhysicalType::kInt32:
      return StatValue(static_cast<int32_t>(integer));
    case PhysicalType::kInt64:
      return StatValue(integer);
    case PhysicalType::kFloat:
      return StatValue(static_cast<float>(real));
    case PhysicalType::kDouble:
      return StatValue(real);
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      return std::nullopt;
  }
  return std::nullopt;
}

format::Statistics ColumnStatistics::ToFormat(PhysicalType type) const {
  format::Statistics stats;
  stats.null_count = null_count_;
  std::optional<StatValue> min = Min(type);
  std::optional<StatValue> max = Max(type);
  if (min && max) {
    stats.min_value = EncodePlainStatValue(*min);
    stats.max_value = EncodePlainStatValue(*max);
  }
  return stats;
}

Bytes EncodePlainStatValue(const StatValue& value) {
  return std::visit(
      [](auto v) {
        Bytes bytes(sizeof(v));
        // Little-endian host (checked in column_writer.h), so memory order is PLAIN order.
        std::memcpy(bytes.data(), &v, sizeof(v));
        return bytes;
      },
      value);
}

}  // namespace pg2iceberg::parquet
