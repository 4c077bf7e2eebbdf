#include "pg/source_connection.h"

namespace pg2iceberg {
namespace {

// Text values arrive in exactly the forms pg/text_values.h parses (and money in the form
// pg/mapped_values.h expects: lc_monetary C prints the units with two digits after the point;
// the source's own fraction digits come from a SQL session, pg/type_resolver.h).
constexpr std::string_view kReplicationSessionSettings =
    "SET client_encoding = 'UTF8'; SET datestyle = 'ISO, YMD'; SET timezone = 'UTC';"
    " SET extra_float_digits = 3; SET bytea_output = 'hex'; SET intervalstyle = 'postgres';"
    " SET lc_monetary = 'C'";

// row_security = off: a query that row-level security policies would filter fails instead
// (SQLSTATE 42501), so the snapshot never copies a filtered subset of a table while capture,
// which row security does not apply to, receives every row.
constexpr std::string_view kSessionSettings =
    "SET client_encoding TO 'UTF8'; SET row_security = off";

}  // namespace

PgConnectParams SourceConnectParams(const PostgresConfig& config) {
  PgConnectParams params;
  params.host = config.host;
  params.port = config.port;
  params.database = config.database;
  params.user = config.user;
  params.password = config.password;
  params.sslmode = config.sslmode;
  params.sslrootcert = config.sslrootcert;
  params.sslcert = config.sslcert;
  params.sslkey = config.sslkey;
  return params;
}

Result<std::unique_ptr<PgConnection>> ConnectSource(const PostgresConfig& config, Env& env) {
  std::string where =
      "source postgres " + config.host + ":" + std::to_string(config.port) + "/" + config.database;
  Result<std::unique_ptr<PgConnection>> connection = env.pg.Connect(SourceConnectParams(config));
  if (!connection.ok()) return connection.status().WithContext(where);
  Result<PgRows> set = (*connection)->Exec(kSessionSettings);
  if (!set.ok()) return set.status().WithContext(where);
  return connection;
}

Result<std::unique_ptr<PgConnection>> ConnectReplication(const PostgresConfig& config,
                                                         const std::string& application_name,
                                                         Env& env) {
  PgConnectParams params = SourceConnectParams(config);
  params.replication = true;
  params.application_name = application_name;
  const std::string where = "source postgres " + config.host + ":" + std::to_string(config.port) +
                            "/" + config.database + " (replication connection)";
  Result<std::unique_ptr<PgConnection>> connection = env.pg.Connect(params);
  if (!connection.ok()) return connection.status().WithContext(where);
  RETURN_IF_ERROR((*connection)->Exec(kReplicationSessionSettings).status().WithContext(where));
  return connection;
}

}  // namespace pg2iceberg
