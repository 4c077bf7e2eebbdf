#include "materializer/progress.h"

#include <charconv>

namespace pg2iceberg::materializer {

std::map<std::string, std::string> ProgressSummary(const CommittedProgress& progress) {
  std::map<std::string, std::string> summary{
      {kCommitLsnKey, change::FormatLsn(progress.commit_lsn)},
      {kLogOffsetKey, std::to_string(progress.log_offset)},
      {kInitialLoadKey, std::string(iceberg::summary::kInitialLoadComplete)}};
  if (progress.replay_to != 0) {
    summary[kInitialLoadKey] = std::string(iceberg::summary::kInitialLoadReplaying);
    summary[kReplayToKey] = change::FormatLsn(progress.replay_to);
  }
  return summary;
}

Result<std::optional<CommittedProgress>> ProgressOf(
    const std::map<std::string, std::string>& summary, const std::string& table_name) {
  auto lsn = summary.find(kCommitLsnKey);
  auto offset = summary.find(kLogOffsetKey);
  if (lsn == summary.end() && offset == summary.end()) {
    return std::optional<CommittedProgress>();
  }
  auto malformed = [&](const std::string& key, const std::string& value) {
    return Status::DataLoss("table " + table_name + ": its current Iceberg snapshot's summary " +
                            key + " is \"" + value +
                            "\", not what pg2iceberg writes; the snapshot was not written by "
                            "pg2iceberg or was edited: mirror the table afresh "
                            "(`pg2iceberg cleanup`, then a fresh start)");
  };
  if (lsn == summary.end()) return malformed(kCommitLsnKey, "(missing)");
  if (offset == summary.end()) return malformed(kLogOffsetKey, "(missing)");
  CommittedProgress progress;
  Result<change::Lsn> parsed = change::ParseLsn(lsn->second);
  if (!parsed.ok()) return malformed(kCommitLsnKey, lsn->second);
  progress.commit_lsn = *parsed;
  const std::string& text = offset->second;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), progress.log_offset);
  if (error != std::errc() || end != text.data() + text.size() || progress.log_offset < 0) {
    return malformed(kLogOffsetKey, text);
  }
  auto load = summary.find(kInitialLoadKey);
  if (load != summary.end() && load->second == iceberg::summary::kInitialLoadReplaying) {
    auto replay_to = summary.find(kReplayToKey);
    if (replay_to == summary.end()) return malformed(kReplayToKey, "(missing)");
    Result<change::Lsn> to = change::ParseLsn(replay_to->second);
    if (!to.ok() || *to == 0) return malformed(kReplayToKey, replay_to->second);
    progress.replay_to = *to;
  }
  return std::optional<CommittedProgress>(progress);
}

Result<int64_t> ResumeOffset(const std::string& table_name, int64_t cursor,
                             const std::optional<CommittedProgress>& committed) {
  const int64_t recorded = committed ? committed->log_offset : 0;
  if (cursor > recorded) {
    return Status::DataLoss(
        "table " + table_name + ": the materializer's cursor is at change " +
        std::to_string(cursor) +
        " but the table's current Iceberg snapshot holds changes only "
        "below " +
        std::to_string(recorded) +
        ": committed snapshots were rolled back or the table was replaced outside pg2iceberg. "
        "Restore the table's newest pg2iceberg snapshot (its summary names "
        "pg2iceberg.log-offset), or mirror the table afresh (`pg2iceberg cleanup`, then a "
        "fresh start)");
  }
  return recorded;
}

std::optional<change::Lsn> CompleteThrough(const LogRead& read, change::Lsn bound) {
  if (read.complete) return bound;
  if (read.changes.empty()) return std::nullopt;
  const change::Lsn last = read.changes.back().staged.commit.end_lsn;
  for (auto it = read.changes.rbegin(); it != read.changes.rend(); ++it) {
    if (it->staged.commit.end_lsn < last) return it->staged.commit.end_lsn;
  }
  return std::nullopt;
}

void TrimToBound(LogRead& read, change::Lsn bound) {
  while (!read.changes.empty() && read.changes.back().staged.commit.end_lsn > bound) {
    read.changes.pop_back();
  }
}

}  // namespace pg2iceberg::materializer
