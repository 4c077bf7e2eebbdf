#include "pg/binary_values.h"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <limits>

namespace pg2iceberg::pg {
namespace {

Bytes BigEndianBytes(std::initializer_list<int> bytes) {
  Bytes out;
  for (int b : bytes) out.push_back(static_cast<std::byte>(b));
  return out;
}

// The binary form of a numeric: ndigits, weight, sign, dscale, base-10000 digits.
Bytes Numeric(int16_t weight, uint16_t sign, int16_t dscale,
              std::initializer_list<int16_t> digits) {
  ByteWriter w;
  w.AppendBigEndian<int16_t>(static_cast<int16_t>(digits.size()));
  w.AppendBigEndian<int16_t>(weight);
  w.AppendBigEndian<uint16_t>(sign);
  w.AppendBigEndian<int16_t>(dscale);
  for (int16_t d : digits) w.AppendBigEndian<int16_t>(d);
  return w.Release();
}

std::string ToString(__int128 v) {
  bool negative = v < 0;
  std::string s;
  do {
    int d = static_cast<int>(v % 10);
    s.insert(s.begin(), static_cast<char>('0' + (d < 0 ? -d : d)));
    v /= 10;
  } while (v != 0);
  return negative ? "-" + s : s;
}

TEST(BinaryValuesTest, IntegersAreBigEndianAndSigned) {
  EXPECT_EQ(*DecodeInt2(BigEndianBytes({0x80, 0x00})), -32768);
  EXPECT_EQ(*DecodeInt4(BigEndianBytes({0x7f, 0xff, 0xff, 0xff})), 2147483647);
  EXPECT_EQ(*DecodeInt8(BigEndianBytes({0x80, 0, 0, 0, 0, 0, 0, 0})),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(DecodeInt4(BigEndianBytes({1, 2})).status().code(), StatusCode::kDataLoss);
}

TEST(BinaryValuesTest, FloatsKeepNaNAndInfinity) {
  EXPECT_TRUE(std::isnan(*DecodeFloat8(BigEndianBytes({0x7f, 0xf8, 0, 0, 0, 0, 0, 0}))));
  EXPECT_EQ(*DecodeFloat4(BigEndianBytes({0xff, 0x80, 0, 0})),
            -std::numeric_limits<float>::infinity());
  EXPECT_EQ(*DecodeFloat4(BigEndianBytes({0x3f, 0xc0, 0, 0})), 1.5f);
}

TEST(BinaryValuesTest, DatesShiftToUnixEpoch) {
  EXPECT_EQ(*DecodeDate(BigEndianBytes({0, 0, 0, 0})), 10957);          // 2000-01-01
  EXPECT_EQ(*DecodeDate(BigEndianBytes({0xff, 0xff, 0xd5, 0x33})), 0);  // 1970-01-01 = -10957
  Result<int32_t> infinity = DecodeDate(BigEndianBytes({0x7f, 0xff, 0xff, 0xff}));
  EXPECT_EQ(infinity.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(infinity.status().message().find("infinity"), std::string::npos);
}

// Found by fuzz/pg_value: a day count beyond Postgres' range overflowed the shift to 1970.
TEST(BinaryValuesTest, DatesOutsidePostgresRangeAreMalformed) {
  EXPECT_EQ(*DecodeDate(BigEndianBytes({0x7f, 0xda, 0x97, 0x0c})), 2145031948 + 10957);
  EXPECT_EQ(*DecodeDate(BigEndianBytes({0xff, 0xda, 0x97, 0xa7})), -2451545 + 10957);
  for (Bytes days :
       {BigEndianBytes({0x7f, 0xff, 0xff, 0xfe}), BigEndianBytes({0x7f, 0xda, 0x97, 0x0d}),
        BigEndianBytes({0xff, 0xda, 0x97, 0xa6}), BigEndianBytes({0x80, 0, 0, 1})}) {
    Result<int32_t> decoded = DecodeDate(days);
    EXPECT_EQ(decoded.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(decoded.status().message().find("outside Postgres' date range"), std::string::npos);
  }
}

TEST(BinaryValuesTest, TimestampsShiftToUnixEpochAndRefuseInfinity) {
  EXPECT_EQ(*DecodeTimestamp(BigEndianBytes({0, 0, 0, 0, 0, 0, 0, 1})), 946684800000001LL);
  Result<int64_t> minus = DecodeTimestamp(BigEndianBytes({0x80, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(minus.status().message(),
            "timestamp value -infinity cannot be stored in an Iceberg timestamp");
}

// Found by fuzz/copy_binary: a negative display scale made the error message's text a
// std::string of negative size (std::length_error, the process ended).
TEST(BinaryValuesTest, NumericWithAnImpossibleDisplayScaleIsMalformed) {
  for (int16_t dscale : {int16_t{-31230}, int16_t{-1}, int16_t{0x4000}}) {
    Result<__int128> decoded = DecodeNumeric(Numeric(512, 0x0000, dscale, {1, 2, 3, 4}), 10, 2);
    EXPECT_EQ(decoded.status().code(), StatusCode::kDataLoss) << dscale;
  }
  EXPECT_EQ(DecodeNumeric(Numeric(512, 0x0000, 0x3FFF, {1}), 10, 2).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(BinaryValuesTest, NumericToUnscaledAtColumnScale) {
  // 12345.678 = digits [1, 2345, 6780], weight 1, dscale 3; at scale 4 → 123456780.
  EXPECT_EQ(ToString(*DecodeNumeric(Numeric(1, 0x0000, 3, {1, 2345, 6780}), 10, 4)), "123456780");
  EXPECT_EQ(ToString(*DecodeNumeric(Numeric(1, 0x4000, 3, {1, 2345, 6780}), 10, 3)), "-12345678");
  EXPECT_EQ(ToString(*DecodeNumeric(Numeric(0, 0x0000, 0, {}), 5, 2)), "0");
  // 0.0001 = digit [1] at weight -1.
  EXPECT_EQ(ToString(*DecodeNumeric(Numeric(-1, 0x0000, 4, {1}), 5, 4)), "1");
}

TEST(BinaryValuesTest, NumericWith38DigitsIsExact) {
  // 99999999999999999999999999999999999999 (38 nines): weight 9, digits 99 then 9 × 9999.
  Bytes value = Numeric(9, 0x4000, 0, {99, 9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999});
  EXPECT_EQ(ToString(*DecodeNumeric(value, 38, 0)), "-99999999999999999999999999999999999999");
}

TEST(BinaryValuesTest, NumericThatDoesNotFitIsRefusedWithItsValue) {
  Result<__int128> r = DecodeNumeric(Numeric(1, 0x0000, 2, {12, 3456, 7800}), 5, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "numeric value 123456.78 cannot be stored exactly in decimal(5,2)");
  Result<__int128> fraction = DecodeNumeric(Numeric(0, 0x0000, 3, {1, 2345}), 10, 2);
  EXPECT_EQ(fraction.status().message(),
            "numeric value 1.234 cannot be stored exactly in decimal(10,2)");
}

TEST(BinaryValuesTest, NumericSpecialValuesAreRefused) {
  EXPECT_EQ(DecodeNumeric(Numeric(0, 0xC000, 0, {}), 10, 2).status().message(),
            "numeric value NaN cannot be stored exactly in decimal(10,2)");
  EXPECT_EQ(DecodeNumeric(Numeric(0, 0xF000, 0, {}), 10, 2).status().message(),
            "numeric value -Infinity cannot be stored exactly in decimal(10,2)");
  EXPECT_EQ(DecodeNumeric(BigEndianBytes({0, 1}), 10, 2).status().code(), StatusCode::kDataLoss);
}

TEST(BinaryValuesTest, DecimalWidthAndEncoding) {
  EXPECT_EQ(DecimalWidthBytes(2), 1);
  EXPECT_EQ(DecimalWidthBytes(9), 4);
  EXPECT_EQ(DecimalWidthBytes(18), 8);
  EXPECT_EQ(DecimalWidthBytes(38), 16);
  std::byte out[3];
  EncodeDecimalBigEndian(-2, 3, out);
  EXPECT_EQ(out[0], std::byte{0xff});
  EXPECT_EQ(out[2], std::byte{0xfe});
  EncodeDecimalBigEndian(258, 3, out);
  EXPECT_EQ(out[1], std::byte{0x01});
  EXPECT_EQ(out[2], std::byte{0x02});
}

TEST(BinaryValuesTest, JsonbStripsVersionByte) {
  Bytes value = BigEndianBytes({1, '{', '}'});
  EXPECT_EQ(AsStringView(*DecodeJsonb(value)), "{}");
  EXPECT_EQ(DecodeJsonb(BigEndianBytes({2, '{'})).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace pg2iceberg::pg
