#include <gtest/gtest.h>

#include "avro/container_reader.h"
#include "avro/container_writer.h"
#include "avro/schema_declaration.h"
#include "iceberg/manifest.h"
#include "iceberg/manifest_schema.h"

namespace pg2iceberg::iceberg {
namespace {

ManifestFile SampleManifest(std::string path, ManifestContent content) {
  ManifestFile m;
  m.manifest_path = std::move(path);
  m.manifest_length = 4321;
  m.partition_spec_id = 0;
  m.content = content;
  m.sequence_number = 9;
  m.min_sequence_number = 4;
  m.added_snapshot_id = 77;
  m.added_files_count = 1;
  m.existing_files_count = 2;
  m.deleted_files_count = 3;
  m.added_rows_count = 10;
  m.existing_rows_count = 20;
  m.deleted_rows_count = 30;
  return m;
}

ManifestListWriterOptions Options() {
  ManifestListWriterOptions options;
  options.snapshot_id = 77;
  options.sequence_number = 9;
  options.sync_marker.fill(0xab);
  return options;
}

void ExpectSameManifest(const ManifestFile& a, const ManifestFile& b) {
  EXPECT_EQ(a.manifest_path, b.manifest_path);
  EXPECT_EQ(a.manifest_length, b.manifest_length);
  EXPECT_EQ(a.partition_spec_id, b.partition_spec_id);
  EXPECT_EQ(a.content, b.content);
  EXPECT_EQ(a.sequence_number, b.sequence_number);
  EXPECT_EQ(a.min_sequence_number, b.min_sequence_number);
  EXPECT_EQ(a.added_snapshot_id, b.added_snapshot_id);
  EXPECT_EQ(a.added_files_count, b.added_files_count);
  EXPECT_EQ(a.existing_files_count, b.existing_files_count);
  EXPECT_EQ(a.deleted_files_count, b.deleted_files_count);
  EXPECT_EQ(a.added_rows_count, b.added_rows_count);
  EXPECT_EQ(a.existing_rows_count, b.existing_rows_count);
  EXPECT_EQ(a.deleted_rows_count, b.deleted_rows_count);
}

TEST(ManifestListTest, ManifestFileEncodesTheSpecV2Schema) {
  std::string json = avro::RenderSchemaJson(ManifestFileSchema());
  // Docs are informative; compare the structure without them.
  for (size_t at; (at = json.find(R"(,"doc":")")) != std::string::npos;) {
    json.erase(at, json.find('"', at + 8) + 1 - at);
  }
  EXPECT_EQ(json,
            R"({"type":"record","name":"manifest_file","fields":[)"
            R"({"name":"manifest_path","type":"string","field-id":500},)"
            R"({"name":"manifest_length","type":"long","field-id":501},)"
            R"({"name":"partition_spec_id","type":"int","field-id":502},)"
            R"({"name":"content","type":"int","field-id":517},)"
            R"({"name":"sequence_number","type":"long","field-id":515},)"
            R"({"name":"min_sequence_number","type":"long","field-id":516},)"
            R"({"name":"added_snapshot_id","type":"long","field-id":503},)"
            R"({"name":"added_files_count","type":"int","field-id":504},)"
            R"({"name":"existing_files_count","type":"int","field-id":505},)"
            R"({"name":"deleted_files_count","type":"int","field-id":506},)"
            R"({"name":"added_rows_count","type":"long","field-id":512},)"
            R"({"name":"existing_rows_count","type":"long","field-id":513},)"
            R"({"name":"deleted_rows_count","type":"long","field-id":514},)"
            R"({"name":"partitions","type":["null",{"type":"array","items":{"type":"record",)"
            R"("name":"r508","fields":[{"name":"contains_null","type":"boolean","field-id":509},)"
            R"({"name":"contains_nan","type":["null","boolean"],"default":null,"field-id":518},)"
            R"({"name":"lower_bound","type":["null","bytes"],"default":null,"field-id":510},)"
            R"({"name":"upper_bound","type":["null","bytes"],"default":null,"field-id":511}]},)"
            R"("element-id":508}],"default":null,"field-id":507},)"
            R"({"name":"key_metadata","type":["null","bytes"],"default":null,"field-id":519}]})");
}

TEST(ManifestListTest, WritesSnapshotHeaderMetadataWithNullParent) {
  auto bytes = WriteManifestList(Options(), {});
  ASSERT_TRUE(bytes.ok());
  auto reader = avro::ContainerReader::Open(*bytes);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->Metadata("snapshot-id"), "77");
  EXPECT_EQ(reader->Metadata("parent-snapshot-id"), "null");
  EXPECT_EQ(reader->Metadata("sequence-number"), "9");
  EXPECT_EQ(reader->Metadata("format-version"), "2");

  ManifestListWriterOptions with_parent = Options();
  with_parent.parent_snapshot_id = 76;
  auto child = WriteManifestList(with_parent, {});
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(avro::ContainerReader::Open(*child)->Metadata("parent-snapshot-id"), "76");
}

TEST(ManifestListTest, RoundTripsManifestsThroughTheReader) {
  const std::vector<ManifestFile> manifests = {
      SampleManifest("file:///m0.avro", ManifestContent::kData),
      SampleManifest("file:///m1.avro", ManifestContent::kDeletes)};
  auto bytes = WriteManifestList(Options(), manifests);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto read = ReadManifestList(*bytes);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->manifests.size(), 2u);
  ExpectSameManifest(read->manifests[0], manifests[0]);
  ExpectSameManifest(read->manifests[1], manifests[1]);
  EXPECT_EQ(read->metadata.at("snapshot-id"), "77");
}

TEST(ManifestListTest, RejectsInconsistentManifests) {
  ManifestFile negative = SampleManifest("m", ManifestContent::kData);
  negative.added_rows_count = -1;
  EXPECT_EQ(WriteManifestList(Options(), std::vector{negative}).status().code(),
            StatusCode::kInvalidArgument);
  ManifestFile backwards = SampleManifest("m", ManifestContent::kData);
  backwards.min_sequence_number = 10;
  EXPECT_EQ(WriteManifestList(Options(), std::vector{backwards}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ManifestListTest, PartitionSummariesRoundTrip) {
  ManifestFile manifest = SampleManifest("m", ManifestContent::kData);
  manifest.partitions = {FieldSummary{true, false, Bytes{std::byte{1}}, Bytes{std::byte{9}}},
                         FieldSummary{false, true, std::nullopt, std::nullopt},
                         FieldSummary{false, std::nullopt, Bytes{}, Bytes{std::byte{0xff}}}};
  auto bytes = WriteManifestList(Options(), std::vector{manifest});
  ASSERT_TRUE(bytes.ok());
  auto read = ReadManifestList(*bytes);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->manifests.size(), 1u);
  EXPECT_EQ(read->manifests[0].partitions, manifest.partitions);
}

TEST(ManifestListTest, TruncatedListIsDataLoss) {
  auto bytes =
      WriteManifestList(Options(), std::vector{SampleManifest("m", ManifestContent::kData)});
  ASSERT_TRUE(bytes.ok());
  for (size_t cut : {size_t{0}, size_t{10}, bytes->size() - 1}) {
    EXPECT_EQ(ReadManifestList(ByteSpan(*bytes).first(cut)).status().code(), StatusCode::kDataLoss)
        << cut;
  }
}

TEST(ManifestListTest, Version3ListsCarryFirstRowIds) {
  ManifestListWriterOptions options = Options();
  options.format_version = 3;
  options.first_row_id = 1000;
  ManifestFile data = SampleManifest("file:///m0.avro", ManifestContent::kData);
  ManifestFile deletes = SampleManifest("file:///m1.avro", ManifestContent::kDeletes);
  // A data manifest without a first_row_id is refused in a version 3 list.
  EXPECT_EQ(WriteManifestList(options, std::vector{data}).status().code(),
            StatusCode::kInvalidArgument);
  data.first_row_id = 1000;
  auto bytes = WriteManifestList(options, std::vector{data, deletes});
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto read = ReadManifestList(*bytes);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->metadata.at("format-version"), "3");
  EXPECT_EQ(read->metadata.at("first-row-id"), "1000");
  ASSERT_EQ(read->manifests.size(), 2u);
  EXPECT_EQ(read->manifests[0].first_row_id, 1000);
  EXPECT_EQ(read->manifests[1].first_row_id, std::nullopt);
  EXPECT_NE(avro::RenderSchemaJson(ManifestFileSchema(3)).find(R"("name":"first_row_id")"),
            std::string::npos);
  EXPECT_EQ(avro::RenderSchemaJson(ManifestFileSchema(2)).find("first_row_id"), std::string::npos);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
