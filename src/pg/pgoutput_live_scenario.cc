#include "pg/pgoutput_live_scenario.h"

#include <map>
#include <memory>

#include "base/parse_number.h"
#include "env/libpq_connection.h"
#include "env/real_clock.h"
#include "pg/replication_protocol.h"
#include "pg/value_decoding.h"

namespace pg2iceberg::pg::live {
namespace {

using change::OldRow;
using change::Row;
using change::Value;

// The session settings capture's replication connection uses, plus a tiny decoding memory
// limit so the large transaction streams (it is read by the walsender, not the writer).
constexpr const char* kReplicationOptions =
    " options='-c datestyle=ISO,YMD -c timezone=UTC -c extra_float_digits=3 -c bytea_output=hex "
    "-c intervalstyle=postgres -c logical_decoding_work_mem=64kB'";

const char* const kSchemaSql = R"sql(
DROP PUBLICATION IF EXISTS pgout_pub;
DROP TABLE IF EXISTS pgout_types, pgout_full, pgout_toast, pgout_misc, pgout_trunc_a,
                     pgout_trunc_b, pgout_bulk;
DROP TYPE IF EXISTS pgout_mood;
CREATE TYPE pgout_mood AS ENUM ('happy', 'sad');
CREATE TABLE pgout_types (id int PRIMARY KEY, c_bool bool, c_int2 int2, c_int4 int4,
  c_int8 int8, c_oid oid, c_float4 float4, c_float8 float8, c_numeric numeric(20,4),
  c_text text, c_varchar varchar(20), c_bpchar char(5), c_name name, c_json json,
  c_jsonb jsonb, c_bytea bytea, c_date date, c_time time, c_timestamp timestamp,
  c_timestamptz timestamptz, c_uuid uuid);
CREATE TABLE pgout_full (id int, note text);
ALTER TABLE pgout_full REPLICA IDENTITY FULL;
CREATE TABLE pgout_toast (id int PRIMARY KEY, big text, n int);
ALTER TABLE pgout_toast ALTER COLUMN big SET STORAGE EXTERNAL;
CREATE TABLE pgout_misc (id int PRIMARY KEY, mood pgout_mood);
CREATE TABLE pgout_trunc_a (id int PRIMARY KEY);
CREATE TABLE pgout_trunc_b (id int PRIMARY KEY);
CREATE TABLE pgout_bulk (id int PRIMARY KEY, payload text);
CREATE PUBLICATION pgout_pub FOR TABLE pgout_types, pgout_full, pgout_toast, pgout_misc,
  pgout_trunc_a, pgout_trunc_b, pgout_bulk;
SELECT pg_replication_origin_drop(roname) FROM pg_replication_origin WHERE roname = 'pgout_origin';
SELECT pg_replication_origin_create('pgout_origin');
)sql";

// Each entry runs as its own transaction (autocommit or an explicit block).
const std::vector<std::string> kWorkload = {
    R"sql(INSERT INTO pgout_types VALUES
 (1, true, -123, 2147483647, -9223372036854775808, 4294967295, 1.5, 0.1,
  '1234567890123456.7890', 'héllo wörld', 'short', 'ab', 'pg_class', '{"b":1,  "a":2}',
  '{"b": [1, 2], "a": null}', '\x00ff10', '2024-01-31', '12:34:56.123456',
  '2024-01-31 12:34:56.123456', '2024-01-31 12:34:56.123456+05:30',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
 (2, false, -32768, -2147483648, 9223372036854775807, 0, '-0', 'NaN', '-0.0001', '',
  'it''s', 'abcde', '', 'null', '[]', '\x', '0044-03-15 BC', '23:59:59.999999',
  '4714-11-24 00:00:00 BC', '0044-03-15 12:00:00+00 BC', '00000000-0000-0000-0000-000000000000'),
 (3, NULL, NULL, NULL, NULL, NULL, 'Infinity', '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, '5874897-12-31', '00:00:00', '294246-12-31 23:59:59.999999', NULL, NULL),
 (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL))sql",
    "UPDATE pgout_types SET c_text = 'updated' WHERE id = 1",
    "UPDATE pgout_types SET id = 10 WHERE id = 4",
    "DELETE FROM pgout_types WHERE id = 3",
    "INSERT INTO pgout_full VALUES (1, 'a')",
    "UPDATE pgout_full SET note = 'b'",
    "DELETE FROM pgout_full",
    "INSERT INTO pgout_toast VALUES (1, repeat('x', 100000), 1)",
    "UPDATE pgout_toast SET n = 2",
    "INSERT INTO pgout_misc VALUES (1, 'happy')",
    "SELECT pg_replication_origin_session_setup('pgout_origin')",
    "BEGIN; SELECT pg_replication_origin_xact_setup('0/12345678', now()); "
    "INSERT INTO pgout_misc VALUES (2, 'sad'); COMMIT",
    "SELECT pg_replication_origin_session_reset()",
    "INSERT INTO pgout_trunc_a VALUES (1)",
    "INSERT INTO pgout_trunc_b VALUES (1)",
    "TRUNCATE pgout_trunc_a, pgout_trunc_b",
    "SELECT pg_logical_emit_message(true, 'pgout', 'transactional')",
    "SELECT pg_logical_emit_message(false, 'pgout', 'non-transactional')",
};

Result<Row> DecodeRow(const RelationMessage& relation, const TupleData& tuple) {
  if (tuple.size() != relation.columns.size()) return Status::DataLoss("column count mismatch");
  Row row;
  for (size_t i = 0; i < tuple.size(); ++i) {
    if (relation.table_name == "pgout_misc" && i == 1) {  // an enum: not a mirrored type
      row.push_back(Value::Null());
      continue;
    }
    ASSIGN_OR_RETURN(Value value, DecodeColumnValue(relation.columns[i], tuple[i]));
    row.push_back(std::move(value));
  }
  return row;
}

// Tracks stream blocks and relations; converts row changes as they arrive.
class Collector {
 public:
  bool in_stream() const { return in_stream_; }
  Seen& seen() { return seen_; }

  Status Handle(const PgoutputMessage& message) {
    seen_.kinds.insert(message.index());
    if (std::holds_alternative<StreamStartMessage>(message)) in_stream_ = true;
    if (std::holds_alternative<StreamStopMessage>(message)) in_stream_ = false;
    if (const auto* m = std::get_if<RelationMessage>(&message)) relations_[m->relid] = *m;
    if (const auto* m = std::get_if<TruncateMessage>(&message)) seen_.truncates.push_back(*m);
    if (const auto* m = std::get_if<OriginMessage>(&message)) seen_.origins.push_back(*m);
    if (const auto* m = std::get_if<TypeMessage>(&message)) seen_.types.push_back(*m);
    if (const auto* m = std::get_if<StreamAbortMessage>(&message))
      seen_.stream_aborts.push_back(*m);
    if (const auto* m = std::get_if<LogicalMessage>(&message)) {
      seen_.done = seen_.done || m->prefix == "pgout_done";
      seen_.messages.emplace_back(m->transactional,
                                  m->prefix + ":" + std::string(AsStringView(m->content)));
    }
    if (const auto* m = std::get_if<InsertMessage>(&message)) {
      return Record('I', m->relid, OldRow::kNone, nullptr, &m->new_tuple);
    }
    if (const auto* m = std::get_if<UpdateMessage>(&message)) {
      return Record('U', m->relid, m->old_kind, &m->old_tuple, &m->new_tuple);
    }
    if (const auto* m = std::get_if<DeleteMessage>(&message)) {
      return Record('D', m->relid, m->old_kind, &m->old_tuple, nullptr);
    }
    return Status::Ok();
  }

 private:
  Status Record(char kind, uint32_t relid, OldRow old_kind, const TupleData* old_tuple,
                const TupleData* new_tuple) {
    auto relation = relations_.find(relid);
    if (relation == relations_.end()) return Status::DataLoss("row before its Relation");
    SeenRow row{.kind = kind,
                .table = relation->second.table_name,
                .old_kind = old_kind,
                .in_stream = in_stream_};
    if (old_kind != OldRow::kNone) {
      ASSIGN_OR_RETURN(row.old_row, DecodeRow(relation->second, *old_tuple));
    }
    if (new_tuple != nullptr) {
      ASSIGN_OR_RETURN(row.new_row, DecodeRow(relation->second, *new_tuple));
    }
    seen_.rows.push_back(std::move(row));
    return Status::Ok();
  }

  bool in_stream_ = false;
  std::map<uint32_t, RelationMessage> relations_;
  Seen seen_;
};

// Answers a keepalive: everything up to the server's WAL end is received and flushed.
Status Answer(ReplicationStream& stream, Clock& clock, const PrimaryKeepalive& keepalive) {
  return stream.Send(EncodeStandbyStatusUpdate(keepalive.wal_end, keepalive.wal_end,
                                               keepalive.wal_end,
                                               PgMicrosFromUnixMicros(clock.NowMicros()), false));
}

// Waits (at most 10 s) until the slot's confirmed_flush_lsn reaches `lsn`: the status
// update got through.
Status AwaitConfirmedFlush(PgConnection& sql, Clock& clock, const std::string& slot,
                           change::Lsn lsn) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    ASSIGN_OR_RETURN(PgRows rows, sql.ExecParams("SELECT confirmed_flush_lsn::text FROM "
                                                 "pg_replication_slots WHERE slot_name = $1",
                                                 {slot}));
    if (rows.rows.size() == 1 && rows.rows[0][0].has_value()) {
      ASSIGN_OR_RETURN(change::Lsn confirmed, change::ParseLsn(*rows.rows[0][0]));
      if (confirmed >= lsn) return Status::Ok();
    }
    clock.SleepMicros(100'000);
  }
  return Status::Internal("confirmed_flush_lsn of " + slot + " never reached " +
                          change::FormatLsn(lsn));
}

// Streams `slot` until the done marker and one keepalive after it (answered), for at most 60 s.
Result<Seen> Replicate(PgConnection& replication, PgConnection& sql, Clock& clock,
                       const std::string& slot, bool binary) {
  ASSIGN_OR_RETURN(std::unique_ptr<ReplicationStream> stream,
                   replication.StartReplication(
                       "START_REPLICATION SLOT " + slot +
                       " LOGICAL 0/0 (proto_version '2', "
                       "publication_names 'pgout_pub', streaming 'on', messages 'true', binary '" +
                       (binary ? "true" : "false") + "')"));
  Collector collector;
  Seen& seen = collector.seen();
  const int64_t deadline = clock.MonotonicMicros() + 60'000'000;
  bool answered_after_done = false;
  change::Lsn answered = 0;
  for (int i = 0; i < 1'000'000 && !answered_after_done; ++i) {
    if (clock.MonotonicMicros() > deadline)
      return Status::Unavailable("no done marker within 60 s");
    ASSIGN_OR_RETURN(std::optional<Bytes> bytes, stream->Receive(1'000'000));
    if (!bytes.has_value()) continue;
    seen.raw.push_back({.copy_data = *bytes, .in_stream = collector.in_stream()});
    ASSIGN_OR_RETURN(ReplicationMessage framed, ParseReplicationMessage(*bytes));
    if (const auto* keepalive = std::get_if<PrimaryKeepalive>(&framed)) {
      ++seen.keepalives;
      RETURN_IF_ERROR(Answer(*stream, clock, *keepalive));
      answered = keepalive->wal_end;
      answered_after_done = seen.done;
      continue;
    }
    const ByteSpan payload = std::get<XLogData>(framed).payload;
    ASSIGN_OR_RETURN(PgoutputMessage message,
                     DecodePgoutputMessage(payload, collector.in_stream()));
    RETURN_IF_ERROR(collector.Handle(message));
  }
  // A quiet stream times out with nothing rather than blocking.
  const int64_t before = clock.MonotonicMicros();
  ASSIGN_OR_RETURN(std::optional<Bytes> quiet, stream->Receive(0));
  (void)quiet;
  if (clock.MonotonicMicros() - before > 1'000'000) return Status::Internal("Receive(0) blocked");
  if (!answered_after_done) return Status::Internal("the stream ended before the done marker");
  RETURN_IF_ERROR(AwaitConfirmedFlush(sql, clock, slot, answered));
  stream.reset();  // ends the stream; the connection's next command waits for the server
  RETURN_IF_ERROR(replication.Exec("DROP_REPLICATION_SLOT " + slot).status());
  return std::move(seen);
}

// Drops the scenario's slots that are still there when it ends, even after a failure.
class SlotGuard {
 public:
  SlotGuard(PgConnector& connector, Clock& clock, std::string conninfo,
            std::vector<std::string> slots)
      : connector_(connector),
        clock_(clock),
        conninfo_(std::move(conninfo)),
        slots_(std::move(slots)) {}
  ~SlotGuard() {
    PgConnectParams params;
    params.conninfo = conninfo_;
    Result<std::unique_ptr<PgConnection>> sql = connector_.Connect(params);
    if (!sql.ok()) return;
    for (const std::string& slot : slots_) {
      // A slot stays active until its walsender has exited; wait for that, at most 10 s.
      for (int attempt = 0; attempt < 100; ++attempt) {
        Result<PgRows> rows = (*sql)->ExecParams(
            "SELECT active, CASE WHEN active THEN false ELSE pg_drop_replication_slot(slot_name) "
            "IS NULL END FROM pg_replication_slots WHERE slot_name = $1",
            {slot});
        if (!rows.ok() || rows->rows.empty() || rows->rows[0][0] == "f") break;
        clock_.SleepMicros(100'000);
      }
    }
  }

 private:
  PgConnector& connector_;
  Clock& clock_;
  std::string conninfo_;
  std::vector<std::string> slots_;
};

std::string BulkInsert(int first, int last) {
  return "INSERT INTO pgout_bulk SELECT g, repeat('p', 100) FROM generate_series(" +
         std::to_string(first) + ", " + std::to_string(last) + ") g";
}

// The workload after kWorkload: one transaction large enough to stream (under the
// walsender's 64kB limit), with a streamed savepoint rolled back inside it.
Result<Workload> RunWorkload(PgConnection& sql) {
  for (const std::string& statement : kWorkload) RETURN_IF_ERROR(sql.Exec(statement).status());
  RETURN_IF_ERROR(sql.Exec("BEGIN; " + BulkInsert(1, kBulkRows) + "; SAVEPOINT s; " +
                           BulkInsert(kBulkRows + 1, 2 * kBulkRows))
                      .status());
  ASSIGN_OR_RETURN(PgRows xids, sql.Exec("SELECT (SELECT xmin FROM pgout_bulk WHERE id = 1), "
                                         "(SELECT xmin FROM pgout_bulk WHERE id = " +
                                         std::to_string(kBulkRows + 1) + ")"));
  RETURN_IF_ERROR(sql.Exec("ROLLBACK TO SAVEPOINT s; " +
                           BulkInsert(2 * kBulkRows + 1, 2 * kBulkRows + 10) + "; COMMIT")
                      .status());
  ASSIGN_OR_RETURN(PgRows relids, sql.Exec("SELECT 'pgout_trunc_a'::regclass::oid, "
                                           "'pgout_trunc_b'::regclass::oid"));
  RETURN_IF_ERROR(sql.Exec("SELECT pg_logical_emit_message(false, 'pgout_done', 'end')").status());
  if (xids.rows.size() != 1 || xids.rows[0].size() != 2 || relids.rows.size() != 1)
    return Status::Internal("unexpected answer to the workload's xid or relid query");
  Workload out;
  ASSIGN_OR_RETURN(out.bulk_xid, ParseUint32(xids.rows[0][0].value_or(""), "bulk xid"));
  ASSIGN_OR_RETURN(out.aborted_subxid, ParseUint32(xids.rows[0][1].value_or(""), "subxid"));
  for (const auto& relid : relids.rows[0]) {
    ASSIGN_OR_RETURN(const uint32_t oid, ParseUint32(relid.value_or(""), "truncated relid"));
    out.truncated_relids.insert(oid);
  }
  return out;
}

}  // namespace

Result<Observations> RunScenario(const std::string& conninfo) {
  NullLogger log;
  RealClock clock;
  LibpqConnector connector(log);
  PgConnectParams params;
  params.conninfo = conninfo;
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> sql, connector.Connect(params));
  RETURN_IF_ERROR(sql->Exec(kSchemaSql).status());
  SlotGuard guard(connector, clock, conninfo, {"pgout_binary", "pgout_text"});
  params.conninfo = conninfo + kReplicationOptions;
  params.replication = true;
  // One stream per connection (see PgConnection::StartReplication).
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> binary, connector.Connect(params));
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> text, connector.Connect(params));
  for (const char* slot : {"pgout_binary", "pgout_text"}) {
    RETURN_IF_ERROR(binary
                        ->Exec(std::string("CREATE_REPLICATION_SLOT ") + slot +
                               " LOGICAL pgoutput (SNAPSHOT 'nothing')")
                        .status());
  }
  Observations out;
  ASSIGN_OR_RETURN(out.workload, RunWorkload(*sql));
  ASSIGN_OR_RETURN(out.binary, Replicate(*binary, *sql, clock, "pgout_binary", true));
  ASSIGN_OR_RETURN(out.text, Replicate(*text, *sql, clock, "pgout_text", false));
  if (binary->StartReplication("START_REPLICATION SLOT pgout_text LOGICAL 0/0").status().code() !=
      StatusCode::kInvalidArgument) {
    return Status::Internal("a second stream on one connection was not refused");
  }
  return out;
}

}  // namespace pg2iceberg::pg::live
