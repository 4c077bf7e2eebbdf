#include "mirror/source_connection.h"

namespace pg2iceberg {

PgConnectParams SourceConnectParams(const PostgresConfig& config) {
  PgConnectParams params;
  params.host = config.host;
  params.port = config.port;
  params.database = config.database;
  params.user = config.user;
  params.password = config.password;
  params.sslmode = config.sslmode;
  return params;
}

Result<std::unique_ptr<PgConnection>> ConnectSource(const PostgresConfig& config, Env& env) {
  std::string where = "source postgres " + config.host + ":" + std::to_string(config.port) + "/" +
                      config.database;
  Result<std::unique_ptr<PgConnection>> connection = env.pg.Connect(SourceConnectParams(config));
  if (!connection.ok()) return connection.status().WithContext(where);
  Result<PgRows> set = (*connection)->Exec("SET client_encoding TO 'UTF8'");
  if (!set.ok()) return set.status().WithContext(where);
  return connection;
}

}  // namespace pg2iceberg
