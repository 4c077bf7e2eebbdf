// The walsender's framing inside the CopyBoth stream of START_REPLICATION (PostgreSQL
// "Streaming Replication Protocol"). Pure functions over bytes; integers are big-endian.
//
//   XLogData          'w' u64 data_start, u64 wal_end, i64 send_time, payload (one pgoutput
//   message) Primary keepalive 'k' u64 wal_end, i64 send_time, u8 reply_requested Standby status
//   'r' u64 write, u64 flush, u64 apply, i64 send_time, u8 reply_requested
//
// Times on the wire are microseconds since the PostgreSQL epoch, 2000-01-01 00:00:00 UTC.
#pragma once

#include <algorithm>
#include <cstdint>
#include <variant>

#include "base/bytes.h"
#include "base/status.h"
#include "change/change.h"

namespace pg2iceberg::pg {

// Microseconds from the Unix epoch (1970-01-01) to the PostgreSQL epoch (2000-01-01).
inline constexpr int64_t kPgEpochUnixMicros = 946'684'800'000'000;

// Unix-epoch microseconds → PostgreSQL-epoch microseconds, saturating at the int64 limits.
int64_t PgMicrosFromUnixMicros(int64_t unix_micros);
// PostgreSQL-epoch microseconds → Unix-epoch microseconds; kDataLoss when the result does not
// fit in an int64 (no real server sends such a time).
Result<int64_t> UnixMicrosFromPgMicros(int64_t pg_micros);

// 'w': WAL data. `payload` borrows the message it was parsed from.
struct XLogData {
  change::Lsn data_start = 0;  // WAL position of the payload's start
  change::Lsn wal_end = 0;     // the server's current end of WAL
  int64_t send_time_pg_micros = 0;
  ByteSpan payload;
  // Equal when the payload bytes are, wherever they live (a span has no operator==).
  friend bool operator==(const XLogData& a, const XLogData& b) {
    return a.data_start == b.data_start && a.wal_end == b.wal_end &&
           a.send_time_pg_micros == b.send_time_pg_micros &&
           std::ranges::equal(a.payload, b.payload);
  }
};

// 'k': a heartbeat; when reply_requested the client must answer with a status update soon.
struct PrimaryKeepalive {
  change::Lsn wal_end = 0;
  int64_t send_time_pg_micros = 0;
  bool reply_requested = false;
  bool operator==(const PrimaryKeepalive&) const = default;
};

using ReplicationMessage = std::variant<XLogData, PrimaryKeepalive>;

// Parses one CopyData message from the server. Truncated or oversized messages, unknown
// message types and a reply_requested byte other than 0/1 are kDataLoss.
Result<ReplicationMessage> ParseReplicationMessage(ByteSpan message);

// The inverse of ParseReplicationMessage: the CopyData message a walsender sends for `message`
// ('w' or 'k'), so a fake server (the simulator's) frames its stream as a real one does. Total:
// every value encodes, and parsing the result gives it back.
Bytes EncodeReplicationMessage(const ReplicationMessage& message);

// The 'r' standby status update: WAL received (`write_lsn`), durably processed (`flush_lsn`,
// which lets the server advance the slot's confirmed_flush_lsn) and applied (`apply_lsn`).
Bytes EncodeStandbyStatusUpdate(change::Lsn write_lsn, change::Lsn flush_lsn, change::Lsn apply_lsn,
                                int64_t send_time_pg_micros, bool reply_requested);

}  // namespace pg2iceberg::pg
