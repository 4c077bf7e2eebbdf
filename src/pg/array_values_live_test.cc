// Arrays decoded from a real PostgreSQL's pgoutput, text and binary: runs against the server
// named by PG2ICEBERG_TEST_PG_CONNINFO (wal_level=logical); skipped when it is unset. Run it
// with scripts/with_postgres.py. Uses the table arrays_values, the publication arrays_pub and
// the slot arrays_slot, read through pg_logical_slot_peek_binary_changes with the session
// settings capture's replication connection uses.
#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <string>

#include "base/log.h"
#include "env/libpq_connection.h"
#include "pg/array_values.h"
#include "pg/pgoutput.h"
#include "pg/value_decoding.h"

namespace pg2iceberg::pg {
namespace {

using change::Row;
using change::Value;

const char* const kSetupSql = R"sql(
SET datestyle = 'ISO, YMD'; SET timezone = 'UTC'; SET extra_float_digits = 3;
SET bytea_output = 'hex'; SET intervalstyle = 'postgres';
SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
  WHERE slot_name = 'arrays_slot';
DROP PUBLICATION IF EXISTS arrays_pub;
DROP TABLE IF EXISTS arrays_values;
CREATE TABLE arrays_values (id int PRIMARY KEY, c_bool bool[], c_bytea bytea[], c_name name[],
  c_int2 int2[], c_int4 int4[], c_text text[], c_bpchar char(3)[], c_varchar varchar(10)[],
  c_int8 int8[], c_float4 float4[], c_float8 float8[], c_oid oid[], c_timestamp timestamp[],
  c_date date[], c_time time[], c_timestamptz timestamptz[], c_numeric numeric(10,2)[],
  c_json json[], c_uuid uuid[], c_jsonb jsonb[], c_grid int4[][]);
CREATE PUBLICATION arrays_pub FOR TABLE arrays_values;
)sql";

// A transaction of its own: a slot cannot be created in one that has written.
const char* const kSlotSql =
    "SELECT 'slot' FROM pg_create_logical_replication_slot('arrays_slot', 'pgoutput')";

const char* const kWorkloadSql = R"sql(
INSERT INTO arrays_values VALUES (1, '{t,f,NULL}', '{"\\x0102",NULL,"\\x"}',
  '{pg_class,NULL,"a b"}', '{-32768,32767,NULL}', '{1,NULL,-2}',
  ARRAY['a,b', 'q"uote', E'back\\slash', '{brace}', 'NULL', '', ' sp ', NULL, 'héllo'],
  '{ab,NULL,xyz}', '{hi,NULL}', '{-9223372036854775808,9223372036854775807,NULL}',
  '{1.5,NULL,-0,NaN}', '{-0.25,Infinity,NULL,0.1}', '{4294967295,0,NULL}',
  '{"1970-01-01 00:00:01",NULL,"2000-01-01 00:00:00"}', '{1970-01-11,NULL,2000-01-01}',
  '{00:00:01.5,NULL,23:59:59.999999}',
  '{"1970-01-02 00:00:00+00","2000-01-01 05:30:00+05:30",NULL}',
  '{1.50,-2,NULL,12345678.99}', ARRAY['{"a": 1}', NULL, '[1,2]']::json[],
  '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}',
  ARRAY['{"b": [1, 2], "a": null}', NULL]::jsonb[], '{{1,2},{3,NULL}}');
INSERT INTO arrays_values VALUES (2, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}',
  '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}');
INSERT INTO arrays_values (id) VALUES (3);
INSERT INTO arrays_values (id, c_int4, c_text, c_numeric, c_grid) VALUES (4, '[0:2]={7,8,9}',
  '{{a,"b c"},{NULL,"}"}}', '{{1.1},{NULL}}', '[0:1][5:6]={{1,2},{3,4}}');
INSERT INTO arrays_values (id, c_grid) VALUES (5, '{{{1},{2}},{{3},{4}}}');
UPDATE arrays_values SET c_int4 = '{5}' WHERE id = 2;
)sql";

Value Ints(std::vector<std::optional<int64_t>> values, Value (*make)(int32_t) = Value::Int32) {
  std::vector<Value> out;
  for (auto v : values) out.push_back(v ? make(static_cast<int32_t>(*v)) : Value::Null());
  return Value::List(std::move(out));
}

