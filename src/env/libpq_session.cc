#include "env/libpq_session.h"

#include <memory>
#include <string>

#include "env/libpq_replication_stream.h"
#include "env/libpq_result.h"
#include "env/pg_errors.h"

namespace pg2iceberg {
namespace {

// The protocol's parameter count is a 16-bit field.
constexpr size_t kMaxParams = 65535;

std::string Trimmed(const char* text) {
  std::string out = text != nullptr ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

Status CheckNoNul(std::string_view text, std::string_view what) {
  if (text.find('\0') == std::string_view::npos) return Status::Ok();
  return Status::InvalidArgument(std::string(what) +
                                 " contains a NUL byte, which PostgreSQL "
                                 "cannot receive");
}

bool ConnectionGoneState(std::string_view sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

PgRows RowsFromResult(const PGresult* result) {
  PgRows out;
  const int columns = PQnfields(result);
  const int rows = PQntuples(result);
  out.column_names.reserve(columns);
  for (int c = 0; c < columns; ++c) out.column_names.emplace_back(PQfname(result, c));
  out.rows.reserve(rows);
  for (int r = 0; r < rows; ++r) {
    std::vector<std::optional<std::string>>& row = out.rows.emplace_back();
    row.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result, r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(result, r, c), PQgetlength(result, r, c)));
      }
    }
  }
  return out;
}

void ReceiveNotice(void* logger, const PGresult* notice) {
  auto* log = static_cast<Logger*>(logger);
  const std::string message = "postgres: " + Trimmed(PQresultErrorMessage(notice));
  if (ErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED) == "WARNING") {
    log->Warn(message);
  } else {
    log->Debug(message);
  }
}

}  // namespace

LibpqSession::LibpqSession(PGconn* conn, Logger& log, bool replication)
    : conn_(conn), log_(log), replication_(replication) {
  PQsetNoticeReceiver(conn_, ReceiveNotice, &log_);
}

LibpqSession::~LibpqSession() { PQfinish(conn_); }

int LibpqSession::ServerVersion() const { return PQserverVersion(conn_); }

Status LibpqSession::StatusForFailure(const PGresult* result, std::string_view sql) {
  const std::string_view sqlstate = ErrorField(result, PG_DIAG_SQLSTATE);
  const bool connection_lost = PQstatus(conn_) == CONNECTION_BAD;
  Status status;
  if (!sqlstate.empty()) {
    status = StatusForServerError(sqlstate, ErrorField(result, PG_DIAG_MESSAGE_PRIMARY),
                                  ErrorField(result, PG_DIAG_MESSAGE_DETAIL),
                                  ErrorField(result, PG_DIAG_MESSAGE_HINT));
  } else {
    const char* text = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
    status = Status(connection_lost ? StatusCode::kUnavailable : StatusCode::kInternal,
                    "PostgreSQL: " + OneLine(Trimmed(text)));
  }
  if (connection_lost || ConnectionGoneState(sqlstate)) {
    if (ContainsCommit(sql)) {
      return Status::OutcomeUnknown(
          "connection to PostgreSQL lost during COMMIT; the transaction "
          "may or may not have committed: " +
          status.message());
    }
    return Status::Unavailable("connection to PostgreSQL lost: " + status.message());
  }
  return status;
}

Result<PgRows> LibpqSession::RowsOf(PGresult* result, std::string_view sql) {
  if (result == nullptr) return StatusForFailure(nullptr, sql);
  const ExecStatusType status = PQresultStatus(result);
  switch (status) {
    case PGRES_TUPLES_OK:
    case PGRES_SINGLE_TUPLE:
    case PGRES_COMMAND_OK:
    case PGRES_EMPTY_QUERY:
      return RowsFromResult(result);
    case PGRES_COPY_OUT:
    case PGRES_COPY_IN:
    case PGRES_COPY_BOTH:
      AbandonCopy(status);
      return Status::InvalidArgument(
          "the statement started a COPY; use CopyOut for COPY TO STDOUT");
    default:
      return StatusForFailure(result, sql);
  }
}

Result<PgRows> LibpqSession::Exec(std::string_view sql) {
  RETURN_IF_ERROR(CheckNoNul(sql, "SQL text"));
  const std::string text(sql);
  ResultHandle result(PQexec(conn_, text.c_str()));
  return RowsOf(result.get(), sql);
}

Result<PgRows> LibpqSession::ExecParams(std::string_view sql,
                                        const std::vector<std::optional<std::string>>& params) {
  RETURN_IF_ERROR(CheckNoNul(sql, "SQL text"));
  if (params.size() > kMaxParams) return Status::InvalidArgument("more than 65535 parameters");
  if (replication_) {
    return Status::InvalidArgument(
        "a replication connection cannot run parameterized "
        "statements (no extended query protocol); use Exec");
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::optional<std::string>& param : params) {
    if (param.has_value()) RETURN_IF_ERROR(CheckNoNul(*param, "a query parameter"));
    values.push_back(param.has_value() ? param->c_str() : nullptr);
  }
  const std::string text(sql);
  ResultHandle result(PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr,
                                   values.data(), nullptr, nullptr, /*resultFormat=*/0));
  return RowsOf(result.get(), sql);
}

