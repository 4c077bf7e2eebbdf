// `connect-pg`: checks the source connection and reports what pg2iceberg needs from the
// server: its version, wal_level, and whether each configured table exists.
#pragma once

#include <string>

#include "base/status.h"
#include "config/config.h"
#include "env/env.h"

namespace pg2iceberg {

// Returns a human-readable report; an error when the server cannot be reached or a configured
// table is missing.
Result<std::string> CheckPostgresConnection(const Config& config, Env& env);

}  // namespace pg2iceberg