template <typename T, typename Make>
Value ListOf(std::vector<std::optional<T>> values, Make make) {
  std::vector<Value> out;
  for (auto& v : values) out.push_back(v ? make(*v) : Value::Null());
  return Value::List(std::move(out));
}

Value Strings(std::vector<std::optional<std::string>> values) {
  return ListOf(std::move(values), Value::String);
}

Row FirstRow() {
  constexpr int64_t kSecond = 1'000'000;
  constexpr int64_t kY2k = 946'684'800 * kSecond;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  return {Value::Int32(1),
          ListOf<bool>({true, false, std::nullopt}, Value::Bool),
          ListOf<std::string>({std::string("\x01\x02"), std::nullopt, ""}, Value::Binary),
          Strings({"pg_class", std::nullopt, "a b"}),
          Ints({-32768, 32767, std::nullopt}),
          Ints({1, std::nullopt, -2}),
          Strings({"a,b", "q\"uote", "back\\slash", "{brace}", "NULL", "", " sp ", std::nullopt,
                   "h\xc3\xa9llo"}),
          Strings({"ab ", std::nullopt, "xyz"}),
          Strings({"hi", std::nullopt}),
          ListOf<int64_t>({std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                           std::nullopt},
                          Value::Int64),
          ListOf<float>({1.5f, std::nullopt, -0.0f, nan}, Value::Float32),
          ListOf<double>({-0.25, std::numeric_limits<double>::infinity(), std::nullopt, 0.1},
                         Value::Float64),
          ListOf<int64_t>({4294967295, 0, std::nullopt}, Value::Int64),
          ListOf<int64_t>({kSecond, std::nullopt, kY2k}, Value::Timestamp),
          Ints({10, std::nullopt, 10957}, Value::Date),
          ListOf<int64_t>({1'500'000, std::nullopt, 86'399'999'999}, Value::Time),
          ListOf<int64_t>({86'400 * kSecond, kY2k, std::nullopt}, Value::TimestampTz),
          ListOf<int64_t>({150, -200, std::nullopt, 1'234'567'899}, Value::Decimal),
          Strings({"{\"a\": 1}", std::nullopt, "[1,2]"}),
          ListOf<std::string>({std::string("\xa0\xee\xbc\x99\x9c\x0b\x4e\xf8\xbb\x6d\x6b\xb9\xbd"
                                           "\x38\x0a\x11"),
                               std::nullopt},
                              Value::Uuid),
          Strings({"{\"a\": null, \"b\": [1, 2]}", std::nullopt}),
          Value::List({Ints({1, 2}), Ints({3, std::nullopt})})};
}

// The rows in the order the changes arrive (the last is the update of row 2).
std::vector<Row> ExpectedRows() {
  const size_t columns = 22;
  Row empty(columns, Value::List({}));
  empty[0] = Value::Int32(2);
  Row nulls(columns, Value::Null());
  nulls[0] = Value::Int32(3);
  Row fourth = nulls;
  fourth[0] = Value::Int32(4);
  fourth[5] = Ints({7, 8, 9});
  fourth[6] = Value::List({Strings({"a", "b c"}), Strings({std::nullopt, "}"})});
  fourth[17] = Value::List(
      {ListOf<int64_t>({110}, Value::Decimal), ListOf<int64_t>({std::nullopt}, Value::Decimal)});
  fourth[21] = Value::List({Ints({1, 2}), Ints({3, 4})});
  Row fifth = nulls;
  fifth[0] = Value::Int32(5);
  fifth[21] =
      Value::List({Value::List({Ints({1}), Ints({2})}), Value::List({Ints({3}), Ints({4})})});
  Row updated = empty;
  updated[5] = Ints({5});
  return {FirstRow(), empty, nulls, fourth, fifth, updated};
}

Bytes FromHex(std::string_view text) {  // "\x0a1b" → bytes
  Bytes out;
  for (size_t i = 2; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<std::byte>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// Decodes every new row the slot holds, in `binary` or text form, without consuming them.
Result<std::vector<Row>> PeekRows(PgConnection& sql, bool binary) {
  ASSIGN_OR_RETURN(PgRows messages,
                   sql.Exec(std::string("SELECT data FROM pg_logical_slot_peek_binary_changes("
                                        "'arrays_slot', NULL, NULL, 'proto_version', '1', "
                                        "'publication_names', 'arrays_pub', 'binary', '") +
                            (binary ? "true" : "false") + "')"));
  std::map<uint32_t, RelationMessage> relations;
  std::vector<Row> rows;
  for (const auto& message_row : messages.rows) {
    const Bytes bytes = FromHex(message_row.at(0).value());
    ASSIGN_OR_RETURN(PgoutputMessage message, DecodePgoutputMessage(bytes, false));
    if (auto* relation = std::get_if<RelationMessage>(&message)) {
      relations[relation->relid] = *relation;
    }
    const TupleData* tuple = nullptr;
    uint32_t relid = 0;
    if (auto* insert = std::get_if<InsertMessage>(&message)) {
      tuple = &insert->new_tuple, relid = insert->relid;
    }
    if (auto* update = std::get_if<UpdateMessage>(&message)) {
      tuple = &update->new_tuple, relid = update->relid;
    }
    if (tuple == nullptr) continue;
    const RelationMessage& relation = relations.at(relid);
    Row row;
    for (size_t i = 0; i < tuple->size(); ++i) {
      ASSIGN_OR_RETURN(Value value, DecodeColumnValue(relation.columns.at(i), (*tuple)[i]));
      row.push_back(std::move(value));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

class ArrayValuesLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
    if (conninfo == nullptr || *conninfo == '\0')
      FAIL() << "no PG2ICEBERG_TEST_PG_CONNINFO: a live test fails without its server (run it "
                "under scripts/with_postgres.py, as scripts/test.sh does)";
    PgConnectParams params;
    params.conninfo = conninfo;
    Result<std::unique_ptr<PgConnection>> connection = connector_.Connect(params);
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    sql_ = std::move(connection).value();
  }
  void TearDown() override {
    if (sql_ == nullptr) return;
    (void)sql_->Exec(
        "SELECT pg_drop_replication_slot('arrays_slot') FROM pg_replication_slots "
        "WHERE slot_name = 'arrays_slot'");
  }

  void ExpectDecodedRows(bool binary) {
    for (const char* statements : {kSetupSql, kSlotSql, kWorkloadSql}) {
      Result<PgRows> setup = sql_->Exec(statements);
      ASSERT_TRUE(setup.ok()) << setup.status().ToString();
    }
    Result<std::vector<Row>> rows = PeekRows(*sql_, binary);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    const std::vector<Row> expected = ExpectedRows();
    ASSERT_EQ(rows->size(), expected.size());
    for (size_t r = 0; r < expected.size(); ++r) {
      ASSERT_EQ((*rows)[r].size(), expected[r].size());
      for (size_t c = 0; c < expected[r].size(); ++c) {
        EXPECT_TRUE((*rows)[r][c] == expected[r][c]) << "row " << r << " column " << c;
      }
    }
  }

  NullLogger log_;
  LibpqConnector connector_{log_};
  std::unique_ptr<PgConnection> sql_;
};

TEST_F(ArrayValuesLiveTest, ElementTypesMatchTheServersCatalog) {
  Result<PgRows> types = sql_->Exec(
      "SELECT oid, typelem FROM pg_type WHERE typcategory = 'A' AND typelem <> 0 ORDER BY oid");
  ASSERT_TRUE(types.ok()) << types.status().ToString();
  int known = 0;
  for (const auto& type : types->rows) {
    const uint32_t oid = std::stoul(type.at(0).value());
    const std::optional<uint32_t> element = ArrayElementTypeOid(oid);
    if (!element.has_value()) continue;
    ++known;
    EXPECT_EQ(*element, std::stoul(type.at(1).value())) << "array type " << oid;
  }
  EXPECT_EQ(known, 37);
}

TEST_F(ArrayValuesLiveTest, TextFormDecodesToTheExpectedLists) { ExpectDecodedRows(false); }

TEST_F(ArrayValuesLiveTest, BinaryFormDecodesToTheExpectedLists) { ExpectDecodedRows(true); }

}  // namespace
}  // namespace pg2iceberg::pg
