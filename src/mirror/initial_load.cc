#include "mirror/initial_load.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>

#include "base/parse_number.h"
#include "iceberg/summary_keys.h"
#include "materializer/progress.h"
#include "mirror/snapshot_source.h"
#include "mirror/table_copy.h"
#include "pg/replication_setup.h"
#include "pg/source_connection.h"
#include "table/catalog_factory.h"
#include "table/table_stores.h"

namespace pg2iceberg {
namespace {

constexpr int64_t kProgressIntervalMicros = 10'000'000;
constexpr int64_t kLiveProgressIntervalMicros = 500'000;
constexpr int64_t kPageBytes = 8192;

// One table being loaded: its plan, its ranges, what its finished ranges wrote.
struct TableLoad {
  TablePlan plan;
  int64_t log_offset = 0;
  int64_t ranges = 1;
  int64_t ranges_left = 1;
  int64_t pages_per_range = 0;  // 0: one range, the whole table
  int64_t estimated_rows = 0;   // pg_class.reltuples, for the progress line
  std::vector<iceberg::DataFile> files;
  std::vector<std::string> keys;
  std::atomic<int64_t> rows{0};
  bool committed = false;
};

struct Range {
  size_t table = 0;
  int64_t index = 0;
};

// The CTID condition of range `index` of `load` (empty: the whole table). The last range is
// open-ended, so rows in pages the size estimate missed are still copied. Over a partitioned
// table the condition applies to each partition's own CTIDs, so the ranges still cover every
// row exactly once.
std::string RangeCondition(const TableLoad& load, int64_t index) {
  if (load.ranges <= 1) return "";
  const int64_t from = index * load.pages_per_range;
  std::string condition = "ctid >= '(" + std::to_string(from) + ",0)'::tid";
  if (index + 1 < load.ranges) {
    condition += " AND ctid < '(" + std::to_string(from + load.pages_per_range) + ",0)'::tid";
  }
  return condition;
}

// Size on disk of the table's largest relation (itself or, partitioned, its largest partition)
// and its estimated row count, as the catalog holds them now.
Status EstimateSize(TableLoad& load, PgConnection& source, int64_t chunk_bytes) {
  const std::string name = QuoteIdentifier(load.plan.source.schema_name) + "." +
                           QuoteIdentifier(load.plan.source.table_name);
  ASSIGN_OR_RETURN(
      PgRows rows,
      source.ExecParams("SELECT coalesce(max(pg_relation_size(relid)), 0)::text, "
                        "coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint::text "
                        "FROM pg_partition_tree($1::regclass) t JOIN pg_class c ON c.oid = t.relid",
                        {name}));
  if (rows.rows.size() != 1 || !rows.rows[0][0] || !rows.rows[0][1]) {
    return Status::Internal("sizing " + load.plan.source.QualifiedName() + ": no row");
  }
  ASSIGN_OR_RETURN(int64_t bytes,
                   ParseInt64(*rows.rows[0][0], "relation size", StatusCode::kInternal));
  ASSIGN_OR_RETURN(load.estimated_rows,
                   ParseInt64(*rows.rows[0][1], "reltuples", StatusCode::kInternal));
  const int64_t pages = bytes / kPageBytes;
  const int64_t pages_per_range = std::max<int64_t>(1, chunk_bytes / kPageBytes);
  load.ranges = std::max<int64_t>(1, (pages + pages_per_range - 1) / pages_per_range);
  load.ranges_left = load.ranges;
  load.pages_per_range = pages_per_range;
  return Status::Ok();
}

std::string ProgressLine(const TableLoad& load, double seconds) {
  const int64_t rows = load.rows.load();
  const double rate = seconds > 0 ? static_cast<double>(rows) / seconds : 0;
  char line[256];
  if (load.estimated_rows > rows && rate > 0) {
    std::snprintf(line, sizeof line, "%" PRId64 " rows, %.0f rows/s, about %.0f%%, ETA %.0f s",
                  rows, rate, 100.0 * static_cast<double>(rows) / load.estimated_rows,
                  static_cast<double>(load.estimated_rows - rows) / rate);
  } else {
    std::snprintf(line, sizeof line, "%" PRId64 " rows, %.0f rows/s", rows, rate);
  }
  return "initial load of " + load.plan.source.QualifiedName() + ": " + line;
}

// Imports `snapshot` into a new REPEATABLE READ transaction on a new source connection.
Result<std::unique_ptr<PgConnection>> ImportSnapshot(const Config& config,
                                                     const std::string& snapshot, Env& env) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection,
                   ConnectSource(config.source.postgres, env));
  RETURN_IF_ERROR(connection->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").status());
  RETURN_IF_ERROR(connection->Exec("SET TRANSACTION SNAPSHOT " + QuoteLiteral(snapshot)).status());
  return connection;
}

class Loader {
 public:
  Loader(const Config& config, Env& env, const std::atomic<bool>& stop,
         const std::function<Status(const TablePlan&)>& loaded)
      : config_(config), env_(env), stop_(stop), loaded_(loaded) {}

