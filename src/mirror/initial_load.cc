#include "mirror/initial_load.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

#include "base/parse_number.h"
#include "iceberg/summary_keys.h"
#include "materializer/progress.h"
#include "mirror/load_plan.h"
#include "mirror/materialize_loop.h"
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

// Checkpoints: a load commits the ranges it has copied at least every 1/kCheckpointsPerLoad of
// its ranges, and at least every kCheckpointIntervalMicros while ranges are waiting.
constexpr int64_t kCheckpointsPerLoad = 32;
constexpr int64_t kCheckpointIntervalMicros = 60'000'000;

// One table being loaded: its plan, its ranges, what its finished ranges wrote.
struct TableLoad {
  TablePlan plan;
  int64_t log_offset = 0;
  LoadPlan ranges;           // one range (no boundaries) for a small table
  std::string ranges_key;    // object-store key of `ranges` ("" for one range)
  std::vector<bool> copied;  // ranges committed, by this load or an earlier one
  int64_t ranges_left = 0;   // ranges of this load not written yet
  // The point the earliest committed range was read at: this load's own point unless it
  // resumes an earlier one.
  change::Lsn replay_from = 0;
  bool replace_next = true;  // the next commit replaces what the table held (a fresh load)
  int64_t checkpoint_every = 1;
  int64_t last_commit_micros = 0;
  int64_t estimated_rows = 0;    // pg_class.reltuples of the ranges left, for the progress line
  std::vector<int64_t> written;  // ranges written since the last commit
  std::vector<iceberg::DataFile> files;  // ... their files
  std::vector<std::string> keys;         // ... and the files' object-store keys
  std::atomic<int64_t> rows{0};
  bool committed = false;  // every range committed
};

struct Range {
  size_t table = 0;
  int64_t index = 0;
};

struct TableSize {
  int64_t pages = 0;
  int64_t rows = 0;  // pg_class.reltuples
};

// Size on disk of the table (over a partitioned table, of all its partitions) and its estimated
// row count, as the catalog holds them now.
Result<TableSize> EstimateSize(const TablePlan& plan, PgConnection& source) {
  const std::string name =
      QuoteIdentifier(plan.source.schema_name) + "." + QuoteIdentifier(plan.source.table_name);
  ASSIGN_OR_RETURN(
      PgRows rows,
      source.ExecParams("SELECT coalesce(sum(pg_relation_size(relid)), 0)::text, "
                        "coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint::text "
                        // pg_partition_tree lists nothing for a table that is not partitioned
                        "FROM (SELECT $1::regclass AS relid UNION "
                        "      SELECT relid FROM pg_partition_tree($1::regclass)) t "
                        "JOIN pg_class c ON c.oid = t.relid",
                        {name}));
  if (rows.rows.size() != 1 || !rows.rows[0][0] || !rows.rows[0][1]) {
    return Status::Internal("sizing " + plan.source.QualifiedName() + ": no row");
  }
  TableSize size;
  ASSIGN_OR_RETURN(int64_t bytes,
                   ParseInt64(*rows.rows[0][0], "relation size", StatusCode::kInternal));
  ASSIGN_OR_RETURN(size.rows, ParseInt64(*rows.rows[0][1], "reltuples", StatusCode::kInternal));
  size.pages = bytes / kPageBytes;
  return size;
}

std::string Find(const std::map<std::string, std::string>& summary, std::string_view key) {
  auto it = summary.find(std::string(key));
  return it == summary.end() ? "" : it->second;
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
  // Takes up the ranges an earlier load committed; false (logged why) when it cannot, and the
  // table is loaded afresh. Errors: reading the plan (but for its absence), the checks' queries.
  Result<bool> Resume(TableLoad& load, const std::vector<std::string>& key, PgConnection& main);
  Status PlanRanges(TableLoad& load, const std::vector<std::string>& key, PgConnection& main);
  Status Worker(PgConnection& connection);
  Status CopyRange(const Range& range, PgConnection& connection);
  // Commits the ranges written since the last commit: as a checkpoint ("in-progress"), or, with
  // `last`, as the load's end ("complete", or "replaying" when the ranges were read at
  // different points).
  Status Commit(TableLoad& load, bool last);
  bool Aborted() const { return stop_.load() || failed_.load(); }

  const Config& config_;
  Env& env_;
  const std::atomic<bool>& stop_;
  const std::function<Status(const TablePlan&)>& loaded_;
  change::Lsn point_ = 0;
  OpenedCatalog catalog_;
  std::unique_ptr<TableStores> stores_;
  std::vector<std::unique_ptr<TableLoad>> loads_;
  std::mutex mu_;  // guards ranges_ and the loads' fields but rows; commits
  std::deque<Range> ranges_;
  std::atomic<bool> failed_{false};
  std::atomic<int> workers_running_{0};
};

