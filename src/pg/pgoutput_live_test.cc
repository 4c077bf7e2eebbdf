// Runs against a real PostgreSQL (wal_level=logical) named by PG2ICEBERG_TEST_PG_CONNINFO;
// fails when it is unset. Run it with scripts/with_postgres.py.
//
// The scenario of pgoutput_live_scenario.h runs once (on first use); each test checks one
// aspect of what it saw, for the binary and the text run alike.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>

#include "env/libpq_connection.h"
#include "pg/pgoutput_encode.h"
#include "pg/pgoutput_live_scenario.h"
#include "pg/replication_protocol.h"
#include "pg/wire_reader.h"

namespace pg2iceberg::pg::live {
namespace {

using change::OldRow;
using change::Row;
using change::Value;

// The scenario's outcome, run on first use; nullptr when no server is configured.
const Result<Observations>* Scenario() {
  static const Result<Observations>* const result = []() -> const Result<Observations>* {
    const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
    if (conninfo == nullptr || *conninfo == '\0') return nullptr;
    return new Result<Observations>(RunScenario(conninfo));
  }();
  return result;
}

std::string Hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// pgout_types rows as inserted, by id (expected values computed independently of the decoder).
std::map<int, Row> ExpectedTypesRows() {
  const Value null = Value::Null();
  Row one = {Value::Int32(1),
             Value::Bool(true),
             Value::Int32(-123),
             Value::Int32(2147483647),
             Value::Int64(std::numeric_limits<int64_t>::min()),
             Value::Int64(4294967295),
             Value::Float32(1.5f),
             Value::Float64(0.1),
             Value::Decimal(static_cast<__int128>(12345678901234567890ULL)),
             Value::String("h\xc3\xa9llo w\xc3\xb6rld"),
             Value::String("short"),
             Value::String("ab   "),
             Value::String("pg_class"),
             Value::String("{\"b\":1,  \"a\":2}"),
             Value::String("{\"a\": null, \"b\": [1, 2]}"),
             Value::Binary(Hex("00ff10")),
             Value::Date(19753),
             Value::Time(45296123456),
             Value::Timestamp(1706704496123456),
             Value::TimestampTz(1706684696123456),
             Value::Uuid(Hex("a0eebc999c0b4ef8bb6d6bb9bd380a11"))};
  Row two = {Value::Int32(2),
             Value::Bool(false),
             Value::Int32(-32768),
             Value::Int32(std::numeric_limits<int32_t>::min()),
             Value::Int64(std::numeric_limits<int64_t>::max()),
             Value::Int64(0),
             Value::Float32(-0.0f),
             Value::Float64(std::numeric_limits<double>::quiet_NaN()),
             Value::Decimal(-1),
             Value::String(""),
             Value::String("it's"),
             Value::String("abcde"),
             Value::String(""),
             Value::String("null"),
             Value::String("[]"),
             Value::Binary(""),
             Value::Date(-735160),
             Value::Time(86399999999),
             Value::Timestamp(-210866803200000000),
             Value::TimestampTz(-63517780800000000),
             Value::Uuid(std::string(16, '\0'))};
  Row three(21, null);
  three[0] = Value::Int32(3);
  three[6] = Value::Float32(std::numeric_limits<float>::infinity());
  three[7] = Value::Float64(-std::numeric_limits<double>::infinity());
  three[16] = Value::Date(2145042905);
  three[17] = Value::Time(0);
  three[18] = Value::Timestamp(9223371244799999999);
  Row four(21, null);
  four[0] = Value::Int32(4);
  return {{1, one}, {2, two}, {3, three}, {4, four}};
}

const SeenRow* FindRow(const Seen& seen, char kind, std::string_view table, int index = 0) {
  for (const SeenRow& row : seen.rows) {
    if (row.kind == kind && row.table == table && index-- == 0) return &row;
  }
  return nullptr;
}

class PgoutputLiveTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    const Result<Observations>* scenario = Scenario();
    if (scenario == nullptr)
      FAIL() << "PG2ICEBERG_TEST_PG_CONNINFO is not set: a live test fails without its server (run "
                "it under scripts/with_postgres.py, as scripts/test.sh does)";
    ASSERT_TRUE(scenario->ok()) << scenario->status().ToString();
    workload_ = &(*scenario)->workload;
    seen_ = GetParam() ? &(*scenario)->binary : &(*scenario)->text;
  }
  const Workload* workload_ = nullptr;
  const Seen* seen_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(BinaryAndText, PgoutputLiveTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Binary" : "Text"; });

TEST_P(PgoutputLiveTest, SeesEveryMessageKind) {
  for (size_t kind = 0; kind < std::variant_size_v<PgoutputMessage>; ++kind) {
    EXPECT_TRUE(seen_->kinds.contains(kind)) << "PgoutputMessage alternative " << kind;
  }
  EXPECT_GE(seen_->keepalives, 1);
}

TEST_P(PgoutputLiveTest, InsertedValuesDecodeToWhatWasInserted) {
  const std::map<int, Row> expected = ExpectedTypesRows();
  for (const auto& [id, row] : expected) {
    const auto inserted =
        std::find_if(seen_->rows.begin(), seen_->rows.end(), [&](const SeenRow& r) {
          return r.kind == 'I' && r.table == "pgout_types" && r.new_row.at(0) == Value::Int32(id);
        });
    ASSERT_NE(inserted, seen_->rows.end()) << id;
    ASSERT_EQ(inserted->new_row.size(), row.size());
    for (size_t i = 0; i < row.size(); ++i) {
      EXPECT_EQ(inserted->new_row[i], row[i]) << "row " << id << " column " << i << ": got "
                                              << ValueKindName(inserted->new_row[i].kind);
    }
  }
}

TEST_P(PgoutputLiveTest, UpdatesAndDeletesCarryTheOldRowTheIdentityAsksFor) {
  const SeenRow* plain = FindRow(*seen_, 'U', "pgout_types", 0);
  ASSERT_NE(plain, nullptr);
  Row updated = ExpectedTypesRows().at(1);
  updated[9] = Value::String("updated");
  EXPECT_EQ(plain->old_kind, OldRow::kNone);
  EXPECT_EQ(plain->new_row, updated);
  const SeenRow* key_change = FindRow(*seen_, 'U', "pgout_types", 1);
  ASSERT_NE(key_change, nullptr);
  EXPECT_EQ(key_change->old_kind, OldRow::kKey);
  EXPECT_EQ(key_change->old_row.at(0), Value::Int32(4));
  EXPECT_EQ(key_change->old_row.at(1), Value::Null());
  EXPECT_EQ(key_change->new_row.at(0), Value::Int32(10));
  const SeenRow* deleted = FindRow(*seen_, 'D', "pgout_types");
  ASSERT_NE(deleted, nullptr);
  EXPECT_EQ(deleted->old_kind, OldRow::kKey);
  EXPECT_EQ(deleted->old_row.at(0), Value::Int32(3));
  const SeenRow* full_update = FindRow(*seen_, 'U', "pgout_full");
  const SeenRow* full_delete = FindRow(*seen_, 'D', "pgout_full");
  ASSERT_TRUE(full_update != nullptr && full_delete != nullptr);
  EXPECT_EQ(full_update->old_kind, OldRow::kFull);
  EXPECT_EQ(full_update->old_row, (Row{Value::Int32(1), Value::String("a")}));
  EXPECT_EQ(full_update->new_row, (Row{Value::Int32(1), Value::String("b")}));
  EXPECT_EQ(full_delete->old_kind, OldRow::kFull);
  EXPECT_EQ(full_delete->old_row, (Row{Value::Int32(1), Value::String("b")}));
}

TEST_P(PgoutputLiveTest, AnUntouchedToastedValueArrivesAsUnchangedToast) {
  const SeenRow* insert = FindRow(*seen_, 'I', "pgout_toast");
  const SeenRow* update = FindRow(*seen_, 'U', "pgout_toast");
  ASSERT_TRUE(insert != nullptr && update != nullptr);
  EXPECT_EQ(insert->new_row.at(1), Value::String(std::string(100000, 'x')));
  EXPECT_EQ(update->new_row.at(1), Value::UnchangedToast());
  EXPECT_EQ(update->new_row.at(2), Value::Int32(2));
}

TEST_P(PgoutputLiveTest, TruncateOfTwoTablesNamesBoth) {
  ASSERT_EQ(seen_->truncates.size(), 1u);
  const std::vector<uint32_t>& relids = seen_->truncates[0].relids;
  EXPECT_EQ(std::set<uint32_t>(relids.begin(), relids.end()), workload_->truncated_relids);
  EXPECT_FALSE(seen_->truncates[0].cascade);
}

TEST_P(PgoutputLiveTest, LogicalMessagesOriginAndTypeArrive) {
  const auto& messages = seen_->messages;
  EXPECT_NE(std::find(messages.begin(), messages.end(),
                      std::pair<bool, std::string>(true, "pgout:transactional")),
            messages.end());
  EXPECT_NE(std::find(messages.begin(), messages.end(),
                      std::pair<bool, std::string>(false, "pgout:non-transactional")),
            messages.end());
  ASSERT_EQ(seen_->origins.size(), 1u);
  EXPECT_EQ(seen_->origins[0].name, "pgout_origin");
  EXPECT_EQ(seen_->origins[0].origin_commit_lsn, 0x12345678u);
  ASSERT_FALSE(seen_->types.empty());
  EXPECT_EQ(seen_->types[0].schema_name, "public");
  EXPECT_EQ(seen_->types[0].type_name, "pgout_mood");
}

TEST_P(PgoutputLiveTest, LargeTransactionStreamsAndItsRolledBackSavepointAborts) {
  const auto streamed = std::count_if(seen_->rows.begin(), seen_->rows.end(), [](const SeenRow& r) {
    return r.table == "pgout_bulk" && r.in_stream;
  });
  EXPECT_GE(streamed, kBulkRows);
  const auto& aborts = seen_->stream_aborts;
  EXPECT_NE(std::find_if(aborts.begin(), aborts.end(),
                         [&](const StreamAbortMessage& a) {
                           return a.xid == workload_->bulk_xid &&
                                  a.subxid == workload_->aborted_subxid;
                         }),
            aborts.end())
      << "no Stream Abort of subtransaction " << workload_->aborted_subxid;
}

// "" when `encoded` is `sent`; else where they part.
std::string Difference(ByteSpan encoded, ByteSpan sent) {
  const auto [at, unused] = std::ranges::mismatch(encoded, sent);
  if (at == encoded.end() && encoded.size() == sent.size()) return "";
  return "encoded " + std::to_string(encoded.size()) + " bytes, the server sent " +
         std::to_string(sent.size()) + "; first difference at offset " +
         std::to_string(at - encoded.begin());
}

// The strong check of the encoder: it writes what a real server wrote, byte for byte, for
// every message of the run (framing included).
TEST_P(PgoutputLiveTest, EveryRealMessageReencodesToTheBytesTheServerSent) {
  std::set<uint8_t> types;
  int mismatches = 0;
  for (size_t i = 0; i < seen_->raw.size() && mismatches < 5; ++i) {
    const RawMessage& raw = seen_->raw[i];
    Result<ReplicationMessage> framed = ParseReplicationMessage(raw.copy_data);
    ASSERT_TRUE(framed.ok()) << framed.status().ToString();
    std::string difference = Difference(EncodeReplicationMessage(*framed), raw.copy_data);
    const auto* data = std::get_if<XLogData>(&*framed);
    if (difference.empty() && data != nullptr) {
      Result<PgoutputMessage> decoded = DecodePgoutputMessage(data->payload, raw.in_stream);
      ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
      difference = Difference(EncodePgoutputMessage(*decoded, raw.in_stream), data->payload);
      types.insert(static_cast<uint8_t>(data->payload[0]));
    }
    if (difference.empty()) continue;
    ++mismatches;
    ADD_FAILURE() << "CopyData message " << i << " ("
                  << DescribeTypeByte(static_cast<uint8_t>(raw.copy_data[0]))
                  << (data == nullptr
                          ? ""
                          : " carrying " + DescribeTypeByte(static_cast<uint8_t>(data->payload[0])))
                  << "): " << difference;
  }
  EXPECT_EQ(types.size(), std::variant_size_v<PgoutputMessage>) << "message kinds re-encoded";
}

TEST(ReplicationConnectionLiveTest, RunsWalsenderCommandsAndRefusesNonStreamingStarts) {
  const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
  if (conninfo == nullptr || *conninfo == '\0')
    FAIL() << "PG2ICEBERG_TEST_PG_CONNINFO is not set: a live test fails without its server (run "
              "it under scripts/with_postgres.py, as scripts/test.sh does)";
  NullLogger log;
  LibpqConnector connector(log);
  PgConnectParams params;
  params.conninfo = std::string(conninfo) + " replication=false";  // the flag must win
  params.replication = true;
  Result<std::unique_ptr<PgConnection>> replication = connector.Connect(params);
  ASSERT_TRUE(replication.ok()) << replication.status().ToString();
  Result<PgRows> identity = (*replication)->Exec("IDENTIFY_SYSTEM");
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  ASSERT_EQ(identity->rows.size(), 1u);
  EXPECT_EQ(identity->column_names,
            (std::vector<std::string>{"systemid", "timeline", "xlogpos", "dbname"}));
  EXPECT_EQ((*replication)->StartReplication("IDENTIFY_SYSTEM").status().code(),
            StatusCode::kInvalidArgument);
  Result<std::unique_ptr<ReplicationStream>> missing =
      (*replication)->StartReplication("START_REPLICATION SLOT pgout_no_such_slot LOGICAL 0/0");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("pgout_no_such_slot"), std::string::npos)
      << missing.status().ToString();
  EXPECT_TRUE((*replication)->Exec("SELECT 1").ok());  // still usable after the failure
  EXPECT_EQ((*replication)->ExecParams("SELECT $1::int", {"1"}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg::pg::live