// The initial load of `run` (docs/materializer.md, "Initial load"): copies tables into their
// Iceberg tables as of one consistent point of the source, in parallel — across tables and,
// for a large table, across ranges of its key (load_plan.h) on several connections, all inside
// transactions that imported one exported snapshot.
//
// The snapshot is a temporary slot's, created here, after capture has started (or resumed) on
// the mirror's own slot: every transaction that committed before its consistent point L is in
// the copy, every later one is in the staging log. A table's last commit records
// pg2iceberg.commit-lsn = L, its log offset, and pg2iceberg.initial-load = complete; the
// materializer skips the staged changes committed before L (materializer/cycle.h), so the
// copy and the stream neither overlap nor leave a gap.
//
// Ranges are committed as they are copied ("in-progress" checkpoints). A later load takes up a
// table's checkpoint: it copies only the ranges left, at its own point L2, and its last commit
// says "replaying" from the checkpoint's point to L2 — the materializer applies the changes
// between before the table says "complete".
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "base/status.h"
#include "change/change.h"
#include "config/config.h"
#include "env/env.h"
#include "table/table_plan.h"

namespace pg2iceberg {

struct LoadRequest {
  TableConfig table;
  int64_t log_offset = 0;      // the table's cursor in the staging log (0: none yet)
  change::Lsn not_before = 0;  // the LSN from which capture stages its changes
};

// Loads every table of `requests`; `loaded` runs after each table's commit, with the table's
// plan as committed. Returns OK with tables left unloaded when `stop` is set (their files are
// removed). Errors: as the snapshot's (snapshot.h: locks, plans, copy, commit).
Status RunInitialLoad(const Config& config, const std::vector<LoadRequest>& requests, Env& env,
                      const std::atomic<bool>& stop,
                      const std::function<Status(const TablePlan&)>& loaded);

}  // namespace pg2iceberg
