// ReplicationStream: the CopyBoth stream of a START_REPLICATION command on a replication
// connection (PgConnectParams::replication). Carries the walsender's framing (XLogData,
// keepalives, standby status updates) as opaque CopyData messages; pg/replication_protocol.h
// parses and builds them.
//
// A stream borrows the PgConnection that started it: the connection must outlive the stream,
// and while the stream lives the connection cannot run other commands. Destroying the stream
// sends CopyDone without waiting; the connection's next command first lets the server finish
// the replication command (discarding WAL data still in flight), then runs normally
// (DROP_REPLICATION_SLOT, SQL) — but it cannot start another stream (see StartReplication).
// Not thread-safe: one thread uses a stream (and its connection) at a time.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg {

class ReplicationStream {
 public:
  virtual ~ReplicationStream() = default;

  // Waits up to `timeout_micros` (0: only what has already arrived) for the next CopyData
  // message from the server and returns its bytes; std::nullopt when none arrived in time.
  // kUnavailable when the connection breaks or the server ends the stream (the message keeps
  // the server's text); the stream is then finished and every later call fails the same way.
  virtual Result<std::optional<Bytes>> Receive(int64_t timeout_micros) = 0;

  // Sends one CopyData message (a standby status update) and flushes it to the socket.
  // kUnavailable when the connection breaks.
  virtual Status Send(ByteSpan message) = 0;
};

}  // namespace pg2iceberg
