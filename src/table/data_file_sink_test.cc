#include "table/data_file_sink.h"

#include <gtest/gtest.h>

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

Bytes Int4(int32_t value) {
  ByteWriter writer;
  writer.AppendBigEndian(value);
  return writer.Release();
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

  DataFileSink Sink(std::vector<std::string> partition, size_t max_open_files) {
    auto spec = iceberg::BuildPartitionSpec("public.t", TableSchema(), partition);
    CHECK(spec.ok());
    auto bound = iceberg::BindPartitionSpec(*spec, TableSchema());
    CHECK(bound.ok());
    auto partitioner = Partitioner::Create("public.t", TableSchema(), *bound);
    CHECK(partitioner.ok());
    DataFileSinkOptions options{.data_key_prefix = "public/t/data/",
                                .max_open_files = max_open_files};
    return DataFileSink(*store_, random_, TableSchema(), std::move(*partitioner), options);
  }

  Status Append(DataFileSink& sink, int32_t id, std::optional<int32_t> k) {
    const Bytes id_bytes = Int4(id);
    const Bytes k_bytes = Int4(k.value_or(0));
    const std::optional<ByteSpan> fields[] = {ByteSpan(id_bytes),
                                              k ? std::optional<ByteSpan>(k_bytes) : std::nullopt};
    return sink.Append(fields, encoder_);
  }

  SeededRandom random_{7};
  std::string dir_;
  std::unique_ptr<LocalObjectStore> store_;
  RowEncoder encoder_{"public.t", {IntColumn("id", true), IntColumn("k", false)}};
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

}  // namespace
}  // namespace pg2iceberg
