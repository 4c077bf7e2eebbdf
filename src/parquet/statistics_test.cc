#include "parquet/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "parquet/test_bytes.h"

namespace pg2iceberg::parquet {
namespace {

using testing::B;
using testing::Hex;

Bytes S(std::string_view s) { return Bytes(AsBytes(s).begin(), AsBytes(s).end()); }

std::string HexOf(const std::optional<Bytes>& bytes) { return bytes ? Hex(*bytes) : "(none)"; }

ColumnStatistics StatsOf(BytesOrder order, std::initializer_list<Bytes> values) {
  ColumnStatistics stats(order);
  for (const Bytes& v : values) stats.AddBytes(v);
  return stats;
}

TEST(ColumnStatistics, IntegerMinMaxAndNullCount) {
  ColumnStatistics stats;
  stats.AddInteger(5);
  stats.AddNull();
  stats.AddInteger(std::numeric_limits<int64_t>::min());
  stats.AddInteger(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(stats.null_count(), 1);
  EXPECT_EQ(stats.non_null_count(), 3);
  EXPECT_EQ(stats.Min(PhysicalType::kInt64), StatValue(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(stats.Max(PhysicalType::kInt64), StatValue(std::numeric_limits<int64_t>::max()));
}

TEST(ColumnStatistics, Int32BoundsArePlainEncodedLittleEndian) {
  ColumnStatistics stats;
  stats.AddInteger(-1);
  stats.AddInteger(7);
  format::Statistics f = stats.ToFormat(PhysicalType::kInt32);
  EXPECT_EQ(f.null_count, 0);
  EXPECT_EQ(Hex(*f.min_value), Hex(B({0xff, 0xff, 0xff, 0xff})));
  EXPECT_EQ(Hex(*f.max_value), Hex(B({0x07, 0x00, 0x00, 0x00})));
}

TEST(ColumnStatistics, OnlyNullsHaveNoBounds) {
  ColumnStatistics stats;
  stats.AddNull();
  format::Statistics f = stats.ToFormat(PhysicalType::kInt64);
  EXPECT_EQ(f.null_count, 1);
  EXPECT_FALSE(f.min_value.has_value());
  EXPECT_FALSE(f.max_value.has_value());
}

TEST(ColumnStatistics, NanIsCountedButExcludedFromBounds) {
  ColumnStatistics stats;
  stats.AddReal(std::nan(""));
  stats.AddReal(2.5);
  stats.AddReal(-std::numeric_limits<double>::infinity());
  EXPECT_EQ(stats.nan_count(), 1);
  EXPECT_EQ(stats.Min(PhysicalType::kDouble), StatValue(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ(stats.Max(PhysicalType::kDouble), StatValue(2.5));
}

TEST(ColumnStatistics, OnlyNanHasNoBounds) {
  ColumnStatistics stats;
  stats.AddReal(std::nan(""));
  EXPECT_FALSE(stats.Min(PhysicalType::kFloat).has_value());
  EXPECT_FALSE(stats.ToFormat(PhysicalType::kFloat).max_value.has_value());
}

TEST(ColumnStatistics, ZeroBoundsAreSignedZeros) {
  ColumnStatistics stats;
  stats.AddReal(0.0);
  const double min = std::get<double>(*stats.Min(PhysicalType::kDouble));
  const double max = std::get<double>(*stats.Max(PhysicalType::kDouble));
  EXPECT_TRUE(min == 0.0 && std::signbit(min));
  EXPECT_TRUE(max == 0.0 && !std::signbit(max));
  format::Statistics f = stats.ToFormat(PhysicalType::kFloat);
  EXPECT_EQ(Hex(*f.min_value), Hex(B({0x00, 0x00, 0x00, 0x80})));
  EXPECT_EQ(Hex(*f.max_value), Hex(B({0x00, 0x00, 0x00, 0x00})));
}

TEST(ColumnStatistics, NegativeZeroMaxBecomesPositiveZero) {
  ColumnStatistics stats;
  stats.AddReal(-1.0);
  stats.AddReal(-0.0);
  EXPECT_EQ(stats.Min(PhysicalType::kDouble), StatValue(-1.0));
  EXPECT_FALSE(std::signbit(std::get<double>(*stats.Max(PhysicalType::kDouble))));
}

TEST(ColumnStatistics, BooleanBoundsAreOneByte) {
  ColumnStatistics stats;
  stats.AddInteger(true);
  stats.AddInteger(false);
  format::Statistics f = stats.ToFormat(PhysicalType::kBoolean);
  EXPECT_EQ(Hex(*f.min_value), Hex(B({0x00})));
  EXPECT_EQ(Hex(*f.max_value), Hex(B({0x01})));
}

TEST(ColumnStatistics, MergeCombinesCountsAndBounds) {
  ColumnStatistics a;
  a.AddInteger(3);
  a.AddNull();
  ColumnStatistics b;
  b.AddInteger(-4);
  ColumnStatistics empty;
  a.Merge(b);
  a.Merge(empty);
  EXPECT_EQ(a.null_count(), 1);
  EXPECT_EQ(a.non_null_count(), 2);
  EXPECT_EQ(a.Min(PhysicalType::kInt32), StatValue(int32_t{-4}));
  EXPECT_EQ(a.Max(PhysicalType::kInt32), StatValue(int32_t{3}));
}

TEST(ColumnStatistics, StringsOrderAsUnsignedBytes) {
  // "é" is C3 A9: above every ASCII letter in unsigned order, below it in signed order.
  ColumnStatistics stats =
      StatsOf(BytesOrder::kUnsignedUtf8, {S("banana"), S("\xC3\xA9"), S("apple"), S("cherry")});
  stats.AddNull();
  EXPECT_EQ(stats.non_null_count(), 4);
  EXPECT_EQ(stats.Min(PhysicalType::kByteArray), StatValue(S("apple")));
  EXPECT_EQ(stats.Max(PhysicalType::kByteArray), StatValue(S("\xC3\xA9")));
  format::Statistics f = stats.ToFormat(PhysicalType::kByteArray);
  EXPECT_EQ(f.null_count, 1);
  EXPECT_EQ(HexOf(f.min_value), Hex(S("apple")));  // no length prefix
  EXPECT_EQ(HexOf(f.max_value), "c3 a9");
}

TEST(ColumnStatistics, BinaryOrdersHighBytesLastAndPrefixFirst) {
  ColumnStatistics stats =
      StatsOf(BytesOrder::kUnsigned, {B({0x7f}), B({0x80}), B({0x00, 0x01}), B({0x00}), B({})});
  EXPECT_EQ(stats.Min(PhysicalType::kByteArray), StatValue(B({})));
  EXPECT_EQ(stats.Max(PhysicalType::kByteArray), StatValue(B({0x80})));
  format::Statistics f = stats.ToFormat(PhysicalType::kByteArray);
  EXPECT_EQ(HexOf(f.min_value), "");
  EXPECT_EQ(HexOf(f.max_value), "80");
}

TEST(ColumnStatistics, DecimalBytesOrderAsSignedBigEndian) {
  ColumnStatistics stats =
      StatsOf(BytesOrder::kSignedDecimal, {B({0x00, 0x01}), B({0xff, 0xff}), B({0xff, 0x00}),
                                           B({0x7f, 0xff}), B({0x80, 0x00}), B({0x00, 0xff})});
  format::Statistics f = stats.ToFormat(PhysicalType::kFixedLenByteArray);
  EXPECT_EQ(HexOf(f.min_value), "80 00");  // -32768
  EXPECT_EQ(HexOf(f.max_value), "7f ff");  // 32767
  ColumnStatistics negatives =
      StatsOf(BytesOrder::kSignedDecimal, {B({0xff, 0xff}), B({0xff, 0x00}), B({0xfe, 0xff})});
  EXPECT_EQ(negatives.Min(PhysicalType::kFixedLenByteArray), StatValue(B({0xfe, 0xff})));
  EXPECT_EQ(negatives.Max(PhysicalType::kFixedLenByteArray), StatValue(B({0xff, 0xff})));
}

TEST(ColumnStatistics, DecimalBoundsAreNeverShortened) {
  const Bytes big(16, std::byte{0x7f});
  ColumnStatistics stats = StatsOf(BytesOrder::kSignedDecimal, {big, Bytes(16, std::byte{0x80})});
  format::Statistics f = stats.ToFormat(PhysicalType::kFixedLenByteArray, 4);
  EXPECT_EQ(f.max_value->size(), 16u);
  EXPECT_EQ(f.min_value->size(), 16u);
  EXPECT_EQ(static_cast<uint8_t>((*f.min_value)[0]), 0x80);
}

TEST(ColumnStatistics, LongBinaryBoundsAreCutAndMaxIncremented) {
  const Bytes value = S(std::string(70, 'a'));
  ColumnStatistics stats = StatsOf(BytesOrder::kUnsigned, {value});
  format::Statistics f = stats.ToFormat(PhysicalType::kByteArray, 64);
  EXPECT_EQ(HexOf(f.min_value), Hex(S(std::string(64, 'a'))));
  EXPECT_EQ(HexOf(f.max_value), Hex(S(std::string(63, 'a') + "b")));
  // The statistics themselves keep the whole value.
  EXPECT_EQ(stats.Max(PhysicalType::kByteArray), StatValue(value));
  // A value of exactly the cap is written whole.
  format::Statistics exact =
      StatsOf(BytesOrder::kUnsigned, {value}).ToFormat(PhysicalType::kByteArray, 70);
  EXPECT_EQ(HexOf(exact.max_value), Hex(value));
}

TEST(ColumnStatistics, TruncatedMaxSkipsTrailingFfBytes) {
  Bytes value = S("ab");
  value.insert(value.end(), 5, std::byte{0xff});
  format::Statistics f =
      StatsOf(BytesOrder::kUnsigned, {value}).ToFormat(PhysicalType::kByteArray, 4);
  EXPECT_EQ(HexOf(f.min_value), "61 62 ff ff");
  EXPECT_EQ(HexOf(f.max_value), "61 63");
}

TEST(ColumnStatistics, AllFfMaxLongerThanCapIsOmitted) {
  const Bytes value(10, std::byte{0xff});
  format::Statistics f =
      StatsOf(BytesOrder::kUnsigned, {value}).ToFormat(PhysicalType::kByteArray, 4);
  EXPECT_EQ(HexOf(f.min_value), "ff ff ff ff");
  EXPECT_FALSE(f.max_value.has_value());
}

TEST(ColumnStatistics, LongStringBoundsAreCutBetweenCodePoints) {
  std::string e_acute;
  for (int i = 0; i < 40; ++i) e_acute += "\xC3\xA9";  // 80 bytes
  ColumnStatistics stats = StatsOf(BytesOrder::kUnsignedUtf8, {S(e_acute)});
  format::Statistics f = stats.ToFormat(PhysicalType::kByteArray, 63);
  EXPECT_EQ(HexOf(f.min_value), Hex(S(e_acute.substr(0, 62))));
  // 30 × "é", then "ê" (C3 AA).
  EXPECT_EQ(HexOf(f.max_value), Hex(S(e_acute.substr(0, 60) + "\xC3\xAA")));
}

TEST(ColumnStatistics, StringMaxIncrementThatWouldOverflowCapMovesLeft) {
  // U+007F is one byte but U+0080 two: the incremented prefix would be 65 bytes.
  const std::string value = std::string(63, 'a') + "\x7F" + "zz";
  format::Statistics f =
      StatsOf(BytesOrder::kUnsignedUtf8, {S(value)}).ToFormat(PhysicalType::kByteArray, 64);
  EXPECT_EQ(HexOf(f.min_value), Hex(S(value.substr(0, 64))));
  EXPECT_EQ(HexOf(f.max_value), Hex(S(std::string(62, 'a') + "b")));
}

TEST(ColumnStatistics, MergeKeepsByteBoundsInTheColumnOrder) {
  ColumnStatistics a = StatsOf(BytesOrder::kSignedDecimal, {B({0x00, 0x05})});
  ColumnStatistics b = StatsOf(BytesOrder::kSignedDecimal, {B({0xff, 0xfe}), B({0x01, 0x00})});
  ColumnStatistics empty(BytesOrder::kSignedDecimal);
  empty.Merge(a);
  empty.Merge(b);
  EXPECT_EQ(empty.non_null_count(), 3);
  EXPECT_EQ(empty.Min(PhysicalType::kFixedLenByteArray), StatValue(B({0xff, 0xfe})));
  EXPECT_EQ(empty.Max(PhysicalType::kFixedLenByteArray), StatValue(B({0x01, 0x00})));
}

TEST(ColumnStatistics, ByteColumnWithOnlyNullsHasNoBounds) {
  ColumnStatistics stats(BytesOrder::kUnsignedUtf8);
  stats.AddNull();
  EXPECT_FALSE(stats.Min(PhysicalType::kByteArray).has_value());
  format::Statistics f = stats.ToFormat(PhysicalType::kByteArray);
  EXPECT_FALSE(f.min_value.has_value());
  EXPECT_FALSE(f.max_value.has_value());
}

TEST(BytesOrderFor, FollowsTheAnnotation) {
  ColumnSpec spec{"c", 1, true, PhysicalType::kByteArray, 0, Annotation::String()};
  EXPECT_EQ(BytesOrderFor(spec), BytesOrder::kUnsignedUtf8);
  spec.annotation = Annotation::None();
  EXPECT_EQ(BytesOrderFor(spec), BytesOrder::kUnsigned);
  spec = {"c", 1, true, PhysicalType::kFixedLenByteArray, 16, Annotation::Uuid()};
  EXPECT_EQ(BytesOrderFor(spec), BytesOrder::kUnsigned);
  spec.annotation = Annotation::Decimal(38, 2);
  EXPECT_EQ(BytesOrderFor(spec), BytesOrder::kSignedDecimal);
}

constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();

TEST(BinaryBounds, ShortValuesAreWholeAndAllFfHasNoUpperBound) {
  EXPECT_EQ(Hex(BinaryLowerBound(B({0x01, 0x02}), 16)), "01 02");
  EXPECT_EQ(HexOf(BinaryUpperBound(B({0xff, 0xff}), 16)), "ff ff");
  EXPECT_EQ(HexOf(BinaryUpperBound(B({0xff, 0xff, 0xff}), 2)), "(none)");
  EXPECT_EQ(HexOf(BinaryUpperBound(B({0x01, 0xff, 0xff}), 2)), "02");
}

TEST(Utf8Bounds, CountCodePointsNotBytes) {
  const std::string value = "\xC3\xA9t\xC3\xA9!";  // "été!"
  EXPECT_EQ(HexOf(Utf8LowerBound(S(value), 3, kNoLimit)), "c3 a9 74 c3 a9");
  EXPECT_EQ(HexOf(Utf8UpperBound(S(value), 3, kNoLimit)), "c3 a9 74 c3 aa");
  EXPECT_EQ(HexOf(Utf8UpperBound(S(value), 4, kNoLimit)), Hex(S(value)));
}

TEST(Utf8Bounds, IncrementStepsOverSurrogatesAndPastMaxCodePoint) {
  // U+D7FF (ED 9F BF) increments to U+E000 (EE 80 80), not to a surrogate.
  EXPECT_EQ(HexOf(Utf8UpperBound(S("\xED\x9F\xBFx"), 1, kNoLimit)), "ee 80 80");
  // U+10FFFF cannot grow; the code point before it is incremented instead.
  EXPECT_EQ(HexOf(Utf8UpperBound(S("a\xF4\x8F\xBF\xBFx"), 2, kNoLimit)), "62");
  EXPECT_EQ(HexOf(Utf8UpperBound(S("\xF4\x8F\xBF\xBF\xF4\x8F\xBF\xBFx"), 2, kNoLimit)), "(none)");
  // A three-byte code point grows to four bytes when it passes U+FFFF.
  EXPECT_EQ(HexOf(Utf8UpperBound(S("\xEF\xBF\xBFx"), 1, kNoLimit)), "f0 90 80 80");
}

TEST(Utf8Bounds, MalformedUtf8HasNoBounds) {
  EXPECT_EQ(HexOf(Utf8LowerBound(S("a\xC3"), 16, kNoLimit)), "(none)");             // cut sequence
  EXPECT_EQ(HexOf(Utf8UpperBound(S("\xC0\x80"), 16, kNoLimit)), "(none)");          // overlong
  EXPECT_EQ(HexOf(Utf8UpperBound(S("\xED\xA0\x80"), 16, kNoLimit)), "(none)");      // surrogate
  EXPECT_EQ(HexOf(Utf8LowerBound(S("\xF4\x90\x80\x80"), 16, kNoLimit)), "(none)");  // >U+10FFFF
}

}  // namespace
}  // namespace pg2iceberg::parquet