Result<bool> Loader::Resume(TableLoad& load, const std::vector<std::string>& key,
                            PgConnection& main) {
  const iceberg::Snapshot* current = load.plan.state.metadata.CurrentSnapshot();
  if (current == nullptr || Find(current->summary, iceberg::summary::kInitialLoad) !=
                                iceberg::summary::kInitialLoadInProgress) {
    return false;
  }
  const std::string name = load.plan.source.QualifiedName();
  const std::string plan_key = Find(current->summary, iceberg::summary::kLoadPlan);
  auto fresh = [&](const std::string& why) {
    env_.log.Info("initial load of " + name + ": the copy an earlier load left is not resumed (" +
                  why + "); loading the table afresh");
    if (!plan_key.empty()) RemoveQuietly(*load.plan.store, {plan_key}, env_);
    return false;
  };
  if (plan_key.empty()) return fresh("it records no plan");
  Result<Bytes> document = load.plan.store->Get(plan_key);
  if (document.status().code() == StatusCode::kNotFound)
    return fresh("its plan " + plan_key + " is gone");
  RETURN_IF_ERROR(document.status().WithContext("reading the load plan " + plan_key));
  Result<LoadPlan> plan = DecodeLoadPlan(AsStringView(*document));
  if (!plan.ok()) return fresh("its plan " + plan_key + ": " + plan.status().ToString());
  if (plan->key != key) return fresh("the table's key changed");
  // Under a savepoint: a plan that fails to parse as the key must not end the load's
  // transaction.
  RETURN_IF_ERROR(main.Exec("SAVEPOINT load_plan_check").status());
  Status checked = CheckLoadPlan(main, load.plan.source, *plan);
  RETURN_IF_ERROR(main.Exec(checked.ok() ? "RELEASE SAVEPOINT load_plan_check"
                                         : "ROLLBACK TO SAVEPOINT load_plan_check")
                      .status());
  if (checked.code() == StatusCode::kUnavailable) return checked;  // the connection, not the plan
  if (!checked.ok()) return fresh("its plan " + plan_key + ": " + checked.ToString());
  const iceberg::Schema* schema = load.plan.state.metadata.CurrentSchema();
  if (schema == nullptr || schema->fields != load.plan.schema.fields) {
    return fresh("the source table's columns changed");
  }
  Result<std::optional<materializer::CommittedProgress>> progress =
      materializer::ProgressOf(current->summary, name);
  if (!progress.ok() || !progress->has_value()) return fresh("its progress is unreadable");
  Result<std::vector<bool>> copied =
      ParseRangeSet(Find(current->summary, iceberg::summary::kLoadRangesDone), plan->ranges());
  if (!copied.ok()) return fresh("its copied ranges: " + copied.status().ToString());
  load.ranges = std::move(*plan);
  load.ranges_key = plan_key;
  load.copied = std::move(*copied);
  load.replay_from = (*progress)->commit_lsn;
  load.replace_next = false;
  const int64_t done = std::count(load.copied.begin(), load.copied.end(), true);
  env_.log.Info("initial load of " + name + " resumes: " + std::to_string(done) + " of " +
                std::to_string(load.ranges.ranges()) + " key ranges were copied as of LSN " +
                change::FormatLsn(load.replay_from) + "; the others are copied as of " +
                change::FormatLsn(point_) +
                ", and the changes between are applied before the table is a mirror");
  return true;
}

Status Loader::PlanRanges(TableLoad& load, const std::vector<std::string>& key,
                          PgConnection& main) {
  ASSIGN_OR_RETURN(TableSize size, EstimateSize(load.plan, main));
  load.estimated_rows = size.rows;
  const int64_t pages_per_range =
      std::max<int64_t>(1, config_.source.snapshot_chunk_bytes / kPageBytes);
  const int64_t wanted = (size.pages + pages_per_range - 1) / pages_per_range;
  load.ranges = LoadPlan{.key = key};
  if (wanted > 1) {
    ASSIGN_OR_RETURN(bool indexed, KeyIsIndexed(main, load.plan.source, key));
    if (indexed) {
      ASSIGN_OR_RETURN(load.ranges,
                       SampleLoadPlan(main, load.plan.source, key, wanted, size.pages));
    } else {
      env_.log.Info("initial load of " + load.plan.source.QualifiedName() +
                    ": no index leads with its key columns, so it is copied as one range (on "
                    "one connection, and from the start again after a crash)");
    }
  }
  env_.log.Info("initial load of " + load.plan.source.QualifiedName() + ": about " +
                std::to_string(size.rows) + " rows in " + std::to_string(size.pages) +
                " pages, copied as " + std::to_string(load.ranges.ranges()) + " key range(s)");
  if (load.ranges.ranges() > 1) {
    char name[64];
    std::snprintf(name, sizeof name, "/metadata/pg2iceberg-load-plan-%016" PRIx64 ".json",
                  env_.random.Next64());
    load.ranges_key = load.plan.key_prefix + name;
    const std::string document = EncodeLoadPlan(load.ranges);
    RETURN_IF_ERROR(load.plan.store->Put(load.ranges_key, AsBytes(document), {}));
  }
  load.copied.assign(static_cast<size_t>(load.ranges.ranges()), false);
  load.replay_from = point_;
  load.replace_next = true;
  return Status::Ok();
}

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
    ASSIGN_OR_RETURN(std::vector<std::string> key, MirroredKey(requests[i].table, plans[i]));
    auto load = std::make_unique<TableLoad>();
    load->plan = std::move(plans[i]);
    load->log_offset = requests[i].log_offset;
    if (requests[i].table.skip_snapshot) {
      load->ranges = LoadPlan{.key = key};
      load->copied = {true};  // nothing to copy: committed empty at once
      load->replay_from = point_;
    } else {
      ASSIGN_OR_RETURN(bool resumed, Resume(*load, key, main));
      if (resumed) {
        ASSIGN_OR_RETURN(TableSize size, EstimateSize(load->plan, main));
        load->estimated_rows = size.rows;
      } else {
        RETURN_IF_ERROR(PlanRanges(*load, key, main));
      }
    }
    const int64_t ranges = load->ranges.ranges();
    for (int64_t r = 0; r < ranges; ++r) {
      if (load->copied[r]) continue;
      ranges_.push_back({loads_.size(), r});
      ++load->ranges_left;
    }
    load->estimated_rows = load->estimated_rows * load->ranges_left / ranges;
    load->checkpoint_every = std::max<int64_t>(1, ranges / kCheckpointsPerLoad);
    load->last_commit_micros = env_.clock.MonotonicMicros();
    loads_.push_back(std::move(load));
  }
  return Status::Ok();
}

