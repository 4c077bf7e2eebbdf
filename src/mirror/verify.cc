#include "mirror/verify.h"

#include <memory>
#include <optional>

#include "iceberg/metadata.h"
#include "mirror/capture_session.h"
#include "mirror/materialize_loop.h"
#include "mirror/snapshot.h"
#include "mirror/snapshot_source.h"
#include "mirror/verify_compare.h"
#include "mirror/verify_point.h"
#include "pg/source_connection.h"
#include "stage/pg_coordinator.h"
#include "table/catalog_factory.h"
#include "table/table_plan.h"
#include "table/table_stores.h"
#include "table/warehouse.h"

namespace pg2iceberg {
namespace {

// How one table's verification ended.
struct Outcome {
  enum class Kind { kEqual, kDifferent, kNotMirror, kFailed };
  Kind kind = Kind::kFailed;
  std::string text;  // the report, one or more lines
};

// What the mirror's history offers for one consistent point.
enum class Step { kCompare, kWait, kNewPoint, kNotMirror };

class Verifier {
 public:
  Verifier(const Config& config, Env& env, const VerifyOptions& options)
      : config_(config), env_(env), options_(options), stores_(config.sink, env) {}

  Status Open();
  Outcome Verify(const TableConfig& table);

 private:
  Result<Outcome> VerifyAtPoints(const TableConfig& table, int64_t table_id);
  Result<std::optional<Outcome>> TryPoint(const TableConfig& table, int64_t table_id,
                                          int64_t deadline_micros);
  Result<Step> Decide(const TablePlan& plan, int64_t table_id, change::Lsn at, MirrorPoint* point,
                      std::vector<change::RowChange>* after);
  Outcome Compared(const TablePlan& plan, const TableComparison& comparison,
                   const MirrorPoint& point, size_t changes, change::Lsn at) const;

  const Config& config_;
  Env& env_;
  const VerifyOptions& options_;
  TableStores stores_;
  OpenedCatalog catalog_;
  std::unique_ptr<PgConnection> state_connection_;
  std::unique_ptr<stage::Coordinator> coordinator_;
  std::unique_ptr<ObjectStore> staging_;
};

Status Verifier::Open() {
  ASSIGN_OR_RETURN(catalog_, OpenCatalog(config_, env_));
  ASSIGN_OR_RETURN(state_connection_, ConnectState(config_, env_));
  ASSIGN_OR_RETURN(coordinator_,
                   stage::PgCoordinator::Open(*state_connection_, config_.state.coordinator_schema,
                                              config_.state.group));
  ASSIGN_OR_RETURN(staging_, OpenWarehouse(config_.sink, env_));
  return Status::Ok();
}

Outcome Verifier::Verify(const TableConfig& table) {
  const std::string name = table.schema_name + "." + table.table_name;
  Result<std::vector<stage::TableState>> registered = coordinator_->LoadTables();
  if (!registered.ok())
    return {Outcome::Kind::kFailed, name + ": error: " + registered.status().ToString()};
  int64_t table_id = 0;
  for (const stage::TableState& state : *registered) {
    if (state.schema_name == table.schema_name && state.table_name == table.table_name) {
      table_id = state.table_id;
    }
  }
  if (table_id == 0) {
    return {Outcome::Kind::kNotMirror,
            name + ": not yet a mirror (capture has not registered it: start `pg2iceberg run`)"};
  }
  Result<Outcome> outcome = VerifyAtPoints(table, table_id);
  if (!outcome.ok())
    return {Outcome::Kind::kFailed, name + ": error: " + outcome.status().ToString()};
  return std::move(*outcome);
}

Result<Outcome> Verifier::VerifyAtPoints(const TableConfig& table, int64_t table_id) {
  const int64_t deadline = env_.clock.MonotonicMicros() + options_.timeout_ms * 1000;
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<Outcome> outcome, TryPoint(table, table_id, deadline));
    if (outcome.has_value()) return std::move(*outcome);
  }
  return Status::Unavailable(
      "could not find a matching point in time: the table changed between the mirror's "
      "snapshots and each of " +
      std::to_string(options_.attempts) +
      " consistent points of the source; retry when writes are lower, or with more --attempts");
}

