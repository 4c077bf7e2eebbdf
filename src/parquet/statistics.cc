#include "parquet/statistics.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "base/check.h"
#include "base/utf8.h"

namespace pg2iceberg::parquet {
namespace {

constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();

bool IsContinuation(std::byte b) { return (static_cast<uint8_t>(b) & 0xC0) == 0x80; }

void AppendUtf8(char32_t cp, Bytes* out) {
  // Lead byte marker and payload bits by sequence length, then 6 bits per continuation byte.
  const int continuations = cp < 0x80 ? 0 : cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;
  static constexpr uint8_t kLeadMarker[] = {0x00, 0xC0, 0xE0, 0xF0};
  out->push_back(static_cast<std::byte>(kLeadMarker[continuations] | (cp >> (6 * continuations))));
  for (int i = continuations - 1; i >= 0; --i) {
    out->push_back(static_cast<std::byte>(0x80 | ((cp >> (6 * i)) & 0x3F)));
  }
}

// The smallest code point above `cp`, skipping the surrogates; nullopt for U+10FFFF.
std::optional<char32_t> NextCodePoint(char32_t cp) {
  if (cp >= 0x10FFFF) return std::nullopt;
  return cp == 0xD7FF ? 0xE000 : cp + 1;
}

// Where a UTF-8 value is cut to fit the limits: the prefix length in bytes, and whether that
// prefix is the whole value. nullopt when a code point up to the cut is malformed.
struct Utf8Cut {
  size_t bytes = 0;
  bool whole = false;
};

std::optional<Utf8Cut> CutUtf8(ByteSpan value, size_t max_code_points, size_t max_bytes) {
  size_t pos = 0;
  for (size_t count = 0; pos < value.size(); ++count) {
    char32_t cp;
    const size_t length = DecodeUtf8(value.subspan(pos), &cp);
    if (length == 0) return std::nullopt;
    if (count == max_code_points || pos + length > max_bytes) return Utf8Cut{pos, false};
    pos += length;
  }
  return Utf8Cut{pos, true};
}

Bytes Copy(ByteSpan bytes) { return Bytes(bytes.begin(), bytes.end()); }

}  // namespace

BytesOrder BytesOrderFor(const ColumnSpec& spec) {
  switch (spec.annotation.kind) {
    case Annotation::Kind::kString:
      return BytesOrder::kUnsignedUtf8;
    case Annotation::Kind::kDecimal:
      return BytesOrder::kSignedDecimal;
    default:
      return BytesOrder::kUnsigned;
  }
}

void ColumnStatistics::SetBytesBounds(ByteSpan min, ByteSpan max) {
  bytes_min_.assign(min.begin(), min.end());
  bytes_max_.assign(max.begin(), max.end());
  has_bytes_ = true;
}

void ColumnStatistics::Merge(const ColumnStatistics& other) {
  DCHECK(order_ == other.order_);
  null_count_ += other.null_count_;
  nan_count_ += other.nan_count_;
  value_count_ += other.value_count_;
  int_min_ = std::min(int_min_, other.int_min_);
  int_max_ = std::max(int_max_, other.int_max_);
  real_min_ = std::min(real_min_, other.real_min_);
  real_max_ = std::max(real_max_, other.real_max_);
  if (!other.has_bytes_) return;
  if (!has_bytes_) return SetBytesBounds(other.bytes_min_, other.bytes_max_);
  if (BytesLess(other.bytes_min_, bytes_min_)) bytes_min_ = other.bytes_min_;
  if (BytesLess(bytes_max_, other.bytes_max_)) bytes_max_ = other.bytes_max_;
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
      if (!has_bytes_) return std::nullopt;
      return StatValue(min ? bytes_min_ : bytes_max_);
  }
  return std::nullopt;
}

void ColumnStatistics::BytesToFormat(size_t bound_bytes_max, format::Statistics* stats) const {
  if (!has_bytes_) return;
  switch (order_) {
    case BytesOrder::kSignedDecimal:
      // Truncating a two's complement value would change its magnitude, not just its tail.
      stats->min_value = bytes_min_;
      stats->max_value = bytes_max_;
      return;
    case BytesOrder::kUnsigned:
      stats->min_value = BinaryLowerBound(bytes_min_, bound_bytes_max);
      stats->max_value = BinaryUpperBound(bytes_max_, bound_bytes_max);
      return;
    case BytesOrder::kUnsignedUtf8:
      stats->min_value = Utf8LowerBound(bytes_min_, kNoLimit, bound_bytes_max);
      stats->max_value = Utf8UpperBound(bytes_max_, kNoLimit, bound_bytes_max);
      return;
  }
}

format::Statistics ColumnStatistics::ToFormat(PhysicalType type, size_t bound_bytes_max) const {
  format::Statistics stats;
  stats.null_count = null_count_;
  if (type == PhysicalType::kByteArray || type == PhysicalType::kFixedLenByteArray) {
    BytesToFormat(bound_bytes_max, &stats);
    return stats;
  }
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
      [](const auto& v) -> Bytes {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, Bytes>) {
          return v;
        } else {
          Bytes bytes(sizeof(v));
          // Little-endian host (checked in column_writer.h), so memory order is PLAIN order.
          std::memcpy(bytes.data(), &v, sizeof(v));
          return bytes;
        }
      },
      value);
}

Bytes BinaryLowerBound(ByteSpan value, size_t max_bytes) {
  return Copy(value.first(std::min(value.size(), max_bytes)));
}

std::optional<Bytes> BinaryUpperBound(ByteSpan value, size_t max_bytes) {
  if (value.size() <= max_bytes) return Copy(value);
  for (size_t length = max_bytes; length > 0; --length) {
    if (value[length - 1] != std::byte{0xFF}) {
      Bytes bound = Copy(value.first(length));
      bound.back() = static_cast<std::byte>(static_cast<uint8_t>(bound.back()) + 1);
      return bound;
    }
  }
  return std::nullopt;
}

std::optional<Bytes> Utf8LowerBound(ByteSpan value, size_t max_code_points, size_t max_bytes) {
  const std::optional<Utf8Cut> cut = CutUtf8(value, max_code_points, max_bytes);
  if (!cut) return std::nullopt;
  return Copy(value.first(cut->bytes));
}

std::optional<Bytes> Utf8UpperBound(ByteSpan value, size_t max_code_points, size_t max_bytes) {
  const std::optional<Utf8Cut> cut = CutUtf8(value, max_code_points, max_bytes);
  if (!cut) return std::nullopt;
  if (cut->whole) return Copy(value);
  // UTF-8 byte order is code point order, so a prefix whose last code point is larger than
  // the value's code point at that position sorts above the value.
  for (size_t end = cut->bytes; end > 0;) {
    size_t start = end - 1;
    while (start > 0 && IsContinuation(value[start])) --start;
    char32_t cp;
    CHECK(DecodeUtf8(value.subspan(start, end - start), &cp) == end - start);  // cut validated
    if (std::optional<char32_t> next = NextCodePoint(cp)) {
      Bytes bound = Copy(value.first(start));
      AppendUtf8(*next, &bound);
      if (bound.size() <= max_bytes) return bound;
    }
    end = start;
  }
  return std::nullopt;
}

}  // namespace pg2iceberg::parquet
