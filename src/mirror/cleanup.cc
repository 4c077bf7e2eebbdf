#include "mirror/cleanup.h"

#include "mirror/stream_only.h"
#include "pg/replication_setup.h"
#include "pg/source_connection.h"
#include "stage/coordinator.h"
#include "stage/group_lock.h"
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

}  // namespace

Status RunCleanup(const Config& config, Env& env) {
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
        stage::Coordinator::Open(state, config.state.coordinator_schema, config.state.group));
    RETURN_IF_ERROR(coordinator->DeleteGroup().status());
    env.log.Info("deleted group " + config.state.group + " from coordinator schema " +
                 config.state.coordinator_schema);
  }
  return DeleteStagingLog(config, env);
}

}  // namespace pg2iceberg
