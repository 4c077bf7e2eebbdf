#include "parquet/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "parquet/test_bytes.h"

namespace pg2iceberg::parquet {
namespace {

using testing::B;
using testing::Hex;

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

TEST(ColumnStatistics, ByteArraysHaveCountsButNoBounds) {
  ColumnStatistics stats;
  stats.AddUnordered();
  stats.AddNull();
  EXPECT_EQ(stats.non_null_count(), 1);
  EXPECT_FALSE(stats.Min(PhysicalType::kByteArray).has_value());
  EXPECT_FALSE(stats.ToFormat(PhysicalType::kFixedLenByteArray).min_value.has_value());
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

}  // namespace
}  // namespace pg2iceberg::parquet
