#include "env/process_fail_points.h"

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace pg2iceberg {
namespace {

Status BadEntry(std::string_view entry, std::string_view why) {
  std::string known;
  for (std::string_view name : failpoint::kAll)
    known += (known.empty() ? "" : ", ") + std::string(name);
  return Status::InvalidArgument(
      std::string(kFailPointsVariable) + ": \"" + std::string(entry) + "\": " + std::string(why) +
      " (expected name=kill|error[@N], names: " + known + "); unset it for a normal run");
}

// One `name=action[@N]` entry.
Result<ArmedFailPoint> ParseEntry(std::string_view entry) {
  const size_t equals = entry.find('=');
  if (equals == std::string_view::npos) return BadEntry(entry, "no '='");
  ArmedFailPoint point{.name = std::string(entry.substr(0, equals))};
  if (std::find(std::begin(failpoint::kAll), std::end(failpoint::kAll), point.name) ==
      std::end(failpoint::kAll)) {
    return BadEntry(entry, "unknown failpoint");
  }
  std::string_view action = entry.substr(equals + 1);
  if (const size_t at = action.find('@'); at != std::string_view::npos) {
    std::string_view count = action.substr(at + 1);
    auto [end, error] =
        std::from_chars(count.data(), count.data() + count.size(), point.fire_on_hit);
    if (error != std::errc() || end != count.data() + count.size() || point.fire_on_hit < 1) {
      return BadEntry(entry, "the hit after '@' is not a positive integer");
    }
    action = action.substr(0, at);
  }
  if (action == "kill") {
    point.action = FailPointAction::kKill;
  } else if (action == "error") {
    point.action = FailPointAction::kError;
  } else {
    return BadEntry(entry, "unknown action");
  }
  return point;
}

}  // namespace

Result<FailPointPlan> ParseFailPointPlan(std::string_view text) {
  FailPointPlan plan;
  if (text.empty()) return plan;
  for (size_t start = 0; start <= text.size();) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view entry = text.substr(start, comma - start);
    start = comma + 1;
    ASSIGN_OR_RETURN(ArmedFailPoint point, ParseEntry(entry));
    for (const ArmedFailPoint& other : plan.points) {
      if (other.name == point.name) return BadEntry(entry, "this failpoint is armed twice");
    }
    plan.points.push_back(std::move(point));
  }
  return plan;
}

ProcessFailPoints::ProcessFailPoints(FailPointPlan plan, Logger& log) : log_(log) {
  for (ArmedFailPoint& point : plan.points) armed_.push_back({.point = std::move(point)});
}

Status ProcessFailPoints::Hit(std::string_view name) {
  if (armed_.empty()) return Status::Ok();  // the production case
  std::lock_guard<std::mutex> lock(mutex_);
  for (Armed& armed : armed_) {
    if (armed.point.name != name || ++armed.hits != armed.point.fire_on_hit) continue;
    const std::string what = "failpoint " + armed.point.name + " fired at hit " +
                             std::to_string(armed.hits) + " (" + kFailPointsVariable + ")";
    if (armed.point.action == FailPointAction::kKill) KillProcess(what);
    return Status::Unavailable(what);
  }
  return Status::Ok();
}

void ProcessFailPoints::KillProcess(const std::string& what) {
  log_.Error(what + ": killing the process");
  std::fflush(stderr);
  std::raise(SIGKILL);
  std::_Exit(128 + SIGKILL);  // not reached: SIGKILL cannot be caught
}

}  // namespace pg2iceberg
