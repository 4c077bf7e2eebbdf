// The subcommands behind the command line: each loads the config and runs one pipeline.
#pragma once

#include <atomic>
#include <string>

#include "base/log.h"
#include "base/status.h"
#include "env/env.h"

namespace pg2iceberg {

Result<LogLevel> ParseLogLevel(const std::string& name);

// What the command line gives a subcommand besides its name.
struct CommandOptions {
  std::string config_path = "config.yaml";
  std::string worker_id;             // materializer-only --worker-id
  bool drop_iceberg_tables = false;  // cleanup --drop-iceberg-tables
  int64_t verify_timeout_s = 300;    // verify --timeout
  int verify_attempts = 5;           // verify --attempts
};

// Runs subcommand `name` with the configuration at `options.config_path`. Subcommands that are
// not built yet return kInvalidArgument saying so. Long-running subcommands return when `stop`
// becomes true (SIGINT or SIGTERM).
Status RunCommand(const std::string& name, const CommandOptions& options, Env& env,
                  const std::atomic<bool>& stop);

}  // namespace pg2iceberg
