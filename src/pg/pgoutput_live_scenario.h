// The live pgoutput scenario behind pgoutput_live_test (test support, not production code).
//
// RunScenario, against a real PostgreSQL (wal_level=logical): creates tables covering every
// type value_decoding.h decodes, a publication and two pgoutput slots; writes a workload that
// produces every pgoutput message kind (REPLICA IDENTITY FULL, an unchanged TOASTed value, a
// truncate of two tables, transactional and non-transactional logical messages, a replication
// origin, an enum's Type message, and a transaction large enough to stream with a streamed
// savepoint rolled back); then streams each slot on its own replication connection through
// LibpqConnector and ReplicationStream — protocol 2, streaming and messages on, once with
// binary 'true' and once with binary 'false' — decoding every message and answering every
// keepalive, and keeping every CopyData message as sent. Every loop is bounded (60 s per stream);
// the slots are dropped even on failure.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/log.h"
#include "base/status.h"
#include "change/change.h"
#include "pg/pgoutput.h"

namespace pg2iceberg::pg::live {

// Rows the large transaction inserts before its savepoint (and again inside it).
inline constexpr int kBulkRows = 3000;

// What the large transaction left to look for.
struct Workload {
  uint32_t bulk_xid = 0;
  uint32_t aborted_subxid = 0;
  std::set<uint32_t> truncated_relids;
};

// A decoded row change, its values already converted (the message bytes do not outlive it).
struct SeenRow {
  char kind = 'I';
  std::string table;
  change::OldRow old_kind = change::OldRow::kNone;
  change::Row old_row, new_row;
  bool in_stream = false;
};

// One CopyData message as the server sent it.
struct RawMessage {
  Bytes copy_data;
  bool in_stream = false;  // it arrived inside a Stream Start … Stop block
};

struct Seen {
  std::vector<RawMessage> raw;  // every CopyData message, in order (for the encoder's check)
  std::set<size_t> kinds;       // PgoutputMessage alternative indexes
  std::vector<SeenRow> rows;
  std::vector<TruncateMessage> truncates;
  std::vector<std::pair<bool, std::string>> messages;  // transactional, prefix:content
  std::vector<OriginMessage> origins;
  std::vector<TypeMessage> types;
  std::vector<StreamAbortMessage> stream_aborts;
  int keepalives = 0;
  bool done = false;
};

struct Observations {
  Workload workload;
  Seen binary;  // the run with binary 'true'
  Seen text;    // the run with binary 'false'
};

// Runs the scenario against the server `conninfo` names (a key=value libpq conninfo).
Result<Observations> RunScenario(const std::string& conninfo);

}  // namespace pg2iceberg::pg::live
