#include "mirror/load_plan.h"

#include <gtest/gtest.h>

namespace pg2iceberg {
namespace {

TEST(LoadPlanTest, RangesCoverTheKeySpaceBetweenBoundaries) {
  LoadPlan plan{.key = {"id"}, .boundaries = {{"100"}, {"200"}}};
  EXPECT_EQ(plan.ranges(), 3);
  EXPECT_EQ(RangeCondition(plan, 0), "ROW(\"id\") < ROW('100')");
  EXPECT_EQ(RangeCondition(plan, 1), "ROW(\"id\") >= ROW('100') AND ROW(\"id\") < ROW('200')");
  EXPECT_EQ(RangeCondition(plan, 2), "ROW(\"id\") >= ROW('200')");
  EXPECT_EQ(RangeCondition(LoadPlan{.key = {"id"}}, 0), "");
}

TEST(LoadPlanTest, CompositeKeysAndQuotesAreRowComparisons) {
  LoadPlan plan{.key = {"tenant", "Order Id"}, .boundaries = {{"o'brien", "7"}}};
  EXPECT_EQ(RangeCondition(plan, 1), "ROW(\"tenant\", \"Order Id\") >= ROW('o''brien', '7')");
}

TEST(LoadPlanTest, TheDocumentRoundTripsAnyBytes) {
  LoadPlan plan{.key = {"k", "b"}, .boundaries = {{"a\"b\\c", std::string("\xff\x00z", 3)}}};
  Result<LoadPlan> decoded = DecodeLoadPlan(EncodeLoadPlan(plan));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, plan);
}

TEST(LoadPlanTest, MalformedDocumentsAreRefused) {
  EXPECT_FALSE(DecodeLoadPlan("").ok());
  EXPECT_FALSE(DecodeLoadPlan(R"({"format":2,"key":["id"],"boundaries":[]})").ok());
  EXPECT_FALSE(DecodeLoadPlan(R"({"format":1,"key":[],"boundaries":[]})").ok());
  EXPECT_FALSE(DecodeLoadPlan(R"({"format":1,"key":["id"],"boundaries":[["zz"]]})").ok());
  EXPECT_FALSE(DecodeLoadPlan(R"({"format":1,"key":["id"],"boundaries":[["31","32"]]})").ok());
  EXPECT_TRUE(DecodeLoadPlan(R"({"format":1,"key":["id"],"boundaries":[["31"]]})").ok());
}

TEST(LoadPlanTest, RangeSetsRoundTrip) {
  std::vector<bool> set{true, true, true, false, true, false, false, true, true};
  EXPECT_EQ(FormatRangeSet(set), "0-2,4,7-8");
  EXPECT_EQ(ParseRangeSet("0-2,4,7-8", 9).value(), set);
  EXPECT_EQ(FormatRangeSet({false, false}), "");
  EXPECT_EQ(ParseRangeSet("", 2).value(), (std::vector<bool>{false, false}));
}

TEST(LoadPlanTest, MalformedRangeSetsAreRefused) {
  EXPECT_FALSE(ParseRangeSet("0-9", 9).ok());   // outside
  EXPECT_FALSE(ParseRangeSet("4,2", 9).ok());   // out of order
  EXPECT_FALSE(ParseRangeSet("3-1", 9).ok());   // reversed
  EXPECT_FALSE(ParseRangeSet("1,,2", 9).ok());  // empty item
  EXPECT_FALSE(ParseRangeSet("x", 9).ok());
  EXPECT_FALSE(ParseRangeSet("-1", 9).ok());
}

}  // namespace
}  // namespace pg2iceberg
