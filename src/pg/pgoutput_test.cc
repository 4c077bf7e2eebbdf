#include "pg/pgoutput.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pg2iceberg::pg {
namespace {

using change::OldRow;

// Builds a message field by field, as the protocol documentation lists them (big-endian).
class Message {
 public:
  explicit Message(char type) { out_.AppendByte(static_cast<uint8_t>(type)); }
  Message& U8(uint8_t v) {
    out_.AppendByte(v);
    return *this;
  }
  Message& I16(int16_t v) {
    out_.AppendBigEndian(v);
    return *this;
  }
  Message& I32(int64_t v) {
    out_.AppendBigEndian(static_cast<uint32_t>(v));
    return *this;
  }
  Message& I64(int64_t v) {
    out_.AppendBigEndian(v);
    return *this;
  }
  Message& Str(std::string_view s) {
    out_.Append(s);
    return U8(0);
  }
  Message& Raw(std::string_view s) {
    out_.Append(s);
    return *this;
  }
  Message& Column(char kind, std::string_view data) {
    U8(static_cast<uint8_t>(kind));
    return kind == 't' || kind == 'b' ? I32(static_cast<int64_t>(data.size())).Raw(data) : *this;
  }
  Bytes bytes() const { return out_.bytes(); }

 private:
  ByteWriter out_;
};

constexpr int64_t kPgMicros = 1'000'000;  // 2000-01-01 00:00:01
constexpr int64_t kUnixMicros = 946'684'800'000'000 + kPgMicros;

struct Golden {
  std::string name;
  Bytes bytes;
  bool in_stream = false;
};

// One of every message kind (and each Update/Delete form), as a walsender sends them.
// Static: decoded messages borrow these bytes.
const std::vector<Golden>& Goldens() {
  static const std::vector<Golden> goldens = {
      {"begin", Message('B').I64(0x1000).I64(kPgMicros).I32(742).bytes()},
      {"commit", Message('C').U8(0).I64(0x1000).I64(0x1030).I64(kPgMicros).bytes()},
      {"origin", Message('O').I64(0x2000).Str("node_a").bytes()},
      {"relation", Message('R')
                       .I32(16384)
                       .Str("public")
                       .Str("items")
                       .U8('d')
                       .I16(2)
                       .U8(1)
                       .Str("id")
                       .I32(23)
                       .I32(-1)
                       .U8(0)
                       .Str("price")
                       .I32(1700)
                       .I32(0x000a0006)
                       .bytes()},
      {"relation in stream",
       Message('R').I32(900).I32(16384).Str("").Str("t").U8('f').I16(0).bytes(), true},
      {"type", Message('Y').I32(70000).Str("public").Str("mood").bytes()},
      {"insert", Message('I')
                     .I32(16384)
                     .U8('N')
                     .I16(4)
                     .Column('t', "42")
                     .Column('n', "")
                     .Column('u', "")
                     .Column('b', std::string("\x00\x2a", 2))
                     .bytes()},
      {"insert in stream", Message('I').I32(900).I32(16384).U8('N').I16(1).Column('t', "1").bytes(),
       true},
      {"update", Message('U').I32(16384).U8('N').I16(1).Column('t', "7").bytes()},
      {"update with key", Message('U')
                              .I32(16384)
                              .U8('K')
                              .I16(2)
                              .Column('t', "6")
                              .Column('n', "")
                              .U8('N')
                              .I16(2)
                              .Column('t', "7")
                              .Column('u', "")
                              .bytes()},
      {"update with old row", Message('U')
                                  .I32(16384)
                                  .U8('O')
                                  .I16(1)
                                  .Column('t', "6")
                                  .U8('N')
                                  .I16(1)
                                  .Column('t', "7")
                                  .bytes()},
      {"delete with key", Message('D').I32(16384).U8('K').I16(1).Column('t', "7").bytes()},
      {"delete with old row",
       Message('D').I32(901).I32(16384).U8('O').I16(1).Column('t', "7").bytes(), true},
      {"truncate", Message('T').I32(2).U8(3).I32(16384).I32(16390).bytes()},
      {"message", Message('M').U8(1).I64(0x3000).Str("pfx").I32(3).Raw("abc").bytes()},
      {"message in stream", Message('M').I32(900).U8(1).I64(0x3000).Str("").I32(0).bytes(), true},
      {"stream start", Message('S').I32(900).U8(1).bytes()},
      {"stream stop", Message('E').bytes(), true},
      {"stream commit", Message('c').I32(900).U8(0).I64(0x4000).I64(0x4040).I64(kPgMicros).bytes()},
      {"stream abort", Message('A').I32(900).I32(905).bytes()},
  };
  return goldens;
}

PgoutputMessage Decode(const Bytes& bytes, bool in_stream = false) {
  Result<PgoutputMessage> decoded = DecodePgoutputMessage(bytes, in_stream);
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() ? *decoded : PgoutputMessage(StreamStopMessage{});
}

const Golden& Find(const std::string& name) {
  for (const Golden& golden : Goldens()) {
    if (golden.name == name) return golden;
  }
  ADD_FAILURE() << name;
  return Goldens().front();
}

template <typename T>
T DecodeGolden(const std::string& name) {
  const Golden& golden = Find(name);
  PgoutputMessage message = Decode(golden.bytes, golden.in_stream);
  EXPECT_TRUE(std::holds_alternative<T>(message)) << name;
  return std::holds_alternative<T>(message) ? std::get<T>(message) : T{};
}

std::string DataOf(const TupleColumn& column) { return std::string(AsStringView(column.data)); }

TEST(PgoutputTest, DecodesBeginAndCommitWithUnixTimes) {
  const auto begin = DecodeGolden<BeginMessage>("begin");
  EXPECT_EQ(begin.final_lsn, 0x1000u);
  EXPECT_EQ(begin.commit_time_micros, kUnixMicros);
  EXPECT_EQ(begin.xid, 742u);
  const auto commit = DecodeGolden<CommitMessage>("commit");
  EXPECT_EQ(commit.commit_lsn, 0x1000u);
  EXPECT_EQ(commit.end_lsn, 0x1030u);
  EXPECT_EQ(commit.commit_time_micros, kUnixMicros);
}

TEST(PgoutputTest, DecodesOriginAndType) {
  const auto origin = DecodeGolden<OriginMessage>("origin");
  EXPECT_EQ(origin.origin_commit_lsn, 0x2000u);
  EXPECT_EQ(origin.name, "node_a");
  const auto type = DecodeGolden<TypeMessage>("type");
  EXPECT_EQ(type.type_oid, 70000u);
  EXPECT_EQ(type.schema_name, "public");
  EXPECT_EQ(type.type_name, "mood");
}

TEST(PgoutputTest, DecodesRelationColumnsAsColumnSchemas) {
  const auto relation = DecodeGolden<RelationMessage>("relation");
  EXPECT_EQ(relation.stream_xid, 0u);
  EXPECT_EQ(relation.relid, 16384u);
  EXPECT_EQ(relation.schema_name, "public");
  EXPECT_EQ(relation.table_name, "items");
  EXPECT_EQ(relation.replica_identity, 'd');
  ASSERT_EQ(relation.columns.size(), 2u);
  EXPECT_EQ(relation.columns[0], (change::ColumnSchema{"id", 23, -1, true}));
  EXPECT_EQ(relation.columns[1], (change::ColumnSchema{"price", 1700, 0x000a0006, false}));
}

TEST(PgoutputTest, ReadsTheLeadingXidOnlyInsideAStream) {
  const auto relation = DecodeGolden<RelationMessage>("relation in stream");
  EXPECT_EQ(relation.stream_xid, 900u);
  EXPECT_EQ(relation.replica_identity, 'f');
  EXPECT_TRUE(relation.columns.empty());
  EXPECT_EQ(DecodeGolden<InsertMessage>("insert in stream").stream_xid, 900u);
  EXPECT_EQ(DecodeGolden<LogicalMessage>("message in stream").stream_xid, 900u);
  // The same bytes outside a stream are misread and rejected, never accepted silently.
  EXPECT_FALSE(DecodePgoutputMessage(Find("insert in stream").bytes, false).ok());
}

TEST(PgoutputTest, DecodesEveryTupleColumnKind) {
  const auto insert = DecodeGolden<InsertMessage>("insert");
  EXPECT_EQ(insert.relid, 16384u);
  ASSERT_EQ(insert.new_tuple.size(), 4u);
  EXPECT_EQ(insert.new_tuple[0].kind, TupleColumnKind::kText);
  EXPECT_EQ(DataOf(insert.new_tuple[0]), "42");
  EXPECT_EQ(insert.new_tuple[1].kind, TupleColumnKind::kNull);
  EXPECT_EQ(insert.new_tuple[2].kind, TupleColumnKind::kUnchangedToast);
  EXPECT_EQ(insert.new_tuple[3].kind, TupleColumnKind::kBinary);
  EXPECT_EQ(DataOf(insert.new_tuple[3]), std::string("\x00\x2a", 2));
}

TEST(PgoutputTest, DecodesTheThreeUpdateForms) {
  const auto plain = DecodeGolden<UpdateMessage>("update");
  EXPECT_EQ(plain.old_kind, OldRow::kNone);
  EXPECT_TRUE(plain.old_tuple.empty());
  EXPECT_EQ(DataOf(plain.new_tuple.at(0)), "7");
  const auto keyed = DecodeGolden<UpdateMessage>("update with key");
  EXPECT_EQ(keyed.old_kind, OldRow::kKey);
  EXPECT_EQ(DataOf(keyed.old_tuple.at(0)), "6");
  EXPECT_EQ(keyed.old_tuple.at(1).kind, TupleColumnKind::kNull);
  EXPECT_EQ(keyed.new_tuple.at(1).kind, TupleColumnKind::kUnchangedToast);
  const auto full = DecodeGolden<UpdateMessage>("update with old row");
  EXPECT_EQ(full.old_kind, OldRow::kFull);
  EXPECT_EQ(DataOf(full.old_tuple.at(0)), "6");
  EXPECT_EQ(DataOf(full.new_tuple.at(0)), "7");
}

TEST(PgoutputTest, DecodesDeletesAndTruncate) {
  const auto keyed = DecodeGolden<DeleteMessage>("delete with key");
  EXPECT_EQ(keyed.old_kind, OldRow::kKey);
  EXPECT_EQ(DataOf(keyed.old_tuple.at(0)), "7");
  const auto full = DecodeGolden<DeleteMessage>("delete with old row");
  EXPECT_EQ(full.stream_xid, 901u);
  EXPECT_EQ(full.old_kind, OldRow::kFull);
  const auto truncate = DecodeGolden<TruncateMessage>("truncate");
  EXPECT_TRUE(truncate.cascade);
  EXPECT_TRUE(truncate.restart_identity);
  EXPECT_EQ(truncate.relids, (std::vector<uint32_t>{16384, 16390}));
}

TEST(PgoutputTest, DecodesLogicalMessages) {
  const auto message = DecodeGolden<LogicalMessage>("message");
  EXPECT_TRUE(message.transactional);
  EXPECT_EQ(message.lsn, 0x3000u);
  EXPECT_EQ(message.prefix, "pfx");
  EXPECT_EQ(AsStringView(message.content), "abc");
  EXPECT_TRUE(DecodeGolden<LogicalMessage>("message in stream").content.empty());
}

TEST(PgoutputTest, DecodesStreamMessages) {
  const auto start = DecodeGolden<StreamStartMessage>("stream start");
  EXPECT_EQ(start.xid, 900u);
  EXPECT_TRUE(start.first_segment);
  DecodeGolden<StreamStopMessage>("stream stop");
  const auto commit = DecodeGolden<StreamCommitMessage>("stream commit");
  EXPECT_EQ(commit.xid, 900u);
  EXPECT_EQ(commit.commit_lsn, 0x4000u);
  EXPECT_EQ(commit.end_lsn, 0x4040u);
  EXPECT_EQ(commit.commit_time_micros, kUnixMicros);
  const auto abort = DecodeGolden<StreamAbortMessage>("stream abort");
  EXPECT_EQ(abort.xid, 900u);
  EXPECT_EQ(abort.subxid, 905u);
}

TEST(PgoutputTest, EveryTruncationOfEveryMessageIsDataLoss) {
  for (const Golden& golden : Goldens()) {
    for (size_t size = 0; size < golden.bytes.size(); ++size) {
      Result<PgoutputMessage> decoded =
          DecodePgoutputMessage(ByteSpan(golden.bytes).first(size), golden.in_stream);
      EXPECT_EQ(decoded.status().code(), StatusCode::kDataLoss) << golden.name << " at " << size;
    }
  }
}

TEST(PgoutputTest, TrailingBytesAreDataLoss) {
  for (Golden golden : Goldens()) {
    golden.bytes.push_back(std::byte{0});
    Result<PgoutputMessage> decoded = DecodePgoutputMessage(golden.bytes, golden.in_stream);
    EXPECT_EQ(decoded.status().code(), StatusCode::kDataLoss) << golden.name;
    if (!decoded.ok()) {
      EXPECT_NE(decoded.status().message().find("trailing"), std::string::npos);
    }
  }
}

void ExpectDataLoss(const Bytes& bytes, std::string_view fragment, bool in_stream = false) {
  Result<PgoutputMessage> decoded = DecodePgoutputMessage(bytes, in_stream);
  ASSERT_EQ(decoded.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(decoded.status().message().find(fragment), std::string::npos)
      << decoded.status().message();
}

TEST(PgoutputTest, RejectsGarbageWithAMessageNamingIt) {
  ExpectDataLoss(Message('P').I64(1).bytes(), "unknown pgoutput message type 'P'");
  ExpectDataLoss(Bytes{}, "empty");
  ExpectDataLoss(Message('I').I32(1).U8('N').I16(1).Column('x', "").bytes(),
                 "tuple column kind 'x'");
  ExpectDataLoss(Message('I').I32(1).U8('N').I16(1).U8('t').I32(-1).bytes(),
                 "negative column length");
  ExpectDataLoss(Message('I').I32(1).U8('N').I16(-1).bytes(), "negative column count");
  ExpectDataLoss(Message('I').I32(1).U8('K').I16(0).bytes(), "expected tuple marker 'N'");
  ExpectDataLoss(Message('U').I32(1).U8('X').bytes(), "unknown tuple marker 'X'");
  ExpectDataLoss(Message('D').I32(1).U8('N').I16(0).bytes(), "unknown tuple marker 'N'");
  ExpectDataLoss(Message('R').I32(1).Str("s").Str("t").U8('x').I16(0).bytes(), "replica identity");
  ExpectDataLoss(Message('T').I32(0x7fffffff).U8(0).bytes(), "relation count");
  ExpectDataLoss(Message('T').I32(0).U8(4).bytes(), "unknown options");
  ExpectDataLoss(Message('C').U8(1).I64(0).I64(0).I64(0).bytes(), "flags");
  ExpectDataLoss(Message('M').U8(2).I64(0).Str("").I32(0).bytes(), "flags");
  ExpectDataLoss(Message('B').I64(0).I64(0x7fffffffffffffff).I32(1).bytes(), "out of range");
}

}  // namespace
}  // namespace pg2iceberg::pg
