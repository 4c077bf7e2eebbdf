#include "base/parse_number.h"

#include <gtest/gtest.h>

#include <string>

namespace pg2iceberg {
namespace {

TEST(ParseNumberTest, ReadsWholeDecimalIntegers) {
  EXPECT_EQ(ParseInt64("-9223372036854775808", "x").value(), INT64_MIN);
  EXPECT_EQ(ParseInt32("2147483647", "x").value(), 2147483647);
  EXPECT_EQ(ParseUint64("18446744073709551615", "x").value(), UINT64_MAX);
  EXPECT_EQ(ParseUint32("0", "x").value(), 0u);
}

TEST(ParseNumberTest, GarbageIsAnErrorNamingWhatAndTheText) {
  Result<int64_t> parsed = ParseInt64("12abc", "relid");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message(), "relid is not an integer: \"12abc\"");
  for (const char* text : {"", " 1", "1 ", "+1", "0x10", "1.0", "abc", "--1"}) {
    EXPECT_FALSE(ParseInt64(text, "x").ok()) << text;
    EXPECT_FALSE(ParseUint32(text, "x").ok()) << text;
  }
  EXPECT_FALSE(ParseUint64("-1", "x").ok());
}

TEST(ParseNumberTest, OutOfRangeNamesTheType) {
  Result<int32_t> parsed = ParseInt32("99999999999", "timeline", StatusCode::kInternal);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInternal);
  EXPECT_EQ(parsed.status().message(), "timeline is out of range for int32: \"99999999999\"");
  EXPECT_FALSE(ParseUint32("4294967296", "x").ok());
  EXPECT_FALSE(ParseInt64("9223372036854775808", "x").ok());
}

TEST(ParseNumberTest, LongTextIsCutInTheMessage) {
  const std::string text(1000, '7');
  Result<int64_t> parsed = ParseInt64(text, "offset", StatusCode::kDataLoss);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kDataLoss);
  EXPECT_LT(parsed.status().message().size(), 120u);
  EXPECT_NE(parsed.status().message().find("(1000 bytes)"), std::string::npos);
}

TEST(ParseNumberTest, DoublesAreFiniteDecimals) {
  EXPECT_EQ(ParseDouble("1.5", "x").value(), 1.5);
  EXPECT_EQ(ParseDouble("2e3", "x").value(), 2000.0);
  EXPECT_EQ(ParseDouble(".25", "x").value(), 0.25);
  for (const char* text : {"", "inf", "nan", "Infinity", "1.5s", "1e400", "0x1p3", " 1"}) {
    EXPECT_FALSE(ParseDouble(text, "x").ok()) << text;
  }
  EXPECT_EQ(ParseDouble(std::string(400, '9'), "duration").status().message().substr(0, 35),
            "duration is out of range for double");
}

}  // namespace
}  // namespace pg2iceberg
