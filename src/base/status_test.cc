#include "base/status.h"

#include <gtest/gtest.h>

namespace pg2iceberg {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Status::InvalidArgument("not positive: " + std::to_string(v));
  return v;
}

Result<int> DoublePositive(int v) {
  ASSIGN_OR_RETURN(int parsed, ParsePositive(v));
  return parsed * 2;
}

Status CheckBoth(int a, int b) {
  RETURN_IF_ERROR(ParsePositive(a).status());
  RETURN_IF_ERROR(ParsePositive(b).status());
  return Status::Ok();
}

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ContextPrefixesMessageAndKeepsCode) {
  Status s = Status::NotFound("table public.t").WithContext("snapshot");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "snapshot: table public.t");
  EXPECT_EQ(s.ToString(), "NOT_FOUND: snapshot: table public.t");
}

TEST(ResultTest, AssignOrReturnPropagatesError) {
  EXPECT_EQ(DoublePositive(4).value(), 8);
  Result<int> r = DoublePositive(-1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "not positive: -1");
}

TEST(ResultTest, ReturnIfErrorStopsAtFirstFailure) {
  EXPECT_TRUE(CheckBoth(1, 2).ok());
  EXPECT_EQ(CheckBoth(1, -2).message(), "not positive: -2");
}

TEST(ResultDeathTest, ValueOfErrorCrashes) {
  Result<int> r = Status::Internal("boom");
  EXPECT_DEATH((void)r.value(), "boom");
}

}  // namespace
}  // namespace pg2iceberg
