// Opening connections to the source database from the config.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "env/env.h"
#include "mirror/config.h"

namespace pg2iceberg {

PgConnectParams SourceConnectParams(const PostgresConfig& config);

// Connects to the source and pins the session settings pg2iceberg relies on (UTF-8 text).
// Errors carry "source postgres host:port/database" as context.
Result<std::unique_ptr<PgConnection>> ConnectSource(const PostgresConfig& config, Env& env);

// A replication connection to the source (walsender commands), with the session settings
// pgoutput's text values are decoded under. Errors carry "source postgres host:port/database
// (replication connection)" as context.
Result<std::unique_ptr<PgConnection>> ConnectReplication(const PostgresConfig& config,
                                                         const std::string& application_name, Env& env);

}  // namespace pg2iceberg
