// LibpqReplicationStream: the ReplicationStream LibpqSession::StartReplication returns.
// Internal to env/. Borrows the session's PGconn (see replication_stream.h for the lifetime).
#pragma once

#include <libpq-fe.h>

#include <chrono>

#include "env/replication_stream.h"

namespace pg2iceberg {

class LibpqReplicationStream final : public ReplicationStream {
 public:
  // `conn` must be in the CopyBoth state of a START_REPLICATION command and outlive the stream.
  explicit LibpqReplicationStream(PGconn* conn) : conn_(conn) {}
  // Sends CopyDone unless the stream has already ended; does not wait for the server.
  ~LibpqReplicationStream() override;
  LibpqReplicationStream(const LibpqReplicationStream&) = delete;
  LibpqReplicationStream& operator=(const LibpqReplicationStream&) = delete;

  Result<std::optional<Bytes>> Receive(int64_t timeout_micros) override;
  Status Send(ByteSpan message) override;

 private:
  using Deadline = std::chrono::steady_clock::time_point;

  // True when the socket became readable before `deadline`, false on timeout.
  Result<bool> WaitReadable(Deadline deadline);
  // Records why the stream is over (from the results libpq has already parsed, without
  // waiting) and returns it.
  Status EndStream();
  // Records a broken connection and returns it.
  Status BreakStream(std::string_view during);

  PGconn* const conn_;
  Status ended_;  // not OK once the stream is over
};

}  // namespace pg2iceberg
