#include "change/change.h"

#include <gtest/gtest.h>

#include <cmath>

namespace pg2iceberg::change {
namespace {

TEST(LsnTest, FormatsLikePostgres) {
  EXPECT_EQ(FormatLsn(0), "0/0");
  EXPECT_EQ(FormatLsn(0x16B3748), "0/16B3748");
  EXPECT_EQ(FormatLsn(0x1234ABCD00000010ULL), "1234ABCD/10");
}

TEST(LsnTest, ParsesPostgresText) {
  EXPECT_EQ(ParseLsn("0/16B3748").value(), 0x16B3748u);
  EXPECT_EQ(ParseLsn("1234abcd/10").value(), 0x1234ABCD00000010ULL);
  EXPECT_EQ(ParseLsn(FormatLsn(~0ULL)).value(), ~0ULL);
}

TEST(LsnTest, RejectsMalformedText) {
  for (std::string_view bad : {"", "/", "0/", "/1", "12", "0/123456789", "g/1", "0/1 ", "-1/0"}) {
    EXPECT_EQ(ParseLsn(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ValueTest, FloatsCompareByBits) {
  EXPECT_EQ(Value::Float64(std::nan("")), Value::Float64(std::nan("")));
  EXPECT_FALSE(Value::Float64(0.0) == Value::Float64(-0.0));
  EXPECT_FALSE(Value::Float32(1.0f) == Value::Float64(1.0));
}

TEST(ValueTest, KindsAndPayloadsDistinguish) {
  EXPECT_EQ(Value::String("a"), Value::String("a"));
  EXPECT_FALSE(Value::String("a") == Value::Binary("a"));
  EXPECT_FALSE(Value::Int64(1) == Value::Int64(2));
  EXPECT_EQ(Value::Null(), Value::Null());
  EXPECT_FALSE(Value::Null() == Value::UnchangedToast());
  EXPECT_EQ(Value::Decimal(-5), Value::Decimal(-5));
}

}  // namespace
}  // namespace pg2iceberg::change
