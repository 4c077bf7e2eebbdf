// How far a mirrored table is: what its Iceberg snapshots record (docs/materializer.md,
// "Snapshot summary keys"), where the materializer resumes after a restart, and where a batch
// is cut so that it holds whole source transactions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "change/change.h"
#include "iceberg/summary_keys.h"
#include "materializer/log_reader.h"

namespace pg2iceberg::materializer {

// The summary keys of progress (iceberg/summary_keys.h names every key).
inline const std::string kCommitLsnKey(iceberg::summary::kCommitLsn);
inline const std::string kLogOffsetKey(iceberg::summary::kLogOffset);
inline const std::string kInitialLoadKey(iceberg::summary::kInitialLoad);
inline const std::string kReplayToKey(iceberg::summary::kReplayTo);

// What a committed snapshot says of the table it belongs to.
struct CommittedProgress {
  change::Lsn commit_lsn = 0;  // the table equals its source as of this LSN
  int64_t log_offset = 0;      // the first change of the table's log not applied
  // 0 once the table is a consistent mirror. Else the table holds an initial load resumed
  // after a crash, whose ranges were read at different points from commit_lsn on: it equals
  // its source only once every change committed below replay_to is applied
  // (docs/materializer.md, "Resuming a load").
  change::Lsn replay_to = 0;
  bool operator==(const CommittedProgress&) const = default;
};

// The summary entries that record `progress`, with pg2iceberg.initial-load "complete" (or
// "replaying" and pg2iceberg.replay-to while replay_to is set).
std::map<std::string, std::string> ProgressSummary(const CommittedProgress& progress);

// The progress a snapshot summary records; nullopt when it records none (a table pg2iceberg
// did not write, or wrote before it recorded offsets). kDataLoss when the keys are there but
// malformed (edited outside pg2iceberg), naming the table and the key.
Result<std::optional<CommittedProgress>> ProgressOf(
    const std::map<std::string, std::string>& summary, const std::string& table_name);

// Where the table's materializer resumes: the larger of its cursor and what the current
// snapshot records (a snapshot ahead of the cursor is a commit whose cursor update a crash
// prevented; it is never applied twice). A cursor ahead of the snapshot means the table lost
// committed changes (rolled back or replaced outside pg2iceberg): kDataLoss naming the table,
// both offsets and the way out.
Result<int64_t> ResumeOffset(const std::string& table_name, int64_t cursor,
                             const std::optional<CommittedProgress>& committed);

// Positions follow Postgres' convention for a slot's confirmed_flush_lsn and a snapshot's
// consistent point: a position P covers every transaction whose commit record ends at or before
// P (CommitInfo::end_lsn <= P, i.e. commit_lsn < P) and none that commits at or after it. A
// flushed_lsn moved by an idle advance may be the very position where the next transaction's
// commit record begins; that transaction is not covered, and not yet indexed.

// The largest position at or below `bound` through which `read` holds every change of its
// table: `bound` when the read is complete; else the end LSN of the last transaction the read
// holds whole (nullopt when it holds part of one transaction only: read on).
std::optional<change::Lsn> CompleteThrough(const LogRead& read, change::Lsn bound);

// Drops the changes of transactions `bound` does not cover (end LSN above it): the next batch
// reads them again.
void TrimToBound(LogRead& read, change::Lsn bound);

}  // namespace pg2iceberg::materializer
