// LibpqSession: the PgConnection LibpqConnector returns. Internal to env/.
// Owns the PGconn (PQfinish on destruction). One thread at a time.
#pragma once

#include <libpq-fe.h>

#include "base/log.h"
#include "env/pg_connection.h"

namespace pg2iceberg {

class LibpqSession final : public PgConnection {
 public:
  // Takes ownership of `conn`, which must be connected. `log` must outlive the session.
  // `replication`: `conn` is a replication connection (no extended query protocol).
  LibpqSession(PGconn* conn, Logger& log, bool replication = false);
  ~LibpqSession() override;
  LibpqSession(const LibpqSession&) = delete;
  LibpqSession& operator=(const LibpqSession&) = delete;

  Result<PgRows> Exec(std::string_view sql) override;
  Result<PgRows> ExecParams(std::string_view sql,
                            const std::vector<std::optional<std::string>>& params) override;
  Status CopyOut(std::string_view sql, const std::function<Status(ByteSpan)>& sink) override;
  Result<std::unique_ptr<ReplicationStream>> StartReplication(std::string_view command) override;
  int ServerVersion() const override;

 private:
  // The Status for a failed statement: from the result's fields, or from the connection.
  Status StatusForFailure(const PGresult* result, std::string_view sql);
  // Rows of a finished statement, or its error.
  Result<PgRows> RowsOf(PGresult* result, std::string_view sql);
  // Leaves a COPY that Exec started by mistake, so the connection stays usable.
  void AbandonCopy(ExecStatusType status);
  // Reads a COPY OUT stream into `sink`; cancels the query when the sink fails.
  Status PumpCopyData(const std::function<Status(ByteSpan)>& sink);
  void Cancel();
  // Consumes results until libpq reports none; returns the first failure.
  Status DrainResults(std::string_view sql);

  PGconn* const conn_;
  Logger& log_;
  const bool replication_;
  bool replication_started_ = false;  // StartReplication has returned a stream
};

}  // namespace pg2iceberg
