#include "avro/deflate.h"

#include <gtest/gtest.h>

#include <string>

#include "avro/test_util.h"

namespace pg2iceberg::avro {
namespace {

using testing::FromHex;
using testing::Hex;

TEST(DeflateTest, RoundTripsAndShrinksRepetitiveInput) {
  const std::string input(10000, 'a');
  Bytes compressed;
  ASSERT_TRUE(DeflateRaw(AsBytes(input), -1, &compressed).ok());
  EXPECT_LT(compressed.size(), 100u);
  Bytes inflated;
  ASSERT_TRUE(InflateRaw(compressed, input.size(), &inflated).ok());
  EXPECT_EQ(AsStringView(inflated), input);
}

TEST(DeflateTest, LevelZeroIsAStoredBlockWithNoZlibWrapper) {
  // Raw DEFLATE, RFC 1951 §3.2.4: final stored block (01), LEN 3 (03 00), NLEN (fc ff), data.
  Bytes compressed;
  ASSERT_TRUE(DeflateRaw(AsBytes("abc"), 0, &compressed).ok());
  EXPECT_EQ(Hex(compressed), "01 03 00 fc ff 61 62 63");
}

TEST(DeflateTest, InflatesAHandWrittenStoredBlock) {
  Bytes inflated;
  ASSERT_TRUE(InflateRaw(FromHex("01 03 00 fc ff 61 62 63"), 3, &inflated).ok());
  EXPECT_EQ(AsStringView(inflated), "abc");
}

TEST(DeflateTest, OutputPastTheLimitIsDataLoss) {
  Bytes inflated;
  EXPECT_EQ(InflateRaw(FromHex("01 03 00 fc ff 61 62 63"), 2, &inflated).code(),
            StatusCode::kDataLoss);
  EXPECT_TRUE(inflated.empty());
}

TEST(DeflateTest, TruncatedOrCorruptInputIsDataLoss) {
  Bytes out;
  EXPECT_EQ(InflateRaw(FromHex("01 03 00 fc ff 61"), 100, &out).code(), StatusCode::kDataLoss);
  EXPECT_EQ(InflateRaw(FromHex("01 03 00 00 00 61 62 63"), 100, &out).code(),
            StatusCode::kDataLoss);  // NLEN is not the complement of LEN
  EXPECT_EQ(InflateRaw(FromHex("07"), 100, &out).code(), StatusCode::kDataLoss);  // bad type
}

// Regression: PyIceberg strips zlib's wrapper with [2:-1], so its Avro blocks end with three
// bytes of the Adler-32 checksum after the deflate stream. Java and Python ignore them.
TEST(DeflateTest, BytesAfterTheEndOfTheStreamAreIgnored) {
  Bytes out;
  ASSERT_TRUE(InflateRaw(FromHex("01 03 00 fc ff 61 62 63 02 4d 01"), 100, &out).ok());
  EXPECT_EQ(AsStringView(out), "abc");
}

TEST(DeflateTest, BadLevelIsInvalidArgument) {
  Bytes out;
  EXPECT_EQ(DeflateRaw(AsBytes("x"), 10, &out).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg::avro