Status LibpqSession::CopyOut(std::string_view sql, const std::function<Status(ByteSpan)>& sink) {
  RETURN_IF_ERROR(CheckNoNul(sql, "SQL text"));
  const std::string text(sql);
  ResultHandle start(PQexec(conn_, text.c_str()));
  if (start == nullptr) return StatusForFailure(nullptr, sql);
  const ExecStatusType status = PQresultStatus(start.get());
  if (status != PGRES_COPY_OUT) {
    if (status == PGRES_COPY_IN || status == PGRES_COPY_BOTH) AbandonCopy(status);
    if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE) {
      return StatusForFailure(start.get(), sql);
    }
    return Status::InvalidArgument("CopyOut needs a COPY … TO STDOUT statement");
  }
  start.reset();
  const Status sink_status = PumpCopyData(sink);
  const Status final_status = DrainResults(sql);
  // After a sink failure the server reports the cancellation (57014); the sink's reason wins.
  return sink_status.ok() ? final_status : sink_status;
}

Result<std::unique_ptr<ReplicationStream>> LibpqSession::StartReplication(
    std::string_view command) {
  RETURN_IF_ERROR(CheckNoNul(command, "replication command"));
  if (replication_started_) {
    // The walsender of PostgreSQL up to 17 (BUG #18754) ends a second logical stream on the
    // same connection at once, so a second stream is refused here rather than seen to fail.
    return Status::InvalidArgument(
        "this connection has already streamed replication data; "
        "open a new replication connection for the next stream");
  }
  const std::string text(command);
  ResultHandle start(PQexec(conn_, text.c_str()));
  if (start == nullptr) return StatusForFailure(nullptr, command);
  const ExecStatusType status = PQresultStatus(start.get());
  if (status == PGRES_COPY_BOTH) {
    replication_started_ = true;
    return std::unique_ptr<ReplicationStream>(new LibpqReplicationStream(conn_));
  }
  if (status == PGRES_COPY_OUT || status == PGRES_COPY_IN) AbandonCopy(status);
  if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE) {
    return StatusForFailure(start.get(), command);
  }
  return Status::InvalidArgument(
      "StartReplication needs a START_REPLICATION command on a "
      "replication connection");
}

Status LibpqSession::PumpCopyData(const std::function<Status(ByteSpan)>& sink) {
  Status sink_status;
  while (true) {
    char* buffer = nullptr;
    const int size = PQgetCopyData(conn_, &buffer, /*async=*/0);
    if (size < 0) return sink_status;  // -1 done, -2 failed: PQgetResult reports which
    if (sink_status.ok()) {
      sink_status = sink(ByteSpan(reinterpret_cast<const std::byte*>(buffer), size));
      if (!sink_status.ok()) Cancel();  // then keep reading: the stream must be drained
    }
    PQfreemem(buffer);
  }
}

void LibpqSession::Cancel() {
  PGcancel* cancel = PQgetCancel(conn_);
  if (cancel == nullptr) return;
  char error[256];
  // If the cancel request fails, the copy simply runs to its end while being drained.
  if (PQcancel(cancel, error, sizeof error) == 0) {
    log_.Debug(std::string("postgres: cancel request failed: ") + error);
  }
  PQfreeCancel(cancel);
}

Status LibpqSession::DrainResults(std::string_view sql) {
  Status first_failure;
  while (ResultHandle result{PQgetResult(conn_)}) {
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_COPY_OUT || status == PGRES_COPY_IN || status == PGRES_COPY_BOTH) {
      // Still inside a COPY after its stream ended: the session is unusable; stop here.
      return Status::Internal("PostgreSQL: unexpected COPY state after the stream ended");
    }
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && first_failure.ok()) {
      first_failure = StatusForFailure(result.get(), sql);
    }
  }
  return first_failure;
}

void LibpqSession::AbandonCopy(ExecStatusType status) {
  if (status == PGRES_COPY_IN) {
    PQputCopyEnd(conn_, "pg2iceberg does not send COPY FROM STDIN data");
  } else if (status == PGRES_COPY_OUT) {
    Cancel();
    char* buffer = nullptr;
    while (PQgetCopyData(conn_, &buffer, 0) > 0) PQfreemem(buffer);
  } else {
    return;  // COPY BOTH (replication) cannot be left; the caller's next statement fails
  }
  DrainResults("").IgnoreError();
}

}  // namespace pg2iceberg
