#include "mirror/materialize_loop.h"

#include "iceberg/partition.h"
#include "iceberg/summary_keys.h"
#include "mirror/capture_session.h"
#include "mirror/table_copy.h"
#include "table/warehouse.h"

namespace pg2iceberg {

bool InitialLoadComplete(const iceberg::TableState& state) {
  const iceberg::Snapshot* current = state.metadata.CurrentSnapshot();
  if (current == nullptr) return false;
  auto it = current->summary.find(std::string(iceberg::summary::kInitialLoad));
  return it != current->summary.end() && it->second == iceberg::summary::kInitialLoadComplete;
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

Result<materializer::IcebergTableLayout> LayoutOf(const TableConfig& table, const TablePlan& plan,
                                                  int64_t table_id) {
  ASSIGN_OR_RETURN(std::vector<std::string> key, MirroredKey(table, plan));
  const iceberg::Schema* current = plan.state.metadata.CurrentSchema();
  if (current == nullptr || current->fields != plan.schema.fields) {
    return Status::InvalidArgument(
        "table " + plan.source.QualifiedName() +
        ": its columns changed since its Iceberg table was loaded, and following schema changes "
        "is not built yet. Way out: stop pg2iceberg, run `pg2iceberg cleanup "
        "--drop-iceberg-tables` and `pg2iceberg run` again to reload");
  }
  ASSIGN_OR_RETURN(const iceberg::PartitionSpec* spec,
                   iceberg::DefaultPartitionSpec(plan.state.metadata));
  ASSIGN_OR_RETURN(std::vector<iceberg::BoundPartitionField> fields,
                   iceberg::BindPartitionSpec(*spec, plan.schema));
  return materializer::IcebergTableLayout{.name = plan.source.QualifiedName(),
                                          .table_id = table_id,
                                          .key_columns = std::move(key),
                                          .columns = plan.columns,
                                          .schema = plan.schema,
                                          .partition_fields = std::move(fields),
                                          .data_key_prefix = plan.key_prefix + "/data/",
                                          .format_version = plan.format_version};
}

}  // namespace

Result<std::unique_ptr<MaterializeLoop>> MaterializeLoop::Open(const Config& config, Env& env) {
  std::unique_ptr<MaterializeLoop> loop(new MaterializeLoop(config, env));
  ASSIGN_OR_RETURN(loop->state_connection_, ConnectState(config, env));
  ASSIGN_OR_RETURN(loop->coordinator_,
                   stage::Coordinator::Open(*loop->state_connection_,
                                            config.state.coordinator_schema, config.state.group));
  ASSIGN_OR_RETURN(loop->catalog_, OpenCatalog(config, env));
  loop->stores_ = std::make_unique<TableStores>(config.sink, env);
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
    ASSIGN_OR_RETURN(materializer::IcebergTableLayout layout,
                     LayoutOf(entry.table, entry.plan, entry.table_id));
    const int64_t started = env_.clock.MonotonicMicros();
    ASSIGN_OR_RETURN(std::unique_ptr<materializer::IcebergTable> table,
                     materializer::IcebergTable::Open(
                         std::move(layout), entry.plan.state, *entry.plan.store, env_.random,
                         {.target_file_size_bytes = config_.sink.target_file_size_bytes,
                          .parquet = ParquetOptionsOf(config_.sink),
                          .index_memory_max_bytes = config_.sink.materializer_index_memory_bytes}));
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
