#include "parquet/rle_encoder.h"

#include <algorithm>

#include "base/check.h"

namespace pg2iceberg::parquet {
namespace {

// Runs at least this long are RLE-encoded; one bit-packed group holds 8 values, so a shorter
// run would not save space.
constexpr size_t kMinRleRun = 8;

template <typename T>
size_t RunLength(std::span<const T> values, size_t start) {
  size_t end = start + 1;
  while (end < values.size() && values[end] == values[start]) ++end;
  return end - start;
}

void EmitRleRun(uint32_t value, size_t count, int bit_width, ByteWriter* out) {
  out->AppendVarint(static_cast<uint64_t>(count) << 1);
  for (int b = 0; b < bit_width; b += 8) out->AppendByte(static_cast<uint8_t>(value >> b));
}

// Packs 8 values (missing ones as 0) LSB first into bit_width bytes.
template <typename T>
void PackGroup(std::span<const T> group, int bit_width, ByteWriter* out) {
  uint64_t bits = 0;  // pending bits, fewer than 8 before each value is added
  int pending = 0;
  for (size_t i = 0; i < 8; ++i) {
    bits |= uint64_t{i < group.size() ? group[i] : T{0}} << pending;
    pending += bit_width;
    for (; pending >= 8; pending -= 8, bits >>= 8) out->AppendByte(static_cast<uint8_t>(bits));
  }
}

// Bit-packs groups of 8 from `start` until a long run begins at a group boundary or the data
// ends. Returns the index after the last packed value.
template <typename T>
size_t EmitBitPackedRun(std::span<const T> values, size_t start, int bit_width, ByteWriter* out) {
  size_t end = start;
  do {
    end = std::min(end + 8, values.size());
  } while (end < values.size() && RunLength(values, end) < kMinRleRun);
  const size_t groups = (end - start + 7) / 8;
  out->AppendVarint((static_cast<uint64_t>(groups) << 1) | 1);
  for (size_t g = start; g < end; g += 8) {
    PackGroup(values.subspan(g, std::min<size_t>(8, end - g)), bit_width, out);
  }
  return end;
}

template <typename T>
void EncodeHybrid(std::span<const T> values, int bit_width, ByteWriter* out) {
  DCHECK([&] {
    for (T value : values) {
      if ((uint64_t{value} >> bit_width) != 0) return false;
    }
    return true;
  }());
  size_t i = 0;
  while (i < values.size()) {
    const size_t run = RunLength(values, i);
    if (run >= kMinRleRun) {
      EmitRleRun(values[i], run, bit_width, out);
      i += run;
    } else {
      i = EmitBitPackedRun(values, i, bit_width, out);
    }
  }
}

}  // namespace

int BitWidthForMaxLevel(int max_level) {
  int width = 0;
  while ((max_level >> width) != 0) ++width;
  return width;
}

void EncodeRleHybrid(std::span<const uint8_t> levels, int bit_width, ByteWriter* out) {
  CHECK(bit_width >= 1 && bit_width <= 8);
  EncodeHybrid(levels, bit_width, out);
}

void EncodeRleHybrid(std::span<const uint32_t> values, int bit_width, ByteWriter* out) {
  CHECK(bit_width >= 1 && bit_width <= 32);
  EncodeHybrid(values, bit_width, out);
}

}  // namespace pg2iceberg::parquet
