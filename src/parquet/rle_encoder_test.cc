#include "parquet/rle_encoder.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "parquet/test_bytes.h"

namespace pg2iceberg::parquet {
namespace {

using testing::B;
using testing::Hex;

std::string Encode(const std::vector<uint8_t>& levels, int bit_width) {
  ByteWriter out;
  EncodeRleHybrid(levels, bit_width, &out);
  return Hex(out.bytes());
}

// An independent decoder written from the format description, for round-trip tests.
std::vector<uint8_t> Decode(ByteSpan data, int bit_width, size_t count) {
  std::vector<uint8_t> levels;
  size_t pos = 0;
  auto varint = [&] {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto byte = static_cast<uint8_t>(data[pos++]);
      v |= uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80) == 0) return v;
    }
  };
  while (levels.size() < count) {
    const uint64_t header = varint();
    if ((header & 1) == 0) {
      const auto value = static_cast<uint8_t>(data[pos++]);
      levels.insert(levels.end(), header >> 1, value);
      continue;
    }
    const size_t values = (header >> 1) * 8;
    for (size_t i = 0; i < values; ++i) {
      const size_t bit = i * bit_width;
      uint32_t v = 0;
      for (int b = 0; b < bit_width; ++b) {
        const size_t at = bit + b;
        v |= ((static_cast<uint8_t>(data[pos + at / 8]) >> (at % 8)) & 1u) << b;
      }
      if (levels.size() < count) levels.push_back(static_cast<uint8_t>(v));
    }
    pos += (values * bit_width + 7) / 8;
  }
  EXPECT_EQ(pos, data.size());
  return levels;
}

TEST(BitWidthForMaxLevel, CountsBitsOfMaxLevel) {
  EXPECT_EQ(BitWidthForMaxLevel(0), 0);
  EXPECT_EQ(BitWidthForMaxLevel(1), 1);
  EXPECT_EQ(BitWidthForMaxLevel(2), 2);
  EXPECT_EQ(BitWidthForMaxLevel(3), 2);
  EXPECT_EQ(BitWidthForMaxLevel(4), 3);
}

TEST(EncodeRleHybrid, EmptyInputWritesNothing) { EXPECT_EQ(Encode({}, 1), ""); }

TEST(EncodeRleHybrid, LongRunIsRleEncoded) {
  EXPECT_EQ(Encode(std::vector<uint8_t>(10, 1), 1), Hex(B({0x14, 0x01})));
  EXPECT_EQ(Encode(std::vector<uint8_t>(1000, 1), 1), Hex(B({0xd0, 0x0f, 0x01})));
}

TEST(EncodeRleHybrid, ShortTailIsBitPackedWithZeroPadding) {
  EXPECT_EQ(Encode({1, 0, 1}, 1), Hex(B({0x03, 0x05})));
}

TEST(EncodeRleHybrid, SpecExampleBitWidthThree) {
  // The Parquet encodings document's example: 0..7 with bit width 3.
  EXPECT_EQ(Encode({0, 1, 2, 3, 4, 5, 6, 7}, 3), Hex(B({0x03, 0x88, 0xc6, 0xfa})));
}

TEST(EncodeRleHybrid, RunThenMixedValues) {
  EXPECT_EQ(Encode({1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0}, 1), Hex(B({0x10, 0x01, 0x03, 0x02})));
}

TEST(EncodeRleHybrid, ShortRunAtGroupBoundaryStaysBitPacked) {
  std::vector<uint8_t> levels = {0, 1};
  levels.insert(levels.end(), 10, 1);
  EXPECT_EQ(Encode(levels, 1), Hex(B({0x05, 0xfe, 0x0f})));
}

TEST(EncodeRleHybrid, LongRunAtGroupBoundaryEndsBitPackedRun) {
  std::vector<uint8_t> levels = {0, 1, 0, 1, 0, 1, 0, 1};
  levels.insert(levels.end(), 9, 0);
  EXPECT_EQ(Encode(levels, 1), Hex(B({0x03, 0xaa, 0x12, 0x00})));
}

TEST(EncodeRleHybrid, RandomLevelsRoundTrip) {
  std::mt19937 rng(42);
  for (int bit_width : {1, 2, 3, 8}) {
    for (int trial = 0; trial < 200; ++trial) {
      std::vector<uint8_t> levels(rng() % 300);
      const uint32_t max = (1u << bit_width) - 1;
      uint8_t value = 0;
      for (uint8_t& level : levels) {
        if (rng() % 4 == 0) value = static_cast<uint8_t>(rng() % (max + 1));  // runs
        level = value;
      }
      ByteWriter out;
      EncodeRleHybrid(levels, bit_width, &out);
      ASSERT_EQ(Decode(out.bytes(), bit_width, levels.size()), levels)
          << "bit width " << bit_width << " trial " << trial;
    }
  }
}

}  // namespace
}  // namespace pg2iceberg::parquet
