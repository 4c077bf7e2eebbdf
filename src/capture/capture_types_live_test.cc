// Runs against a real PostgreSQL (wal_level=logical) named by PG2ICEBERG_TEST_PG_CONNINFO;
// skipped when it is unset. Run it with scripts/with_postgres.py.
//
// Edge values of every type capture maps (enums, domains, citext, timetz and the string-mapped
// types) go through pgoutput twice — binary 'true' and binary 'false' — and are decoded the way
// capture does (PgTypeResolver on the Relation columns, then pg::DecodeColumnValue). Both runs
// must give the same Values, equal to what the server itself prints for the table's final rows:
// that output is the oracle.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>

#include "capture/recorded_type_resolver.h"
#include "env/libpq_connection.h"
#include "env/real_clock.h"
#include "pg/pgoutput.h"
#include "pg/replication_protocol.h"
#include "pg/text_values.h"
#include "pg/value_decoding.h"

namespace pg2iceberg::capture {
namespace {

using change::Row;
using change::Value;

// capture's replication session settings (mirror/stream_only.cc), for the oracle as well.
constexpr const char* kSessionSettings =
    "SET client_encoding = 'UTF8'; SET datestyle = 'ISO, YMD'; SET timezone = 'UTC';"
    " SET extra_float_digits = 3; SET bytea_output = 'hex'; SET intervalstyle = 'postgres';"
    " SET lc_monetary = 'C'";

constexpr const char* kSchemaSql = R"sql(
DROP PUBLICATION IF EXISTS types_pub;
DROP TABLE IF EXISTS types_values;
DROP DOMAIN IF EXISTS types_price2, types_price, types_label, types_code;
DROP TYPE IF EXISTS types_mood, types_pair;
CREATE TYPE types_mood AS ENUM ('happy', 'sad', 'it''s complicated');
CREATE TYPE types_pair AS (a int, b int);
CREATE DOMAIN types_price AS numeric(10,2) CHECK (VALUE > -100000000);
CREATE DOMAIN types_price2 AS types_price;
CREATE DOMAIN types_label AS text;
CREATE DOMAIN types_code AS varchar(20);
)sql";

// c_citext is citext when the extension can be created, else plain text.
std::string TableSql(bool citext) {
  return std::string(
             "CREATE TABLE types_values (id int PRIMARY KEY, c_mood types_mood, c_price "
             "types_price, ") +
         "c_price2 types_price2, c_label types_label, c_code types_code, c_citext " +
         (citext ? "citext" : "text") +
         ", c_timetz timetz, c_interval interval, c_money money, c_inet inet, c_cidr cidr, "
         "c_macaddr macaddr, "
         "c_macaddr8 macaddr8, c_bit bit(5), c_varbit varbit, c_xml xml, c_lsn pg_lsn, c_int4range "
         "int4range, "
         "c_int8range int8range, c_numrange numrange, c_daterange daterange, c_tsrange tsrange, "
         "c_tstzrange tstzrange); CREATE PUBLICATION types_pub FOR TABLE types_values";
}

const std::vector<std::string> kWorkload = {
    R"sql(INSERT INTO types_values VALUES
 (1, 'happy', 12.34, -0.01, 'Hello', 'A-1', 'MiXeD Case', '12:34:56.789+05:30',
  '1 year 2 mons 3 days 04:05:06.5', 12.34, '192.168.1.5/24', '10.0.0.0/8', '08:00:2b:01:02:03',
  '08:00:2b:01:02:03:04:05', B'10101', B'0101', '<a>x &amp; y</a>', '0/16B3748', '[1,10)',
  '[-9223372036854775808,9223372036854775807)', '(1.50,2.250]', '[2024-01-01,2024-02-01)',
  '[2024-01-01 00:00:00,2024-02-01 12:34:56.5)', '[2024-01-01 00:00:00+05:30,)'),
 (2, 'it''s complicated', -99999999.99, 99999999.99, '', '', 'ß', '01:00:00-08',
  '-1 years -2 mons +3 days -04:05:06', -92233720368547758.08, '::1', '2001:db8::/32',
  'ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff:ff:ff', B'00000', B'', '<?xml version="1.0"?><r/>',
  'FFFFFFFF/FFFFFFFF', 'empty', '(,5]', '[-Infinity,Infinity]', '[-infinity,infinity)', '(,infinity]',
  '[0044-03-15 12:00:00+00 BC,1999-12-31 23:59:59.000001+00]'),
 (3, 'sad', 0, 0, 'x', 'z', 'x', '23:30:00-02:30', '-0.000001 s', 0, '::ffff:1.2.3.4', '::/0',
  '00:00:00:00:00:00', '00:00:00:00:00:00:00:00', B'11111', B'1', '<a/>', '0/0', '(,)', '[5,)',
  '[-0.001,)', '[0044-03-15 BC,2000-02-29]', '[4714-11-24 00:00:00 BC,294276-12-31 23:59:59.999999]',
  'empty'),
 (4, NULL, NULL, NULL, NULL, NULL, NULL, '24:00:00+00', '0', 1234567.89, '2001:db8::1/64', '1.2.3.4/32',
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL))sql",
    "UPDATE types_values SET c_interval = '-1 days +02:00:00', c_timetz = '10:00:00-15:59', "
    "c_inet = '1:0:0:2:0:0:3:4' WHERE id = 3",
    "UPDATE types_values SET c_timetz = '00:00:00+15:59:59', c_mood = 'sad' WHERE id = 5",
    "SELECT pg_logical_emit_message(false, 'types_done', 'end')",
};

