#include "iceberg/deletion_vector.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pg2iceberg::iceberg {
namespace {

std::string Hex(ByteSpan bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::byte b : bytes) {
    out.push_back(kDigits[static_cast<uint8_t>(b) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(b) & 15]);
  }
  return out;
}

std::vector<uint32_t> Range(uint32_t from, uint32_t to) {
  std::vector<uint32_t> out;
  for (uint32_t v = from; v < to; ++v) out.push_back(v);
  return out;
}

// Expected bytes below are what CRoaring (pyroaring 1.2.0: BitMap(values), run_optimize(),
// serialize()) produces for the same values.

TEST(Roaring32Test, ArrayContainersWithOffsetHeader) {
  EXPECT_EQ(Hex(SerializeRoaring32(std::vector<uint32_t>{5, 65543})),
            "3a300000020000000000000001000000180000001a00000005000700");
}

TEST(Roaring32Test, ASingleValue) {
  EXPECT_EQ(Hex(SerializeRoaring32(std::vector<uint32_t>{0})),
            "3a3000000100000000000000100000000000");
}

TEST(Roaring32Test, AConsecutiveRangeIsARunContainer) {
  EXPECT_EQ(Hex(SerializeRoaring32(Range(10, 20))), "3b300000010000090001000a000900");
}

TEST(Roaring32Test, RunAndArrayContainersTogether) {
  std::vector<uint32_t> values = Range(0, 5000);
  values.push_back(70000);
  EXPECT_EQ(Hex(SerializeRoaring32(values)), "3b3001000100008713010000000100000087137011");
}

TEST(Roaring32Test, ScatteredValuesAboveTheArrayLimitAreABitmap) {
  std::vector<uint32_t> values;
  for (uint32_t v = 0; v < 2 * 5000; v += 2) values.push_back(v);  // 5000 values, no runs
  Bytes bytes = SerializeRoaring32(values);
  // cookie + count + one descriptive entry + one offset, then the 8 KiB bitmap.
  ASSERT_EQ(bytes.size(), 16u + 8192u);
  EXPECT_EQ(Hex(ByteSpan(bytes).first(16)), "3a300000010000000000871310000000");
  EXPECT_EQ(static_cast<uint8_t>(bytes[16]), 0x55);  // 0, 2, 4, 6 set in the first byte
}

TEST(Roaring32Test, RunContainersWithFourOrMoreContainersCarryOffsets) {
  std::vector<uint32_t> values;
  for (uint32_t key = 0; key < 4; ++key) {
    for (uint32_t v = 0; v < 100; ++v) values.push_back((key << 16) | v);
  }
  // cookie, run flags, 4 descriptive entries, 4 offsets (the first container at byte 37), runs.
  EXPECT_EQ(
      Hex(SerializeRoaring32(values)),
      "3b3003000f00006300010063000200630003006300250000002b0000003100000037000000010000006300010000"
      "006300010000006300010000006300");
}

TEST(DeletionVectorTest, BlobIsLengthMagicPortable64BitBitmapAndCrc) {
  // pyroaring BitMap64([1, 5, 2**32 + 3]).serialize() framed as the Puffin spec says, CRC-32
  // from Python's zlib.
  std::vector<int64_t> positions = {1, 5, (int64_t{1} << 32) + 3};
  Result<Bytes> blob = SerializeDeletionVector(positions);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  EXPECT_EQ(Hex(*blob),
            "0000003ad1d339640200000000000000000000003a30000001000000000001001000000001000500010000"
            "003a3000"
            "0001000000000000001000000003004fe748b1");
}

TEST(DeletionVectorTest, PositionsMustBeAscendingNonNegativeAndPresent) {
  EXPECT_EQ(SerializeDeletionVector(std::vector<int64_t>{}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SerializeDeletionVector(std::vector<int64_t>{-1}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SerializeDeletionVector(std::vector<int64_t>{3, 3}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SerializeDeletionVector(std::vector<int64_t>{4, 2}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
