// The subcommands behind the command line: each loads the config and runs one pipeline.
#pragma once

#include <atomic>
#include <string>

#include "base/log.h"
#include "base/status.h"
#include "env/env.h"

namespace pg2iceberg {

Result<LogLevel> ParseLogLevel(const std::string& name);

// Runs subcommand `name` with the configuration at `config_path`. Subcommands that are not
// built yet return kInvalidArgument saying so. Long-running subcommands return when `stop`
// becomes true (SIGINT or SIGTERM).
Status RunCommand(const std::string& name, const std::string& config_path,
                  const std::string& worker_id, Env& env, const std::atomic<bool>& stop);

}  // namespace pg2iceberg
