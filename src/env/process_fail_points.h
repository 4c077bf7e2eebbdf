// ProcessFailPoints: the real FailPoints, armed from a plan that main() parses from the
// environment variable PG2ICEBERG_FAILPOINTS (docs/testing.md#failpoints). A test hook for the
// crash tests, not a user feature: unset, nothing is armed and every Hit is a no-op.
//
// Plan text: comma-separated `name=action[@N]`, where `name` is one of failpoint::kAll and
// `action` is
//   kill   log one line naming the point, then SIGKILL this process (no cleanup of any kind:
//          what an operator's `kill -9` or the OOM killer does at exactly that place);
//   error  return UNAVAILABLE from Hit (the caller fails as if the service had dropped).
// A point fires once, on its N-th hit (default 1); earlier and later hits pass.
// Example: PG2ICEBERG_FAILPOINTS=after-index-commit=kill@3
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/log.h"
#include "env/fail_points.h"

namespace pg2iceberg {

inline constexpr char kFailPointsVariable[] = "PG2ICEBERG_FAILPOINTS";

enum class FailPointAction { kKill, kError };

struct ArmedFailPoint {
  std::string name;
  FailPointAction action = FailPointAction::kKill;
  int64_t fire_on_hit = 1;  // 1-based
};

struct FailPointPlan {
  std::vector<ArmedFailPoint> points;  // at most one per name
};

// Parses plan text (see above); empty text is the empty plan. kInvalidArgument naming the
// malformed entry, an unknown point or action, or a point armed twice.
Result<FailPointPlan> ParseFailPointPlan(std::string_view text);

class ProcessFailPoints final : public FailPoints {
 public:
  // Borrows `log` (must outlive this) for the line a killing point writes before it fires.
  ProcessFailPoints(FailPointPlan plan, Logger& log);

  Status Hit(std::string_view name) override;

 private:
  struct Armed {
    ArmedFailPoint point;
    int64_t hits = 0;
  };

  [[noreturn]] void KillProcess(const std::string& what);

  std::vector<Armed> armed_;  // fixed after construction; hits guarded by mutex_
  std::mutex mutex_;
  Logger& log_;
};

}  // namespace pg2iceberg
