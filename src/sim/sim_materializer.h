// SimMaterializerProcess: one life of the materializer half of a pg2iceberg process in the
// simulator — the real Materializer, IcebergTable (primary-key index, position deletes or
// deletion vectors, unchanged-TOAST resolution), committer and reconciliation, composed as
// mirror/materialize_loop.cc composes them, over the simulated world: a MemoryCoordinator, a
// MemoryCatalog (possibly faulty) and the memory warehouse (possibly faulty) that also holds the
// staging log.
//
// Start rebuilds everything from durable state only (the coordinator's cursors, the catalog's
// tables and the warehouse's files: Recover, index rebuild); destroying the object is a crash.
// What it does not run: the initial load (the simulated tables are empty at the slot's
// consistent point, so each Iceberg table is created by its first materialized commit) and the
// source catalog reads of schema changes (the simulated tables keep their shape).
//
// Not thread-safe. The world must outlive the process.
#pragma once

#include <memory>
#include <vector>

#include "base/log.h"
#include "config/config.h"
#include "env/env.h"
#include "env/manual_clock.h"
#include "env/random.h"
#include "iceberg/catalog.h"
#include "materializer/cycle.h"
#include "materializer/iceberg_table.h"
#include "sim/memory_coordinator.h"
#include "sim/sim_wal.h"
#include "table/table_plan.h"
#include "table/table_stores.h"

namespace pg2iceberg::sim {

inline constexpr const char* kSimWarehouse = "mem://warehouse";

struct SimMaterializerWorld {
  ManualClock& clock;
  const SimWal& wal;  // the tables' shapes
  MemoryCoordinatorState& coordinator;
  Logger& log;
};

struct SimMaterializerSeams {
  ObjectStore& warehouse;     // data files, metadata and the staging log, possibly faulty
  iceberg::Catalog& catalog;  // possibly faulty
  Random& random;             // the process's Env random (file names, snapshot ids)
  int format_version = 2;     // 3: deletion vectors
  int64_t target_file_size_bytes = 64 * 1024;
  int64_t batch_changes_max = 200;
};

class SimMaterializerProcess {
 public:
  // Opens every registered table (none yet: a process with nothing to do) and recovers.
  static Result<std::unique_ptr<SimMaterializerProcess>> Start(const SimMaterializerWorld& world,
                                                               const SimMaterializerSeams& seams);
  ~SimMaterializerProcess();

  // One materializer cycle; what it committed.
  Result<materializer::CycleResult> Step();
  bool has_tables() const { return !tables_.empty(); }

 private:
  class Opener;
  class NoSource;
  SimMaterializerProcess(const SimMaterializerWorld& world, const SimMaterializerSeams& seams);
  Status Open(const SimMaterializerWorld& world, const SimMaterializerSeams& seams);
  Status OpenTable(const SimMaterializerWorld& world, const SimMaterializerSeams& seams,
                   const stage::TableState& registered);

  std::unique_ptr<Opener> opener_;
  std::unique_ptr<NoSource> no_source_;
  Env env_;
  SinkConfig sink_;
  std::unique_ptr<MemoryCoordinator> coordinator_;
  std::unique_ptr<TableStores> stores_;
  std::vector<TablePlan> plans_;
  std::vector<std::unique_ptr<materializer::IcebergTable>> tables_;
  std::unique_ptr<materializer::Materializer> materializer_;
};

// The plan of a simulated table as the mirror makes it (table/table_plan.h), from its shape in
// the WAL: id is the primary key.
Result<TablePlan> PlanSimTable(const SimWal& wal, uint32_t relid, const SinkConfig& sink,
                               int format_version);

}  // namespace pg2iceberg::sim
