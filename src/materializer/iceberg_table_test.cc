// The materializer cycle over IcebergTable targets: real data files, delete files (position
// deletes in format version 2, deletion vectors in 3) and commits to a table in a local
// warehouse, from a staging log indexed in a real coordinator (Postgres:
// PG2ICEBERG_TEST_PG_CONNINFO; fails when unset). What the table holds after each cycle is read
// back through a freshly opened IcebergTable (its index rebuilt from the committed files).
#include "materializer/iceberg_table.h"

#include <gtest/gtest.h>

#include "env/local_object_store.h"
#include "env/random.h"
#include "env/real_clock.h"
#include "materializer/cycle.h"
#include "materializer/primary_key.h"
#include "materializer/test_util.h"
#include "stage/staging_log_test_util.h"

namespace pg2iceberg::materializer {
namespace {

using change::ChangeKind;
using change::OldRow;
using change::Row;
using change::Value;

std::shared_ptr<const change::TableSchema> Staged() {
  return std::make_shared<const change::TableSchema>(
      change::TableSchema{.relid = 7,
                          .schema_name = "public",
                          .table_name = "docs",
                          .columns = {{.name = "id", .type_oid = 23, .key = true},
                                      {.name = "title", .type_oid = 25},
                                      {.name = "body", .type_oid = 25}}});
}

Row R(int id, const std::string& title, const std::string& body) {
  return {Value::Int32(id), Value::String(title), Value::String(body)};
}

struct Step {
  change::Lsn lsn;
  change::RowChange change;
};

Step Insert(change::Lsn lsn, Row row) {
  return {lsn, {.kind = ChangeKind::kInsert, .table = Staged(), .new_row = std::move(row)}};
}
Step Update(change::Lsn lsn, Row row, std::optional<int> old_id = std::nullopt) {
  change::RowChange c{.kind = ChangeKind::kUpdate, .table = Staged(), .new_row = std::move(row)};
  if (old_id) {
    c.old_kind = OldRow::kKey;
    c.old_row = {Value::Int32(*old_id), Value::Null(), Value::Null()};
  }
  return {lsn, std::move(c)};
}
Step Delete(change::Lsn lsn, int id) {
  return {lsn,
          {.kind = ChangeKind::kDelete,
           .table = Staged(),
           .old_kind = OldRow::kKey,
           .old_row = {Value::Int32(id), Value::Null(), Value::Null()}}};
}
Step Truncate(change::Lsn lsn) { return {lsn, {.kind = ChangeKind::kTruncate, .table = Staged()}}; }

class IcebergTableTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(stage_.Start("iceberg_table_v" + std::to_string(GetParam())));
    warehouse_ = std::move(LocalObjectStore::Open(stage_.dir + "/warehouse", random_).value());
    log_table_ = stage_.Register("docs", 7);
    iceberg_schema_.fields = {
        {1, "id", true, iceberg::Type::Primitive(iceberg::TypeId::kInt), ""},
        {2, "title", false, iceberg::Type::Primitive(iceberg::TypeId::kString), ""},
        {3, "body", false, iceberg::Type::Primitive(iceberg::TypeId::kString), ""}};
    iceberg::TableMetadata metadata =
        iceberg::NewTableMetadata(iceberg_schema_, warehouse_->Location("public/docs"),
                                  random_.UuidV4String(), {}, 0)
            .value();
    ASSERT_TRUE(iceberg::CommitSnapshot(Services(), {ident_, metadata, ""}, {},
                                        iceberg::CommitMode::kReplaceAll,
                                        ProgressSummary({.commit_lsn = 1, .log_offset = 0}))
                    .ok());
  }
  void TearDown() override { stage_.Stop(); }

  iceberg::CommitServices Services() { return {*warehouse_, catalog_, random_, clock_}; }

  IcebergTableLayout Layout() {
    IcebergTableLayout layout{.name = "public.docs",
                              .table_id = log_table_.table_id,
                              .key_columns = {"id"},
                              .schema = iceberg_schema_,
                              .data_key_prefix = "public/docs/data/",
                              .format_version = GetParam(),
                              .equality_deletes = equality_};
    for (const iceberg::Field& field : iceberg_schema_.fields) {
      layout.columns.push_back({.pg = {.name = field.name}, .iceberg_type = field.type});
    }
    return layout;
  }

  std::unique_ptr<IcebergTable> OpenTable() {
    Result<std::unique_ptr<IcebergTable>> table =
        IcebergTable::Open(Layout(), catalog_.tables.at(ident_), *warehouse_, random_, {});
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    return table.ok() ? std::move(*table) : nullptr;
  }

  void Flush(const std::vector<Step>& steps) {
    std::vector<std::pair<change::CommitInfo, change::RowChange>> staged;
    for (const Step& step : steps) {
      staged.push_back({{.xid = 1, .commit_lsn = step.lsn, .end_lsn = step.lsn + 1}, step.change});
    }
    ASSERT_NO_FATAL_FAILURE(stage_.Index("seg-" + std::to_string(++segments_), staged));
    log_table_ = stage_.table(7);
  }

  // Runs the materializer over a freshly opened target until the log is applied.
  void Materialize() {
    std::unique_ptr<IcebergTable> table = OpenTable();
    ASSERT_NE(table, nullptr);
    Materializer materializer(*stage_.coordinator, *stage_.staging, Services(), {table.get()}, {},
                              log_);
    ASSERT_TRUE(materializer.Recover().ok());
    Result<CycleResult> cycle = materializer.RunCycle();
    ASSERT_TRUE(cycle.ok()) << cycle.status().ToString();
  }

