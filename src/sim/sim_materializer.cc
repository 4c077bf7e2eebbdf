#include "sim/sim_materializer.h"

#include "env/faulty_object_store.h"
#include "sim/sim_capture.h"
#include "sim/sim_workload.h"

namespace pg2iceberg::sim {

// Opens the simulated warehouse (a transparent view of the seam's store) and nothing else.
class SimMaterializerProcess::Opener final : public ObjectStoreOpener {
 public:
  Opener(ObjectStore& warehouse, Random& random) : warehouse_(warehouse), random_(random) {}
  Result<std::unique_ptr<ObjectStore>> Open(std::string_view uri) override {
    if (uri != kSimWarehouse) {
      return Status::InvalidArgument("the simulator has no object store at " + std::string(uri));
    }
    return std::unique_ptr<ObjectStore>(
        std::make_unique<FaultyObjectStore>(warehouse_, random_, ObjectStoreFaultPlan{}));
  }

 private:
  ObjectStore& warehouse_;
  Random& random_;
};

// The materializer reaches neither Postgres nor HTTP in the simulator: both refuse.
class SimMaterializerProcess::NoSource final : public PgConnector, public HttpTransport {
 public:
  Result<std::unique_ptr<PgConnection>> Connect(const PgConnectParams&) override {
    return Status::Internal("the simulated materializer connects to no Postgres");
  }
  Result<HttpResponse> Send(const HttpRequest&) override {
    return Status::Internal("the simulated materializer sends no HTTP request");
  }
};

Result<TablePlan> PlanSimTable(const SimWal& wal, uint32_t relid, const SinkConfig& sink,
                               int format_version) {
  const pg::RelationMessage* shape = nullptr;
  for (const pg::RelationMessage& relation : wal.relations()) {
    if (relation.relid == relid) shape = &relation;
  }
  if (shape == nullptr)
    return Status::NotFound("the WAL never defined relid " + std::to_string(relid));
  pg::SourceTable source{.schema_name = shape->schema_name,
                         .table_name = shape->table_name,
                         .oid = relid,
                         .primary_key = {"id"}};
  int attnum = 0;
  for (const change::ColumnSchema& column : shape->columns) {
    source.columns.push_back({.name = column.name,
                              .type_oid = column.type_oid,
                              .type_modifier = column.type_modifier,
                              .not_null = column.name == "id",
                              .attnum = ++attnum});
  }
  const TableConfig table{.name = shape->schema_name + "." + shape->table_name,
                          .schema_name = shape->schema_name,
                          .table_name = shape->table_name,
                          .format_version = format_version};
  return PlanDescribedTable(table, sink, std::move(source));
}

SimMaterializerProcess::SimMaterializerProcess(const SimMaterializerWorld& world,
                                               const SimMaterializerSeams& seams)
    : opener_(std::make_unique<Opener>(seams.warehouse, seams.random)),
      no_source_(std::make_unique<NoSource>()),
      env_{world.clock, seams.random, world.log, *no_source_, *no_source_, *opener_} {
  sink_.warehouse = kSimWarehouse;
  sink_.delete_mode = "position";
  sink_.target_file_size_bytes = seams.target_file_size_bytes;
}

SimMaterializerProcess::~SimMaterializerProcess() = default;

Result<std::unique_ptr<SimMaterializerProcess>> SimMaterializerProcess::Start(
    const SimMaterializerWorld& world, const SimMaterializerSeams& seams) {
  std::unique_ptr<SimMaterializerProcess> process(new SimMaterializerProcess(world, seams));
  RETURN_IF_ERROR(process->Open(world, seams));
  return process;
}

Status SimMaterializerProcess::Open(const SimMaterializerWorld& world,
                                    const SimMaterializerSeams& seams) {
  coordinator_ = std::make_unique<MemoryCoordinator>(world.coordinator, kSimGroup);
  stores_ = std::make_unique<TableStores>(sink_, env_);
  ASSIGN_OR_RETURN(std::vector<stage::TableState> registered, coordinator_->LoadTables());
  if (registered.empty()) return Status::Ok();  // capture has not started yet
  RETURN_IF_ERROR(seams.catalog.EnsureNamespace({"public"}));
  plans_.reserve(registered.size());
  for (const stage::TableState& table : registered) {
    RETURN_IF_ERROR(OpenTable(world, seams, table));
  }
  std::vector<materializer::TableTarget*> targets;
  for (const auto& table : tables_) targets.push_back(table.get());
  materializer_ = std::make_unique<materializer::Materializer>(
      *coordinator_, seams.warehouse,
      iceberg::CommitServices{seams.warehouse, seams.catalog, seams.random, world.clock},
      std::move(targets),
      materializer::MaterializerOptions{.batch_changes_max = seams.batch_changes_max}, world.log);
  return materializer_->Recover();
}

Status SimMaterializerProcess::OpenTable(const SimMaterializerWorld& world,
                                         const SimMaterializerSeams& seams,
                                         const stage::TableState& registered) {
  ASSIGN_OR_RETURN(TablePlan plan,
                   PlanSimTable(world.wal, registered.relid, sink_, seams.format_version));
  RETURN_IF_ERROR(ResolveIcebergTable(plan, seams.catalog, *stores_, env_));
  ASSIGN_OR_RETURN(materializer::IcebergTableLayout layout,
                   materializer::LayoutOfMetadata(plan.source.QualifiedName(), registered.table_id,
                                                  plan.state.metadata, plan.key_prefix + "/data/",
                                                  plan.format_version, {}));
  ASSIGN_OR_RETURN(
      std::unique_ptr<materializer::IcebergTable> table,
      materializer::IcebergTable::Open(std::move(layout), plan.state, *plan.store, seams.random,
                                       {.target_file_size_bytes = seams.target_file_size_bytes}));
  plans_.push_back(std::move(plan));
  tables_.push_back(std::move(table));
  return Status::Ok();
}

Result<materializer::CycleResult> SimMaterializerProcess::Step() {
  if (materializer_ == nullptr) return materializer::CycleResult{};
  return materializer_->RunCycle();
}

}  // namespace pg2iceberg::sim
