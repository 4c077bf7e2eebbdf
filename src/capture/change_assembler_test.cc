#include "capture/change_assembler.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "env/local_object_store.h"
#include "env/random.h"

namespace pg2iceberg::capture {
namespace {

using change::ChangeKind;
using change::Value;

// Resolves the types it was told about; built-in OIDs (< 10000) as themselves; the rest are
// refused. Counts lookups of non-built-in types.
class FakeTypeResolver final : public pg::TypeResolver {
 public:
  Result<pg::ResolvedType> Resolve(uint32_t type_oid, int32_t type_modifier) override {
    if (type_oid < 10000)
      return pg::ResolvedType{.type_oid = type_oid, .type_modifier = type_modifier};
    ++lookups;
    auto known = types.find(type_oid);
    if (known == types.end())
      return Status::InvalidArgument("column type public.widget is not supported");
    return known->second;
  }
  std::map<uint32_t, pg::ResolvedType> types;
  int lookups = 0;
};

struct Recorded {
  change::CommitInfo commit;
  ChangeKind kind;
  std::string table;
  std::shared_ptr<const change::TableSchema> schema;
  change::Row new_row;
  change::Row old_row;
};

class RecordingSink final : public CommittedSink {
 public:
  Status Change(const change::CommitInfo& commit, const change::RowChange& change) override {
    changes.push_back({commit, change.kind, change.table->QualifiedName(), change.table,
                       change.new_row, change.old_row});
    return Status::Ok();
  }
  Status Commit(const change::CommitInfo& commit, int64_t change_count) override {
    commits.push_back({commit, change_count});
    return Status::Ok();
  }
  std::vector<Recorded> changes;
  std::vector<std::pair<change::CommitInfo, int64_t>> commits;
};

pg::TupleColumn Text(std::string_view text) { return {pg::TupleColumnKind::kText, AsBytes(text)}; }

class ChangeAssemblerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "assembler_" + std::to_string(getpid());
    store_ = std::move(LocalObjectStore::Open(dir_, random_).value());
    buffer_ = std::make_unique<TransactionBuffer>(TransactionBufferOptions{}, *store_);
    assembler_ = std::make_unique<ChangeAssembler>(
        std::vector<MirroredTable>{{16384, "public", "t"}}, types_, *buffer_, sink_, log_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Status Handle(pg::PgoutputMessage message) { return assembler_->Handle(message); }

  pg::RelationMessage Relation(uint32_t relid = 16384, uint32_t stream_xid = 0) {
    return {
        .stream_xid = stream_xid,
        .relid = relid,
        .schema_name = "public",
        .table_name = "t",
        .columns = {{.name = "id", .type_oid = 23, .key = true}, {.name = "v", .type_oid = 25}}};
  }

  NullLogger log_;
  FakeTypeResolver types_;
  SeededRandom random_{1};
  std::string dir_;
  std::unique_ptr<LocalObjectStore> store_;
  std::unique_ptr<TransactionBuffer> buffer_;
  RecordingSink sink_;
  std::unique_ptr<ChangeAssembler> assembler_;
};

TEST_F(ChangeAssemblerTest, AnOrdinaryTransactionIsDeliveredAtCommit) {
  ASSERT_TRUE(Handle(pg::BeginMessage{.final_lsn = 0x200, .xid = 7}).ok());
  EXPECT_TRUE(assembler_->in_transaction());
  ASSERT_TRUE(Handle(Relation()).ok());
  ASSERT_TRUE(Handle(pg::InsertMessage{.relid = 16384, .new_tuple = {Text("1"), Text("a")}}).ok());
  ASSERT_TRUE(Handle(pg::UpdateMessage{
                         .relid = 16384,
                         .old_kind = change::OldRow::kKey,
                         .old_tuple = {Text("1"), {pg::TupleColumnKind::kNull, {}}},
                         .new_tuple = {Text("2"), {pg::TupleColumnKind::kUnchangedToast, {}}}})
                  .ok());
  ASSERT_TRUE(Handle(pg::DeleteMessage{.relid = 16384,
                                       .old_tuple = {Text("2"), {pg::TupleColumnKind::kNull, {}}}})
                  .ok());
  EXPECT_TRUE(sink_.changes.empty());
  ASSERT_TRUE(
      Handle(pg::CommitMessage{.commit_lsn = 0x200, .end_lsn = 0x228, .commit_time_micros = 5})
          .ok());
  EXPECT_FALSE(assembler_->in_transaction());
  ASSERT_EQ(sink_.changes.size(), 3u);
  EXPECT_EQ(sink_.changes[0].kind, ChangeKind::kInsert);
  EXPECT_EQ(sink_.changes[0].new_row, (change::Row{Value::Int32(1), Value::String("a")}));
  EXPECT_EQ(sink_.changes[1].old_row, (change::Row{Value::Int32(1), Value::Null()}));
  EXPECT_EQ(sink_.changes[1].new_row, (change::Row{Value::Int32(2), Value::UnchangedToast()}));
  EXPECT_EQ(sink_.changes[2].kind, ChangeKind::kDelete);
  ASSERT_EQ(sink_.commits.size(), 1u);
  EXPECT_EQ(sink_.commits[0].first, (change::CommitInfo{7, 0x200, 0x228, 5}));
  EXPECT_EQ(sink_.commits[0].second, 3);
}

TEST_F(ChangeAssemblerTest, ChangesOfOtherTablesAreDropped) {
  ASSERT_TRUE(Handle(pg::BeginMessage{.final_lsn = 0x200, .xid = 7}).ok());
  pg::RelationMessage other = Relation(99);
  other.table_name = "other";
  ASSERT_TRUE(Handle(other).ok());
  ASSERT_TRUE(Handle(pg::InsertMessage{.relid = 99, .new_tuple = {Text("1"), Text("a")}}).ok());
  ASSERT_TRUE(Handle(pg::CommitMessage{.commit_lsn = 0x200, .end_lsn = 0x228}).ok());
  EXPECT_TRUE(sink_.changes.empty());
  EXPECT_EQ(sink_.commits.at(0).second, 0);
}

TEST_F(ChangeAssemblerTest, StreamedTransactionsInterleaveAndSubtransactionAbortsDiscard) {
  ASSERT_TRUE(Handle(pg::StreamStartMessage{.xid = 10, .first_segment = true}).ok());
  ASSERT_TRUE(Handle(Relation(16384, 10)).ok());
  ASSERT_TRUE(Handle(pg::InsertMessage{
                         .stream_xid = 10, .relid = 16384, .new_tuple = {Text("1"), Text("a")}})
                  .ok());
  ASSERT_TRUE(Handle(pg::InsertMessage{
                         .stream_xid = 11, .relid = 16384, .new_tuple = {Text("2"), Text("b")}})
                  .ok());
  ASSERT_TRUE(Handle(pg::StreamStopMessage{}).ok());
  // An ordinary transaction commits between the chunks.
  ASSERT_TRUE(Handle(pg::BeginMessage{.final_lsn = 0x300, .xid = 12}).ok());
  ASSERT_TRUE(Handle(pg::InsertMessage{.relid = 16384, .new_tuple = {Text("9"), Text("z")}}).ok());
  ASSERT_TRUE(Handle(pg::CommitMessage{.commit_lsn = 0x300, .end_lsn = 0x310}).ok());
  ASSERT_TRUE(Handle(pg::StreamStartMessage{.xid = 10}).ok());
  ASSERT_TRUE(Handle(pg::InsertMessage{
                         .stream_xid = 10, .relid = 16384, .new_tuple = {Text("3"), Text("c")}})
                  .ok());
  ASSERT_TRUE(Handle(pg::StreamStopMessage{}).ok());
  ASSERT_TRUE(Handle(pg::StreamAbortMessage{.xid = 10, .subxid = 11}).ok());
  ASSERT_TRUE(
      Handle(pg::StreamCommitMessage{.xid = 10, .commit_lsn = 0x400, .end_lsn = 0x410}).ok());
  ASSERT_EQ(sink_.commits.size(), 2u);
  EXPECT_EQ(sink_.commits[0].first.xid, 12u);
  EXPECT_EQ(sink_.commits[1].first.xid, 10u);
  ASSERT_EQ(sink_.changes.size(), 2u);  // 9, then 1; 2 and the later 3 went with subtransaction 11
  EXPECT_EQ(sink_.changes[0].new_row[0], Value::Int32(9));
  EXPECT_EQ(sink_.changes[1].new_row[0], Value::Int32(1));
}

TEST_F(ChangeAssemblerTest, AStreamAbortOfTheTopTransactionDiscardsEverything) {
  ASSERT_TRUE(Handle(pg::StreamStartMessage{.xid = 10, .first_segment = true}).ok());
  ASSERT_TRUE(Handle(Relation(16384, 10)).ok());
  ASSERT_TRUE(Handle(pg::InsertMessage{
                         .stream_xid = 10, .relid = 16384, .new_tuple = {Text("1"), Text("a")}})
                  .ok());
  ASSERT_TRUE(Handle(pg::StreamStopMessage{}).ok());
  ASSERT_TRUE(Handle(pg::StreamAbortMessage{.xid = 10, .subxid = 10}).ok());
  EXPECT_EQ(buffer_->open_transactions(), 0u);
  EXPECT_TRUE(sink_.changes.empty());
}

TEST_F(ChangeAssemblerTest, TruncateBecomesOneChangePerMirroredTable) {
  ASSERT_TRUE(Handle(pg::BeginMessage{.final_lsn = 0x200, .xid = 7}).ok());
  ASSERT_TRUE(Handle(Relation()).ok());
  ASSERT_TRUE(Handle(pg::TruncateMessage{.relids = {16384, 99}}).ok());
  ASSERT_TRUE(Handle(pg::CommitMessage{.commit_lsn = 0x200, .end_lsn = 0x228}).ok());
  ASSERT_EQ(sink_.changes.size(), 1u);
  EXPECT_EQ(sink_.changes[0].kind, ChangeKind::kTruncate);
}

TEST_F(ChangeAssemblerTest, AMirroredTableUnderANewOidIsDataLoss) {
  ASSERT_TRUE(Handle(pg::BeginMessage{.final_lsn = 0x200, .xid = 7}).ok());
  Status status = Handle(Relation(20000));
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("dropped and recreated"), std::string::npos) << status.ToString();
}

TEST_F(ChangeAssemblerTest, ProtocolViolationsAreDataLoss) {
  EXPECT_EQ(Handle(pg::InsertMessage{.relid = 16384, .new_tuple = {Text("1"), Text("a")}}).code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(Handle(pg::CommitMessage{.commit_lsn = 1, .end_lsn = 2}).code(), StatusCode::kDataLoss);
  ASSERT_TRUE(Handle(pg::BeginMessage{.final_lsn = 0x200, .xid = 7}).ok());
  EXPECT_EQ(Handle(pg::InsertMessage{.relid = 16384, .new_tuple = {Text("1"), Text("a")}}).code(),
            StatusCode::kDataLoss);  // before its Relation message
  ASSERT_TRUE(Handle(Relation()).ok());
  EXPECT_EQ(Handle(pg::InsertMessage{.relid = 16384, .new_tuple = {Text("1")}}).code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(Handle(pg::CommitMessage{.commit_lsn = 0x999, .end_lsn = 0x9a0}).code(),
            StatusCode::kDataLoss);
}

TEST_F(ChangeAssemblerTest, AValueThatCannotBeStoredExactlyNamesTheTable) {
  ASSERT_TRUE(Handle(pg::BeginMessage{.final_lsn = 0x200, .xid = 7}).ok());
  ASSERT_TRUE(Handle(Relation()).ok());
  Status status =
      Handle(pg::InsertMessage{.relid = 16384, .new_tuple = {Text("99999999999"), Text("a")}});
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("public.t"), std::string::npos) << status.ToString();
}

TEST_F(ChangeAssemblerTest, ColumnsOfDomainsAndEnumsAreStagedAsTheirBaseType) {
  constexpr int32_t kNumeric10x2 = ((10 << 16) | 2) + 4;
  types_.types[50000] = {
      .type_oid = 1700, .type_modifier = kNumeric10x2, .declared_name = "public.price"};
  types_.types[50001] = {.type_oid = 25, .declared_name = "public.mood"};
  pg::RelationMessage relation = Relation();
  relation.columns.push_back({.name = "price", .type_oid = 50000});
  relation.columns.push_back({.name = "mood", .type_oid = 50001});
  ASSERT_TRUE(Handle(pg::BeginMessage{.final_lsn = 0x200, .xid = 7}).ok());
  ASSERT_TRUE(Handle(relation).ok());
  ASSERT_TRUE(Handle(relation).ok());  // described again: the same schema
  ASSERT_TRUE(
      Handle(pg::InsertMessage{.relid = 16384,
                               .new_tuple = {Text("1"), Text("a"), Text("12.34"), Text("happy")}})
          .ok());
  ASSERT_TRUE(Handle(pg::CommitMessage{.commit_lsn = 0x200, .end_lsn = 0x228}).ok());
  ASSERT_EQ(sink_.changes.size(), 1u);
  EXPECT_EQ(sink_.changes[0].new_row, (change::Row{Value::Int32(1), Value::String("a"),
                                                   Value::Decimal(1234), Value::String("happy")}));
  const std::vector<change::ColumnSchema>& columns = sink_.changes[0].schema->columns;
  ASSERT_EQ(columns.size(), 4u);
  EXPECT_EQ(columns[2], (change::ColumnSchema{
                            .name = "price", .type_oid = 1700, .type_modifier = kNumeric10x2}));
  EXPECT_EQ(columns[3],
            (change::ColumnSchema{.name = "mood", .type_oid = 25, .type_modifier = -1}));
}

TEST_F(ChangeAssemblerTest, AColumnTypeCaptureCannotDecodeFailsItsRelationNamingTheColumn) {
  pg::RelationMessage relation = Relation();
  relation.columns.push_back({.name = "w", .type_oid = 60000});
  ASSERT_TRUE(Handle(pg::BeginMessage{.final_lsn = 0x200, .xid = 7}).ok());
  Status status = Handle(relation);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("table public.t, column \"w\""), std::string::npos)
      << status.ToString();
  EXPECT_NE(status.message().find("public.widget"), std::string::npos) << status.ToString();
}

TEST_F(ChangeAssemblerTest, TablesThatAreNotMirroredAreNotResolved) {
  pg::RelationMessage other = Relation(99);
  other.table_name = "other";
  other.columns.push_back({.name = "w", .type_oid = 60000});
  ASSERT_TRUE(Handle(pg::BeginMessage{.final_lsn = 0x200, .xid = 7}).ok());
  EXPECT_TRUE(Handle(other).ok());
  EXPECT_EQ(types_.lookups, 0);
}

}  // namespace
}  // namespace pg2iceberg::capture
