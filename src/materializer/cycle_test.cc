// The cycle over a real coordinator (Postgres: PG2ICEBERG_TEST_PG_CONNINFO; fails when unset), a
// staging log on a local object store, an in-memory catalog, and tables whose rows are held in
// memory: bounds at transaction boundaries, one commit for all tables, summaries, cursors, and
// recovery from a crash between the catalog commit and the cursor update.
#include "materializer/cycle.h"

#include <gtest/gtest.h>

#include "env/local_object_store.h"
#include "env/random.h"
#include "env/real_clock.h"
#include "materializer/primary_key.h"
#include "materializer/test_util.h"
#include "stage/staging_log_test_util.h"

namespace pg2iceberg::materializer {
namespace {

using change::Value;
using iceberg::TableState;

class MemoryTable;

// A batch's rows go to a new in-memory file; Finish makes an append of it.
class MemoryBatch final : public BatchFiles {
 public:
  explicit MemoryBatch(MemoryTable& table) : table_(table) {}
  Result<RowLocation> Append(const change::TableSchema& schema, const change::Row& row) override;
  Result<iceberg::TableCommitInput> Finish(const TableBatch& batch,
                                           const CommittedProgress& progress) override;

 private:
  MemoryTable& table_;
};

class MemoryTable final : public TableTarget {
 public:
  MemoryTable(std::string name, int64_t table_id, TableState state)
      : name_(std::move(name)), table_id_(table_id), state_(std::move(state)) {}

  const std::string& name() const override { return name_; }
  int64_t table_id() const override { return table_id_; }
  const std::vector<std::string>& key_columns() const override { return key_; }
  const TableState& state() const override { return state_; }
  void Committed(TableState state) override { state_ = std::move(state); }
  Result<bool> Describes(const change::TableSchema& staged) override {
    std::vector<std::string> names;
    for (const change::ColumnSchema& column : staged.columns) names.push_back(column.name);
    return names == columns_;
  }
  Result<std::vector<std::string>> Evolve(const change::TableSchema& staged) override {
    columns_.clear();
    for (const change::ColumnSchema& column : staged.columns) columns_.push_back(column.name);
    ++evolutions_;
    return std::vector<std::string>{"now " + std::to_string(columns_.size()) + " columns"};
  }
  Result<std::shared_ptr<const change::TableSchema>> Translate(
      const change::TableSchema&) override {
    return std::shared_ptr<const change::TableSchema>();
  }
  PrimaryKeyIndex& index() override { return index_; }
  RowSource& rows() override { return files_; }
  Result<std::unique_ptr<BatchFiles>> BeginBatch() override {
    files_.StartFile();
    return std::unique_ptr<BatchFiles>(new MemoryBatch(*this));
  }

  std::string name_;
  int64_t table_id_;
  TableState state_;
  std::vector<std::string> key_{"id"};
  std::vector<std::string> columns_{"id"};  // the table's columns, by name
  int evolutions_ = 0;
  PrimaryKeyIndex index_{name_, 1 << 20};
  MemoryFiles files_{index_};
};

Result<RowLocation> MemoryBatch::Append(const change::TableSchema& schema, const change::Row& row) {
  return table_.files_.Append(schema, row);
}

Result<iceberg::TableCommitInput> MemoryBatch::Finish(const TableBatch& batch,
                                                      const CommittedProgress& progress) {
  table_.files_.Settle(batch.deleted(), batch.truncated(), batch.first_batch_file());
  iceberg::TableCommitInput input{.table = table_.state_, .files = {}};
  input.summary = ProgressSummary(progress);
  return input;
}

struct Change {
  int64_t table_id;
  int id;
  change::Lsn lsn;
  bool added_column = false;  // staged after ALTER TABLE … ADD COLUMN x int
};

class CycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(stage_.Start("cycle"));
    warehouse_ = std::move(LocalObjectStore::Open(stage_.dir + "/warehouse", random_).value());
    a_ = stage_.Register("a", 1);
    b_ = stage_.Register("b", 2);
  }
  void TearDown() override { stage_.Stop(); }

  // The table as the catalog holds it (created with an initial load at offset 0, which read the
  // source at `load_lsn`).
  // With `replay_to`, the load was resumed: its ranges were read from load_lsn to replay_to.
  TableState Load(const std::string& name, change::Lsn load_lsn = 1, change::Lsn replay_to = 0) {
    iceberg::TableIdentifier ident{{"public"}, name};
    if (auto it = catalog_.tables.find(ident); it != catalog_.tables.end()) return it->second;
    iceberg::Schema schema;
    schema.fields = {{1, "id", true, iceberg::Type::Primitive(iceberg::TypeId::kInt), ""}};
    TableState created{ident,
                       iceberg::NewTableMetadata(schema, warehouse_->Location("public/" + name),
                                                 random_.UuidV4String(), {}, 0)
                           .value(),
                       ""};
    return iceberg::CommitSnapshot(
               Services(), created, {}, iceberg::CommitMode::kReplaceAll,
               ProgressSummary({.commit_lsn = load_lsn, .log_offset = 0, .replay_to = replay_to}))
        .value();
  }

