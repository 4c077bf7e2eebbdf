#include "table/data_file_sink.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "env/local_object_store.h"
#include "env/local_object_store_test_util.h"

namespace pg2iceberg {
namespace {

MappedColumn IntColumn(std::string name, bool not_null) {
  pg::PgColumn column{std::move(name), 23, -1, not_null, "integer"};
  return MappedColumn{column, pg::TypeOid::kInt4, iceberg::Type::Primitive(iceberg::TypeId::kInt)};
}

iceberg::Schema TableSchema() {
  iceberg::Schema schema;
  schema.fields = {{1, "id", true, iceberg::Type::Primitive(iceberg::TypeId::kInt), ""},
                   {2, "k", false, iceberg::Type::Primitive(iceberg::TypeId::kInt), ""}};
  return schema;
}

class DataFileSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenStoreInTempDir("pg2i-sink", random_, &dir_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  DataFileSink Sink(std::vector<std::string> partition, size_t max_open_files,
                    int64_t target_file_size_bytes = 128LL * 1024 * 1024) {
    auto spec = iceberg::BuildPartitionSpec("public.t", TableSchema(), partition);
    CHECK(spec.ok());
    auto bound = iceberg::BindPartitionSpec(*spec, TableSchema());
    CHECK(bound.ok());
    auto partitioner = Partitioner::Create("public.t", TableSchema(), *bound);
    CHECK(partitioner.ok());
    DataFileSinkOptions options{.data_key_prefix = "public/t/data/",
                                .target_file_size_bytes = target_file_size_bytes,
                                .max_open_files = max_open_files};
    RowEncoder encoder("public.t", {IntColumn("id", true), IntColumn("k", false)});
    return DataFileSink(*store_, random_, TableSchema(), std::move(*partitioner),
                        std::move(encoder), options);
  }

  Result<RowLocation> Append(DataFileSink& sink, int32_t id, std::optional<int32_t> k) {
    const change::Row row = {change::Value::Int32(id),
                             k ? change::Value::Int32(*k) : change::Value::Null()};
    return sink.Append(row);
  }

  SeededRandom random_{7};
  std::string dir_;
  std::unique_ptr<LocalObjectStore> store_;
};

TEST_F(DataFileSinkTest, UnpartitionedRowsShareOneFile) {
  DataFileSink sink = Sink({}, 2);
  for (int32_t id = 1; id <= 5; ++id) ASSERT_TRUE(Append(sink, id, id % 3).ok());
  auto files = sink.Finish();
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].record_count, 5);
  EXPECT_TRUE((*files)[0].partition.empty());
  EXPECT_TRUE(sink.written_keys()[0].starts_with("public/t/data/00000-"));
}

TEST_F(DataFileSinkTest, RowsGoToTheFileOfTheirPartition) {
  DataFileSink sink = Sink({"k"}, 8);
  for (int32_t id = 1; id <= 9; ++id)
    ASSERT_TRUE(Append(sink, id, id % 3 == 0 ? std::nullopt : std::optional(id % 3)).ok());
  auto files = sink.Finish();
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 3u);
  for (size_t i = 0; i < files->size(); ++i) {
    const iceberg::DataFile& file = (*files)[i];
    EXPECT_EQ(file.record_count, 3);
    ASSERT_EQ(file.partition.size(), 1u);
    const std::string directory =
        file.partition[0] ? "k=" + std::to_string(file.partition[0]->integer) : "k=null";
    EXPECT_TRUE(sink.written_keys()[i].starts_with("public/t/data/" + directory + "/"))
        << sink.written_keys()[i];
    EXPECT_TRUE(store_->Head(sink.written_keys()[i]).ok());
  }
}

TEST_F(DataFileSinkTest, ClosesTheLargestFileWhenMoreThanMaxOpenFilesAreNeeded) {
  DataFileSink sink = Sink({"k"}, 2);
  ASSERT_TRUE(Append(sink, 1, 1).ok());
  ASSERT_TRUE(Append(sink, 2, 1).ok());
  ASSERT_TRUE(Append(sink, 3, 2).ok());
  ASSERT_TRUE(Append(sink, 4, 3).ok());  // three partitions, two files: k=1 (two rows) is closed
  EXPECT_EQ(sink.written_keys().size(), 1u);
  ASSERT_TRUE(Append(sink, 5, 1).ok());  // k=1 again: a new file; k=2 and k=3 hold one row each
  ASSERT_EQ(sink.written_keys().size(), 2u);
  auto files = sink.Finish();
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 4u);
  int64_t rows = 0;
  for (const iceberg::DataFile& file : *files) rows += file.record_count;
  EXPECT_EQ(rows, 5);
  EXPECT_EQ((*files)[0].partition[0]->integer, 1);
  EXPECT_EQ((*files)[0].record_count, 2);
}

