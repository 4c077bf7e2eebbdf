#include "parquet/rle_encoder.h"

#include <algorithm>

#include "base/check.h"

namespace pg2iceberg::parquet {
namespace {

// Runs at least this long are RLE-encoded; one bit-packed group holds 8 values, so a shorter
// run would not save space.
constexpr size_t kMinRleRun = 8;

size_t RunLength(std::span<const uint8_t> levels, size_t start) {
  size_t end = start + 1;
  while (end < levels.size() && levels[end] == levels[start]) ++end;
  return end - start;
}

void EmitRleRun(uint8_t value, size_t count, ByteWriter* out) {
  out->AppendVarint(static_cast<uint64_t>(count) << 1);
  out->AppendByte(value);  // bit_width <= 8: the value takes one byte
}

// Packs 8 values (missing ones as 0) LSB first into bit_width bytes.
void PackGroup(std::span<const uint8_t> group, int bit_width, ByteWriter* out) {
  uint64_t bits = 0;
  for (size_t i = 0; i < group.size(); ++i) bits |= uint64_t{group[i]} << (i * bit_width);
  for (int b = 0; b < bit_width; ++b) out->AppendByte(static_cast<uint8_t>(bits >> (8 * b)));
}

// Bit-packs groups of 8 from `start` until a long run begins at a group boundary or the data
// ends. Returns the index after the last packed value.
size_t EmitBitPackedRun(std::span<const uint8_t> levels, size_t start, int bit_width,
                        ByteWriter* out) {
  size_t end = start;
  do {
    end = std::min(end + 8, levels.size());
  } while (end < levels.size() && RunLength(levels, end) < kMinRleRun);
  const size_t groups = (end - start + 7) / 8;
  out->AppendVarint((static_cast<uint64_t>(groups) << 1) | 1);
  for (size_t g = start; g < end; g += 8) {
    PackGroup(levels.subspan(g, std::min<size_t>(8, end - g)), bit_width, out);
  }
  return end;
}

}  // namespace

int BitWidthForMaxLevel(int max_level) {
  int width = 0;
  while ((max_level >> width) != 0) ++width;
  return width;
}

void EncodeRleHybrid(std::span<const uint8_t> levels, int bit_width, ByteWriter* out) {
  CHECK(bit_width >= 1 && bit_width <= 8);
  DCHECK([&] {
    for (uint8_t level : levels) {
      if ((level >> bit_width) != 0) return false;
    }
    return true;
  }());
  size_t i = 0;
  while (i < levels.size()) {
    const size_t run = RunLength(levels, i);
    if (run >= kMinRleRun) {
      EmitRleRun(levels[i], run, out);
      i += run;
    } else {
      i = EmitBitPackedRun(levels, i, bit_width, out);
    }
  }
}

}  // namespace pg2iceberg::parquet
