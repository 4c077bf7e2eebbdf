#include "mirror/migrate_coord.h"

#include <memory>

#include "pg/source_connection.h"
#include "stage/pg_coordinator.h"

namespace pg2iceberg {

Result<CoordinatorMigration> MigrateCoordinatorSchema(const Config& config, Env& env) {
  const bool on_source = config.state.postgres_url.empty();
  Result<std::unique_ptr<PgConnection>> connection =
      on_source ? ConnectSource(config.source.postgres, env)
                : env.pg.Connect(PgConnectParams{.conninfo = config.state.postgres_url});
  RETURN_IF_ERROR(
      connection.status().WithContext(on_source ? "source postgres" : "state.postgres_url"));
  ASSIGN_OR_RETURN(int found,
                   stage::MigrateCoordinator(**connection, config.state.coordinator_schema));
  return CoordinatorMigration{.found_version = found, .version = stage::kCoordinatorSchemaVersion};
}

}  // namespace pg2iceberg