TEST_F(DataFileSinkTest, EveryRowIsReportedAtItsFileAndPosition) {
  DataFileSink sink = Sink({}, 2);
  for (int32_t id = 0; id < 5; ++id) {
    Result<RowLocation> location = Append(sink, id, id);
    ASSERT_TRUE(location.ok()) << location.status().ToString();
    EXPECT_EQ(*location, (RowLocation{.file = 0, .position = id}));
  }
  EXPECT_EQ(sink.ClosedFilePath(0).status().code(), StatusCode::kNotFound);  // still open
  EXPECT_EQ(sink.ClosedFilePath(1).status().code(), StatusCode::kNotFound);  // never opened
  auto files = sink.Finish();
  ASSERT_TRUE(files.ok());
  Result<std::string> path = sink.ClosedFilePath(0);
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(*path, (*files)[0].file_path);
}

// A file rolled by size gets a new number and its positions start again at 0.
TEST_F(DataFileSinkTest, PositionsAreDensePerFileAcrossFilesRolledBySize) {
  DataFileSink sink = Sink({}, 2, /*target_file_size_bytes=*/1);  // one row per file
  std::vector<RowLocation> locations;
  for (int32_t id = 0; id < 3; ++id) {
    Result<RowLocation> location = Append(sink, id, std::nullopt);
    ASSERT_TRUE(location.ok()) << location.status().ToString();
    locations.push_back(*location);
    EXPECT_TRUE(sink.ClosedFilePath(location->file).ok());  // closed right after its row
  }
  EXPECT_EQ(locations, (std::vector<RowLocation>{{0, 0}, {1, 0}, {2, 0}}));
  auto files = sink.Finish();
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 3u);
  for (size_t file = 0; file < 3; ++file) {
    EXPECT_EQ(*sink.ClosedFilePath(file), (*files)[file].file_path);
    EXPECT_EQ((*files)[file].record_count, 1);
  }
}

// Rows of each partition count up in their own file; a partition whose file was closed for
// room continues in a new file, from position 0.
TEST_F(DataFileSinkTest, EachPartitionFileCountsItsOwnPositions) {
  DataFileSink sink = Sink({"k"}, 2);
  const std::pair<int32_t, RowLocation> appends[] = {
      {1, {0, 0}}, {2, {1, 0}}, {1, {0, 1}}, {2, {1, 1}},
      {1, {0, 2}}, {3, {2, 0}},  // two files open already: closes the largest (k=1, file 0)
      {1, {3, 0}},               // closes the largest again (k=2, file 1)
      {3, {2, 1}},
  };
  int32_t id = 0;
  for (const auto& [k, expected] : appends) {
    Result<RowLocation> location = Append(sink, id++, k);
    ASSERT_TRUE(location.ok()) << location.status().ToString();
    EXPECT_EQ(*location, expected) << "row " << id - 1 << " (k=" << k << ")";
  }
  auto files = sink.Finish();
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 4u);
  // Each file's partition and row count agree with the locations reported for it.
  const std::pair<int32_t, int64_t> expected[] = {{1, 3}, {2, 2}, {3, 2}, {1, 1}};  // by number
  for (size_t file = 0; file < 4; ++file) {
    Result<std::string> path = sink.ClosedFilePath(file);
    ASSERT_TRUE(path.ok()) << path.status().ToString();
    auto it = std::find_if(files->begin(), files->end(),
                           [&](const iceberg::DataFile& f) { return f.file_path == *path; });
    ASSERT_NE(it, files->end());
    EXPECT_EQ(it->partition[0]->integer, expected[file].first) << "file " << file;
    EXPECT_EQ(it->record_count, expected[file].second) << "file " << file;
  }
}

}  // namespace
}  // namespace pg2iceberg