  Status Run(const std::vector<LoadRequest>& requests);

 private:
  Status Prepare(const std::vector<LoadRequest>& requests, PgConnection& main);
  Status Worker(PgConnection& connection);
  Status CopyRange(const Range& range, PgConnection& connection);
  Status Commit(TableLoad& load);
  bool Aborted() const { return stop_.load() || failed_.load(); }

  const Config& config_;
  Env& env_;
  const std::atomic<bool>& stop_;
  const std::function<Status(const TablePlan&)>& loaded_;
  change::Lsn point_ = 0;
  OpenedCatalog catalog_;
  std::unique_ptr<TableStores> stores_;
  std::vector<std::unique_ptr<TableLoad>> loads_;
  std::mutex mu_;  // guards ranges_, the loads' files, keys, ranges_left, committed; commits
  std::deque<Range> ranges_;
  std::atomic<bool> failed_{false};
  std::atomic<int> workers_running_{0};
};

Status Loader::Prepare(const std::vector<LoadRequest>& requests, PgConnection& main) {
  std::vector<TableConfig> tables;
  for (const LoadRequest& request : requests) tables.push_back(request.table);
  // Locks first (TRUNCATE and rewrites are not MVCC-safe), then proof that the locked tables
  // are the ones the snapshot sees, unfiltered by row security (snapshot_source.h).
  RETURN_IF_ERROR(LockSnapshotTables(main, tables, config_.source.postgres.lock_timeout_ms));
  std::vector<TablePlan> plans;
  for (const LoadRequest& request : requests) {
    ASSIGN_OR_RETURN(TablePlan plan, PlanSourceTable(request.table, config_.sink, main));
    plans.push_back(std::move(plan));
  }
  RETURN_IF_ERROR(CheckSnapshotTables(main, plans));
  ASSIGN_OR_RETURN(catalog_, OpenCatalog(config_, env_));
  stores_ = std::make_unique<TableStores>(config_.sink, env_);
  for (size_t i = 0; i < plans.size(); ++i) {
    RETURN_IF_ERROR(ResolveIcebergTable(plans[i], *catalog_.catalog, *stores_, env_));
    RETURN_IF_ERROR(catalog_.catalog->EnsureNamespace(plans[i].state.ident.table_namespace));
    auto load = std::make_unique<TableLoad>();
    load->plan = std::move(plans[i]);
    load->log_offset = requests[i].log_offset;
    if (requests[i].table.skip_snapshot) {
      load->ranges = load->ranges_left = 0;
    } else {
      RETURN_IF_ERROR(EstimateSize(*load, main, config_.source.snapshot_chunk_bytes));
      for (int64_t r = 0; r < load->ranges; ++r) ranges_.push_back({loads_.size(), r});
    }
    loads_.push_back(std::move(load));
  }
  return Status::Ok();
}

Status Loader::Commit(TableLoad& load) {
  iceberg::TableCommitInput input{
      load.plan.state, load.files, iceberg::CommitMode::kReplaceAll,
      materializer::ProgressSummary({.commit_lsn = point_, .log_offset = load.log_offset}),
      load.plan.store};
  input.summary[std::string(iceberg::summary::kPgOperation)] =
      std::string(iceberg::summary::kPgOperationSnapshot);
  input.summary[std::string(iceberg::summary::kInitialLoad)] =
      std::string(iceberg::summary::kInitialLoadComplete);
  input.format_version = load.plan.format_version;
  input.schema = load.plan.schema;
  input.properties = load.plan.properties;
  iceberg::CommitServices services{*load.plan.store, *catalog_.catalog, env_.random, env_.clock};
  std::vector<Result<iceberg::TableState>> results =
      iceberg::CommitSnapshots(services, {std::move(input)});
  if (!results[0].ok()) {
    if (!iceberg::CommitMayHaveApplied(results[0].status())) {
      RemoveQuietly(*load.plan.store, load.keys, env_);
    }
    load.keys.clear();
    return results[0].status().WithContext("committing the initial load of " +
                                           load.plan.source.QualifiedName());
  }
  load.plan.state = std::move(*results[0]);
  load.committed = true;
  env_.log.Info("initial load of " + load.plan.source.QualifiedName() + " committed: " +
                std::to_string(load.rows.load()) + " rows in " + std::to_string(load.files.size()) +
                " data files, as of LSN " + change::FormatLsn(point_));
  return loaded_(load.plan);
}

Status Loader::CopyRange(const Range& range, PgConnection& connection) {
  TableLoad& load = *loads_[range.table];
  ASSIGN_OR_RETURN(
      CopiedFiles copied,
      CopyTableRows(load.plan, connection, *load.plan.store, config_.sink,
                    RangeCondition(load, range.index), env_, [&](int64_t rows) -> Status {
                      load.rows += rows;
                      if (Aborted()) return Status::Unavailable("load stopped");
                      return Status::Ok();
                    }));
  std::lock_guard<std::mutex> lock(mu_);
  load.files.insert(load.files.end(), copied.files.begin(), copied.files.end());
  load.keys.insert(load.keys.end(), copied.keys.begin(), copied.keys.end());
  if (--load.ranges_left > 0 || Aborted()) return Status::Ok();
  return Commit(load);
}

Status Loader::Worker(PgConnection& connection) {
  while (true) {
    Range range;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (ranges_.empty() || Aborted()) break;
      range = ranges_.front();
      ranges_.pop_front();
    }
    Status status = CopyRange(range, connection);
    if (!status.ok()) {
      failed_ = true;
      --workers_running_;
      return status;
    }
  }
  --workers_running_;
  return Status::Ok();
}

