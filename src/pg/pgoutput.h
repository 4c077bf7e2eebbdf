// Decoder for the messages of the pgoutput logical decoding plugin, protocol versions 1 and 2
// (PostgreSQL "Logical Replication Message Formats"): one XLogData payload → one message.
//
// Version 2 adds streaming of large in-progress transactions: Stream Start 'S' … Stream Stop
// 'E' blocks, then Stream Commit 'c' or Stream Abort 'A'. Inside such a block the Relation,
// Type, Insert, Update, Delete, Truncate and Message messages carry a leading xid; the caller
// tracks the blocks and passes `in_stream`.
//
// Lifetime: tuple column data and Message content are spans into the decoded input, valid as
// long as those bytes are; names are copied. Times are Unix-epoch microseconds (converted
// from the PostgreSQL epoch). Pure functions; thread-compatible.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "change/change.h"

namespace pg2iceberg::pg {

// One column of a TupleData, as its kind byte says.
enum class TupleColumnKind : char {
  kNull = 'n',
  kUnchangedToast = 'u',  // a TOASTed value the update did not change; not sent
  kText = 't',            // the type's text output
  kBinary = 'b',          // the type's binary send form (with the `binary` option)
};

struct TupleColumn {
  TupleColumnKind kind = TupleColumnKind::kNull;
  ByteSpan data;  // empty for kNull and kUnchangedToast
  // Equal when kinds and bytes are, wherever the bytes live (a span has no operator==).
  friend bool operator==(const TupleColumn& a, const TupleColumn& b) {
    return a.kind == b.kind && std::ranges::equal(a.data, b.data);
  }
};

using TupleData = std::vector<TupleColumn>;

struct BeginMessage {         // 'B'
  change::Lsn final_lsn = 0;  // the LSN of the commit record
  int64_t commit_time_micros = 0;
  uint32_t xid = 0;
  bool operator==(const BeginMessage&) const = default;
};

struct CommitMessage {  // 'C'
  change::Lsn commit_lsn = 0;
  change::Lsn end_lsn = 0;  // end of the commit record: the position to confirm
  int64_t commit_time_micros = 0;
  bool operator==(const CommitMessage&) const = default;
};

struct OriginMessage {  // 'O'
  change::Lsn origin_commit_lsn = 0;
  std::string name;
  bool operator==(const OriginMessage&) const = default;
};

// Fields named stream_xid are present only inside a Stream Start … Stop block; 0 elsewhere.
struct RelationMessage {  // 'R'
  uint32_t stream_xid = 0;
  uint32_t relid = 0;
  std::string schema_name;  // empty for pg_catalog
  std::string table_name;
  char replica_identity = 'd';                // 'd', 'n', 'f' or 'i' (pg_class.relreplident)
  std::vector<change::ColumnSchema> columns;  // `key`: part of the replica identity
  bool operator==(const RelationMessage&) const = default;
};

struct TypeMessage {  // 'Y'
  uint32_t stream_xid = 0;
  uint32_t type_oid = 0;
  std::string schema_name;
  std::string type_name;
  bool operator==(const TypeMessage&) const = default;
};

struct InsertMessage {  // 'I'
  uint32_t stream_xid = 0;
  uint32_t relid = 0;
  TupleData new_tuple;
  bool operator==(const InsertMessage&) const = default;
};

struct UpdateMessage {  // 'U'
  uint32_t stream_xid = 0;
  uint32_t relid = 0;
  change::OldRow old_kind = change::OldRow::kNone;  // 'K' → kKey, 'O' → kFull
  TupleData old_tuple;                              // empty when old_kind is kNone
  TupleData new_tuple;
  bool operator==(const UpdateMessage&) const = default;
};

struct DeleteMessage {  // 'D'
  uint32_t stream_xid = 0;
  uint32_t relid = 0;
  change::OldRow old_kind = change::OldRow::kKey;  // kKey or kFull
  TupleData old_tuple;
  bool operator==(const DeleteMessage&) const = default;
};

struct TruncateMessage {  // 'T'
  uint32_t stream_xid = 0;
  bool cascade = false;
  bool restart_identity = false;
  std::vector<uint32_t> relids;
  bool operator==(const TruncateMessage&) const = default;
};

struct LogicalMessage {  // 'M' (pg_logical_emit_message)
  uint32_t stream_xid = 0;
  bool transactional = false;
  change::Lsn lsn = 0;
  std::string prefix;
  ByteSpan content;
  friend bool operator==(const LogicalMessage& a, const LogicalMessage& b) {
    return a.stream_xid == b.stream_xid && a.transactional == b.transactional && a.lsn == b.lsn &&
           a.prefix == b.prefix && std::ranges::equal(a.content, b.content);
  }
};

struct StreamStartMessage {  // 'S'
  uint32_t xid = 0;
  bool first_segment = false;
  bool operator==(const StreamStartMessage&) const = default;
};

struct StreamStopMessage {  // 'E'
  bool operator==(const StreamStopMessage&) const = default;
};

struct StreamCommitMessage {  // 'c'
  uint32_t xid = 0;
  change::Lsn commit_lsn = 0;
  change::Lsn end_lsn = 0;
  int64_t commit_time_micros = 0;
  bool operator==(const StreamCommitMessage&) const = default;
};

struct StreamAbortMessage {  // 'A': `subxid` == `xid` when the whole transaction aborted
  uint32_t xid = 0;
  uint32_t subxid = 0;
  bool operator==(const StreamAbortMessage&) const = default;
};

using PgoutputMessage =
    std::variant<BeginMessage, CommitMessage, OriginMessage, RelationMessage, TypeMessage,
                 InsertMessage, UpdateMessage, DeleteMessage, TruncateMessage, LogicalMessage,
                 StreamStartMessage, StreamStopMessage, StreamCommitMessage, StreamAbortMessage>;

// Decodes one pgoutput message. Truncated input, trailing bytes, unknown message or tuple
// kinds, negative counts or lengths and flag values the protocol does not define are
// kDataLoss naming the message.
Result<PgoutputMessage> DecodePgoutputMessage(ByteSpan message, bool in_stream);

}  // namespace pg2iceberg::pg
