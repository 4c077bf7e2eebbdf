#include "iceberg/delete_files.h"

#include <gtest/gtest.h>

#include "iceberg/deletion_vector.h"
#include "iceberg/parquet_schema.h"
#include "iceberg/puffin.h"

namespace pg2iceberg::iceberg {
namespace {

Schema Table() {
  Schema schema;
  schema.fields = {{1, "id", true, Type::Primitive(TypeId::kInt), ""},
                   {2, "region", false, Type::Primitive(TypeId::kString), ""},
                   {3, "amount", false, Type::Primitive(TypeId::kDouble), ""}};
  return schema;
}

TEST(DeleteFilesTest, EqualityDeleteSchemaKeepsTheChosenFieldsWithTheirIds) {
  Result<Schema> schema = EqualityDeleteSchema(Table(), {2, 1});
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  ASSERT_EQ(schema->fields.size(), 2u);
  EXPECT_EQ(schema->fields[0].id, 1);
  EXPECT_EQ(schema->fields[1].id, 2);
  EXPECT_EQ(EqualityDeleteSchema(Table(), {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EqualityDeleteSchema(Table(), {4}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EqualityDeleteSchema(Table(), {1, 1}).status().code(), StatusCode::kInvalidArgument);
}

TEST(DeleteFilesTest, EqualityDeleteEntryCarriesIdsAndMetrics) {
  Schema schema = *EqualityDeleteSchema(Table(), {1});
  auto writer = parquet::ParquetWriter::Create(ParquetColumnsFor(schema), {});
  ASSERT_TRUE(writer.ok());
  for (int id : {7, 3}) {
    ASSERT_TRUE((*writer)->AppendInt32(0, id).ok());
    ASSERT_TRUE((*writer)->EndRow().ok());
  }
  auto file = (*writer)->Finish();
  ASSERT_TRUE(file.ok());
  DataFile entry = EqualityDeleteFileFor("file:///t/data/eq.parquet", *file, schema, {1});
  EXPECT_EQ(entry.content, FileContent::kEqualityDeletes);
  EXPECT_EQ(entry.equality_ids, std::vector<int>{1});
  EXPECT_EQ(entry.record_count, 2);
  EXPECT_EQ(entry.lower_bounds.at(1),
            (Bytes{std::byte{3}, std::byte{0}, std::byte{0}, std::byte{0}}));
  EXPECT_EQ(entry.upper_bounds.at(1),
            (Bytes{std::byte{7}, std::byte{0}, std::byte{0}, std::byte{0}}));
}

TEST(DeleteFilesTest, PositionDeletesAreSortedAndNameASingleDataFile) {
  auto one = WritePositionDeleteFile(
      "file:///t/data/pos.parquet",
      {{"file:///t/data/a.parquet", 9}, {"file:///t/data/a.parquet", 2}}, {});
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->entries.size(), 1u);
  const DataFile& entry = one->entries[0];
  EXPECT_EQ(entry.content, FileContent::kPositionDeletes);
  EXPECT_EQ(entry.record_count, 2);
  EXPECT_EQ(entry.referenced_data_file, "file:///t/data/a.parquet");
  // pos bounds: sorted, so 2 .. 9, little-endian longs.
  EXPECT_EQ(entry.lower_bounds.at(kDeletePosFieldId).front(), std::byte{2});
  EXPECT_EQ(entry.upper_bounds.at(kDeletePosFieldId).front(), std::byte{9});
  EXPECT_EQ(entry.file_size_in_bytes, static_cast<int64_t>(one->bytes.size()));

  auto two = WritePositionDeleteFile("file:///p.parquet", {{"file:///b", 1}, {"file:///a", 1}}, {});
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->entries[0].referenced_data_file, std::nullopt);

  EXPECT_EQ(WritePositionDeleteFile("file:///p.parquet", {{"file:///a", 1}, {"file:///a", 1}}, {})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WritePositionDeleteFile("file:///p.parquet", {{"file:///a", -1}}, {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WritePositionDeleteFile("file:///p.parquet", {}, {}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(DeleteFilesTest, DeletionVectorEntriesPointAtTheirBlobs) {
  auto written = WriteDeletionVectorFile(
      "file:///t/data/dv.puffin",
      {{"file:///t/data/a.parquet", {5, 1}}, {"file:///t/data/b.parquet", {0}}},
      "pg2iceberg version test");
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  ASSERT_EQ(written->entries.size(), 2u);
  const DataFile& a = written->entries[0];
  EXPECT_EQ(a.file_format, "PUFFIN");
  EXPECT_EQ(a.content, FileContent::kPositionDeletes);
  EXPECT_EQ(a.record_count, 2);
  EXPECT_EQ(a.referenced_data_file, "file:///t/data/a.parquet");
  EXPECT_EQ(a.content_offset, 4);
  Bytes expected = *SerializeDeletionVector(std::vector<int64_t>{1, 5});
  ASSERT_EQ(a.content_size_in_bytes, static_cast<int64_t>(expected.size()));
  EXPECT_EQ(Bytes(written->bytes.begin() + 4, written->bytes.begin() + 4 + expected.size()),
            expected);
  EXPECT_EQ(written->entries[1].content_offset, 4 + static_cast<int64_t>(expected.size()));
  // Each blob names the _pos metadata column, as Iceberg's reference writer does.
  PuffinFooter footer = ReadPuffinFooter(written->bytes).value();
  ASSERT_EQ(footer.blobs.size(), 2u);
  for (const PuffinBlobMetadata& blob : footer.blobs) {
    EXPECT_EQ(blob.fields, std::vector<int32_t>{2147483645});
    EXPECT_EQ(blob.snapshot_id, -1);
    EXPECT_EQ(blob.sequence_number, -1);
  }

  EXPECT_EQ(WriteDeletionVectorFile("f", {{"a", {1}}, {"a", {2}}}, "x").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteDeletionVectorFile("f", {{"a", {1, 1}}}, "x").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
