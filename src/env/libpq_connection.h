// LibpqConnector: the production PgConnector, over libpq.
//
// Connect uses PQconnectdbParams with keyword arrays (no quoting pitfalls): host, port,
// dbname, user, password, sslmode, application_name, connect_timeout, and client_encoding=UTF8
// (so text values arrive as UTF-8 whatever the database encoding). When
// PgConnectParams::conninfo is set it is expanded instead of the fields; its own settings win
// over application_name, connect_timeout and client_encoding. PgConnectParams::replication
// adds replication=database after either form, so it always wins.
// Connection failures map as in pg_errors.h (StatusForConnectFailure), naming host:port.
// Server notices (NOTICE, WARNING) go to the Logger: WARNING as Warn, the rest as Debug.
// Thread-safe; each connection it returns is for one thread at a time.
#pragma once

#include <memory>

#include "base/log.h"
#include "env/pg_connection.h"

namespace pg2iceberg {

class LibpqConnector final : public PgConnector {
 public:
  // `log` receives server notices; it must outlive every connection this connector returns.
  explicit LibpqConnector(Logger& log) : log_(log) {}

  Result<std::unique_ptr<PgConnection>> Connect(const PgConnectParams& params) override;

 private:
  Logger& log_;
};

}  // namespace pg2iceberg