// The oracle: what the server prints, with money as its amount and timetz as µs in UTC.
constexpr const char* kOracleSql =
    "SELECT id, c_mood, c_price, c_price2, c_label, c_code, c_citext, "
    "(extract(epoch FROM (c_timetz AT TIME ZONE 'UTC')::time) * 1000000)::int8, c_interval, "
    "c_money::numeric, c_inet, c_cidr, c_macaddr, c_macaddr8, c_bit, c_varbit, c_xml, c_lsn, "
    "c_int4range, "
    "c_int8range, c_numrange, c_daterange, c_tsrange, c_tstzrange FROM types_values ORDER BY id";

Result<Value> ExpectedValue(size_t column, const std::optional<std::string>& text) {
  if (!text.has_value()) return Value::Null();
  if (column == 0) return Value::Int32(std::stoi(*text));
  if (column == 2 || column == 3) {
    ASSIGN_OR_RETURN(const __int128 unscaled, pg::ParseNumericText(*text, 10, 2));
    return Value::Decimal(unscaled);
  }
  if (column == 7) return Value::Time(std::stoll(*text));
  return Value::String(*text);
}

Result<std::map<int, Row>> Oracle(PgConnection& sql) {
  ASSIGN_OR_RETURN(PgRows rows, sql.Exec(kOracleSql));
  std::map<int, Row> out;
  for (const auto& row : rows.rows) {
    Row values;
    for (size_t i = 0; i < row.size(); ++i) {
      ASSIGN_OR_RETURN(Value value, ExpectedValue(i, row[i]));
      values.push_back(std::move(value));
    }
    out[values[0].int_value] = std::move(values);
  }
  return out;
}

// Decodes a row the way capture does: resolved column types, then DecodeColumnValue.
Result<Row> DecodeRow(TypeResolver& types, const pg::RelationMessage& relation,
                      const pg::TupleData& tuple) {
  Row row;
  for (size_t i = 0; i < tuple.size() && i < relation.columns.size(); ++i) {
    change::ColumnSchema column = relation.columns[i];
    ASSIGN_OR_RETURN(const ResolvedType type, types.Resolve(column.type_oid, column.type_modifier));
    column.type_oid = type.type_oid;
    column.type_modifier = type.type_modifier;
    ASSIGN_OR_RETURN(Value value, pg::DecodeColumnValue(column, tuple[i]));
    row.push_back(std::move(value));
  }
  return row;
}

// What one stream delivered: the last image of each row by id.
struct Streamed {
  std::map<int, Row> rows;
  int binary_values = 0;  // values that arrived in binary form
};

