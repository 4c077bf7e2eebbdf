#include "mirror/verify_point.h"

#include <vector>

#include "base/parse_number.h"
#include "iceberg/summary_keys.h"
#include "materializer/log_reader.h"

namespace pg2iceberg {
namespace {

namespace summary = iceberg::summary;

struct Inherited {
  std::optional<MirrorPoint> point;
  bool loaded = false;  // initial load complete
};

std::optional<std::string> Find(const iceberg::Snapshot& snapshot, std::string_view key) {
  auto it = snapshot.summary.find(std::string(key));
  if (it == snapshot.summary.end()) return std::nullopt;
  return it->second;
}

// `parent` as `snapshot` changes it.
Result<Inherited> Next(const iceberg::Snapshot& snapshot, Inherited parent) {
  std::optional<std::string> lsn = Find(snapshot, summary::kCommitLsn);
  if (lsn.has_value()) {
    const std::string what = "snapshot " + std::to_string(snapshot.snapshot_id);
    Result<change::Lsn> commit_lsn = change::ParseLsn(*lsn);
    if (!commit_lsn.ok()) {
      return Status::DataLoss(what + ": " + std::string(summary::kCommitLsn) + " is not an LSN");
    }
    std::optional<std::string> offset = Find(snapshot, summary::kLogOffset);
    ASSIGN_OR_RETURN(int64_t log_offset,
                     ParseInt64(offset.value_or("0"), what + " log offset", StatusCode::kDataLoss));
    parent.point = MirrorPoint{.commit_lsn = *commit_lsn, .log_offset = log_offset};
    parent.loaded = Find(snapshot, summary::kInitialLoad) ==
                    std::optional<std::string>(summary::kInitialLoadComplete);
  }
  if (parent.point.has_value()) parent.point->snapshot_id = snapshot.snapshot_id;
  return parent;
}

}  // namespace

Result<std::optional<MirrorPoint>> NewestPointAtOrBefore(const iceberg::TableMetadata& metadata,
                                                         change::Lsn at,
                                                         std::optional<MirrorPoint>* current) {
  ASSIGN_OR_RETURN(std::vector<const iceberg::Snapshot*> lineage,  // oldest last
                   iceberg::CurrentHistory(metadata));
  Inherited state;
  std::optional<MirrorPoint> newest;
  for (auto it = lineage.rbegin(); it != lineage.rend(); ++it) {
    ASSIGN_OR_RETURN(state, Next(**it, std::move(state)));
    if (state.loaded && state.point.has_value() && state.point->commit_lsn <= at) {
      newest = state.point;
    }
  }
  *current = state.loaded ? state.point : std::nullopt;
  return newest;
}

namespace {

// Whether the log still holds the change at `offset` (the janitor forgets segments every
// cursor has passed: an older snapshot's changes may be gone).
Result<bool> LogHolds(stage::Coordinator& coordinator, int64_t table_id, int64_t offset) {
  ASSIGN_OR_RETURN(std::vector<stage::IndexedBlock> blocks,
                   coordinator.BlocksFrom(table_id, offset, 1));
  return !blocks.empty() && blocks.front().first_offset <= offset;
}

}  // namespace

Result<PointRead> CheckPoint(stage::Coordinator& coordinator, ObjectStore& staging,
                             int64_t table_id, const std::string& table_name,
                             const MirrorPoint& point, change::Lsn at, int64_t changes_max) {
  ASSIGN_OR_RETURN(stage::RecordedLsn flushed, coordinator.RecordedFlushed());
  if (flushed.lsn() < at) return PointRead{.check = PointCheck::kNotYetStaged};
  // Read after flushed_lsn: every change committed at or below it has an offset below this.
  ASSIGN_OR_RETURN(std::vector<stage::TableState> tables, coordinator.LoadTables());
  int64_t next_offset = 0;
  for (const stage::TableState& table : tables) {
    if (table.table_id == table_id) next_offset = table.next_offset;
  }
  PointRead out;
  if (point.log_offset >= next_offset) return out;  // nothing staged since
  materializer::LogReadOptions options{.table_id = table_id,
                                       .table_name = table_name,
                                       .from_offset = point.log_offset,
                                       .bound = at,
                                       .changes_max = 100'000};
  while (true) {
    Result<materializer::LogRead> read = materializer::ReadTableLog(coordinator, staging, options);
    if (!read.ok()) {
      // A gap where the snapshot's changes were: forgotten, not damaged.
      ASSIGN_OR_RETURN(bool holds, LogHolds(coordinator, table_id, options.from_offset));
      if (!holds) return PointRead{.check = PointCheck::kLogGone};
      return read.status();
    }
    for (materializer::LoggedChange& change : read->changes) {
      // Changes of transactions the snapshot's position covers (ended at or before it) after the
      // snapshot's offset: an initial load's, already in it.
      if (change.staged.commit.end_lsn <= point.commit_lsn) continue;
      // The source at `at` holds only the transactions that ended at or before it.
      if (change.staged.commit.end_lsn > at) continue;
      if (static_cast<int64_t>(out.changes.size()) >= changes_max) {
        return PointRead{.check = PointCheck::kTooManyChanges};
      }
      out.changes.push_back(std::move(change.staged.change));
    }
    if (!read->complete) {
      if (read->changes.empty())
        return Status::Internal("the log read of " + table_name + " stalled");
      options.from_offset = read->changes.back().offset + 1;
      continue;
    }
    // Nothing read at all: either the first change after the snapshot is past `at`, or the log
    // no longer holds it (then it may be anything). Forgotten segments never come back, so a
    // block found now was there during the read.
    if (options.from_offset == point.log_offset && read->changes.empty()) {
      ASSIGN_OR_RETURN(bool holds, LogHolds(coordinator, table_id, point.log_offset));
      if (!holds) return PointRead{.check = PointCheck::kLogGone};
    }
    return out;
  }
}

}  // namespace pg2iceberg