Status Loader::Commit(TableLoad& load, bool last) {
  const std::string name = load.plan.source.QualifiedName();
  std::vector<bool> copied = load.copied;
  for (int64_t range : load.written) copied[range] = true;
  const bool replays = last && load.replay_from < point_;
  iceberg::TableCommitInput input{
      load.plan.state, load.files,
      load.replace_next ? iceberg::CommitMode::kReplaceAll : iceberg::CommitMode::kAppend,
      materializer::ProgressSummary({.commit_lsn = load.replay_from,
                                     .log_offset = load.log_offset,
                                     .replay_to = replays ? point_ : 0}),
      load.plan.store};
  input.summary[std::string(iceberg::summary::kPgOperation)] =
      std::string(iceberg::summary::kPgOperationSnapshot);
  if (!last) {
    input.summary[std::string(iceberg::summary::kInitialLoad)] =
        std::string(iceberg::summary::kInitialLoadInProgress);
    input.summary[std::string(iceberg::summary::kLoadPlan)] = load.ranges_key;
    input.summary[std::string(iceberg::summary::kLoadRangesDone)] = FormatRangeSet(copied);
  }
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
    return results[0].status().WithContext("committing the initial load of " + name);
  }
  load.plan.state = std::move(*results[0]);
  load.copied = std::move(copied);
  load.replace_next = false;
  load.last_commit_micros = env_.clock.MonotonicMicros();
  const int64_t files = static_cast<int64_t>(load.files.size());
  load.written.clear();
  load.files.clear();
  load.keys.clear();
  if (!last) {
    env_.log.Info("initial load of " + name + ": " +
                  std::to_string(std::count(load.copied.begin(), load.copied.end(), true)) +
                  " of " + std::to_string(load.copied.size()) + " key ranges committed");
    return Status::Ok();
  }
  load.committed = true;
  if (!load.ranges_key.empty()) RemoveQuietly(*load.plan.store, {load.ranges_key}, env_);
  env_.log.Info(
      "initial load of " + name + " committed: " + std::to_string(load.rows.load()) +
      " rows copied by this load (" + std::to_string(files) + " data files in its last commit), " +
      (replays ? "ranges read from LSN " + change::FormatLsn(load.replay_from) + " to " +
                     change::FormatLsn(point_) +
                     ": the materializer applies the changes between before the table is a "
                     "mirror"
               : "as of LSN " + change::FormatLsn(point_)));
  return loaded_(load.plan);
}

Status Loader::CopyRange(const Range& range, PgConnection& connection) {
  TableLoad& load = *loads_[range.table];
  ASSIGN_OR_RETURN(
      CopiedFiles copied,
      CopyTableRows(load.plan, connection, *load.plan.store, config_.sink,
                    RangeCondition(load.ranges, range.index), env_, [&](int64_t rows) -> Status {
                      load.rows += rows;
                      if (Aborted()) return Status::Unavailable("load stopped");
                      return Status::Ok();
                    }));
  std::lock_guard<std::mutex> lock(mu_);
  load.files.insert(load.files.end(), copied.files.begin(), copied.files.end());
  load.keys.insert(load.keys.end(), copied.keys.begin(), copied.keys.end());
  load.written.push_back(range.index);
  if (Aborted()) return Status::Ok();
  if (--load.ranges_left == 0) return Commit(load, /*last=*/true);
  const bool due =
      static_cast<int64_t>(load.written.size()) >= load.checkpoint_every ||
      env_.clock.MonotonicMicros() - load.last_commit_micros >= kCheckpointIntervalMicros;
  return due ? Commit(load, /*last=*/false) : Status::Ok();
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
  // Tables with nothing left to copy (skip_snapshot) are committed at once.
  for (std::unique_ptr<TableLoad>& load : loads_) {
    if (load->ranges_left == 0) RETURN_IF_ERROR(Commit(*load, /*last=*/true));
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