// Streams `slot` until the done marker (at most 60 s).
Result<Streamed> Replicate(PgConnection& replication, TypeResolver& types, const std::string& slot,
                           bool binary) {
  ASSIGN_OR_RETURN(std::unique_ptr<ReplicationStream> stream,
                   replication.StartReplication(
                       "START_REPLICATION SLOT " + slot +
                       " LOGICAL 0/0 (proto_version '2', publication_names 'types_pub', "
                       "messages 'true', binary '" +
                       (binary ? "true" : "false") + "')"));
  RealClock clock;
  const int64_t deadline = clock.MonotonicMicros() + 60'000'000;
  pg::RelationMessage relation;
  Streamed out;
  while (clock.MonotonicMicros() < deadline) {
    ASSIGN_OR_RETURN(std::optional<Bytes> bytes, stream->Receive(1'000'000));
    if (!bytes.has_value()) continue;
    ASSIGN_OR_RETURN(pg::ReplicationMessage framed, pg::ParseReplicationMessage(*bytes));
    const auto* data = std::get_if<pg::XLogData>(&framed);
    if (data == nullptr) continue;
    ASSIGN_OR_RETURN(pg::PgoutputMessage message, pg::DecodePgoutputMessage(data->payload, false));
    if (const auto* m = std::get_if<pg::RelationMessage>(&message)) relation = *m;
    const pg::TupleData* tuple = nullptr;
    if (const auto* m = std::get_if<pg::InsertMessage>(&message)) tuple = &m->new_tuple;
    if (const auto* m = std::get_if<pg::UpdateMessage>(&message)) tuple = &m->new_tuple;
    if (tuple != nullptr) {
      ASSIGN_OR_RETURN(Row row, DecodeRow(types, relation, *tuple));
      const int id = static_cast<int>(row.at(0).int_value);
      out.rows[id] = std::move(row);
      for (const pg::TupleColumn& column : *tuple)
        out.binary_values += column.kind == pg::TupleColumnKind::kBinary;
    }
    const auto* logical = std::get_if<pg::LogicalMessage>(&message);
    if (logical != nullptr && logical->prefix == "types_done") {
      stream.reset();  // ends the stream; the connection's next command waits for the server
      RETURN_IF_ERROR(replication.Exec("DROP_REPLICATION_SLOT " + slot).status());
      return out;
    }
  }
  return Status::Unavailable("no done marker within 60 s on slot " + slot);
}

class CaptureTypesLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
    if (conninfo == nullptr || *conninfo == '\0')
      FAIL() << "PG2ICEBERG_TEST_PG_CONNINFO is not set: a live test fails without its server (run "
                "it under scripts/with_postgres.py, as scripts/test.sh does)";
    conninfo_ = conninfo;
    sql_ = Connect(false);
    ASSERT_TRUE(sql_->Exec(kSessionSettings).ok());
    ASSERT_TRUE(sql_->Exec("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                           "WHERE slot_name IN ('types_binary', 'types_text') AND NOT active")
                    .ok());
    ASSERT_TRUE(sql_->Exec(kSchemaSql).ok());
    has_citext_ = sql_->Exec("CREATE EXTENSION IF NOT EXISTS citext").ok();
    Result<PgRows> table = sql_->Exec(TableSql(has_citext_));
    ASSERT_TRUE(table.ok()) << table.status().ToString();
  }

  std::unique_ptr<PgConnection> Connect(bool replication) {
    PgConnectParams params;
    params.conninfo = conninfo_;
    params.replication = replication;
    Result<std::unique_ptr<PgConnection>> connection = connector_.Connect(params);
    EXPECT_TRUE(connection.ok()) << connection.status().ToString();
    return connection.ok() ? std::move(connection).value() : nullptr;
  }

  void ExpectStreamsDecodeToWhatTheServerPrints(const char* lc_monetary);

  Result<uint32_t> TypeOidOf(const std::string& type) {
    ASSIGN_OR_RETURN(PgRows rows, sql_->Exec("SELECT '" + type + "'::regtype::oid"));
    return static_cast<uint32_t>(std::stoul(rows.rows.at(0).at(0).value()));
  }

  class Quiet final : public Logger {
   public:
    void Write(LogLevel, std::string_view) override {}
    LogLevel min_level() const override { return LogLevel::kError; }
  } log_;
  LibpqConnector connector_{log_};
  std::string conninfo_;
  std::unique_ptr<PgConnection> sql_;
  bool has_citext_ = false;
};

