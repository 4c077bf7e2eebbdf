// The materializer as `run` and `materializer-only` run it: every sink.materializer_interval a
// cycle (materializer/cycle.h) over every table whose initial load is complete, on its own
// connections (coordinator, catalog, staging store), so it can run beside capture and the
// initial load. Tables join as their initial load commits.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "env/env.h"
#include "iceberg/table_commit.h"
#include "materializer/cycle.h"
#include "materializer/iceberg_table.h"
#include "stage/coordinator.h"
#include "table/catalog_factory.h"
#include "table/table_plan.h"
#include "table/table_stores.h"

namespace pg2iceberg {

// Whether the table's current snapshot records every key range of its initial load copied
// (pg2iceberg.initial-load "complete", or "replaying" after a resumed load): the materializer
// takes the table from there. Otherwise (no snapshot, another writer's, "in-progress") the
// initial load has work left.
bool InitialLoadCopied(const iceberg::TableState& state);

// The primary-key columns of `table` as mirrored: the configured primary_key, else the
// source's. kInvalidArgument naming the table when it has none (docs/materializer.md, "Tables
// without a primary key").
Result<std::vector<std::string>> MirroredKey(const TableConfig& table, const TablePlan& plan);

class MaterializeLoop {
 public:
  static Result<std::unique_ptr<MaterializeLoop>> Open(const Config& config, Env& env);
  ~MaterializeLoop();

  // The group's registered tables (coordinator.h), to find table ids.
  Result<std::vector<stage::TableState>> RegisteredTables();

  // Queues a loaded table to join at the next cycle. `plan` is reloaded from this loop's own
  // catalog. Thread-safe.
  void Add(const TableConfig& table, TablePlan plan, int64_t table_id);

  // Cycles until `stop`; then, once `drained` (nothing more will be staged), runs a last cycle
  // and returns OK. Errors: the cycle's (the loop cannot go on; a restart recovers).
  Status Run(const std::atomic<bool>& stop, const std::atomic<bool>& drained);

 private:
  MaterializeLoop(const Config& config, Env& env) : config_(config), env_(env) {}
  // Opens the queued tables; rebuilds the Materializer when any joined.
  Status TakeQueued();

  struct Queued {
    TableConfig table;
    TablePlan plan;
    int64_t table_id = 0;
  };

  const Config& config_;
  Env& env_;
  std::unique_ptr<PgConnection> state_connection_;
  std::unique_ptr<stage::Coordinator> coordinator_;
  OpenedCatalog catalog_;
  std::unique_ptr<TableStores> stores_;
  std::unique_ptr<ObjectStore> staging_;
  std::unique_ptr<materializer::SourceCatalog> source_catalog_;
  std::mutex mu_;  // guards queued_
  std::vector<Queued> queued_;
  std::vector<std::unique_ptr<materializer::IcebergTable>> tables_;
  std::unique_ptr<materializer::Materializer> materializer_;
};

}  // namespace pg2iceberg
