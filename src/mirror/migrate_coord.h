// `migrate-coord`: brings the coordinator schema (`_pg2iceberg` or the configured one) to this
// version of pg2iceberg, on the state database (state.postgres_url) or, when none is set, on the
// source database. docs/coordinator.md, "Versions and migrations".
#pragma once

#include "base/status.h"
#include "config/config.h"
#include "env/env.h"

namespace pg2iceberg {

// What MigrateCoordinatorSchema found and left.
struct CoordinatorMigration {
  int found_version = 0;  // 0: the schema did not exist
  int version = 0;        // the version it has now
};

// Migrates the schema. Errors: connection failures (with the setting they came from in the
// message); kDataLoss when the schema holds a version newer than this binary knows.
Result<CoordinatorMigration> MigrateCoordinatorSchema(const Config& config, Env& env);

}  // namespace pg2iceberg
