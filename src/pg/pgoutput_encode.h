// Encoder for pgoutput messages: the inverse of DecodePgoutputMessage. It writes the bytes a
// PostgreSQL 15 walsender sends for each message (protocol versions 1 and 2), so a fake
// replication stream (the simulator's) feeds capture the same bytes a real server would.
//
// Contract: for every message `m` and flag `in_stream` that DecodePgoutputMessage(bytes,
// in_stream) can return, EncodePgoutputMessage(m, in_stream) == bytes, and decoding the
// encoding gives `m` back. A message outside that set is a bug in the caller, not input from
// outside, and fails a CHECK: a name holding a NUL byte, a stream_xid other than 0 outside a
// stream, more than 32767 columns, data longer than 2^31-1 bytes, a NULL or unchanged-TOAST
// column with data, a Delete without an old tuple, an Update with an old tuple but no old
// kind, an unknown replica identity, or a time before the earliest the decoder yields
// (INT64_MIN + kPgEpochUnixMicros Unix-epoch µs). Pure; thread-compatible.
#pragma once

#include "base/bytes.h"
#include "pg/pgoutput.h"

namespace pg2iceberg::pg {

// `in_stream`: whether the message sits inside a Stream Start … Stop block, where Relation,
// Type, Insert, Update, Delete, Truncate and Message lead with their stream_xid.
Bytes EncodePgoutputMessage(const PgoutputMessage& message, bool in_stream);

}  // namespace pg2iceberg::pg
