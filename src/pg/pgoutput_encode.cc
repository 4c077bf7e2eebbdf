#include "pg/pgoutput_encode.h"

#include <limits>
#include <string_view>

#include "base/check.h"
#include "pg/replication_protocol.h"

namespace pg2iceberg::pg {
namespace {

using change::OldRow;

// Writes one message's fields in the order of PostgreSQL 15's proto.c (big-endian).
class Encoder {
 public:
  explicit Encoder(bool in_stream) : in_stream_(in_stream) {}

  Bytes Release() { return out_.Release(); }

  void operator()(const BeginMessage& m) {
    Type('B');
    out_.AppendBigEndian<uint64_t>(m.final_lsn);
    Time(m.commit_time_micros);
    out_.AppendBigEndian<uint32_t>(m.xid);
  }

  void operator()(const CommitMessage& m) {
    Type('C');
    CommitFields(m.commit_lsn, m.end_lsn, m.commit_time_micros);
  }

  void operator()(const OriginMessage& m) {
    Type('O');
    out_.AppendBigEndian<uint64_t>(m.origin_commit_lsn);
    CString(m.name);
  }

  void operator()(const RelationMessage& m) {
    StreamableType('R', m.stream_xid);
    out_.AppendBigEndian<uint32_t>(m.relid);
    CString(m.schema_name);
    CString(m.table_name);
    const char identity = m.replica_identity;
    CHECK(identity == 'd' || identity == 'n' || identity == 'f' || identity == 'i');
    out_.AppendByte(static_cast<uint8_t>(identity));
    Count16(m.columns.size());
    for (const change::ColumnSchema& column : m.columns) {
      out_.AppendByte(column.key ? 1 : 0);
      CString(column.name);
      out_.AppendBigEndian<uint32_t>(column.type_oid);
      out_.AppendBigEndian<int32_t>(column.type_modifier);
    }
  }

  void operator()(const TypeMessage& m) {
    StreamableType('Y', m.stream_xid);
    out_.AppendBigEndian<uint32_t>(m.type_oid);
    CString(m.schema_name);
    CString(m.type_name);
  }

  void operator()(const InsertMessage& m) {
    StreamableType('I', m.stream_xid);
    out_.AppendBigEndian<uint32_t>(m.relid);
    Tuple('N', m.new_tuple);
  }

  void operator()(const UpdateMessage& m) {
    StreamableType('U', m.stream_xid);
    out_.AppendBigEndian<uint32_t>(m.relid);
    if (m.old_kind == OldRow::kNone) {
      CHECK_MSG(m.old_tuple.empty(), "an Update with an old tuple needs its old kind");
    } else {
      Tuple(OldTupleMarker(m.old_kind), m.old_tuple);
    }
    Tuple('N', m.new_tuple);
  }

  void operator()(const DeleteMessage& m) {
    StreamableType('D', m.stream_xid);
    out_.AppendBigEndian<uint32_t>(m.relid);
    CHECK_MSG(m.old_kind != OldRow::kNone, "pgoutput sends a Delete only with its old key or row");
    Tuple(OldTupleMarker(m.old_kind), m.old_tuple);
  }

  void operator()(const TruncateMessage& m) {
    constexpr uint8_t kCascade = 1, kRestartIdentity = 2;
    StreamableType('T', m.stream_xid);
    Length32(m.relids.size());
    out_.AppendByte((m.cascade ? kCascade : 0) | (m.restart_identity ? kRestartIdentity : 0));
    for (const uint32_t relid : m.relids) out_.AppendBigEndian<uint32_t>(relid);
  }

  void operator()(const LogicalMessage& m) {
    StreamableType('M', m.stream_xid);
    out_.AppendByte(m.transactional ? 1 : 0);
    out_.AppendBigEndian<uint64_t>(m.lsn);
    CString(m.prefix);
    Length32(m.content.size());
    out_.Append(m.content);
  }

