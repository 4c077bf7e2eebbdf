#include "env/process_fail_points.h"

#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <vector>

namespace pg2iceberg {
namespace {

class CapturingLogger final : public Logger {
 public:
  void Write(LogLevel, std::string_view message) override { lines.emplace_back(message); }
  LogLevel min_level() const override { return LogLevel::kDebug; }
  std::vector<std::string> lines;
};

TEST(FailPointPlanTest, EmptyTextArmsNothing) {
  Result<FailPointPlan> plan = ParseFailPointPlan("");
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->points.empty());
}

TEST(FailPointPlanTest, ParsesActionsAndHits) {
  Result<FailPointPlan> plan =
      ParseFailPointPlan("after-segment-upload=kill@3,after-slot-ack=error");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->points.size(), 2u);
  EXPECT_EQ(plan->points[0].name, failpoint::kAfterSegmentUpload);
  EXPECT_EQ(plan->points[0].action, FailPointAction::kKill);
  EXPECT_EQ(plan->points[0].fire_on_hit, 3);
  EXPECT_EQ(plan->points[1].name, failpoint::kAfterSlotAck);
  EXPECT_EQ(plan->points[1].action, FailPointAction::kError);
  EXPECT_EQ(plan->points[1].fire_on_hit, 1);
}

TEST(FailPointPlanTest, RefusesWhatItCannotArmExactly) {
  for (const char* text :
       {"after-index-commit", "after-index-comit=kill", "after-index-commit=stop",
        "after-index-commit=kill@0", "after-index-commit=kill@x", "after-index-commit=kill@2x",
        "after-index-commit=kill,after-index-commit=error", "after-index-commit=kill,"}) {
    Result<FailPointPlan> plan = ParseFailPointPlan(text);
    ASSERT_FALSE(plan.ok()) << text;
    EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(plan.status().message().find("PG2ICEBERG_FAILPOINTS"), std::string::npos);
  }
}

TEST(ProcessFailPointsTest, UnarmedPointsPass) {
  CapturingLogger log;
  ProcessFailPoints points({}, log);
  for (std::string_view name : failpoint::kAll) EXPECT_TRUE(points.Hit(name).ok());
  EXPECT_TRUE(log.lines.empty());
}

TEST(ProcessFailPointsTest, ErrorFiresOnceOnItsHit) {
  CapturingLogger log;
  ProcessFailPoints points(ParseFailPointPlan("after-index-commit=error@2").value(), log);
  EXPECT_TRUE(points.Hit(failpoint::kAfterIndexCommit).ok());
  EXPECT_TRUE(points.Hit(failpoint::kAfterSegmentUpload).ok());
  Status fired = points.Hit(failpoint::kAfterIndexCommit);
  EXPECT_EQ(fired.code(), StatusCode::kUnavailable);
  EXPECT_NE(fired.message().find("after-index-commit fired at hit 2"), std::string::npos)
      << fired.message();
  EXPECT_TRUE(points.Hit(failpoint::kAfterIndexCommit).ok());
}

TEST(ProcessFailPointsDeathTest, KillEndsTheProcessWithSigkillOnItsHit) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        CapturingLogger log;
        ProcessFailPoints points(ParseFailPointPlan("after-slot-ack=kill@2").value(), log);
        if (!points.Hit(failpoint::kAfterSlotAck).ok()) std::_Exit(3);  // the first hit passes
        points.Hit(failpoint::kAfterSlotAck).IgnoreError();
        std::_Exit(4);  // not reached
      },
      testing::KilledBySignal(SIGKILL), "");
}

}  // namespace
}  // namespace pg2iceberg
