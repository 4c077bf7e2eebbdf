#include "avro/binary_encoder.h"

#include <gtest/gtest.h>

#include <limits>

#include "avro/test_util.h"

namespace pg2iceberg::avro {
namespace {

using testing::Hex;

TEST(BinaryEncoderTest, LongsAreZigZagVarintsAsInTheSpecTable) {
  Encoder encoder;
  for (int64_t v : {0, -1, 1, -2, 2, -64, 64}) encoder.WriteLong(v);
  EXPECT_EQ(Hex(encoder.bytes()), "00 01 02 03 04 7f 80 01");
}

TEST(BinaryEncoderTest, LongExtremesTakeTenBytes) {
  Encoder encoder;
  encoder.WriteLong(std::numeric_limits<int64_t>::max());
  encoder.WriteLong(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Hex(encoder.bytes()), "fe ff ff ff ff ff ff ff ff 01 ff ff ff ff ff ff ff ff ff 01");
}

TEST(BinaryEncoderTest, IntExtremesTakeFiveBytes) {
  Encoder encoder;
  encoder.WriteInt(std::numeric_limits<int32_t>::max());
  encoder.WriteInt(std::numeric_limits<int32_t>::min());
  EXPECT_EQ(Hex(encoder.bytes()), "fe ff ff ff 0f ff ff ff ff 0f");
}

TEST(BinaryEncoderTest, NullIsEmptyAndBooleansAreOneByte) {
  Encoder encoder;
  encoder.WriteNull();
  encoder.WriteBoolean(true);
  encoder.WriteBoolean(false);
  EXPECT_EQ(Hex(encoder.bytes()), "01 00");
}

TEST(BinaryEncoderTest, FloatsAndDoublesAreLittleEndianIeee) {
  Encoder encoder;
  encoder.WriteFloat(1.0f);
  encoder.WriteDouble(-2.5);
  EXPECT_EQ(Hex(encoder.bytes()), "00 00 80 3f 00 00 00 00 00 00 04 c0");
}

TEST(BinaryEncoderTest, StringsAndBytesArePrefixedWithTheirLength) {
  Encoder encoder;
  encoder.WriteString("foo");
  encoder.WriteString("");
  encoder.WriteBytes(AsBytes("\x01\x02"));
  EXPECT_EQ(Hex(encoder.bytes()), "06 66 6f 6f 00 04 01 02");
}

TEST(BinaryEncoderTest, FixedIsTheRawBytes) {
  Encoder encoder;
  encoder.WriteFixed(AsBytes("ab"));
  EXPECT_EQ(Hex(encoder.bytes()), "61 62");
}

TEST(BinaryEncoderTest, EnumAndUnionIndexesAreZigZag) {
  Encoder encoder;
  encoder.WriteEnum(2);
  encoder.WriteUnionIndex(1);
  encoder.WriteString("a");
  encoder.WriteUnionIndex(0);
  EXPECT_EQ(Hex(encoder.bytes()), "04 02 02 61 00");
}

TEST(BinaryEncoderTest, ArrayOfLongsMatchesTheSpecExample) {
  // The spec's example: the array [3, 27] of longs encodes as 04 06 36 00.
  Encoder encoder;
  encoder.WriteBlockCount(2);
  encoder.WriteLong(3);
  encoder.WriteLong(27);
  encoder.WriteEndOfBlocks();
  EXPECT_EQ(Hex(encoder.bytes()), "04 06 36 00");
}

TEST(BinaryEncoderTest, EmptyArrayIsOneZeroByte) {
  Encoder encoder;
  encoder.WriteEndOfBlocks();
  EXPECT_EQ(Hex(encoder.bytes()), "00");
}

}  // namespace
}  // namespace pg2iceberg::avro