TEST_F(CaptureTypesLiveTest, TheResolverFollowsDomainsAndMapsEnumsAndCitextToText) {
  PgTypeResolver resolver(*sql_);
  const auto resolve = [&](const std::string& type) -> Result<ResolvedType> {
    ASSIGN_OR_RETURN(const uint32_t oid, TypeOidOf(type));
    return resolver.Resolve(oid, -1);
  };
  constexpr int32_t kNumeric10x2 = ((10 << 16) | 2) + 4;
  EXPECT_EQ(*resolve("types_mood"), (ResolvedType{25, -1, "public.types_mood"}));
  EXPECT_EQ(*resolve("types_price"), (ResolvedType{1700, kNumeric10x2, "public.types_price"}));
  EXPECT_EQ(*resolve("types_price2"), (ResolvedType{1700, kNumeric10x2, "public.types_price2"}));
  EXPECT_EQ(*resolve("types_label"), (ResolvedType{25, -1, "public.types_label"}));
  EXPECT_EQ(*resolve("types_code"), (ResolvedType{1043, 24, "public.types_code"}));  // varchar(20)
  EXPECT_EQ(*resolve("int4"), (ResolvedType{23, -1, ""}));
  // money carries lc_monetary's fraction digits as its modifier (C: 2).
  EXPECT_EQ(*resolve("money"), (ResolvedType{790, 2, ""}));
  EXPECT_EQ(*resolve("money[]"), (ResolvedType{791, 2, ""}));
  if (has_citext_) {
    EXPECT_EQ(*resolve("citext"), (ResolvedType{25, -1, "public.citext"}));
  }
  Result<ResolvedType> composite = resolve("types_pair");
  ASSERT_FALSE(composite.ok());
  EXPECT_EQ(composite.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(composite.status().message().find("public.types_pair"), std::string::npos)
      << composite.status().ToString();
  EXPECT_NE(composite.status().message().find("composite"), std::string::npos)
      << composite.status().ToString();
  // Cached: a resolved type is answered without the connection.
  ASSERT_TRUE(sql_->Exec("DROP TABLE types_values; DROP DOMAIN types_price2").ok());
  EXPECT_TRUE(resolver.Resolve(TypeOidOf("types_price").value(), -1).ok());
}

// Streams the workload in binary and in text and compares both with the oracle, read (and the
// types resolved) in sql_'s session, under `lc_monetary` when not null (the workload and the
// replication sessions use C).
void CaptureTypesLiveTest::ExpectStreamsDecodeToWhatTheServerPrints(const char* lc_monetary) {
  if (!has_citext_) std::cerr << "citext is not available: c_citext is plain text\n";
  std::unique_ptr<PgConnection> binary = Connect(true);
  std::unique_ptr<PgConnection> text = Connect(true);
  ASSERT_TRUE(binary && text);
  for (PgConnection* replication : {binary.get(), text.get()}) {
    ASSERT_TRUE(replication->Exec(kSessionSettings).ok());
  }
  for (const char* slot : {"types_binary", "types_text"}) {
    ASSERT_TRUE(binary
                    ->Exec(std::string("CREATE_REPLICATION_SLOT ") + slot +
                           " LOGICAL pgoutput (SNAPSHOT 'nothing')")
                    .ok());
  }
  for (const std::string& statement : kWorkload) {
    Result<PgRows> done = sql_->Exec(statement);
    ASSERT_TRUE(done.ok()) << done.status().ToString();
  }
  if (lc_monetary != nullptr) {
    Result<PgRows> set = sql_->Exec(std::string("SET lc_monetary = '") + lc_monetary + "'");
    ASSERT_TRUE(set.ok()) << set.status().ToString()
                          << " (scripts/install.sh generates the locale with localedef)";
  }
  Result<std::map<int, Row>> oracle = Oracle(*sql_);
  ASSERT_TRUE(oracle.ok()) << oracle.status().ToString();
  ASSERT_EQ(oracle->size(), 5u);
  PgTypeResolver types(*sql_);
  Result<Streamed> from_binary = Replicate(*binary, types, "types_binary", true);
  ASSERT_TRUE(from_binary.ok()) << from_binary.status().ToString();
  Result<Streamed> from_text = Replicate(*text, types, "types_text", false);
  ASSERT_TRUE(from_text.ok()) << from_text.status().ToString();
  EXPECT_EQ(from_text->binary_values, 0);
  EXPECT_GE(from_binary->binary_values, 3 * 24);  // at least the inserts of rows 1–3, all non-null
  for (const auto& [id, expected] : *oracle) {
    for (const auto* run : {&from_binary->rows, &from_text->rows}) {
      ASSERT_TRUE(run->contains(id)) << "row " << id;
      const Row& got = run->at(id);
      ASSERT_EQ(got.size(), expected.size());
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i], expected[i])
            << (run == &from_binary->rows ? "binary" : "text") << " run, row " << id << ", column "
            << i << ": got \"" << got[i].bytes << "\" (" << got[i].int_value
            << "), server printed \"" << expected[i].bytes << "\" (" << expected[i].int_value
            << ")";
      }
    }
  }
}

TEST_F(CaptureTypesLiveTest, TextAndBinaryStreamsDecodeToWhatTheServerPrints) {
  ExpectStreamsDecodeToWhatTheServerPrints(nullptr);
}

// Regression (issue 11): money was decoded with two fraction digits whatever lc_monetary said.
// The replication sessions keep lc_monetary=C; the source's users see another currency.
TEST_F(CaptureTypesLiveTest, MoneyIsTheAmountInTheSourceSessionsCurrency) {
  for (const char* locale : {"ja_JP.UTF-8", "ar_KW.UTF-8"}) {  // 0 and 3 fraction digits
    SCOPED_TRACE(locale);
    ExpectStreamsDecodeToWhatTheServerPrints(locale);
    if (HasFatalFailure()) return;
    SetUp();
  }
}

}  // namespace
}  // namespace pg2iceberg::capture
