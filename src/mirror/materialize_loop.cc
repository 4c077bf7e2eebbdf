#include "mirror/materialize_loop.h"

#include "iceberg/summary_keys.h"
#include "mirror/capture_session.h"
#include "mirror/table_copy.h"
#include "pg/source_connection.h"
#include "pg/table_discovery.h"
#include "stage/pg_coordinator.h"
#include "table/warehouse.h"

namespace pg2iceberg {

bool InitialLoadCopied(const iceberg::TableState& state) {
  const iceberg::Snapshot* current = state.metadata.CurrentSnapshot();
  if (current == nullptr) return false;
  auto it = current->summary.find(std::string(iceberg::summary::kInitialLoad));
  return it != current->summary.end() && (it->second == iceberg::summary::kInitialLoadComplete ||
                                          it->second == iceberg::summary::kInitialLoadReplaying);
}

Result<std::vector<std::string>> MirroredKey(const TableConfig& table, const TablePlan& plan) {
  std::vector<std::string> key =
      table.primary_key.empty() ? plan.source.primary_key : table.primary_key;
  if (key.empty()) {
    return Status::InvalidArgument(
        "table " + plan.source.QualifiedName() +
        " has no primary key: the mirror finds each changed row by its key. Add a primary key "
        "(ALTER TABLE … ADD PRIMARY KEY), or name unique NOT NULL columns in tables[].primary_key");
  }
  return key;
}

namespace {

// The source catalog the materializer reads when a table's columns change, on a connection
// of its own opened at the first such change.
class PgSourceCatalog final : public materializer::SourceCatalog {
 public:
  PgSourceCatalog(const Config& config, Env& env) : config_(config), env_(env) {}

  Result<std::vector<pg::AttributeState>> Attributes(uint32_t relid) override {
    ASSIGN_OR_RETURN(PgConnection * connection, Connection());
    return pg::DescribeAttributes(*connection, relid);
  }

  Result<std::string> TypeName(uint32_t type_oid, int32_t type_modifier) override {
    ASSIGN_OR_RETURN(PgConnection * connection, Connection());
    ASSIGN_OR_RETURN(PgRows rows, connection->ExecParams(
                                      "SELECT pg_catalog.format_type($1::oid, $2::int)",
                                      {std::to_string(type_oid), std::to_string(type_modifier)}));
    if (rows.rows.size() != 1 || rows.rows[0].size() != 1) {
      return Status::Internal("unexpected format_type answer");
    }
    return rows.rows[0][0].value_or("oid " + std::to_string(type_oid));
  }

 private:
  Result<PgConnection*> Connection() {
    if (connection_ == nullptr) {
      ASSIGN_OR_RETURN(connection_, ConnectSource(config_.source.postgres, env_));
    }
    return connection_.get();
  }

  const Config& config_;
  Env& env_;
  std::unique_ptr<PgConnection> connection_;
};

}  // namespace

Result<std::unique_ptr<MaterializeLoop>> MaterializeLoop::Open(const Config& config, Env& env) {
  std::unique_ptr<MaterializeLoop> loop(new MaterializeLoop(config, env));
  ASSIGN_OR_RETURN(loop->state_connection_, ConnectState(config, env));
  ASSIGN_OR_RETURN(loop->coordinator_,
                   stage::PgCoordinator::Open(*loop->state_connection_,
                                              config.state.coordinator_schema, config.state.group));
  ASSIGN_OR_RETURN(loop->catalog_, OpenCatalog(config, env));
  loop->stores_ = std::make_unique<TableStores>(config.sink, env);
  loop->source_catalog_ = std::make_unique<PgSourceCatalog>(config, env);
  ASSIGN_OR_RETURN(loop->staging_, OpenWarehouse(config.sink, env));
  return loop;
}

MaterializeLoop::~MaterializeLoop() = default;

Result<std::vector<stage::TableState>> MaterializeLoop::RegisteredTables() {
  return coordinator_->LoadTables();
}

void MaterializeLoop::Add(const TableConfig& table, TablePlan plan, int64_t table_id) {
  std::lock_guard<std::mutex> lock(mu_);
  queued_.push_back({table, std::move(plan), table_id});
}

Status MaterializeLoop::TakeQueued() {
  std::vector<Queued> queued;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queued.swap(queued_);
  }
  if (queued.empty()) return Status::Ok();
  for (Queued& entry : queued) {
    RETURN_IF_ERROR(ResolveIcebergTable(entry.plan, *catalog_.catalog, *stores_, env_));
    // The table as its Iceberg metadata has it: the source may have changed since, and the
    // staged changes carry those changes in order (docs/materializer.md, "Schema changes").
    RETURN_IF_ERROR(MirroredKey(entry.table, entry.plan).status());
    ASSIGN_OR_RETURN(
        materializer::IcebergTableLayout layout,
        materializer::LayoutOfMetadata(
            entry.plan.source.QualifiedName(), entry.table_id, entry.plan.state.metadata,
            entry.plan.key_prefix + "/data/", entry.plan.format_version,
            {.wide_numeric_as_string = entry.table.wide_numeric_as_string}));
    const std::string& delete_mode =
        entry.table.delete_mode.empty() ? config_.sink.delete_mode : entry.table.delete_mode;
    layout.equality_deletes = delete_mode == "equality";
    const int64_t started = env_.clock.MonotonicMicros();
    ASSIGN_OR_RETURN(std::unique_ptr<materializer::IcebergTable> table,
                     materializer::IcebergTable::Open(
                         std::move(layout), entry.plan.state, *entry.plan.store, env_.random,
                         {.target_file_size_bytes = config_.sink.target_file_size_bytes,
                          .parquet = ParquetOptionsOf(config_.sink),
                          .index_memory_max_bytes = config_.sink.materializer_index_memory_bytes},
                         source_catalog_.get()));
    env_.log.Info("materializing " + table->name() + " (index of " +
                  std::to_string(table->index().size()) + " keys, " +
                  std::to_string(table->index().memory_bytes()) + " bytes, built in " +
                  std::to_string((env_.clock.MonotonicMicros() - started) / 1000) + " ms)");
    tables_.push_back(std::move(table));
  }
  std::vector<materializer::TableTarget*> targets;
  for (const std::unique_ptr<materializer::IcebergTable>& table : tables_) {
    targets.push_back(table.get());
  }
  materializer_ = std::make_unique<materializer::Materializer>(
      *coordinator_, *staging_,
      iceberg::CommitServices{*staging_, *catalog_.catalog, env_.random, env_.clock},
      std::move(targets), materializer::MaterializerOptions{}, env_.log);
  return materializer_->Recover();
}

Status MaterializeLoop::Run(const std::atomic<bool>& stop, const std::atomic<bool>& drained) {
  const int64_t interval = config_.sink.materializer_interval_ms * 1000;
  while (true) {
    const bool last = stop.load() && drained.load();
    RETURN_IF_ERROR(TakeQueued());
    bool caught_up = true;
    if (materializer_ != nullptr) {
      ASSIGN_OR_RETURN(materializer::CycleResult cycle, materializer_->RunCycle());
      caught_up = cycle.caught_up;
    }
    if (last && caught_up) return Status::Ok();
    if (!caught_up) continue;  // a backlog: the next batch at once
    const int64_t until = env_.clock.MonotonicMicros() + interval;
    while (env_.clock.MonotonicMicros() < until && !(stop.load() && drained.load())) {
      env_.clock.SleepMicros(100'000);
    }
  }
}

}  // namespace pg2iceberg
