// Start-up of capture: creates the publication, slot and coordinator state on the first run,
// and on every later run proves that the state still matches the source before streaming
// (docs/capture.md lists the checks). Also the checks repeated while streaming.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/status.h"
#include "capture/catalog_watch.h"
#include "capture/change_assembler.h"
#include "env/fail_points.h"
#include "env/object_store.h"
#include "pg/replication_setup.h"
#include "stage/coordinator.h"
#include "stage/group_lock.h"

namespace pg2iceberg::capture {

struct CaptureTarget {
  std::string publication;
  std::string slot_name;
  std::vector<pg::TableName> tables;  // the mirrored tables, as configured
};

struct PreparedCapture {
  stage::CaptureState state;
  std::vector<stage::TableState> tables;  // registered, in configuration order
  // The publication and partitions as recorded when capture began (catalog_watch.h).
  std::optional<CatalogWatch> catalog;
};

// First run: creates the publication (or checks that an existing one sends every change,
// kInvalidArgument otherwise) and the slot, and records them with the tables and the catalog
// watch (a first run a crash interrupted is completed). Later runs: verifies cluster, slot,
// tables, publication and partitions (kDataLoss naming the cause and the way out), and lets
// tables configured since join at a recorded LSN (stage::TableState::added_lsn). `sql` is a
// normal connection to the source database, `replication` a replication one; `lock` proves
// this process owns the group.
Result<PreparedCapture> PrepareCapture(const CaptureTarget& target, PgConnection& sql,
                                       PgConnection& replication, stage::Coordinator& coordinator,
                                       const stage::GroupLock& lock, Logger& log,
                                       FailPoints& fail_points);

// The registered tables as the ChangeAssembler mirrors them.
std::vector<MirroredTable> MirroredTablesOf(const std::vector<stage::TableState>& tables);

// The newest indexed segment exists and passes every checksum: the staging log was not damaged
// where a restart resumes it.
Status CheckNewestSegment(stage::Coordinator& coordinator, ObjectStore& staging);

// The checks repeated while streaming: the slot is not lost or moved, tables not recreated,
// all still published, the publication and partitions unchanged (CatalogWatch::Check, which
// also runs alone before every flush).
Status CheckWhileStreaming(const CaptureTarget& target, const PreparedCapture& prepared,
                           PgConnection& sql, stage::Coordinator& coordinator);

}  // namespace pg2iceberg::capture
