#include "avro/binary_decoder.h"

#include <gtest/gtest.h>

#include <limits>

#include "avro/binary_encoder.h"
#include "avro/test_util.h"

namespace pg2iceberg::avro {
namespace {

using testing::FromHex;

TEST(BinaryDecoderTest, ReadsBackEveryPrimitiveTheEncoderWrites) {
  Encoder encoder;
  encoder.WriteBoolean(true);
  encoder.WriteInt(std::numeric_limits<int32_t>::min());
  encoder.WriteLong(std::numeric_limits<int64_t>::max());
  encoder.WriteLong(std::numeric_limits<int64_t>::min());
  encoder.WriteFloat(1.5f);
  encoder.WriteDouble(-0.25);
  encoder.WriteString("héllo");
  encoder.WriteBytes(AsBytes(std::string_view("\0\xff", 2)));
  encoder.WriteFixed(AsBytes("xyz"));
  Decoder decoder(encoder.bytes());
  EXPECT_TRUE(*decoder.ReadBoolean());
  EXPECT_EQ(*decoder.ReadInt(), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(*decoder.ReadLong(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(*decoder.ReadLong(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(*decoder.ReadFloat(), 1.5f);
  EXPECT_EQ(*decoder.ReadDouble(), -0.25);
  EXPECT_EQ(*decoder.ReadString(), "héllo");
  EXPECT_EQ(AsStringView(*decoder.ReadBytes()), std::string_view("\0\xff", 2));
  EXPECT_EQ(AsStringView(*decoder.ReadFixed(3)), "xyz");
  EXPECT_TRUE(decoder.AtEnd());
}

TEST(BinaryDecoderTest, NegativeBlockCountIsFollowedByAByteSize) {
  const Bytes bytes = FromHex("03 04 06 36 00");  // count -2, size 2, items 3 and 27, end
  Decoder decoder(bytes);
  EXPECT_EQ(*decoder.ReadBlockCount(), 2);
  EXPECT_EQ(*decoder.ReadLong(), 3);
  EXPECT_EQ(*decoder.ReadLong(), 27);
  EXPECT_EQ(*decoder.ReadBlockCount(), 0);
}

StatusCode CodeOf(const Status& status) { return status.code(); }

TEST(BinaryDecoderTest, TruncatedVarintIsDataLoss) {
  const Bytes bytes = FromHex("80 80");
  Decoder decoder(bytes);
  EXPECT_EQ(CodeOf(decoder.ReadLong().status()), StatusCode::kDataLoss);
}

TEST(BinaryDecoderTest, VarintPastSixtyFourBitsIsDataLoss) {
  const Bytes eleven = FromHex("ff ff ff ff ff ff ff ff ff ff 01");
  EXPECT_EQ(CodeOf(Decoder(eleven).ReadLong().status()), StatusCode::kDataLoss);
  const Bytes overflow = FromHex("ff ff ff ff ff ff ff ff ff 02");
  EXPECT_EQ(CodeOf(Decoder(overflow).ReadLong().status()), StatusCode::kDataLoss);
}

TEST(BinaryDecoderTest, IntOutOfRangeIsDataLoss) {
  Encoder encoder;
  encoder.WriteLong(int64_t{1} << 31);
  Decoder decoder(encoder.bytes());
  EXPECT_EQ(CodeOf(decoder.ReadInt().status()), StatusCode::kDataLoss);
}

TEST(BinaryDecoderTest, BooleanOtherThanZeroOrOneIsDataLoss) {
  const Bytes bytes = FromHex("02");
  EXPECT_EQ(CodeOf(Decoder(bytes).ReadBoolean().status()), StatusCode::kDataLoss);
}

TEST(BinaryDecoderTest, NegativeOrOverlongLengthIsDataLoss) {
  const Bytes negative = FromHex("01 61");
  EXPECT_EQ(CodeOf(Decoder(negative).ReadString().status()), StatusCode::kDataLoss);
  const Bytes overlong = FromHex("08 61 62");
  EXPECT_EQ(CodeOf(Decoder(overlong).ReadBytes().status()), StatusCode::kDataLoss);
}

TEST(BinaryDecoderTest, TruncatedFixedWidthValuesAreDataLoss) {
  const Bytes three = FromHex("00 00 80");
  EXPECT_EQ(CodeOf(Decoder(three).ReadFloat().status()), StatusCode::kDataLoss);
  EXPECT_EQ(CodeOf(Decoder(three).ReadDouble().status()), StatusCode::kDataLoss);
  EXPECT_EQ(CodeOf(Decoder(three).ReadFixed(4).status()), StatusCode::kDataLoss);
}

TEST(BinaryDecoderTest, BlockByteSizePastTheEndIsDataLoss) {
  const Bytes bytes = FromHex("03 20 06");  // count -2, size 16, one byte left
  EXPECT_EQ(CodeOf(Decoder(bytes).ReadBlockCount().status()), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace pg2iceberg::avro