  iceberg::CommitServices Services() { return {*warehouse_, catalog_, random_, clock_}; }

  // Indexes one segment holding inserts, in the order given.
  void Flush(const std::vector<Change>& changes) {
    std::vector<std::pair<change::CommitInfo, change::RowChange>> staged;
    for (const Change& c : changes) {
      const stage::TableState& t = c.table_id == a_.table_id ? a_ : b_;
      auto schema = std::make_shared<change::TableSchema>(
          change::TableSchema{.relid = t.relid,
                              .schema_name = "public",
                              .table_name = t.table_name,
                              .columns = {{.name = "id", .type_oid = 23, .key = true}}});
      change::Row row{Value::Int32(c.id)};
      if (c.added_column) {
        schema->columns.push_back({.name = "x", .type_oid = 23});
        row.push_back(Value::Int32(c.id * 10));
      }
      staged.push_back({{.xid = 1, .commit_lsn = c.lsn, .end_lsn = c.lsn + 1},
                        {.kind = change::ChangeKind::kInsert,
                         .table = std::move(schema),
                         .new_row = std::move(row)}});
    }
    ASSERT_NO_FATAL_FAILURE(stage_.Index("seg-" + std::to_string(++segments_), staged));
    a_ = stage_.table(a_.relid);
    b_ = stage_.table(b_.relid);
  }

  std::unique_ptr<Materializer> Start(MemoryTable& a, MemoryTable& b, int64_t changes_max = 100) {
    auto materializer = std::make_unique<Materializer>(
        *stage_.coordinator, *stage_.staging, Services(), std::vector<TableTarget*>{&a, &b},
        MaterializerOptions{.batch_changes_max = changes_max}, log_);
    EXPECT_TRUE(materializer->Recover().ok());
    return materializer;
  }

  static std::vector<int64_t> Ids(const MemoryTable& table) {
    std::vector<int64_t> ids;
    for (const change::Row& row : table.files_.LiveRows()) ids.push_back(row[0].int_value);
    return ids;
  }
  static CommittedProgress Progress(const MemoryTable& table) {
    return ProgressOf(table.state().metadata.CurrentSnapshot()->summary, table.name())
        .value()
        .value();
  }

  stage::StagingLogFixture stage_;
  NullLogger log_;
  RealClock clock_;
  SeededRandom random_{11};
  std::unique_ptr<LocalObjectStore> warehouse_;
  MemoryCatalog catalog_;
  stage::TableState a_;
  stage::TableState b_;
  int segments_ = 0;
};