  // The rows the table holds, by key, read through a freshly opened target.
  std::map<int64_t, Row> Rows() {
    std::unique_ptr<IcebergTable> table = OpenTable();
    std::map<int64_t, Row> rows;
    if (table == nullptr) return rows;
    std::vector<std::pair<std::string, RowLocation>> entries;
    table->index().ForEach(
        [&](const std::string& key, RowLocation location) { entries.emplace_back(key, location); });
    for (const auto& [key, location] : entries) {
      Result<Row> row = table->rows().ReadRow(location, *Staged());
      EXPECT_TRUE(row.ok()) << row.status().ToString();
      if (row.ok()) rows[(*row)[0].int_value] = *row;
    }
    return rows;
  }

  stage::StagingLogFixture stage_;
  NullLogger log_;
  RealClock clock_;
  SeededRandom random_{13};
  std::unique_ptr<LocalObjectStore> warehouse_;
  stage::TableState log_table_;
  MemoryCatalog catalog_;
  iceberg::Schema iceberg_schema_;
  const iceberg::TableIdentifier ident_{{"public"}, "docs"};
  int segments_ = 0;
  bool equality_ = false;  // delete_mode: equality

  // The current snapshot's live delete files of `content`.
  int LiveDeleteFiles(iceberg::FileContent content) {
    iceberg::LiveFiles live;
    const iceberg::TableMetadata& metadata = catalog_.tables.at(ident_).metadata;
    EXPECT_TRUE(live.SyncTo(*warehouse_, metadata).ok());
    int count = 0;
    for (size_t i = 0; i < live.manifests().size(); ++i) {
      for (const iceberg::ManifestEntry& entry : *live.Entries(*warehouse_, i).value()) {
        if (entry.file.content == content) ++count;
      }
    }
    return count;
  }

  void ChangesAcrossBatchesDeletesAndTruncate();
};

TEST_P(IcebergTableTest, ChangesBecomeRowsAcrossBatchesDeletesAndTruncate) {
  ChangesAcrossBatchesDeletesAndTruncate();
  EXPECT_EQ(LiveDeleteFiles(iceberg::FileContent::kEqualityDeletes), 0);
}

// delete_mode: equality — rows of earlier commits are deleted by key, and the index rebuilt at
// each open (Rows, Materialize) leaves out what those deletes remove.
TEST_P(IcebergTableTest, EqualityModeDeletesEarlierRowsByKey) {
  equality_ = true;
  Flush({Insert(100, R(1, "one", "big-1")), Insert(100, R(2, "two", "big-2"))});
  Materialize();
  Flush({Update(200, {Value::Int32(2), Value::String("two'"), Value::UnchangedToast()}),
         Delete(200, 1), Insert(200, R(1, "one again", "big-1'"))});
  Materialize();
  EXPECT_EQ(LiveDeleteFiles(iceberg::FileContent::kEqualityDeletes), 1);
  EXPECT_EQ(Rows(),
            (std::map<int64_t, Row>{{1, R(1, "one again", "big-1'")}, {2, R(2, "two'", "big-2")}}));
  // Deleted again, by key, from a file the equality delete file does not apply to.
  Flush({Delete(300, 1)});
  Materialize();
  EXPECT_EQ(Rows(), (std::map<int64_t, Row>{{2, R(2, "two'", "big-2")}}));
}

TEST_P(IcebergTableTest, EqualityModeRunsTheWholeSequence) {
  equality_ = true;
  ChangesAcrossBatchesDeletesAndTruncate();
}

void IcebergTableTest::ChangesAcrossBatchesDeletesAndTruncate() {
  Flush({Insert(100, R(1, "one", "big-1")), Insert(100, R(2, "two", "big-2")),
         Insert(100, R(3, "three", "big-3")), Insert(100, R(4, "four", "big-4")),
         Insert(100, R(5, "five", "big-5"))});
  Flush({Update(200, {Value::Int32(2), Value::String("two'"), Value::UnchangedToast()}),
         Delete(200, 3),
         Update(200, {Value::Int32(40), Value::String("forty"), Value::UnchangedToast()}, 4),
         Delete(300, 1)});
  Materialize();
  EXPECT_EQ(Rows(), (std::map<int64_t, Row>{{2, R(2, "two'", "big-2")},
                                            {5, R(5, "five", "big-5")},
                                            {40, R(40, "forty", "big-4")}}));

  // A later batch deletes from the first batch's file again (a vector is replaced in v3) and
  // resolves an unchanged value from the table's files.
  Flush({Update(400, {Value::Int32(5), Value::String("five'"), Value::UnchangedToast()}),
         Delete(400, 2)});
  Materialize();
  EXPECT_EQ(Rows(),
            (std::map<int64_t, Row>{{5, R(5, "five'", "big-5")}, {40, R(40, "forty", "big-4")}}));

  Flush({Insert(500, R(6, "six", "big-6")), Truncate(500), Insert(500, R(9, "nine", "big-9"))});
  Materialize();
  EXPECT_EQ(Rows(), (std::map<int64_t, Row>{{9, R(9, "nine", "big-9")}}));
  const iceberg::Snapshot* head = catalog_.tables.at(ident_).metadata.CurrentSnapshot();
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(ProgressOf(head->summary, "public.docs").value(),
            (CommittedProgress{.commit_lsn = 501, .log_offset = 14}));
}

INSTANTIATE_TEST_SUITE_P(FormatVersions, IcebergTableTest, ::testing::Values(2, 3));

}  // namespace
}  // namespace pg2iceberg::materializer
