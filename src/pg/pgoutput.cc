#include "pg/pgoutput.h"

#include "pg/replication_protocol.h"
#include "pg/wire_reader.h"

namespace pg2iceberg::pg {
namespace {

using change::OldRow;

// The xid that leads row and schema messages inside a stream block; 0 outside one.
Result<uint32_t> StreamXid(WireReader& reader, bool in_stream) {
  if (!in_stream) return uint32_t{0};
  return reader.U32();
}

Result<bool> Flag(WireReader& reader, std::string_view field) {
  ASSIGN_OR_RETURN(const uint8_t value, reader.U8());
  if (value > 1) return reader.Malformed(std::string(field) + " is " + std::to_string(value));
  return value == 1;
}

Status ExpectZeroFlags(WireReader& reader) {
  ASSIGN_OR_RETURN(const uint8_t flags, reader.U8());
  if (flags != 0) return reader.Malformed("flags are " + std::to_string(flags) + ", expected 0");
  return Status::Ok();
}

Result<int64_t> CommitTime(WireReader& reader) {
  ASSIGN_OR_RETURN(const int64_t pg_micros, reader.I64());
  return UnixMicrosFromPgMicros(pg_micros);
}

Result<TupleColumn> DecodeTupleColumn(WireReader& reader) {
  ASSIGN_OR_RETURN(const uint8_t kind, reader.U8());
  switch (kind) {
    case 'n':
    case 'u':
      return TupleColumn{.kind = static_cast<TupleColumnKind>(kind)};
    case 't':
    case 'b': {
      ASSIGN_OR_RETURN(const int32_t length, reader.I32());
      if (length < 0) return reader.Malformed("negative column length");
      ASSIGN_OR_RETURN(const ByteSpan data, reader.Take(static_cast<size_t>(length)));
      return TupleColumn{.kind = static_cast<TupleColumnKind>(kind), .data = data};
    }
    default:
      return reader.Malformed("unknown tuple column kind " + DescribeTypeByte(kind));
  }
}

Result<TupleData> DecodeTupleData(WireReader& reader) {
  ASSIGN_OR_RETURN(const int16_t count, reader.I16());
  if (count < 0) return reader.Malformed("negative column count");
  TupleData out;
  out.reserve(static_cast<size_t>(count));
  for (int16_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(TupleColumn column, DecodeTupleColumn(reader));
    out.push_back(column);
  }
  return out;
}

Result<PgoutputMessage> DecodeBegin(WireReader& reader, bool /*in_stream*/) {
  BeginMessage out;
  ASSIGN_OR_RETURN(out.final_lsn, reader.U64());
  ASSIGN_OR_RETURN(out.commit_time_micros, CommitTime(reader));
  ASSIGN_OR_RETURN(out.xid, reader.U32());
  return PgoutputMessage(out);
}

Result<PgoutputMessage> DecodeCommit(WireReader& reader, bool /*in_stream*/) {
  CommitMessage out;
  RETURN_IF_ERROR(ExpectZeroFlags(reader));
  ASSIGN_OR_RETURN(out.commit_lsn, reader.U64());
  ASSIGN_OR_RETURN(out.end_lsn, reader.U64());
  ASSIGN_OR_RETURN(out.commit_time_micros, CommitTime(reader));
  return PgoutputMessage(out);
}

Result<PgoutputMessage> DecodeOrigin(WireReader& reader, bool /*in_stream*/) {
  OriginMessage out;
  ASSIGN_OR_RETURN(out.origin_commit_lsn, reader.U64());
  ASSIGN_OR_RETURN(out.name, reader.CString());
  return PgoutputMessage(std::move(out));
}

Result<change::ColumnSchema> DecodeRelationColumn(WireReader& reader) {
  change::ColumnSchema out;
  ASSIGN_OR_RETURN(out.key, Flag(reader, "column flags"));
  ASSIGN_OR_RETURN(out.name, reader.CString());
  ASSIGN_OR_RETURN(out.type_oid, reader.U32());
  ASSIGN_OR_RETURN(out.type_modifier, reader.I32());
  return out;
}

Result<PgoutputMessage> DecodeRelation(WireReader& reader, bool in_stream) {
  RelationMessage out;
  ASSIGN_OR_RETURN(out.stream_xid, StreamXid(reader, in_stream));
  ASSIGN_OR_RETURN(out.relid, reader.U32());
  ASSIGN_OR_RETURN(out.schema_name, reader.CString());
  ASSIGN_OR_RETURN(out.table_name, reader.CString());
  ASSIGN_OR_RETURN(const uint8_t identity, reader.U8());
  if (identity != 'd' && identity != 'n' && identity != 'f' && identity != 'i') {
    return reader.Malformed("unknown replica identity " + DescribeTypeByte(identity));
  }
  out.replica_identity = static_cast<char>(identity);
  ASSIGN_OR_RETURN(const int16_t count, reader.I16());
  if (count < 0) return reader.Malformed("negative column count");
  out.columns.reserve(static_cast<size_t>(count));
  for (int16_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(change::ColumnSchema column, DecodeRelationColumn(reader));
    out.columns.push_back(std::move(column));
  }
  return PgoutputMessage(std::move(out));
}

Result<PgoutputMessage> DecodeType(WireReader& reader, bool in_stream) {
  TypeMessage out;
  ASSIGN_OR_RETURN(out.stream_xid, StreamXid(reader, in_stream));
  ASSIGN_OR_RETURN(out.type_oid, reader.U32());
  ASSIGN_OR_RETURN(out.schema_name, reader.CString());
  ASSIGN_OR_RETURN(out.type_name, reader.CString());
  return PgoutputMessage(std::move(out));
}

// The byte that introduces a tuple: 'N' new, 'K' key, 'O' old (full row).
Status ExpectTupleMarker(WireReader& reader, uint8_t marker) {
  ASSIGN_OR_RETURN(const uint8_t byte, reader.U8());
  if (byte == marker) return Status::Ok();
  return reader.Malformed("expected tuple marker " + DescribeTypeByte(marker) + ", got " +
                          DescribeTypeByte(byte));
}

Result<PgoutputMessage> DecodeInsert(WireReader& reader, bool in_stream) {
  InsertMessage out;
  ASSIGN_OR_RETURN(out.stream_xid, StreamXid(reader, in_stream));
  ASSIGN_OR_RETURN(out.relid, reader.U32());
  RETURN_IF_ERROR(ExpectTupleMarker(reader, 'N'));
  ASSIGN_OR_RETURN(out.new_tuple, DecodeTupleData(reader));
  return PgoutputMessage(std::move(out));
}

Result<PgoutputMessage> DecodeUpdate(WireReader& reader, bool in_stream) {
  UpdateMessage out;
  ASSIGN_OR_RETURN(out.stream_xid, StreamXid(reader, in_stream));
  ASSIGN_OR_RETURN(out.relid, reader.U32());
  ASSIGN_OR_RETURN(const uint8_t marker, reader.U8());
  if (marker == 'K' || marker == 'O') {
    out.old_kind = marker == 'K' ? OldRow::kKey : OldRow::kFull;
    ASSIGN_OR_RETURN(out.old_tuple, DecodeTupleData(reader));
    RETURN_IF_ERROR(ExpectTupleMarker(reader, 'N'));
  } else if (marker != 'N') {
    return reader.Malformed("unknown tuple marker " + DescribeTypeByte(marker));
  }
  ASSIGN_OR_RETURN(out.new_tuple, DecodeTupleData(reader));
  return PgoutputMessage(std::move(out));
}

Result<PgoutputMessage> DecodeDelete(WireReader& reader, bool in_stream) {
  DeleteMessage out;
  ASSIGN_OR_RETURN(out.stream_xid, StreamXid(reader, in_stream));
  ASSIGN_OR_RETURN(out.relid, reader.U32());
  ASSIGN_OR_RETURN(const uint8_t marker, reader.U8());
  if (marker != 'K' && marker != 'O') {
    return reader.Malformed("unknown tuple marker " + DescribeTypeByte(marker));
  }
  out.old_kind = marker == 'K' ? OldRow::kKey : OldRow::kFull;
  ASSIGN_OR_RETURN(out.old_tuple, DecodeTupleData(reader));
  return PgoutputMessage(std::move(out));
}

Result<PgoutputMessage> DecodeTruncate(WireReader& reader, bool in_stream) {
  constexpr uint8_t kCascade = 1, kRestartIdentity = 2;
  TruncateMessage out;
  ASSIGN_OR_RETURN(out.stream_xid, StreamXid(reader, in_stream));
  ASSIGN_OR_RETURN(const int32_t count, reader.I32());
  ASSIGN_OR_RETURN(const uint8_t options, reader.U8());
  if ((options & ~(kCascade | kRestartIdentity)) != 0) {
    return reader.Malformed("unknown options " + std::to_string(options));
  }
  out.cascade = (options & kCascade) != 0;
  out.restart_identity = (options & kRestartIdentity) != 0;
  // Checked before reserving, so a garbage count cannot allocate gigabytes.
  if (count < 0 || static_cast<size_t>(count) > reader.remaining() / 4) {
    return reader.Malformed("relation count " + std::to_string(count) + " does not fit");
  }
  out.relids.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(const uint32_t relid, reader.U32());
    out.relids.push_back(relid);
  }
  return PgoutputMessage(std::move(out));
}

Result<PgoutputMessage> DecodeLogicalMessage(WireReader& reader, bool in_stream) {
  LogicalMessage out;
  ASSIGN_OR_RETURN(out.stream_xid, StreamXid(reader, in_stream));
  ASSIGN_OR_RETURN(out.transactional, Flag(reader, "flags"));
  ASSIGN_OR_RETURN(out.lsn, reader.U64());
  ASSIGN_OR_RETURN(out.prefix, reader.CString());
  ASSIGN_OR_RETURN(const int32_t length, reader.I32());
  if (length < 0) return reader.Malformed("negative content length");
  ASSIGN_OR_RETURN(out.content, reader.Take(static_cast<size_t>(length)));
  return PgoutputMessage(std::move(out));
}

Result<PgoutputMessage> DecodeStreamStart(WireReader& reader, bool /*in_stream*/) {
  StreamStartMessage out;
  ASSIGN_OR_RETURN(out.xid, reader.U32());
  ASSIGN_OR_RETURN(out.first_segment, Flag(reader, "first-segment flag"));
  return PgoutputMessage(out);
}

Result<PgoutputMessage> DecodeStreamCommit(WireReader& reader, bool /*in_stream*/) {
  StreamCommitMessage out;
  ASSIGN_OR_RETURN(out.xid, reader.U32());
  RETURN_IF_ERROR(ExpectZeroFlags(reader));
  ASSIGN_OR_RETURN(out.commit_lsn, reader.U64());
  ASSIGN_OR_RETURN(out.end_lsn, reader.U64());
  ASSIGN_OR_RETURN(out.commit_time_micros, CommitTime(reader));
  return PgoutputMessage(out);
}

Result<PgoutputMessage> DecodeStreamAbort(WireReader& reader, bool /*in_stream*/) {
  StreamAbortMessage out;
  ASSIGN_OR_RETURN(out.xid, reader.U32());
  ASSIGN_OR_RETURN(out.subxid, reader.U32());
  return PgoutputMessage(out);
}

Result<PgoutputMessage> DecodeStreamStop(WireReader& /*reader*/, bool /*in_stream*/) {
  return PgoutputMessage(StreamStopMessage{});
}

struct MessageType {
  uint8_t type;
  const char* name;  // for errors
  Result<PgoutputMessage> (*decode)(WireReader& reader, bool in_stream);
};

// The message types of pgoutput protocol versions 1 and 2.
constexpr MessageType kMessageTypes[] = {
    {'B', "pgoutput Begin message", DecodeBegin},
    {'C', "pgoutput Commit message", DecodeCommit},
    {'O', "pgoutput Origin message", DecodeOrigin},
    {'R', "pgoutput Relation message", DecodeRelation},
    {'Y', "pgoutput Type message", DecodeType},
    {'I', "pgoutput Insert message", DecodeInsert},
    {'U', "pgoutput Update message", DecodeUpdate},
    {'D', "pgoutput Delete message", DecodeDelete},
    {'T', "pgoutput Truncate message", DecodeTruncate},
    {'M', "pgoutput Message message", DecodeLogicalMessage},
    {'S', "pgoutput Stream Start message", DecodeStreamStart},
    {'E', "pgoutput Stream Stop message", DecodeStreamStop},
    {'c', "pgoutput Stream Commit message", DecodeStreamCommit},
    {'A', "pgoutput Stream Abort message", DecodeStreamAbort},
};

}  // namespace

Result<PgoutputMessage> DecodePgoutputMessage(ByteSpan message, bool in_stream) {
  if (message.empty()) return Status::DataLoss("empty pgoutput message");
  const uint8_t type = static_cast<uint8_t>(message[0]);
  for (const MessageType& known : kMessageTypes) {
    if (known.type != type) continue;
    WireReader reader(message.subspan(1), known.name);
    ASSIGN_OR_RETURN(PgoutputMessage out, known.decode(reader, in_stream));
    RETURN_IF_ERROR(reader.ExpectEnd());
    return out;
  }
  return Status::DataLoss("unknown pgoutput message type " + DescribeTypeByte(type) +
                          " (pg2iceberg decodes pgoutput protocol versions 1 and 2)");
}

}  // namespace pg2iceberg::pg
