// `cleanup`: removes what capture set up for the configured group, so the next start begins a
// fresh mirror: the replication slot, the publication, the group's coordinator rows and its
// staging log. Iceberg tables are left alone. Refuses while a process reads the slot.
#pragma once

#include "base/status.h"
#include "config/config.h"
#include "env/env.h"

namespace pg2iceberg {

Status RunCleanup(const Config& config, Env& env);

}  // namespace pg2iceberg
