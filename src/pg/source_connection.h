// Opening connections to the source database from the config.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "config/config.h"
#include "env/env.h"

namespace pg2iceberg {

PgConnectParams SourceConnectParams(const PostgresConfig& config);

// Connects to the source and pins the session settings pg2iceberg relies on: UTF-8 text, and
// row_security = off (a read that row-level security would filter fails with SQLSTATE 42501
// instead of returning a subset). lc_monetary is left as the source's users see it: money's
// fraction digits are read in this session (pg/type_resolver.h).
// Errors carry "source postgres host:port/database" as context.
Result<std::unique_ptr<PgConnection>> ConnectSource(const PostgresConfig& config, Env& env);

// A replication connection to the source (walsender commands), with the session settings
// pgoutput's text values are decoded under. Errors carry "source postgres host:port/database
// (replication connection)" as context.
Result<std::unique_ptr<PgConnection>> ConnectReplication(const PostgresConfig& config,
                                                         const std::string& application_name,
                                                         Env& env);

}  // namespace pg2iceberg