TEST_F(CycleTest, EveryChangedTableIsCommittedTogetherWithItsProgress) {
  Flush({{a_.table_id, 1, 100}, {b_.table_id, 10, 150}, {a_.table_id, 2, 200}});
  MemoryTable a("public.a", a_.table_id, Load("a"));
  MemoryTable b("public.b", b_.table_id, Load("b"));
  std::unique_ptr<Materializer> materializer = Start(a, b);
  CycleResult result = materializer->RunCycle().value();
  EXPECT_EQ(result.bound, 201u);  // the flushed LSN: everything up to it is in
  EXPECT_EQ(result.changes, 3);
  EXPECT_EQ(result.tables_committed, 2);
  EXPECT_EQ(catalog_.multi_table_commits, 1);
  EXPECT_EQ(Ids(a), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(Ids(b), (std::vector<int64_t>{10}));
  EXPECT_EQ(Progress(a), (CommittedProgress{.commit_lsn = 201, .log_offset = 2}));
  EXPECT_EQ(Progress(b), (CommittedProgress{.commit_lsn = 201, .log_offset = 1}));
  EXPECT_EQ(stage_.coordinator->LoadCursors("materializer").value(),
            (std::map<int64_t, int64_t>{{a_.table_id, 2}, {b_.table_id, 1}}));
  // Nothing new: nothing committed.
  EXPECT_EQ(materializer->RunCycle().value().tables_committed, 0);
  EXPECT_EQ(catalog_.multi_table_commits, 1);
}

TEST_F(CycleTest, ABatchIsCutBetweenTransactionsNeverInside) {
  // Table a: a transaction at 100 and one at 200, in one block; table b: one at 150.
  Flush({{a_.table_id, 1, 100},
         {a_.table_id, 2, 100},
         {b_.table_id, 10, 150},
         {a_.table_id, 3, 200},
         {a_.table_id, 4, 200}});
  MemoryTable a("public.a", a_.table_id, Load("a"));
  MemoryTable b("public.b", b_.table_id, Load("b"));
  std::unique_ptr<Materializer> materializer = Start(a, b, /*changes_max=*/1);
  CycleResult first = materializer->RunCycle().value();
  // a's read stopped after its block, which ends inside nothing but holds two transactions:
  // complete through the end of the one at 100 (101). b's change at 150 waits for the next
  // batch.
  EXPECT_EQ(first.bound, 101u);
  EXPECT_EQ(Ids(a), (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(Ids(b).empty());
  EXPECT_EQ(Progress(a), (CommittedProgress{.commit_lsn = 101, .log_offset = 2}));
  CycleResult second = materializer->RunCycle().value();
  EXPECT_EQ(second.bound, 201u);
  EXPECT_EQ(Ids(a), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(Ids(b), (std::vector<int64_t>{10}));
  EXPECT_EQ(Progress(b), (CommittedProgress{.commit_lsn = 201, .log_offset = 1}));
}

TEST_F(CycleTest, ACommitWhoseCursorUpdateWasLostIsNotAppliedTwice) {
  Flush({{a_.table_id, 1, 100}, {a_.table_id, 2, 100}});
  MemoryTable a("public.a", a_.table_id, Load("a"));
  MemoryTable b("public.b", b_.table_id, Load("b"));
  std::unique_ptr<Materializer> materializer = Start(a, b);
  // The cursor update fails after the catalog commit: a crash between the two.
  ASSERT_TRUE(
      stage_.pg->Exec("ALTER TABLE " + QuoteIdentifier(stage_.schema) + ".cursors RENAME TO gone")
          .ok());
  EXPECT_FALSE(materializer->RunCycle().ok());
  ASSERT_TRUE(
      stage_.pg->Exec("ALTER TABLE " + QuoteIdentifier(stage_.schema) + ".gone RENAME TO cursors")
          .ok());
  EXPECT_EQ(stage_.coordinator->LoadCursors("materializer").value()[a_.table_id], 0);

  // The restart reads the table's summary and resumes after the committed batch.
  MemoryTable a2("public.a", a_.table_id, Load("a"));
  MemoryTable b2("public.b", b_.table_id, Load("b"));
  std::unique_ptr<Materializer> restarted = Start(a2, b2);
  EXPECT_EQ(stage_.coordinator->LoadCursors("materializer").value()[a_.table_id], 2);
  EXPECT_EQ(restarted->RunCycle().value().changes, 0);
}

TEST_F(CycleTest, ChangesCommittedBeforeTheInitialLoadReadTheSourceAreSkipped) {
  // a was loaded from a snapshot at 150: the transaction at 100 is in it already, the one at
  // 200 is not.
  Flush({{a_.table_id, 1, 100}, {b_.table_id, 10, 120}, {a_.table_id, 2, 200}});
  MemoryTable a("public.a", a_.table_id, Load("a", 150));
  MemoryTable b("public.b", b_.table_id, Load("b"));
  std::unique_ptr<Materializer> materializer = Start(a, b);
  CycleResult result = materializer->RunCycle().value();
  EXPECT_EQ(result.changes, 3);
  EXPECT_EQ(result.changes_skipped, 1);
  EXPECT_EQ(Ids(a), (std::vector<int64_t>{2}));
  EXPECT_EQ(Ids(b), (std::vector<int64_t>{10}));
  EXPECT_EQ(Progress(a), (CommittedProgress{.commit_lsn = 201, .log_offset = 2}));
}

TEST_F(CycleTest, ABatchBelowTheLoadPointRecordsTheLoadPointNotItsBound) {
  // Capture has flushed up to 101 only; a's load read the source at 150.
  Flush({{a_.table_id, 1, 100}});
  MemoryTable a("public.a", a_.table_id, Load("a", 150));
  MemoryTable b("public.b", b_.table_id, Load("b"));
  std::unique_ptr<Materializer> materializer = Start(a, b);
  CycleResult result = materializer->RunCycle().value();
  EXPECT_EQ(result.bound, 101u);
  EXPECT_EQ(result.changes_skipped, 1);
  EXPECT_TRUE(Ids(a).empty());
  // The skipped change is consumed (the cursor moves past it), and the table still claims the
  // point its contents reflect, never an earlier one.
  EXPECT_EQ(Progress(a), (CommittedProgress{.commit_lsn = 150, .log_offset = 1}));
  EXPECT_EQ(stage_.coordinator->LoadCursors("materializer").value()[a_.table_id], 1);
}

TEST_F(CycleTest, AResumedLoadIsAMirrorOnlyOnceItsReplayIsPassedChangesOrNot) {
  // a's load copied ranges from 150 to 250: 100 is in every range, 200 must be replayed.
  Flush({{a_.table_id, 1, 100}, {b_.table_id, 10, 120}, {a_.table_id, 2, 200}});
  MemoryTable a("public.a", a_.table_id, Load("a", 150, 250));
  MemoryTable b("public.b", b_.table_id, Load("b"));
  std::unique_ptr<Materializer> materializer = Start(a, b);
  CycleResult result = materializer->RunCycle().value();
  EXPECT_EQ(result.changes_skipped, 1);
  EXPECT_EQ(Ids(a), (std::vector<int64_t>{2}));
  EXPECT_EQ(Progress(a), (CommittedProgress{.commit_lsn = 201, .log_offset = 2, .replay_to = 250}));
  EXPECT_EQ(a.state().metadata.CurrentSnapshot()->summary.at("pg2iceberg.initial-load"),
            "replaying");
  // A restart keeps replaying.
  materializer = Start(a, b);
  // Past 250 with no change of a: a alone is committed, complete, its cursor where it was.
  Flush({{b_.table_id, 11, 300}});
  result = materializer->RunCycle().value();
  EXPECT_EQ(result.tables_committed, 2);
  EXPECT_EQ(Progress(a), (CommittedProgress{.commit_lsn = 301, .log_offset = 2}));
  EXPECT_EQ(a.state().metadata.CurrentSnapshot()->summary.at("pg2iceberg.initial-load"),
            "complete");
  EXPECT_EQ(stage_.coordinator->LoadCursors("materializer").value()[a_.table_id], 2);
  // From then on a is a table like any other: an idle cycle commits nothing.
  Flush({{b_.table_id, 12, 400}});
  EXPECT_EQ(materializer->RunCycle().value().tables_committed, 1);
}

TEST_F(CycleTest, ACursorAheadOfItsTableIsDataLoss) {
  ASSERT_TRUE(stage_.coordinator
                  ->AdvanceCursors("materializer", {{.table_id = a_.table_id, .next_offset = 5}})
                  .ok());
  MemoryTable a("public.a", a_.table_id, Load("a"));
  MemoryTable b("public.b", b_.table_id, Load("b"));
  Materializer materializer(*stage_.coordinator, *stage_.staging, Services(), {&a, &b}, {}, log_);
  Status status = materializer.Recover();
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("public.a"), std::string::npos) << status.message();
}

TEST_F(CycleTest, ASchemaChangeIsFollowedBeforeTheBatchIsWritten) {
  Flush({{a_.table_id, 1, 100},
         {a_.table_id, 2, 200, true},
         {b_.table_id, 10, 250},
         {a_.table_id, 3, 300, true}});
  MemoryTable a("public.a", a_.table_id, Load("a"));
  MemoryTable b("public.b", b_.table_id, Load("b"));
  std::unique_ptr<Materializer> materializer = Start(a, b);
  CycleResult result = materializer->RunCycle().value();
  EXPECT_EQ(result.bound, 301u);
  EXPECT_EQ(a.evolutions_, 1);  // once, for the first change under the new columns
  EXPECT_EQ(a.columns_, (std::vector<std::string>{"id", "x"}));
  EXPECT_EQ(Ids(a), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(Ids(b), (std::vector<int64_t>{10}));
  EXPECT_EQ(b.evolutions_, 0);
  EXPECT_EQ(catalog_.multi_table_commits, 1);
}

TEST_F(CycleTest, ATransactionChangingColumnsBetweenItsRowsIsCommittedWhole) {
  // BEGIN; INSERT; ALTER TABLE … ADD COLUMN; INSERT; COMMIT — after an earlier transaction.
  Flush({{a_.table_id, 1, 50}, {a_.table_id, 2, 100}, {a_.table_id, 3, 100, true}});
  MemoryTable a("public.a", a_.table_id, Load("a"));
  MemoryTable b("public.b", b_.table_id, Load("b"));
  std::unique_ptr<Materializer> materializer = Start(a, b, /*changes_max=*/2);
  // The budget of 2 changes cuts between the transactions (at the end of the one at 50),
  // never inside the one at 100.
  EXPECT_EQ(materializer->RunCycle().value().bound, 51u);
  EXPECT_EQ(Ids(a), (std::vector<int64_t>{1}));
  EXPECT_EQ(materializer->RunCycle().value().bound, 101u);
  EXPECT_EQ(Ids(a), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(a.evolutions_, 1);
}

}  // namespace
}  // namespace pg2iceberg::materializer
