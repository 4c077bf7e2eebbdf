#include "change/change_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace pg2iceberg::change {
namespace {

std::vector<int> AsInts(const Bytes& bytes) {
  std::vector<int> out;
  for (std::byte b : bytes) out.push_back(static_cast<int>(b));
  return out;
}

Bytes FromInts(const std::vector<int>& ints) {
  Bytes out;
  for (int i : ints) out.push_back(static_cast<std::byte>(i));
  return out;
}

std::vector<int> ValueBytes(const Value& value) {
  ByteWriter writer;
  EncodeValue(value, &writer);
  return AsInts(writer.bytes());
}

Result<Value> DecodeOne(const Bytes& bytes) {
  CodecReader reader(bytes, "test");
  ASSIGN_OR_RETURN(Value value, DecodeValue(reader));
  if (!reader.at_end()) return Status::Internal("trailing bytes");
  return value;
}

SchemaPtr Accounts() {
  TableSchema schema;
  schema.relid = 16384;
  schema.schema_name = "public";
  schema.table_name = "accounts";
  schema.replica_identity = 'f';
  schema.columns = {{.name = "id", .type_oid = 23, .type_modifier = -1, .key = true},
                    {.name = "balance", .type_oid = 1700, .type_modifier = 655366, .key = false}};
  return std::make_shared<const TableSchema>(std::move(schema));
}

RowChange MakeChange(ChangeKind kind, SchemaPtr table, OldRow old_kind) {
  RowChange change;
  change.kind = kind;
  change.table = std::move(table);
  change.old_kind = old_kind;
  return change;
}

TEST(ChangeCodecTest, ValueGoldenBytesForEveryKind) {
  EXPECT_EQ(ValueBytes(Value::Null()), (std::vector<int>{0}));
  EXPECT_EQ(ValueBytes(Value::UnchangedToast()), (std::vector<int>{1}));
  EXPECT_EQ(ValueBytes(Value::Bool(true)), (std::vector<int>{2, 1}));
  EXPECT_EQ(ValueBytes(Value::Int32(-1)), (std::vector<int>{3, 1}));
  EXPECT_EQ(ValueBytes(Value::Int64(300)), (std::vector<int>{4, 0xd8, 0x04}));
  EXPECT_EQ(ValueBytes(Value::Float32(1.5f)), (std::vector<int>{5, 0, 0, 0xc0, 0x3f}));
  EXPECT_EQ(ValueBytes(Value::Float64(-2.0)), (std::vector<int>{6, 0, 0, 0, 0, 0, 0, 0, 0xc0}));
  EXPECT_EQ(ValueBytes(Value::Decimal(12345)), (std::vector<int>{7, 2, 0x30, 0x39}));
  EXPECT_EQ(ValueBytes(Value::String("hé")), (std::vector<int>{8, 3, 'h', 0xc3, 0xa9}));
  EXPECT_EQ(ValueBytes(Value::Binary(std::string("\0\xff", 2))), (std::vector<int>{9, 2, 0, 0xff}));
  EXPECT_EQ(ValueBytes(Value::Date(-719162)), (std::vector<int>{10, 0xf3, 0xe4, 0x57}));
  EXPECT_EQ(ValueBytes(Value::Time(1)), (std::vector<int>{11, 2}));
  EXPECT_EQ(ValueBytes(Value::Timestamp(-64)), (std::vector<int>{12, 0x7f}));
  EXPECT_EQ(ValueBytes(Value::TimestampTz(64)), (std::vector<int>{13, 0x80, 0x01}));
  std::string uuid;
  for (int i = 0; i < 16; ++i) uuid.push_back(static_cast<char>(i));
  std::vector<int> expected_uuid = {14};
  for (int i = 0; i < 16; ++i) expected_uuid.push_back(i);
  EXPECT_EQ(ValueBytes(Value::Uuid(uuid)), expected_uuid);
  EXPECT_EQ(ValueBytes(Value::List({Value::Int32(1), Value::Null(), Value::Int32(-2)})),
            (std::vector<int>{15, 3, 3, 2, 0, 3, 3}));
}

TEST(ChangeCodecTest, DecimalUsesTheFewestTwosComplementBytes) {
  EXPECT_EQ(ValueBytes(Value::Decimal(0)), (std::vector<int>{7, 1, 0x00}));
  EXPECT_EQ(ValueBytes(Value::Decimal(127)), (std::vector<int>{7, 1, 0x7f}));
  EXPECT_EQ(ValueBytes(Value::Decimal(128)), (std::vector<int>{7, 2, 0x00, 0x80}));
  EXPECT_EQ(ValueBytes(Value::Decimal(-128)), (std::vector<int>{7, 1, 0x80}));
  EXPECT_EQ(ValueBytes(Value::Decimal(-129)), (std::vector<int>{7, 2, 0xff, 0x7f}));
  const __int128 min = static_cast<__int128>(static_cast<unsigned __int128>(1) << 127);
  std::vector<int> expected = {7, 16, 0x80};
  expected.resize(18, 0);
  EXPECT_EQ(ValueBytes(Value::Decimal(min)), expected);
}

TEST(ChangeCodecTest, EveryValueKindRoundTrips) {
  const __int128 big = static_cast<__int128>(0x0123456789abcdefLL) << 60;
  const std::vector<Value> values = {Value::Null(),
                                     Value::UnchangedToast(),
                                     Value::Bool(false),
                                     Value::Bool(true),
                                     Value::Int32(std::numeric_limits<int32_t>::min()),
                                     Value::Int32(std::numeric_limits<int32_t>::max()),
                                     Value::Int64(std::numeric_limits<int64_t>::min()),
                                     Value::Int64(std::numeric_limits<int64_t>::max()),
                                     Value::Float32(-0.0f),
                                     Value::Float32(std::numeric_limits<float>::quiet_NaN()),
                                     Value::Float32(3.25e-30f),
                                     Value::Float64(std::numeric_limits<double>::infinity()),
                                     Value::Float64(-1e300),
                                     Value::Decimal(big),
                                     Value::Decimal(-big),
                                     Value::Decimal(-1),
                                     Value::String(""),
                                     Value::String(std::string(1000, 'x')),
                                     Value::Binary(std::string(3, '\0')),
                                     Value::Date(std::numeric_limits<int32_t>::min()),
                                     Value::Time(86'399'999'999),
                                     Value::Timestamp(-1),
                                     Value::TimestampTz(1'700'000'000'000'000),
                                     Value::Uuid(std::string(16, '\xab'))};
  for (const Value& value : values) {
    ByteWriter writer;
    EncodeValue(value, &writer);
    auto decoded = DecodeOne(writer.bytes());
    ASSERT_TRUE(decoded.ok()) << ValueKindName(value.kind) << ": " << decoded.status().ToString();
    EXPECT_TRUE(*decoded == value) << ValueKindName(value.kind);
  }
}

TEST(ChangeCodecTest, NestedListGoldenBytes) {
  const Value nested =
      Value::List({Value::List({Value::String("a")}), Value::List({}), Value::Null()});
  EXPECT_EQ(ValueBytes(nested), (std::vector<int>{15, 3, 15, 1, 8, 1, 'a', 15, 0, 0}));
  EXPECT_EQ(ValueBytes(Value::List({})), (std::vector<int>{15, 0}));
}

// A list nested `depth` deep around one int32.
Value Nested(int depth) {
  Value value = Value::Int32(7);
  for (int i = 0; i < depth; ++i) value = Value::List({value});
  return value;
}

TEST(ChangeCodecTest, ListsRoundTripUpToTheDepthLimit) {
  const std::vector<Value> lists = {
      Value::List({}),
      Value::List({Value::Null(), Value::Null()}),
      Value::List({Value::Decimal(-5), Value::Null(), Value::Decimal(1)}),
      Value::List({Value::List({Value::Int64(1), Value::Int64(2)}),
                   Value::List({Value::Null(), Value::Int64(4)})}),
      Value::List({Value::Uuid(std::string(16, 'u')), Value::Uuid(std::string(16, 'v'))}),
      Nested(kMaxListDepth)};
  for (const Value& value : lists) {
    ByteWriter writer;
    EncodeValue(value, &writer);
    auto decoded = DecodeOne(writer.bytes());
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_TRUE(*decoded == value);
  }
}

TEST(ChangeCodecTest, ListEqualityComparesElements) {
  EXPECT_EQ(Value::List({Value::Int32(1)}), Value::List({Value::Int32(1)}));
  EXPECT_FALSE(Value::List({Value::Int32(1)}) == Value::List({Value::Int32(2)}));
  EXPECT_FALSE(Value::List({Value::Int32(1)}) == Value::List({Value::Int32(1), Value::Null()}));
  EXPECT_FALSE(Value::List({}) == Value::Null());
}

TEST(ChangeCodecTest, TableSchemaGoldenBytesAndRoundTrip) {
  TableSchema schema;
  schema.relid = 0x01020304;
  schema.schema_name = "s";
  schema.table_name = "t";
  schema.columns = {{.name = "a", .type_oid = 20, .type_modifier = -1, .key = true}};
  ByteWriter writer;
  EncodeTableSchema(schema, &writer);
  EXPECT_EQ(AsInts(writer.bytes()),
            (std::vector<int>{4, 3, 2, 1, 1, 's', 1, 't', 'd', 1, 1, 'a', 20, 0, 0, 0, 1, 1}));
  CodecReader reader(writer.bytes(), "test");
  auto decoded = DecodeTableSchema(reader);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, schema);
  EXPECT_TRUE(reader.at_end());
}

TEST(ChangeCodecTest, RowChangeGoldenBytesAndRoundTrip) {
  const SchemaPtr accounts = Accounts();
  RowChange update = MakeChange(ChangeKind::kUpdate, accounts, OldRow::kKey);
  update.old_row = {Value::Int32(7), Value::Null()};
  update.new_row = {Value::Int32(8), Value::Decimal(5)};
  ByteWriter writer;
  EncodeRowChange(update, 3, &writer);
  EXPECT_EQ(AsInts(writer.bytes()), (std::vector<int>{2, 3, 1, 2, 3, 14, 0, 2, 3, 16, 7, 1, 5}));

  const std::vector<SchemaPtr> schemas = {accounts, accounts, accounts, Accounts()};
  CodecReader reader(writer.bytes(), "test");
  auto decoded = DecodeRowChange(reader, schemas);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->kind, ChangeKind::kUpdate);
  EXPECT_EQ(decoded->table, schemas[3]);
  EXPECT_EQ(decoded->old_kind, OldRow::kKey);
  EXPECT_EQ(decoded->old_row, update.old_row);
  EXPECT_EQ(decoded->new_row, update.new_row);
}

TEST(ChangeCodecTest, TruncateAndDeleteCarryOnlyWhatTheyNeed) {
  const SchemaPtr accounts = Accounts();
  RowChange truncate = MakeChange(ChangeKind::kTruncate, accounts, OldRow::kNone);
  RowChange remove = MakeChange(ChangeKind::kDelete, accounts, OldRow::kFull);
  remove.old_row = {Value::Int32(1), Value::Decimal(-1)};
  ByteWriter writer;
  EncodeRowChange(truncate, 0, &writer);
  EncodeRowChange(remove, 0, &writer);
  EXPECT_EQ(AsInts(writer.bytes()), (std::vector<int>{4, 0, 0, 3, 0, 2, 2, 3, 2, 7, 1, 0xff}));
}

TEST(ChangeCodecTest, CommitInfoGoldenBytesAndRoundTrip) {
  const CommitInfo commit{
      .xid = 1000, .commit_lsn = 0x100, .end_lsn = 0x128, .commit_time_micros = -3};
  ByteWriter writer;
  EncodeCommitInfo(commit, &writer);
  EXPECT_EQ(AsInts(writer.bytes()), (std::vector<int>{0xe8, 0x07, 0x80, 0x02, 0xa8, 0x02, 0x05}));
  CodecReader reader(writer.bytes(), "test");
  auto decoded = DecodeCommitInfo(reader);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, commit);
}