// Reads the source at a new consistent point P and waits until the mirror's history offers a
// snapshot that equals it (then compares), shows that none will (nullopt: try a new P), or the
// deadline passes (kUnavailable).
Result<std::optional<Outcome>> Verifier::TryPoint(const TableConfig& table, int64_t table_id,
                                                  int64_t deadline_micros) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> source,
                   ConnectSource(config_.source.postgres, env_));
  ASSIGN_OR_RETURN(change::Lsn at, BeginAtConsistentPoint(config_.source.postgres, *source, env_));
  RETURN_IF_ERROR(LockSnapshotTables(*source, {table}, config_.source.postgres.lock_timeout_ms));
  ASSIGN_OR_RETURN(TablePlan base, PlanSourceTable(table, config_.sink, *source));
  RETURN_IF_ERROR(CheckSnapshotTables(*source, {base}));
  ASSIGN_OR_RETURN(std::vector<std::string> key, MirroredKey(table, base));
  while (true) {
    TablePlan plan = base;
    RETURN_IF_ERROR(ResolveIcebergTable(plan, *catalog_.catalog, stores_, env_));
    MirrorPoint point;
    std::vector<change::RowChange> after;
    ASSIGN_OR_RETURN(Step step, Decide(plan, table_id, at, &point, &after));
    if (step == Step::kNewPoint) return std::optional<Outcome>();
    if (step == Step::kNotMirror) {
      return std::optional<Outcome>(Outcome{
          Outcome::Kind::kNotMirror,
          base.source.QualifiedName() + ": not yet a mirror (its initial load is not complete)"});
    }
    if (step == Step::kCompare) {
      iceberg::TableMetadata metadata = plan.state.metadata;
      metadata.current_snapshot_id = point.snapshot_id;
      ASSIGN_OR_RETURN(
          TableComparison comparison,
          CompareTable(plan, metadata, after, *source,
                       {.key_columns = key,
                        .memory_bytes_max = config_.sink.materializer_index_memory_bytes,
                        .differences_max = options_.differences_max}));
      RETURN_IF_ERROR(source->Exec("COMMIT").status());
      return std::optional<Outcome>(Compared(plan, comparison, point, after.size(), at));
    }
    if (env_.clock.MonotonicMicros() > deadline_micros) {
      return Status::Unavailable(
          "timed out waiting for the mirror to reach LSN " + change::FormatLsn(at) +
          " (capture staging it and the materializer committing it); is `pg2iceberg run` "
          "running? Raise --timeout for a mirror that lags");
    }
    env_.clock.SleepMicros(options_.poll_interval_ms * 1000);
  }
}

Result<Step> Verifier::Decide(const TablePlan& plan, int64_t table_id, change::Lsn at,
                              MirrorPoint* point, std::vector<change::RowChange>* after) {
  std::optional<MirrorPoint> current;
  ASSIGN_OR_RETURN(std::optional<MirrorPoint> newest,
                   NewestPointAtOrBefore(plan.state.metadata, at, &current));
  // No snapshot of the current lineage completes an initial load (a foreign snapshot on top of
  // a mirrored one still counts: it inherits; docs/verify.md).
  if (!current.has_value()) return Step::kNotMirror;
  // The mirror's history begins after P (a reload): only a newer P can match.
  if (!newest.has_value()) {
    return current->commit_lsn > at ? Step::kNewPoint : Step::kWait;
  }
  const bool final = current->commit_lsn > at;
  ASSIGN_OR_RETURN(PointRead read,
                   CheckPoint(*coordinator_, *staging_, table_id, plan.source.QualifiedName(),
                              *newest, at, options_.changes_max));
  *point = *newest;
  if (read.check == PointCheck::kMatches) {
    *after = std::move(read.changes);
    return Step::kCompare;
  }
  // A newer snapshot is past P, and this one's changes up to P are gone or too many to fold.
  if (read.check != PointCheck::kNotYetStaged && final) return Step::kNewPoint;
  return Step::kWait;
}

Outcome Verifier::Compared(const TablePlan& plan, const TableComparison& comparison,
                           const MirrorPoint& point, size_t changes, change::Lsn at) const {
  const std::string where = "source at LSN " + change::FormatLsn(at) + ", Iceberg snapshot " +
                            std::to_string(point.snapshot_id) + " (commit-lsn " +
                            change::FormatLsn(point.commit_lsn) + ") + " + std::to_string(changes) +
                            " staged changes";
  if (comparison.equal()) {
    return {Outcome::Kind::kEqual, plan.source.QualifiedName() + ": equal (" +
                                       std::to_string(comparison.source_rows) + " rows; " + where +
                                       ")"};
  }
  std::string text = plan.source.QualifiedName() + ": different (" +
                     std::to_string(comparison.differences) + " keys differ; " +
                     std::to_string(comparison.source_rows) + " rows in Postgres, " +
                     std::to_string(comparison.iceberg_rows) + " in Iceberg; " + where + ")";
  for (const RowDifference& difference : comparison.first) {
    text += "\n  " + DescribeDifference(difference);
  }
  return {Outcome::Kind::kDifferent, std::move(text)};
}

}  // namespace

Status RunVerify(const Config& config, Env& env, const VerifyOptions& options,
                 const std::function<void(const std::string&)>& report) {
  Verifier verifier(config, env, options);
  RETURN_IF_ERROR(verifier.Open());
  int different = 0, not_mirror = 0, failed = 0;
  for (const TableConfig& table : config.tables) {
    Outcome outcome = verifier.Verify(table);
    report(outcome.text);
    different += outcome.kind == Outcome::Kind::kDifferent;
    not_mirror += outcome.kind == Outcome::Kind::kNotMirror;
    failed += outcome.kind == Outcome::Kind::kFailed;
  }
  if (different + not_mirror + failed == 0) return Status::Ok();
  return Status::DataLoss("verify: of " + std::to_string(config.tables.size()) + " tables, " +
                          std::to_string(different) + " differ, " + std::to_string(not_mirror) +
                          " are not yet mirrors, " + std::to_string(failed) +
                          " could not be verified");
}

}  // namespace pg2iceberg
