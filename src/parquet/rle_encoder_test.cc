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
std::vector<uint32_t> Decode(ByteSpan data, int bit_width, size_t count) {
  std::vector<uint32_t> values;
  size_t pos = 0;
  auto varint = [&] {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto byte = static_cast<uint8_t>(data[pos++]);
      v |= uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80) == 0) return v;
    }
  };
  while (values.size() < count) {
    const uint64_t header = varint();
    if ((header & 1) == 0) {
      uint32_t value = 0;
      for (int b = 0; b < bit_width; b += 8)
        value |= uint32_t{static_cast<uint8_t>(data[pos++])} << b;
      values.insert(values.end(), header >> 1, value);
      continue;
    }
    const size_t group_values = (header >> 1) * 8;
    for (size_t i = 0; i < group_values; ++i) {
      const size_t bit = i * bit_width;
      uint32_t v = 0;
      for (int b = 0; b < bit_width; ++b) {
        const size_t at = bit + b;
        v |= ((static_cast<uint8_t>(data[pos + at / 8]) >> (at % 8)) & 1u) << b;
      }
      if (values.size() < count) values.push_back(v);
    }
    pos += (group_values * bit_width + 7) / 8;
  }
  EXPECT_EQ(pos, data.size());
  return values;
}

std::string EncodeWide(const std::vector<uint32_t>& values, int bit_width) {
  ByteWriter out;
  EncodeRleHybrid(values, bit_width, &out);
  return Hex(out.bytes());
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
      ASSERT_EQ(Decode(out.bytes(), bit_width, levels.size()),
                std::vector<uint32_t>(levels.begin(), levels.end()))
          << "bit width " << bit_width << " trial " << trial;
    }
  }
}

TEST(EncodeRleHybrid, WideRleRunStoresValueInWholeBytes) {
  // 9 bits round up to 2 value bytes; 32 bits take 4.
  EXPECT_EQ(EncodeWide(std::vector<uint32_t>(8, 0x1ff), 9), Hex(B({0x10, 0xff, 0x01})));
  EXPECT_EQ(EncodeWide(std::vector<uint32_t>(8, 0xdeadbeef), 32),
            Hex(B({0x10, 0xef, 0xbe, 0xad, 0xde})));
}

TEST(EncodeRleHybrid, WideValuesAreBitPackedAcrossBytes) {
  // 0..7 at 9 bits: 72 bits = 9 bytes, value i at bit 9 * i.
  EXPECT_EQ(EncodeWide({0, 1, 2, 3, 4, 5, 6, 7}, 9),
            Hex(B({0x03, 0x00, 0x02, 0x08, 0x18, 0x40, 0xa0, 0x80, 0x81, 0x03})));
}

TEST(EncodeRleHybrid, NarrowValuesMatchTheLevelEncoder) {
  const std::vector<uint8_t> levels = {0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1};
  ByteWriter narrow;
  EncodeRleHybrid(levels, 2, &narrow);
  EXPECT_EQ(EncodeWide(std::vector<uint32_t>(levels.begin(), levels.end()), 2),
            Hex(narrow.bytes()));
}

TEST(EncodeRleHybrid, RandomWideValuesRoundTrip) {
  std::mt19937 rng(7);
  for (int bit_width : {1, 5, 9, 16, 17, 31, 32}) {
    for (int trial = 0; trial < 100; ++trial) {
      std::vector<uint32_t> values(rng() % 300);
      const uint64_t limit = uint64_t{1} << bit_width;
      uint32_t value = 0;
      for (uint32_t& v : values) {
        if (rng() % 3 == 0) value = static_cast<uint32_t>(rng() % limit);
        v = value;
      }
      ByteWriter out;
      EncodeRleHybrid(values, bit_width, &out);
      ASSERT_EQ(Decode(out.bytes(), bit_width, values.size()), values)
          << "bit width " << bit_width << " trial " << trial;
    }
  }
}

}  // namespace
}  // namespace pg2iceberg::parquet