  void operator()(const StreamStartMessage& m) {
    Type('S');
    out_.AppendBigEndian<uint32_t>(m.xid);
    out_.AppendByte(m.first_segment ? 1 : 0);
  }

  void operator()(const StreamStopMessage& /*m*/) { Type('E'); }

  void operator()(const StreamCommitMessage& m) {
    Type('c');
    out_.AppendBigEndian<uint32_t>(m.xid);
    CommitFields(m.commit_lsn, m.end_lsn, m.commit_time_micros);
  }

  void operator()(const StreamAbortMessage& m) {
    Type('A');
    out_.AppendBigEndian<uint32_t>(m.xid);
    out_.AppendBigEndian<uint32_t>(m.subxid);
  }

 private:
  static char OldTupleMarker(OldRow kind) {
    CHECK(kind == OldRow::kKey || kind == OldRow::kFull);
    return kind == OldRow::kKey ? 'K' : 'O';
  }

  void Type(char type) { out_.AppendByte(static_cast<uint8_t>(type)); }

  // What Commit and Stream Commit share.
  void CommitFields(change::Lsn commit_lsn, change::Lsn end_lsn, int64_t commit_time_micros) {
    out_.AppendByte(0);  // flags: none are defined
    out_.AppendBigEndian<uint64_t>(commit_lsn);
    out_.AppendBigEndian<uint64_t>(end_lsn);
    Time(commit_time_micros);
  }

  // The type of a message that leads with its xid inside a stream block. Outside one the
  // decoder yields stream_xid 0, so any other value could not round-trip.
  void StreamableType(char type, uint32_t xid) {
    Type(type);
    if (in_stream_) {
      out_.AppendBigEndian<uint32_t>(xid);
    } else {
      CHECK_MSG(xid == 0, "a stream_xid outside a stream block");
    }
  }

  // The decoder yields only times whose PostgreSQL-epoch form fits in an int64.
  void Time(int64_t unix_micros) {
    CHECK(unix_micros >= std::numeric_limits<int64_t>::min() + kPgEpochUnixMicros);
    out_.AppendBigEndian<int64_t>(PgMicrosFromUnixMicros(unix_micros));
  }

  void CString(std::string_view text) {
    CHECK_MSG(text.find('\0') == std::string_view::npos, "a NUL byte would end the string early");
    out_.Append(text);
    out_.AppendByte(0);
  }

  // Column counts are int16 on the wire.
  void Count16(size_t count) {
    CHECK(count <= static_cast<size_t>(std::numeric_limits<int16_t>::max()));
    out_.AppendBigEndian<int16_t>(static_cast<int16_t>(count));
  }

  // Lengths and relation counts are int32 on the wire.
  void Length32(size_t length) {
    CHECK(length <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
    out_.AppendBigEndian<int32_t>(static_cast<int32_t>(length));
  }

  void Tuple(char marker, const TupleData& tuple) {
    out_.AppendByte(static_cast<uint8_t>(marker));
    Count16(tuple.size());
    for (const TupleColumn& column : tuple) Column(column);
  }

  void Column(const TupleColumn& column) {
    out_.AppendByte(static_cast<uint8_t>(column.kind));
    switch (column.kind) {
      case TupleColumnKind::kNull:
      case TupleColumnKind::kUnchangedToast:
        CHECK_MSG(column.data.empty(), "a NULL or unchanged-TOAST column carries no data");
        return;
      case TupleColumnKind::kText:
      case TupleColumnKind::kBinary:
        Length32(column.data.size());
        out_.Append(column.data);
        return;
    }
    CHECK_MSG(false, "unknown tuple column kind");
  }

  bool in_stream_;
  ByteWriter out_;
};

}  // namespace

Bytes EncodePgoutputMessage(const PgoutputMessage& message, bool in_stream) {
  Encoder encoder(in_stream);
  std::visit(encoder, message);
  return encoder.Release();
}

}  // namespace pg2iceberg::pg
