// RebuildIndex over real files: data files written by the table's row encoder, position delete
// files and deletion vectors written by the delete-file writers, committed to a table in a local
// warehouse.
#include "materializer/index_rebuild.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "env/local_object_store.h"
#include "env/random.h"
#include "env/real_clock.h"
#include "iceberg/delete_files.h"
#include "iceberg/parquet_schema.h"
#include "iceberg/table_commit.h"
#include "materializer/primary_key.h"
#include "materializer/test_util.h"
#include "table/row_encoder.h"

namespace pg2iceberg::materializer {
namespace {

using change::Value;

class IndexRebuildTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/pg2i-index-rebuild-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    store_ = std::move(LocalObjectStore::Open(dir_, random_).value());
    schema_.fields = {{1, "id", true, iceberg::Type::Primitive(iceberg::TypeId::kLong), ""},
                      {2, "v", false, iceberg::Type::Primitive(iceberg::TypeId::kString), ""}};
    iceberg::TableMetadata metadata =
        iceberg::NewTableMetadata(schema_, store_->Location("db/t"), random_.UuidV4String(), {}, 0)
            .value();
    state_ = iceberg::CommitSnapshot(Services(), {ident_, metadata, ""}, {},
                                     iceberg::CommitMode::kReplaceAll, {})
                 .value();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  iceberg::CommitServices Services() { return {*store_, catalog_, random_, clock_}; }

  // A data file of rows (id, "v<id>") for `ids`.
  iceberg::DataFile WriteData(const std::string& name, const std::vector<int64_t>& ids) {
    RowEncoder encoder("db.t", {{.pg = {.name = "id"}, .iceberg_type = schema_.fields[0].type},
                                {.pg = {.name = "v"}, .iceberg_type = schema_.fields[1].type}});
    auto writer = parquet::ParquetWriter::Create(iceberg::ParquetColumnsFor(schema_), {}).value();
    for (int64_t id : ids) {
      EXPECT_TRUE(
          encoder.Write({Value::Int64(id), Value::String("v" + std::to_string(id))}, *writer).ok());
    }
    parquet::ParquetFile file = writer->Finish().value();
    const std::string key = "db/t/data/" + name + ".parquet";
    EXPECT_TRUE(store_->Put(key, file.bytes, {}).ok());
    iceberg::DataFile entry;
    entry.file_path = store_->Location(key);
    entry.record_count = file.row_count;
    entry.file_size_in_bytes = static_cast<int64_t>(file.bytes.size());
    return entry;
  }

  // The delete file removing `positions` of `data` in this test's format version.
  std::vector<iceberg::DataFile> WriteDeletes(const std::string& name,
                                              const iceberg::DataFile& data,
                                              std::vector<int64_t> positions) {
    const std::string key = "db/t/data/" + name + (GetParam() == 3 ? ".puffin" : ".parquet");
    if (GetParam() == 3) {
      return Store(key, iceberg::WriteDeletionVectorFile(
                            store_->Location(key),
                            {{.data_file = data.file_path, .positions = positions}}, "test"));
    }
    std::vector<iceberg::FilePosition> deletes;
    for (int64_t p : positions) deletes.push_back({.file_path = data.file_path, .pos = p});
    return Store(key, iceberg::WritePositionDeleteFile(store_->Location(key), deletes, {}));
  }

  std::vector<iceberg::DataFile> Store(const std::string& key,
                                       Result<iceberg::WrittenDeleteFile> written) {
    EXPECT_TRUE(written.ok()) << written.status().ToString();
    if (!written.ok()) return {};
    EXPECT_TRUE(store_->Put(key, written->bytes, {}).ok());
    return written->entries;
  }

  void Commit(std::vector<iceberg::DataFile> files, std::vector<iceberg::DataFile> deletes) {
    iceberg::TableCommitInput input{.table = state_, .files = std::move(files)};
    input.delete_files = std::move(deletes);
    input.format_version = GetParam();
    std::vector<Result<iceberg::TableState>> results =
        iceberg::CommitSnapshots(Services(), {input});
    ASSERT_TRUE(results[0].ok()) << results[0].status().ToString();
    state_ = *results[0];
  }

  Result<LiveTableState> Rebuild(PrimaryKeyIndex& index) {
    iceberg::LiveFiles live;
    return RebuildIndex(*store_, live, state_.metadata,
                        {.table_name = "db.t", .key_columns = {"id"}}, index);
  }

  static std::string Key(int64_t id) {
    change::TableSchema schema{.table_name = "t", .columns = {{.name = "id", .key = true}}};
    return KeyOf(schema, {Value::Int64(id)}, {0}).value();
  }

  std::string dir_;
  SeededRandom random_{5};
  RealClock clock_;
  std::unique_ptr<LocalObjectStore> store_;
  MemoryCatalog catalog_;
  iceberg::Schema schema_;
  const iceberg::TableIdentifier ident_{{"db"}, "t"};
  iceberg::TableState state_;
};

TEST_P(IndexRebuildTest, EveryLiveRowIsPlacedAndDeletedRowsAreNot) {
  iceberg::DataFile first = WriteData("a", {1, 2, 3, 4, 5});
  iceberg::DataFile second = WriteData("b", {6, 7});
  Commit({first, second}, {});
  Commit({}, WriteDeletes("d1", first, {1, 3}));  // ids 2 and 4
  PrimaryKeyIndex index("db.t", 1 << 20);
  LiveTableState state = Rebuild(index).value();
  EXPECT_EQ(state.rows, 5);
  EXPECT_EQ(state.deleted_rows, 2);
  ASSERT_EQ(state.data_files.size(), 2u);
  EXPECT_EQ(index.size(), 5u);
  EXPECT_FALSE(index.Find(Key(2)).has_value());
  EXPECT_FALSE(index.Find(Key(4)).has_value());
  std::optional<RowLocation> five = index.Find(Key(5));
  ASSERT_TRUE(five.has_value());
  EXPECT_EQ(index.FilePath(five->file), first.file_path);
  EXPECT_EQ(five->position, 4);
  std::optional<RowLocation> seven = index.Find(Key(7));
  ASSERT_TRUE(seven.has_value());
  EXPECT_EQ(index.FilePath(seven->file), second.file_path);
  EXPECT_EQ(seven->position, 1);
  if (GetParam() == 3) {
    ASSERT_EQ(state.vectors.count(first.file_path), 1u);
    EXPECT_EQ(state.vectors[first.file_path].positions, (std::vector<int64_t>{1, 3}));
  }
}

TEST_P(IndexRebuildTest, AKeyLiveTwiceIsDataLoss) {
  Commit({WriteData("a", {1, 2}), WriteData("b", {2})}, {});
  PrimaryKeyIndex index("db.t", 1 << 20);
  Result<LiveTableState> state = Rebuild(index);
  EXPECT_EQ(state.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(state.status().message().find("id=2"), std::string::npos) << state.status().ToString();
}

TEST_P(IndexRebuildTest, PastTheIndexBoundTheRebuildStopsWithTheSetting) {
  Commit({WriteData("a", {1, 2, 3, 4, 5, 6, 7, 8})}, {});
  PrimaryKeyIndex index("db.t", 400);
  Result<LiveTableState> state = Rebuild(index);
  EXPECT_EQ(state.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(state.status().message().find("sink.materializer_index_memory"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(FormatVersions, IndexRebuildTest, ::testing::Values(2, 3));

}  // namespace
}  // namespace pg2iceberg::materializer