void ExpectDataLoss(const std::vector<int>& bytes, std::string_view fragment) {
  auto decoded = DecodeOne(FromInts(bytes));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kDataLoss) << decoded.status().ToString();
  EXPECT_NE(decoded.status().message().find(fragment), std::string::npos)
      << decoded.status().ToString();
}

TEST(ChangeCodecTest, MalformedValuesAreDataLossNamingTheProblem) {
  ExpectDataLoss({16}, "unknown value tag 16");
  ExpectDataLoss({0xff}, "unknown value tag 255");
  ExpectDataLoss({2, 2}, "bool value 2");
  ExpectDataLoss({3, 0x80, 0x80, 0x80, 0x80, 0x10}, "outside int32");
  ExpectDataLoss({4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, "overflows");
  ExpectDataLoss({5, 0, 0}, "truncated float32");
  ExpectDataLoss({7, 0}, "decimal length 0");
  ExpectDataLoss({7, 17}, "decimal length 17");
  ExpectDataLoss({7, 2, 0x00, 0x05}, "not minimal");
  ExpectDataLoss({7, 2, 0xff, 0x80}, "not minimal");
  ExpectDataLoss({8, 5, 'a'}, "string length 5 exceeds");
  ExpectDataLoss({14, 1, 2, 3}, "truncated uuid");
  ExpectDataLoss({}, "truncated value tag");
}

TEST(ChangeCodecTest, MalformedListsAreDataLoss) {
  ExpectDataLoss({15, 2, 3, 2, 4, 2}, "list mixes int32 and int64 elements");
  ExpectDataLoss({15, 3, 8, 0, 0, 3, 2}, "list mixes string and int32");
  ExpectDataLoss({15, 1, 1}, "unchanged-toast inside a list");
  ExpectDataLoss({15, 5, 0, 0}, "list element count 5 exceeds");
  ExpectDataLoss({15, 2, 3, 2}, "truncated value tag");
  std::vector<int> too_deep;
  for (int i = 0; i <= kMaxListDepth; ++i) too_deep.insert(too_deep.end(), {15, 1});
  too_deep.insert(too_deep.end(), {3, 14});
  ExpectDataLoss(too_deep, "list nested deeper than 6");
}

TEST(ChangeCodecTest, MalformedRowChangesAreDataLoss) {
  const std::vector<SchemaPtr> schemas = {Accounts()};
  auto decode = [&](const std::vector<int>& ints) {
    const Bytes bytes = FromInts(ints);
    CodecReader reader(bytes, "test");
    return DecodeRowChange(reader, schemas).status();
  };
  EXPECT_NE(decode({9, 0, 0}).message().find("unknown change kind 9"), std::string::npos);
  EXPECT_NE(decode({1, 1, 0}).message().find("schema index 1"), std::string::npos);
  EXPECT_NE(decode({1, 0, 3}).message().find("unknown old row kind 3"), std::string::npos);
  EXPECT_NE(decode({1, 0, 0, 1, 0}).message().find("new row has 1 values"), std::string::npos);
  EXPECT_NE(decode({1, 0, 0, 0xff, 0xff, 0x03}).message().find("row value count"),
            std::string::npos);
  EXPECT_EQ(decode({1, 0}).code(), StatusCode::kDataLoss);
}

TEST(ChangeCodecTest, SchemaDictionaryDeduplicatesByValue) {
  SchemaDictionary dictionary;
  const SchemaPtr first = Accounts();
  const SchemaPtr equal = Accounts();
  auto altered = std::make_shared<TableSchema>(*first);
  altered->columns.push_back({.name = "note", .type_oid = 25});
  bool added = false;
  EXPECT_EQ(dictionary.IndexOf(first, &added), 0u);
  EXPECT_TRUE(added);
  EXPECT_EQ(dictionary.IndexOf(equal, &added), 0u);
  EXPECT_FALSE(added);
  EXPECT_EQ(dictionary.IndexOf(altered, &added), 1u);
  EXPECT_TRUE(added);
  EXPECT_EQ(dictionary.IndexOf(equal), 0u);
  ASSERT_EQ(dictionary.schemas().size(), 2u);
  EXPECT_EQ(dictionary.schemas()[0], first);
  dictionary.Clear();
  EXPECT_EQ(dictionary.IndexOf(altered), 0u);
}

}  // namespace
}  // namespace pg2iceberg::change
