// `cleanup`: removes what capture set up for the configured group, so the next start begins a
// fresh mirror: the replication slot, the publication, the group's coordinator rows and its
// staging log. Iceberg tables are left alone unless `drop_iceberg_tables` (the command line's
// --drop-iceberg-tables) asks for them too: then each configured table is dropped from the
// catalog and the files under its location in the warehouse are deleted. Refuses while another
// process owns the group (the group lock, docs/coordinator.md#ownership).
#pragma once

#include "base/status.h"
#include "config/config.h"
#include "env/env.h"

namespace pg2iceberg {

struct CleanupOptions {
  bool drop_iceberg_tables = false;
};

Status RunCleanup(const Config& config, Env& env, const CleanupOptions& options = {});

}  // namespace pg2iceberg
