// The coordinator's `types` table (docs/coordinator.md): capture's recorded type resolutions.
// Coordinator::LoadTypes and RecordType are implemented in coordinator_types.cc beside the
// migration step that creates the table.
#pragma once

#include <string>

namespace pg2iceberg::stage {

// Migration step 1 → 2: creates `{s}.types` (`{s}` stands for the quoted schema name, as in
// coordinator_schema.cc). Self-contained and idempotent (IF NOT EXISTS), so it may be run again
// or combined with other steps of the same version.
std::string TypesTableMigration();

}  // namespace pg2iceberg::stage
