#include "pg/replication_protocol.h"

#include <limits>

#include "pg/wire_reader.h"

namespace pg2iceberg::pg {
namespace {

Result<ReplicationMessage> ParseXLogData(WireReader& reader) {
  XLogData out;
  ASSIGN_OR_RETURN(out.data_start, reader.U64());
  ASSIGN_OR_RETURN(out.wal_end, reader.U64());
  ASSIGN_OR_RETURN(out.send_time_pg_micros, reader.I64());
  out.payload = reader.Rest();
  return ReplicationMessage(out);
}

Result<ReplicationMessage> ParseKeepalive(WireReader& reader) {
  PrimaryKeepalive out;
  ASSIGN_OR_RETURN(out.wal_end, reader.U64());
  ASSIGN_OR_RETURN(out.send_time_pg_micros, reader.I64());
  ASSIGN_OR_RETURN(const uint8_t reply, reader.U8());
  if (reply > 1) return reader.Malformed("reply_requested is " + std::to_string(reply));
  out.reply_requested = reply == 1;
  RETURN_IF_ERROR(reader.ExpectEnd());
  return ReplicationMessage(out);
}

}  // namespace

int64_t PgMicrosFromUnixMicros(int64_t unix_micros) {
  if (unix_micros < std::numeric_limits<int64_t>::min() + kPgEpochUnixMicros) {
    return std::numeric_limits<int64_t>::min();
  }
  return unix_micros - kPgEpochUnixMicros;
}

Result<int64_t> UnixMicrosFromPgMicros(int64_t pg_micros) {
  if (pg_micros > std::numeric_limits<int64_t>::max() - kPgEpochUnixMicros) {
    return Status::DataLoss("PostgreSQL time " + std::to_string(pg_micros) +
                            " µs after 2000-01-01 is out of range");
  }
  return pg_micros + kPgEpochUnixMicros;
}

Result<ReplicationMessage> ParseReplicationMessage(ByteSpan message) {
  if (message.empty()) return Status::DataLoss("empty replication message");
  const char type = static_cast<char>(message[0]);
  if (type == 'w') {
    WireReader reader(message.subspan(1), "XLogData replication message");
    return ParseXLogData(reader);
  }
  if (type == 'k') {
    WireReader reader(message.subspan(1), "keepalive replication message");
    return ParseKeepalive(reader);
  }
  return Status::DataLoss("unknown replication message type " +
                          DescribeTypeByte(static_cast<uint8_t>(type)));
}

Bytes EncodeReplicationMessage(const ReplicationMessage& message) {
  ByteWriter out;
  if (const auto* data = std::get_if<XLogData>(&message)) {
    out.AppendByte('w');
    out.AppendBigEndian<uint64_t>(data->data_start);
    out.AppendBigEndian<uint64_t>(data->wal_end);
    out.AppendBigEndian<int64_t>(data->send_time_pg_micros);
    out.Append(data->payload);
    return out.Release();
  }
  const auto& keepalive = std::get<PrimaryKeepalive>(message);
  out.AppendByte('k');
  out.AppendBigEndian<uint64_t>(keepalive.wal_end);
  out.AppendBigEndian<int64_t>(keepalive.send_time_pg_micros);
  out.AppendByte(keepalive.reply_requested ? 1 : 0);
  return out.Release();
}

Bytes EncodeStandbyStatusUpdate(change::Lsn write_lsn, change::Lsn flush_lsn, change::Lsn apply_lsn,
                                int64_t send_time_pg_micros, bool reply_requested) {
  ByteWriter out;
  out.AppendByte('r');
  out.AppendBigEndian<uint64_t>(write_lsn);
  out.AppendBigEndian<uint64_t>(flush_lsn);
  out.AppendBigEndian<uint64_t>(apply_lsn);
  out.AppendBigEndian<int64_t>(send_time_pg_micros);
  out.AppendByte(reply_requested ? 1 : 0);
  return out.Release();
}

}  // namespace pg2iceberg::pg
