#include "env/libpq_replication_stream.h"

#include <poll.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "env/libpq_result.h"
#include "env/pg_errors.h"

namespace pg2iceberg {
namespace {

// Results to inspect when the stream ends; the server sends at most a handful.
constexpr int kMaxEndResults = 8;

// The server's reason in one line, with its SQLSTATE when it sent one.
std::string FailureText(const PGresult* result) {
  const std::string_view sqlstate = ErrorField(result, PG_DIAG_SQLSTATE);
  if (sqlstate.empty()) return OneLine(PQresultErrorMessage(result));
  return StatusForServerError(sqlstate, ErrorField(result, PG_DIAG_MESSAGE_PRIMARY),
                              ErrorField(result, PG_DIAG_MESSAGE_DETAIL),
                              ErrorField(result, PG_DIAG_MESSAGE_HINT))
      .message();
}

// Milliseconds for poll(): what is left until `deadline`, rounded up, at least 0.
int PollTimeoutMillis(std::chrono::steady_clock::time_point deadline) {
  const auto left = deadline - std::chrono::steady_clock::now();
  if (left <= std::chrono::steady_clock::duration::zero()) return 0;
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(left).count();
  const int64_t millis = (micros + 999) / 1000;
  return millis > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(millis);
}

// Now plus `micros` (negative counts as 0), saturating instead of overflowing.
std::chrono::steady_clock::time_point DeadlineAfter(int64_t micros) {
  using std::chrono::steady_clock;
  const steady_clock::time_point now = steady_clock::now();
  const auto wait = std::chrono::microseconds(micros > 0 ? micros : 0);
  const auto room =
      std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::time_point::max() - now);
  return wait >= room ? steady_clock::time_point::max()
                      : now + std::chrono::duration_cast<steady_clock::duration>(wait);
}

}  // namespace

LibpqReplicationStream::~LibpqReplicationStream() {
  if (!ended_.ok()) return;
  // Best effort: the server answers with CopyDone and ends the command; the connection's next
  // PQexec discards what is still in flight and waits for that.
  if (PQputCopyEnd(conn_, nullptr) == 1) (void)PQflush(conn_);
}

Result<std::optional<Bytes>> LibpqReplicationStream::Receive(int64_t timeout_micros) {
  if (!ended_.ok()) return ended_;
  const Deadline deadline = DeadlineAfter(timeout_micros);
  while (true) {
    char* buffer = nullptr;
    const int size = PQgetCopyData(conn_, &buffer, /*async=*/1);
    if (size > 0) {
      const auto* data = reinterpret_cast<const std::byte*>(buffer);
      Bytes message(data, data + size);
      PQfreemem(buffer);
      return std::optional<Bytes>(std::move(message));
    }
    if (size == -1) return EndStream();
    if (size == -2) return BreakStream("receiving");
    ASSIGN_OR_RETURN(const bool readable, WaitReadable(deadline));
    if (!readable) return std::optional<Bytes>();
    if (PQconsumeInput(conn_) == 0) return BreakStream("receiving");
  }
}

Status LibpqReplicationStream::Send(ByteSpan message) {
  if (!ended_.ok()) return ended_;
  if (PQputCopyData(conn_, reinterpret_cast<const char*>(message.data()),
                    static_cast<int>(message.size())) != 1) {
    return BreakStream("sending");
  }
  if (PQflush(conn_) != 0) return BreakStream("sending");
  return Status::Ok();
}

Result<bool> LibpqReplicationStream::WaitReadable(Deadline deadline) {
  const int socket = PQsocket(conn_);
  if (socket < 0) return BreakStream("waiting for data");
  pollfd descriptor{.fd = socket, .events = POLLIN, .revents = 0};
  const int ready = poll(&descriptor, 1, PollTimeoutMillis(deadline));
  if (ready < 0 && errno == EINTR) return true;  // the caller reads again, then waits again
  if (ready < 0) {
    ended_ = Status::Unavailable(std::string("replication stream: poll failed: ") +
                                 std::strerror(errno));
    return ended_;
  }
  return ready > 0;
}

Status LibpqReplicationStream::EndStream() {
  std::string reason = "the server ended the replication stream";
  // libpq has parsed the end of the copy; these calls do not wait for the network.
  for (int i = 0; i < kMaxEndResults && PQisBusy(conn_) == 0; ++i) {
    ResultHandle result(PQgetResult(conn_));
    if (result == nullptr) break;
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_COPY_IN) {
      // The server sent CopyDone; finish our half so the command can complete.
      if (PQputCopyEnd(conn_, nullptr) == 1) (void)PQflush(conn_);
      break;
    }
    if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE) {
      reason += ": " + FailureText(result.get());
    }
  }
  if (PQstatus(conn_) == CONNECTION_BAD) reason += " (connection lost)";
  ended_ = Status::Unavailable(reason);
  return ended_;
}

Status LibpqReplicationStream::BreakStream(std::string_view during) {
  ended_ = Status::Unavailable("connection to PostgreSQL lost while " + std::string(during) +
                               " replication data: " + OneLine(PQerrorMessage(conn_)));
  return ended_;
}

}  // namespace pg2iceberg
