// PgConnection: one session with a PostgreSQL server, in the narrow shape the pipeline needs.
// Not thread-safe: one thread uses a connection at a time.
//
// Errors are mapped from SQLSTATE and libpq connection status:
//   connection failures, class 08, 57P01..03, 53xxx, 55006 (object in use), 55P03 (lock not
//   available)                                                 → kUnavailable
//   serialization failure / deadlock (40001, 40P01)           → kConflict
//   28xxx (authentication), 3D000 (no database), 42xxx, 22xxx → kInvalidArgument
//   42P01 (undefined table)                                   → kNotFound
//   a COMMIT whose reply was lost, 40003                      → kOutcomeUnknown
//   anything else                                             → kInternal
// Messages keep the server's text and SQLSTATE, never the password.
// SQL text and parameters must not contain NUL bytes (the protocol cannot carry them):
// kInvalidArgument.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "env/replication_stream.h"

namespace pg2iceberg {

// Rows of a query result in text format. NULL is std::nullopt.
struct PgRows {
  std::vector<std::string> column_names;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// Connection parameters; rendered into a libpq conninfo by the real implementation.
struct PgConnectParams {
  std::string host;
  int port = 5432;
  std::string database;
  std::string user;
  std::string password;
  std::string sslmode = "prefer";
  // PEM files: trusted roots, client certificate and key (libpq's sslrootcert, sslcert,
  // sslkey); empty leaves libpq's defaults.
  std::string sslrootcert;
  std::string sslcert;
  std::string sslkey;
  std::string application_name = "pg2iceberg";
  // A full libpq conninfo or URI; when non-empty it is used instead of the fields above.
  std::string conninfo;
  int connect_timeout_seconds = 10;
  // Opens a logical replication connection (libpq `replication=database`, also added to a
  // `conninfo`): it accepts the walsender commands (IDENTIFY_SYSTEM, CREATE_REPLICATION_SLOT,
  // START_REPLICATION, …) through Exec and StartReplication, plus SQL through Exec. ExecParams
  // needs the extended query protocol, which the server refuses there: kInvalidArgument.
  bool replication = false;
};

class PgConnection {
 public:
  virtual ~PgConnection() = default;

  // Runs one or more statements without parameters; returns the rows of the last one.
  virtual Result<PgRows> Exec(std::string_view sql) = 0;
  // Runs one statement with text parameters ($1, $2, …); NULL parameters are std::nullopt.
  virtual Result<PgRows> ExecParams(std::string_view sql,
                                    const std::vector<std::optional<std::string>>& params) = 0;
  // Runs a `COPY … TO STDOUT` statement and hands each chunk of the stream to `sink` in order.
  // A non-OK Status from `sink` cancels the copy and is returned.
  virtual Status CopyOut(std::string_view sql, const std::function<Status(ByteSpan)>& sink) = 0;
  // Runs a START_REPLICATION command on a replication connection and returns its stream.
  // The stream borrows this connection: the connection must outlive it and cannot run other
  // commands while it lives (see replication_stream.h for what happens when it ends).
  // One stream per connection: once a stream has started, later calls are kInvalidArgument
  // (PostgreSQL up to 17 ends a second logical stream on a connection at once, BUG #18754).
  // Errors as for Exec; kInvalidArgument when `command` does not start a CopyBoth stream.
  virtual Result<std::unique_ptr<ReplicationStream>> StartReplication(std::string_view command) = 0;
  // Server version as an integer, e.g. 150018.
  virtual int ServerVersion() const = 0;
};

class PgConnector {
 public:
  virtual ~PgConnector() = default;
  virtual Result<std::unique_ptr<PgConnection>> Connect(const PgConnectParams& params) = 0;
};

// Quotes an identifier for SQL ("my table" → "\"my table\"").
std::string QuoteIdentifier(std::string_view identifier);
// Quotes a string literal for SQL ('it''s'). With a backslash present the result is an
// escape-string literal ( E'a\\b'), correct whatever standard_conforming_strings is.
std::string QuoteLiteral(std::string_view literal);

}  // namespace pg2iceberg
