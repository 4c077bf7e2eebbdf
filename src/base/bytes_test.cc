#include "base/bytes.h"

#include <gtest/gtest.h>

namespace pg2iceberg {
namespace {

std::vector<int> AsInts(const Bytes& b) {
  std::vector<int> out;
  for (std::byte x : b) out.push_back(static_cast<int>(x));
  return out;
}

TEST(ByteWriterTest, VarintGolden) {
  ByteWriter w;
  w.AppendVarint(0);
  w.AppendVarint(127);
  w.AppendVarint(128);
  w.AppendVarint(300);
  EXPECT_EQ(AsInts(w.bytes()), (std::vector<int>{0x00, 0x7f, 0x80, 0x01, 0xac, 0x02}));
}

TEST(ByteWriterTest, ZigZagGolden) {
  ByteWriter w;
  w.AppendZigZag(0);
  w.AppendZigZag(-1);
  w.AppendZigZag(1);
  w.AppendZigZag(-64);
  w.AppendZigZag(INT64_MIN);
  EXPECT_EQ(AsInts(w.bytes()), (std::vector<int>{0x00, 0x01, 0x02, 0x7f, 0xff, 0xff, 0xff, 0xff,
                                                 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
}

TEST(ByteWriterTest, EndiannessGolden) {
  ByteWriter w;
  w.AppendLittleEndian<uint32_t>(0x01020304);
  w.AppendBigEndian<uint16_t>(0x0506);
  EXPECT_EQ(AsInts(w.bytes()), (std::vector<int>{4, 3, 2, 1, 5, 6}));
}

TEST(ByteReaderTest, ReadsBigEndianAndStopsAtEnd) {
  ByteWriter w;
  w.AppendBigEndian<int32_t>(-2);
  w.AppendBigEndian<int16_t>(7);
  ByteReader r(w.bytes());
  int32_t a;
  int16_t b;
  int64_t c;
  ASSERT_TRUE(r.ReadBigEndian32(&a));
  ASSERT_TRUE(r.ReadBigEndian16(&b));
  EXPECT_EQ(a, -2);
  EXPECT_EQ(b, 7);
  EXPECT_FALSE(r.ReadBigEndian64(&c));
}

}  // namespace
}  // namespace pg2iceberg
