// The materializer's cycle (docs/materializer.md, "A cycle"): recover once, then per cycle
// choose a bound at a transaction boundary, apply every table's changes up to it, commit every
// changed table in one catalog commit, and advance the cursors with that commit as proof.
//
// Composes the log reader, the table batches and the commit; contains none of them. Any error
// ends the cycle without advancing a cursor; the in-memory indexes may then be ahead of what
// was committed, so the caller must not run another cycle on the same Materializer — it stops,
// and a restart (Recover) takes up from what the catalog and the coordinator hold.
//
// Borrows everything it is given. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/status.h"
#include "env/object_store.h"
#include "iceberg/table_commit.h"
#include "materializer/table_target.h"
#include "stage/coordinator.h"

namespace pg2iceberg::materializer {

struct MaterializerOptions {
  // The cursors' consumer name: "materializer" standalone, the worker id when distributed.
  std::string consumer = "materializer";
  // Changes read per table per cycle before a batch is cut (at a transaction boundary; one
  // transaction larger than this is still taken whole).
  int64_t batch_changes_max = 500'000;
  // Likewise, staged bytes read per table per cycle: bounds the memory of a batch's changes and
  // of the row images it keeps (TableBatchOptions::images_bytes_max).
  int64_t batch_bytes_max = 32LL << 20;
  TableBatchOptions batch;
};

struct CycleResult {
  change::Lsn bound = 0;   // every change committed at or below it is now in Iceberg
  bool caught_up = false;  // the bound is the flushed LSN: nothing staged is left for now
  int64_t changes = 0;
  // Of `changes`, those committed before the table's initial load read the source, hence
  // already in it (docs/materializer.md, "Initial load").
  int64_t changes_skipped = 0;
  int tables_committed = 0;
};

class Materializer {
 public:
  Materializer(stage::Coordinator& coordinator, ObjectStore& staging,
               iceberg::CommitServices commit, std::vector<TableTarget*> tables,
               MaterializerOptions options, Logger& log);

  // Reads every table's cursor and current snapshot and settles where each resumes: a snapshot
  // ahead of its cursor (a crash after the catalog commit) moves the cursor up to it. Errors:
  // kDataLoss for a cursor ahead of its table (ResumeOffset), the coordinator's.
  Status Recover();

  // One cycle. Returns what it committed (nothing when the log holds nothing new up to the
  // flushed LSN). Errors end the Materializer (see above): the catalog's (kOutcomeUnknown: the
  // commit may have applied; the restart decides by the table's summary), the log's, the
  // batches'.
  Result<CycleResult> RunCycle();

 private:
  struct TableRead;
  Result<std::vector<TableRead>> ReadLogs(change::Lsn flushed);
  Result<std::vector<iceberg::TableCommitInput>> Apply(std::vector<TableRead>& reads,
                                                       change::Lsn bound, CycleResult& result);
  Status CommitAndAdvance(std::vector<TableRead>& reads,
                          std::vector<iceberg::TableCommitInput> inputs);

  stage::Coordinator& coordinator_;
  ObjectStore& staging_;
  iceberg::CommitServices commit_;
  std::vector<TableTarget*> tables_;
  MaterializerOptions options_;
  Logger& log_;
  std::vector<int64_t> cursors_;  // per table, after Recover
  // Per table: changes committed below this LSN are already in the table (its current snapshot
  // is an initial load that read the source at this LSN).
  std::vector<change::Lsn> applied_below_;
  // Per table: the replay_to of its committed progress (0: a consistent mirror).
  std::vector<change::Lsn> replay_to_;
  bool recovered_ = false;
  bool failed_ = false;
};

}  // namespace pg2iceberg::materializer