Status Loader::Run(const std::vector<LoadRequest>& requests) {
  // The snapshot: a temporary slot's, exported until its connection runs another command.
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> replication,
                   ConnectReplication(config_.source.postgres, "pg2iceberg-load", env_));
  char slot_name[40];
  std::snprintf(slot_name, sizeof slot_name, "pg2iceberg_load_%016" PRIx64, env_.random.Next64());
  ASSIGN_OR_RETURN(pg::ExportedSnapshot exported,
                   pg::CreateTemporarySlotWithSnapshot(*replication, slot_name));
  point_ = exported.consistent_point;
  for (const LoadRequest& request : requests) {
    if (point_ < request.not_before) {
      return Status::Internal("the initial load's snapshot (" + change::FormatLsn(point_) +
                              ") precedes the start of capture of " + request.table.name + " (" +
                              change::FormatLsn(request.not_before) + ")");
    }
  }
  std::vector<std::unique_ptr<PgConnection>> connections;
  for (int64_t i = 0; i < config_.source.snapshot_workers; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection,
                     ImportSnapshot(config_, exported.snapshot_name, env_));
    connections.push_back(std::move(connection));
  }
  replication.reset();  // imported everywhere: the temporary slot can go
  env_.log.Info("initial load of " + std::to_string(requests.size()) + " table(s) as of LSN " +
                change::FormatLsn(point_) + " on " + std::to_string(connections.size()) +
                " connection(s)");
  RETURN_IF_ERROR(Prepare(requests, *connections[0]));
  // Tables with nothing to copy (skip_snapshot) are committed empty at once.
  for (std::unique_ptr<TableLoad>& load : loads_) {
    if (load->ranges == 0) RETURN_IF_ERROR(Commit(*load));
  }
  const int64_t started = env_.clock.MonotonicMicros();
  std::vector<std::function<Status()>> work;
  workers_running_ = static_cast<int>(connections.size());
  for (std::unique_ptr<PgConnection>& connection : connections) {
    work.push_back([this, &connection] { return Worker(*connection); });
  }
  work.push_back([&]() -> Status {
    // On a terminal a live block, a line per table; elsewhere a log line per table every
    // kProgressIntervalMicros.
    const bool live = env_.log.ShowsProgress();
    const int64_t interval = live ? kLiveProgressIntervalMicros : kProgressIntervalMicros;
    int64_t next_report = live ? started : started + interval;
    while (workers_running_.load() > 0) {
      const int64_t now = env_.clock.MonotonicMicros();
      if (now >= next_report) {
        next_report = now + interval;
        const double seconds = static_cast<double>(now - started) / 1e6;
        std::vector<std::string> lines;
        std::lock_guard<std::mutex> lock(mu_);
        for (const std::unique_ptr<TableLoad>& load : loads_) {
          if (live) {
            lines.push_back(load->committed
                                ? "initial load of " + load->plan.source.QualifiedName() +
                                      ": done, " + std::to_string(load->rows.load()) + " rows"
                                : ProgressLine(*load, seconds));
          } else if (!load->committed && load->rows.load() > 0) {
            env_.log.Info(ProgressLine(*load, seconds));
          }
        }
        if (live) env_.log.SetProgress(lines);
      }
      env_.clock.SleepMicros(100'000);
    }
    if (live) env_.log.SetProgress({});
    return Status::Ok();
  });
  std::vector<Status> statuses = env_.tasks.RunAll(std::move(work));
  Status first = Status::Ok();
  for (const Status& status : statuses) {
    if (!status.ok() && first.ok()) first = status;
  }
  for (std::unique_ptr<TableLoad>& load : loads_) {
    if (!load->committed) RemoveQuietly(*load->plan.store, load->keys, env_);
  }
  for (std::unique_ptr<PgConnection>& connection : connections) {
    Status status = connection->Exec("COMMIT").status();
    if (first.ok() && !stop_.load()) first = status;
  }
  if (stop_.load() && !failed_.load()) return Status::Ok();
  return first;
}

}  // namespace

Status RunInitialLoad(const Config& config, const std::vector<LoadRequest>& requests, Env& env,
                      const std::atomic<bool>& stop,
                      const std::function<Status(const TablePlan&)>& loaded) {
  if (requests.empty()) return Status::Ok();
  Loader loader(config, env, stop, loaded);
  return loader.Run(requests);
}

}  // namespace pg2iceberg
