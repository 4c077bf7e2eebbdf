#include "mirror/snapshot.h"

#include <cinttypes>
#include <cstdio>
#include <memory>
#include <vector>

#include "change/change.h"
#include "iceberg/partition.h"
#include "iceberg/summary_keys.h"
#include "mirror/snapshot_source.h"
#include "mirror/table_copy.h"
#include "pg/replication_setup.h"
#include "pg/source_connection.h"
#include "table/catalog_factory.h"
#include "table/table_plan.h"
#include "table/table_stores.h"
#include "table/warehouse.h"

namespace pg2iceberg {
namespace {

std::string CopiedSummary(const CopiedFiles& copied) {
  return std::to_string(copied.rows) + " rows in " + std::to_string(copied.files.size()) +
         " data files";
}

// Commits of a table the catalog refuses with kConflict (another writer committed to it
// between its load and this commit) before the snapshot gives up: each retry reloads the table
// and rebuilds the snapshot on the new base (iceberg::CommitSnapshotsRetryingConflicts).
constexpr int kCommitAttemptsMax = 4;

// Commits every copied table in one catalog step where the catalog can, so readers see all
// tables move to the same point in time together; conflicts are retried on the reloaded
// table. Removes the data files of tables whose commit failed, unless it may have applied
// (iceberg::CommitMayHaveApplied: outcome unknown, or half committed); returns the first
// failure.
Status CommitTables(std::vector<TablePlan>& plans, const std::vector<CopiedFiles>& copied,
                    change::Lsn source_lsn, iceberg::Catalog& catalog, TableStores& stores,
                    Env& env) {
  std::vector<iceberg::TableCommitInput> inputs;
  for (size_t i = 0; i < plans.size(); ++i) {
    iceberg::TableCommitInput input{
        plans[i].state,
        copied[i].files,
        iceberg::CommitMode::kReplaceAll,
        {{std::string(iceberg::summary::kPgOperation),
          std::string(iceberg::summary::kPgOperationSnapshot)},
         {std::string(iceberg::summary::kCommitLsn), change::FormatLsn(source_lsn)}},
        plans[i].store};
    input.format_version = plans[i].format_version;
    input.schema = plans[i].schema;
    input.properties = plans[i].properties;
    inputs.push_back(std::move(input));
  }
  auto rebase = [&](size_t i, iceberg::TableCommitInput& input) -> Status {
    RETURN_IF_ERROR(ReloadIcebergTable(plans[i], catalog, stores, env));
    input.table = plans[i].state;
    input.schema = plans[i].schema;
    input.properties = plans[i].properties;
    return Status::Ok();
  };
  // Every input names its table's store; the shared one is only a default.
  iceberg::CommitServices services{*plans.front().store, catalog, env.random, env.clock};
  std::vector<Result<iceberg::TableState>> results = iceberg::CommitSnapshotsRetryingConflicts(
      services, std::move(inputs), kCommitAttemptsMax, rebase, env.log);
  Status first_failure = Status::Ok();
  for (size_t i = 0; i < plans.size(); ++i) {
    if (results[i].ok()) {
      plans[i].state = std::move(*results[i]);
      env.log.Info("snapshot " + plans[i].source.QualifiedName() + " -> " +
                   plans[i].state.ident.ToString() + ": " + CopiedSummary(copied[i]));
      continue;
    }
    // After a lost catalog reply (or a half-committed transaction) the files may be part of
    // the table: leave them. Any other error proves no metadata will ever reference them.
    if (!iceberg::CommitMayHaveApplied(results[i].status())) {
      RemoveQuietly(*plans[i].store, copied[i].keys, env);
    }
    if (first_failure.ok()) first_failure = results[i].status();
  }
  return first_failure;
}

// Copies every table, then commits them all at once. On a copy failure the files already
// copied are removed and nothing is committed.
Status SnapshotTables(std::vector<TablePlan>& plans, PgConnection& source, change::Lsn source_lsn,
                      iceberg::Catalog& catalog, TableStores& stores, const SinkConfig& sink,
                      Env& env) {
  if (plans.empty()) return Status::Ok();
  int64_t start = env.clock.MonotonicMicros();
  std::vector<CopiedFiles> copied;
  Status status = Status::Ok();
  for (TablePlan& plan : plans) {
    Result<CopiedFiles> table = CopyTableRows(plan, source, *plan.store, sink, "", env, nullptr);
    if (!table.ok()) {
      status = table.status();
      break;
    }
    copied.push_back(std::move(*table));
  }
  for (size_t i = 0; status.ok() && i < plans.size(); ++i) {
    status = catalog.EnsureNamespace(plans[i].state.ident.table_namespace);
  }
  if (!status.ok()) {
    for (size_t i = 0; i < copied.size(); ++i) RemoveQuietly(*plans[i].store, copied[i].keys, env);
    return status;
  }
  RETURN_IF_ERROR(CommitTables(plans, copied, source_lsn, catalog, stores, env));
  double seconds = static_cast<double>(env.clock.MonotonicMicros() - start) / 1e6;
  env.log.Info("snapshot of " + std::to_string(plans.size()) + " tables committed in " +
               std::to_string(seconds) + " s");
  return Status::Ok();
}

Result<std::vector<TablePlan>> PlanTables(const Config& config, PgConnection& source) {
  std::vector<TablePlan> plans;
  for (const TableConfig& table : config.tables) {
    if (table.skip_snapshot) continue;
    ASSIGN_OR_RETURN(TablePlan plan, PlanSourceTable(table, config.sink, source));
    plans.push_back(std::move(plan));
  }
  return plans;
}

}  // namespace

// Starts the REPEATABLE READ transaction on `source` with the snapshot a temporary replication
// slot exported, so every table is read as of the slot's consistent point: exactly the
// transactions that committed before it. Returns that LSN. The slot goes away with its
// connection once the snapshot is imported.
Result<change::Lsn> BeginAtConsistentPoint(const PostgresConfig& config, PgConnection& source,
                                           Env& env) {
  constexpr std::string_view kNeeds =
      "the snapshot reads the source at a replication slot's consistent point, which needs "
      "wal_level = logical, a free replication slot and a user with the REPLICATION attribute";
  Result<std::unique_ptr<PgConnection>> replication =
      ConnectReplication(config, "pg2iceberg-snapshot", env);
  if (!replication.ok()) return replication.status().WithContext(kNeeds);
  char slot_name[40];
  std::snprintf(slot_name, sizeof slot_name, "pg2iceberg_snapshot_%016" PRIx64,
                env.random.Next64());
  Result<pg::ExportedSnapshot> exported =
      pg::CreateTemporarySlotWithSnapshot(**replication, slot_name);
  if (!exported.ok()) return exported.status().WithContext(kNeeds);
  RETURN_IF_ERROR(source.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").status());
  RETURN_IF_ERROR(
      source.Exec("SET TRANSACTION SNAPSHOT " + QuoteLiteral(exported->snapshot_name)).status());
  env.log.Info("reading the source as of LSN " + change::FormatLsn(exported->consistent_point));
  return exported->consistent_point;
}

Status RunSnapshot(const Config& config, Env& env) {
  TableStores stores(config.sink, env);
  // Without vended credentials every table is written with the sink's own settings: check
  // them before anything else.
  if (!AsksForVendedCredentials(config.sink)) RETURN_IF_ERROR(stores.Own().status());
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> source,
                   ConnectSource(config.source.postgres, env));
  // One REPEATABLE READ transaction: every table is read as of the same moment.
  ASSIGN_OR_RETURN(change::Lsn source_lsn,
                   BeginAtConsistentPoint(config.source.postgres, *source, env));
  // Locks first (TRUNCATE and rewrites are not MVCC-safe), then proof that the locked tables
  // are the ones the snapshot sees, unfiltered by row security (snapshot_source.h).
  RETURN_IF_ERROR(
      LockSnapshotTables(*source, config.tables, config.source.postgres.lock_timeout_ms));
  ASSIGN_OR_RETURN(std::vector<TablePlan> plans, PlanTables(config, *source));
  RETURN_IF_ERROR(CheckSnapshotTables(*source, plans));
  ASSIGN_OR_RETURN(OpenedCatalog opened, OpenCatalog(config, env));
  iceberg::Catalog& catalog = *opened.catalog;
  for (TablePlan& plan : plans) RETURN_IF_ERROR(ResolveIcebergTable(plan, catalog, stores, env));
  RETURN_IF_ERROR(SnapshotTables(plans, *source, source_lsn, catalog, stores, config.sink, env));
  return source->Exec("COMMIT").status();
}

}  // namespace pg2iceberg
