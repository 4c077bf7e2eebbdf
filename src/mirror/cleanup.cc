#include "mirror/cleanup.h"

#include "mirror/stream_only.h"
#include "pg/replication_setup.h"
#include "pg/source_connection.h"
#include "stage/group_lock.h"
#include "stage/pg_coordinator.h"
#include "table/catalog_factory.h"
#include "table/warehouse.h"

namespace pg2iceberg {
namespace {

Result<bool> SchemaExists(PgConnection& connection, const std::string& schema) {
  ASSIGN_OR_RETURN(PgRows rows, connection.ExecParams(
                                    "SELECT 1 FROM pg_namespace WHERE nspname = $1", {schema}));
  return !rows.rows.empty();
}

Status DeleteStagingLog(const Config& config, Env& env) {
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> warehouse, OpenWarehouse(config.sink, env));
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects,
                   warehouse->List(StagingPrefix(config.state.group)));
  std::vector<std::string> keys;
  for (const ObjectInfo& object : objects) keys.push_back(object.key);
  if (!keys.empty())
    RETURN_IF_ERROR(warehouse->Delete(keys).WithContext("deleting the staging log"));
  env.log.Info("deleted " + std::to_string(keys.size()) + " staging segment(s)");
  return Status::Ok();
}

// The table's location: its metadata files live in <location>/metadata/.
std::string TableLocation(const std::string& metadata_location) {
  const size_t at = metadata_location.rfind("/metadata/");
  return at == std::string::npos ? "" : metadata_location.substr(0, at);
}

// Deletes every object under the table's location, when that lies in the warehouse.
Status DeleteTableFiles(const iceberg::TableIdentifier& ident, const std::string& location,
                        ObjectStore& warehouse, Env& env) {
  Result<std::string> prefix = warehouse.KeyForLocation(location);
  if (location.empty() || !prefix.ok()) {
    env.log.Warn("table " + ident.ToString() + ": its location " + location +
                 " is outside the warehouse; its files are left for the catalog to remove");
    return Status::Ok();
  }
  std::string folder = *prefix;
  if (!folder.empty() && folder.back() != '/') folder += '/';
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, warehouse.List(folder));
  std::vector<std::string> keys;
  for (const ObjectInfo& object : objects) keys.push_back(object.key);
  if (!keys.empty()) RETURN_IF_ERROR(warehouse.Delete(keys));
  env.log.Info("table " + ident.ToString() + ": dropped, " + std::to_string(keys.size()) +
               " file(s) deleted");
  return Status::Ok();
}

Status DropIcebergTables(const Config& config, Env& env) {
  ASSIGN_OR_RETURN(OpenedCatalog opened, OpenCatalog(config, env));
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> warehouse, OpenWarehouse(config.sink, env));
  for (const TableConfig& table : config.tables) {
    std::string ns =
        config.sink.namespace_name.empty() ? table.schema_name : config.sink.namespace_name;
    iceberg::TableIdentifier ident{{ns}, table.table_name};
    Result<iceberg::LoadedTable> loaded = opened.catalog->LoadTable(ident);
    if (loaded.status().code() == StatusCode::kNotFound) {
      env.log.Info("table " + ident.ToString() + ": not in the catalog");
      continue;
    }
    RETURN_IF_ERROR(loaded.status().WithContext("loading Iceberg table " + ident.ToString()));
    Status dropped = opened.catalog->DropTable(ident);
    if (!dropped.ok() && dropped.code() != StatusCode::kNotFound) {
      return dropped.WithContext("dropping Iceberg table " + ident.ToString());
    }
    const std::string location =
        loaded->metadata ? loaded->metadata->location : TableLocation(loaded->metadata_location);
    RETURN_IF_ERROR(DeleteTableFiles(ident, location, *warehouse, env)
                        .WithContext("deleting the files of Iceberg table " + ident.ToString()));
  }
  return Status::Ok();
}

}  // namespace

Status RunCleanup(const Config& config, Env& env, const CleanupOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> sql, ConnectSource(config.source.postgres, env));
  std::unique_ptr<PgConnection> state_connection;
  if (!config.state.postgres_url.empty()) {
    Result<std::unique_ptr<PgConnection>> connected =
        env.pg.Connect(PgConnectParams{.conninfo = config.state.postgres_url});
    RETURN_IF_ERROR(connected.status().WithContext("state.postgres_url"));
    state_connection = std::move(*connected);
  }
  PgConnection& state = state_connection ? *state_connection : *sql;
  // A running capture of the group must be stopped first: cleaning up under it would leave it
  // writing into a log nobody indexes.
  ASSIGN_OR_RETURN(
      stage::GroupLock lock,
      stage::GroupLock::Acquire(state, config.state.coordinator_schema, config.state.group,
                                {.wait_ms = 5'000}, env.clock, env.log));
  RETURN_IF_ERROR(pg::DropSlot(*sql, config.source.slot_name));
  env.log.Info("dropped replication slot " + config.source.slot_name + " (if it existed)");
  RETURN_IF_ERROR(
      sql->Exec("DROP PUBLICATION IF EXISTS " + QuoteIdentifier(config.source.publication_name))
          .status()
          .WithContext("dropping publication " + config.source.publication_name));
  env.log.Info("dropped publication " + config.source.publication_name + " (if it existed)");
  ASSIGN_OR_RETURN(bool exists, SchemaExists(state, config.state.coordinator_schema));
  if (exists) {
    ASSIGN_OR_RETURN(
        std::unique_ptr<stage::Coordinator> coordinator,
        stage::PgCoordinator::Open(state, config.state.coordinator_schema, config.state.group));
    RETURN_IF_ERROR(coordinator->DeleteGroup().status());
    env.log.Info("deleted group " + config.state.group + " from coordinator schema " +
                 config.state.coordinator_schema);
  }
  RETURN_IF_ERROR(DeleteStagingLog(config, env));
  if (options.drop_iceberg_tables) return DropIcebergTables(config, env);
  return Status::Ok();
}

}  // namespace pg2iceberg
