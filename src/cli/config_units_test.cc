#include "cli/config_units.h"

#include <gtest/gtest.h>

#include <string>

namespace pg2iceberg {
namespace {

TEST(ParseDurationMsTest, AcceptsGoDurations) {
  EXPECT_EQ(ParseDurationMs("250ms").value(), 250);
  EXPECT_EQ(ParseDurationMs("10s").value(), 10'000);
  EXPECT_EQ(ParseDurationMs("1m30s").value(), 90'000);
  EXPECT_EQ(ParseDurationMs("2h").value(), 7'200'000);
  EXPECT_EQ(ParseDurationMs("1.5s").value(), 1'500);
  EXPECT_EQ(ParseDurationMs("1500us").value(), 1);
  EXPECT_EQ(ParseDurationMs("10").value(), 10'000);
}

TEST(ParseDurationMsTest, RejectsEverythingElse) {
  for (std::string_view bad : {"", "s", "10 s", "10x", "-1s", "1..5s", "ms10", "1e3s", "10sec"}) {
    Result<int64_t> parsed = ParseDurationMs(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ParseDurationMsTest, ErrorsQuoteTheTextAndSayWhatIsWrong) {
  EXPECT_EQ(ParseDurationMs("10x").status().message(),
            "\"10x\" has an unknown unit \"x\" (use ns, us, ms, s, m or h)");
  EXPECT_EQ(ParseDurationMs("1m-5s").status().message(),
            "\"1m-5s\" does not have a number where \"-5s\" begins");
  EXPECT_EQ(ParseDurationMs("").status().message(), "\"\" is empty");
  EXPECT_EQ(ParseDurationMs("200000000000h").status().message(), "\"200000000000h\" is too large");
}

// Regression: a number too large for a double reached std::stod, which threw std::out_of_range.
TEST(ParseDurationMsTest, AnOverlongNumberIsAnErrorNotAnException) {
  const std::string digits(400, '9');
  for (const std::string& text : {digits, digits + "s", "1m" + digits + "s"}) {
    Result<int64_t> parsed = ParseDurationMs(text);
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.status().message().find("is too large"), std::string::npos);
  }
}

TEST(ParseSizeBytesTest, AcceptsNumbersAndUnits) {
  EXPECT_EQ(ParseSizeBytes("67108864").value(), 67108864);
  EXPECT_EQ(ParseSizeBytes("64MiB").value(), 64LL << 20);
  EXPECT_EQ(ParseSizeBytes("64mb").value(), 64'000'000);
  EXPECT_EQ(ParseSizeBytes("512 KiB").value(), 512 * 1024);
  EXPECT_EQ(ParseSizeBytes("1GiB").value(), 1LL << 30);
  EXPECT_EQ(ParseSizeBytes("1.5KiB").value(), 1536);
}

TEST(ParseSizeBytesTest, RejectsEverythingElse) {
  for (std::string_view bad : {"", "MiB", "64 TiB", "-1", "1.1B", "64MiBs", "99999999999GiB"}) {
    Result<int64_t> parsed = ParseSizeBytes(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ParseSizeBytesTest, ErrorsQuoteTheTextAndSayWhatIsWrong) {
  EXPECT_EQ(ParseSizeBytes("12XB").status().message(),
            "\"12XB\" has an unknown unit \"XB\" (use B, KB, MB, GB, KiB, MiB or GiB)");
  EXPECT_EQ(ParseSizeBytes("1.1B").status().message(), "\"1.1B\" is not a whole number of bytes");
  EXPECT_EQ(ParseSizeBytes("99999999999GiB").status().message(), "\"99999999999GiB\" is too large");
  EXPECT_EQ(ParseSizeBytes(std::string(400, '9')).status().message().substr(400 + 2),
            " is too large");
}

}  // namespace
}  // namespace pg2iceberg
