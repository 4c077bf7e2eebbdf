// Choosing the Iceberg snapshot that equals a source table at one LSN P (docs/verify.md, "The
// comparison point"), for `verify`.
//
// A snapshot whose summary has pg2iceberg.commit-lsn = C equals the table as of C. A snapshot
// another writer committed (no pg2iceberg keys) claims nothing new from the source: it inherits
// C, the log offset and the initial-load state of its parent, so a foreign change after the
// mirror's last commit is compared, never skipped. The candidate for P is the newest snapshot
// among the current one and its ancestors whose C <= P (and whose initial load is complete). It
// plus the table's changes committed in (C, P] equals the source at P: the staging log, read
// from the candidate's log offset up to P once capture has staged everything up to P
// (flushed_lsn >= P), gives those changes (mirror/verify_overlay.h folds them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "change/change.h"
#include "env/object_store.h"
#include "iceberg/metadata.h"
#include "stage/coordinator.h"

namespace pg2iceberg {

// A snapshot as the mirror's history describes it.
struct MirrorPoint {
  int64_t snapshot_id = 0;
  change::Lsn commit_lsn = 0;  // its own or inherited
  int64_t log_offset = 0;      // its own or inherited
};

// The newest snapshot of `metadata`'s current lineage with commit_lsn <= `at` and a complete
// initial load; nullopt when there is none. `current` receives the current snapshot's (nullopt
// when it has no pg2iceberg history). kDataLoss for a summary value that does not parse.
Result<std::optional<MirrorPoint>> NewestPointAtOrBefore(const iceberg::TableMetadata& metadata,
                                                         change::Lsn at,
                                                         std::optional<MirrorPoint>* current);

// What the staging log says about `point` as a stand-in for the source at `at`.
enum class PointCheck {
  kMatches,         // PointRead::changes: the table's changes in (point.commit_lsn, at]
  kTooManyChanges,  // more than `changes_max` of them
  kNotYetStaged,    // capture has not staged everything up to `at` yet (flushed_lsn < at)
  kLogGone          // the log no longer holds the changes after the point (the janitor removed
                    // what every cursor passed): nothing can be said
};

// Reads table `table_id`'s log from point.log_offset up to `at`. Errors: the coordinator's and
// the log reader's (materializer/log_reader.h; a segment already removed is kDataLoss).
struct PointRead {
  PointCheck check = PointCheck::kMatches;
  std::vector<change::RowChange> changes;  // in log order
};

Result<PointRead> CheckPoint(stage::Coordinator& coordinator, ObjectStore& staging,
                             int64_t table_id, const std::string& table_name,
                             const MirrorPoint& point, change::Lsn at, int64_t changes_max);

}  // namespace pg2iceberg
