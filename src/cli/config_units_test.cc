#include "cli/config_units.h"

#include <gtest/gtest.h>

namespace pg2iceberg {
namespace {

TEST(ParseDurationMsTest, AcceptsGoDurations) {
  EXPECT_EQ(ParseDurationMs("250ms"), 250);
  EXPECT_EQ(ParseDurationMs("10s"), 10'000);
  EXPECT_EQ(ParseDurationMs("1m30s"), 90'000);
  EXPECT_EQ(ParseDurationMs("2h"), 7'200'000);
  EXPECT_EQ(ParseDurationMs("1.5s"), 1'500);
  EXPECT_EQ(ParseDurationMs("1500us"), 1);
  EXPECT_EQ(ParseDurationMs("10"), 10'000);
}

TEST(ParseDurationMsTest, RejectsEverythingElse) {
  for (std::string_view bad : {"", "s", "10 s", "10x", "-1s", "1..5s", "ms10", "1e3s", "10sec"}) {
    EXPECT_FALSE(ParseDurationMs(bad).has_value()) << bad;
  }
}

TEST(ParseSizeBytesTest, AcceptsNumbersAndUnits) {
  EXPECT_EQ(ParseSizeBytes("67108864"), 67108864);
  EXPECT_EQ(ParseSizeBytes("64MiB"), 64LL << 20);
  EXPECT_EQ(ParseSizeBytes("64mb"), 64'000'000);
  EXPECT_EQ(ParseSizeBytes("512 KiB"), 512 * 1024);
  EXPECT_EQ(ParseSizeBytes("1GiB"), 1LL << 30);
  EXPECT_EQ(ParseSizeBytes("1.5KiB"), 1536);
}

TEST(ParseSizeBytesTest, RejectsEverythingElse) {
  for (std::string_view bad : {"", "MiB", "64 TiB", "-1", "1.1B", "64MiBs", "99999999999GiB"}) {
    EXPECT_FALSE(ParseSizeBytes(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace pg2iceberg
