#include "iceberg/manifest.h"

#include <gtest/gtest.h>

#include <cmath>

#include "avro/container_reader.h"
#include "avro/container_writer.h"
#include "avro/schema_declaration.h"
#include "iceberg/manifest_schema.h"
#include "iceberg/transform.h"

namespace pg2iceberg::iceberg {
namespace {

Bytes B(std::string_view s) { return Bytes(AsBytes(s).begin(), AsBytes(s).end()); }

DataFile SampleFile(std::string path, int64_t rows) {
  DataFile file;
  file.file_path = std::move(path);
  file.record_count = rows;
  file.file_size_in_bytes = 1000 + rows;
  file.column_sizes = {{1, 100}, {2, 200}};
  file.value_counts = {{1, rows}, {2, rows}};
  file.null_value_counts = {{1, 0}, {2, 1}};
  file.nan_value_counts = {{3, 0}};
  file.lower_bounds = {{1, B(std::string_view("\x01\0\0\0", 4))}, {2, B("a")}};
  file.upper_bounds = {{1, B(std::string_view("\x09\0\0\0", 4))}, {2, B("z")}};
  file.sort_order_id = 0;
  return file;
}

ManifestEntry Entry(ManifestEntryStatus status, DataFile file, std::optional<int64_t> sequence) {
  ManifestEntry entry;
  entry.status = status;
  entry.file = std::move(file);
  if (status != ManifestEntryStatus::kAdded) entry.snapshot_id = 41;
  entry.sequence_number = sequence;
  entry.file_sequence_number = sequence;
  return entry;
}

ManifestWriterOptions Options() {
  ManifestWriterOptions options;
  options.schema_json = R"({"type":"struct","schema-id":0,"fields":[]})";
  options.manifest_path = "file:///wh/t/metadata/m0.avro";
  options.added_snapshot_id = 42;
  options.sequence_number = 7;
  for (size_t i = 0; i < options.sync_marker.size(); ++i) options.sync_marker[i] = uint8_t(i * 3);
  return options;
}

void ExpectSameEntry(const ManifestEntry& a, const ManifestEntry& b) {
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.snapshot_id, b.snapshot_id);
  EXPECT_EQ(a.sequence_number, b.sequence_number);
  EXPECT_EQ(a.file_sequence_number, b.file_sequence_number);
  EXPECT_EQ(a.file.content, b.file.content);
  EXPECT_EQ(a.file.file_path, b.file.file_path);
  EXPECT_EQ(a.file.file_format, b.file.file_format);
  EXPECT_EQ(a.file.record_count, b.file.record_count);
  EXPECT_EQ(a.file.file_size_in_bytes, b.file.file_size_in_bytes);
  EXPECT_EQ(a.file.column_sizes, b.file.column_sizes);
  EXPECT_EQ(a.file.value_counts, b.file.value_counts);
  EXPECT_EQ(a.file.null_value_counts, b.file.null_value_counts);
  EXPECT_EQ(a.file.nan_value_counts, b.file.nan_value_counts);
  EXPECT_EQ(a.file.lower_bounds, b.file.lower_bounds);
  EXPECT_EQ(a.file.upper_bounds, b.file.upper_bounds);
  EXPECT_EQ(a.file.sort_order_id, b.file.sort_order_id);
  EXPECT_EQ(a.file.equality_ids, b.file.equality_ids);
  EXPECT_EQ(a.file.referenced_data_file, b.file.referenced_data_file);
  EXPECT_EQ(a.file.content_offset, b.file.content_offset);
  EXPECT_EQ(a.file.content_size_in_bytes, b.file.content_size_in_bytes);
  EXPECT_EQ(a.file.first_row_id, b.file.first_row_id);
}

DataFile EqualityDeletes(std::string path) {
  DataFile file = SampleFile(std::move(path), 2);
  file.content = FileContent::kEqualityDeletes;
  file.equality_ids = {1, 2};
  file.sort_order_id.reset();
  return file;
}

DataFile PositionDeletes(std::string path, std::string data_file) {
  DataFile file = SampleFile(std::move(path), 3);
  file.content = FileContent::kPositionDeletes;
  file.referenced_data_file = std::move(data_file);
  file.sort_order_id.reset();
  return file;
}

DataFile DeletionVector(std::string puffin, std::string data_file) {
  DataFile file;
  file.content = FileContent::kPositionDeletes;
  file.file_path = std::move(puffin);
  file.file_format = "PUFFIN";
  file.record_count = 4;
  file.file_size_in_bytes = 300;
  file.referenced_data_file = std::move(data_file);
  file.content_offset = 4;
  file.content_size_in_bytes = 60;
  return file;
}

TEST(ManifestTest, EntryEncodesTheSpecV2Schema) {
  const std::string json = avro::RenderSchemaJson(ManifestEntrySchema());
  const std::string map_prefix = R"(["null",{"type":"array","items":{"type":"record","name":")";
  EXPECT_NE(
      json.find(R"({"type":"record","name":"manifest_entry","fields":[)"
                R"({"name":"status","type":"int","field-id":0},)"
                R"({"name":"snapshot_id","type":["null","long"],"default":null,"field-id":1},)"
                R"({"name":"sequence_number","type":["null","long"],"default":null,"field-id":3},)"
                R"({"name":"file_sequence_number","type":["null","long"],"default":null,)"
                R"("field-id":4},{"name":"data_file","type":{"type":"record","name":"r2",)"),
      std::string::npos)
      << json;
  for (const char* expected : {
           R"({"name":"content","type":"int","doc":)",
           R"("field-id":134})",
           R"({"name":"partition","type":{"type":"record","name":"r102","fields":[]},)",
           R"("name":"k117_v118","fields":[{"name":"key","type":"int","field-id":117},)"
           R"({"name":"value","type":"long","field-id":118}]},"logicalType":"map"}])",
           R"("name":"k126_v127","fields":[{"name":"key","type":"int","field-id":126},)"
           R"({"name":"value","type":"bytes","field-id":127}]},"logicalType":"map"}])",
           R"({"type":"array","items":"long","element-id":133}])",
           R"({"type":"array","items":"int","element-id":136}])",
           R"("field-id":140},{"name":"referenced_data_file","type":["null","string"],)",
           R"("field-id":143}]},"field-id":2}]})",
       }) {
    EXPECT_NE(json.find(expected), std::string::npos) << expected;
  }
}

TEST(ManifestTest, WritesIcebergHeaderMetadata) {
  ManifestWriterOptions options = Options();
  options.schema_id = 3;
  auto written = WriteManifest(options, {});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  auto reader = avro::ContainerReader::Open(written->bytes);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->Metadata("schema"), options.schema_json);
  EXPECT_EQ(reader->Metadata("schema-id"), "3");
  EXPECT_EQ(reader->Metadata("partition-spec"), "[]");
  EXPECT_EQ(reader->Metadata("partition-spec-id"), "0");
  EXPECT_EQ(reader->Metadata("format-version"), "2");
  EXPECT_EQ(reader->Metadata("content"), "data");
  EXPECT_EQ(reader->Metadata("avro.codec"), "deflate");
  EXPECT_EQ(reader->schema(), ManifestEntrySchema());
}

TEST(ManifestTest, RoundTripsEntriesThroughTheReader) {
  std::vector<ManifestEntry> entries = {
      Entry(ManifestEntryStatus::kAdded, SampleFile("file:///a.parquet", 10), std::nullopt),
      Entry(ManifestEntryStatus::kExisting, SampleFile("file:///b.parquet", 20), 3),
      Entry(ManifestEntryStatus::kDeleted, SampleFile("file:///c.parquet", 30), 2)};
  DataFile bare;  // no metrics at all
  bare.file_path = "file:///a.parquet";
  bare.record_count = 10;
  entries[0].file = bare;
  auto written = WriteManifest(Options(), entries);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  auto read = ReadManifest(written->bytes);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->entries.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) ExpectSameEntry(read->entries[i], entries[i]);
  EXPECT_EQ(read->metadata.at("format-version"), "2");
}

TEST(ManifestTest, ReportsCountsAndMinimumSequenceNumberOfLiveEntries) {
  const std::vector<ManifestEntry> entries = {
      Entry(ManifestEntryStatus::kAdded, SampleFile("file:///a", 10), std::nullopt),
      Entry(ManifestEntryStatus::kAdded, SampleFile("file:///b", 5), std::nullopt),
      Entry(ManifestEntryStatus::kExisting, SampleFile("file:///c", 20), 3),
      Entry(ManifestEntryStatus::kDeleted, SampleFile("file:///d", 30), 1)};
  auto written = WriteManifest(Options(), entries);
  ASSERT_TRUE(written.ok());
  const ManifestFile& file = written->file;
  EXPECT_EQ(file.manifest_path, "file:///wh/t/metadata/m0.avro");
  EXPECT_EQ(file.manifest_length, int64_t(written->bytes.size()));
  EXPECT_EQ(file.added_snapshot_id, 42);
  EXPECT_EQ(file.sequence_number, 7);
  EXPECT_EQ(file.min_sequence_number, 3);  // the deleted entry's 1 does not count
  EXPECT_EQ(file.added_files_count, 2);
  EXPECT_EQ(file.added_rows_count, 15);
  EXPECT_EQ(file.existing_files_count, 1);
  EXPECT_EQ(file.existing_rows_count, 20);
  EXPECT_EQ(file.deleted_files_count, 1);
  EXPECT_EQ(file.deleted_rows_count, 30);
}

TEST(ManifestTest, OnlyAddedEntriesTakeTheSnapshotSequenceNumberAsMinimum) {
  auto written = WriteManifest(
      Options(), std::vector{Entry(ManifestEntryStatus::kAdded, SampleFile("f", 1), std::nullopt)});
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written->file.min_sequence_number, 7);
}

TEST(ManifestTest, SameInputsGiveIdenticalBytes) {
  const std::vector entries{Entry(ManifestEntryStatus::kAdded, SampleFile("f", 1), std::nullopt)};
  EXPECT_EQ(WriteManifest(Options(), entries)->bytes, WriteManifest(Options(), entries)->bytes);
}

TEST(ManifestTest, RejectsEntriesTheSpecForbids) {
  ManifestWriterOptions partitioned = Options();
  partitioned.partition_type = {{1000, "d", false, Type::Primitive(TypeId::kDate), ""}};
  const std::vector unpartitioned_entry{
      Entry(ManifestEntryStatus::kAdded, SampleFile("f", 1), std::nullopt)};
  EXPECT_EQ(WriteManifest(partitioned, unpartitioned_entry).status().code(),
            StatusCode::kInvalidArgument);

  ManifestEntry delete_file = Entry(ManifestEntryStatus::kAdded, SampleFile("f", 1), std::nullopt);
  delete_file.file.content = FileContent::kPositionDeletes;
  EXPECT_EQ(WriteManifest(Options(), std::vector{delete_file}).status().code(),
            StatusCode::kInvalidArgument);
  ManifestWriterOptions deletes = Options();
  deletes.content = ManifestContent::kDeletes;
  EXPECT_TRUE(WriteManifest(deletes, std::vector{delete_file}).ok());

  ManifestEntry existing = Entry(ManifestEntryStatus::kExisting, SampleFile("f", 1), std::nullopt);
  EXPECT_EQ(WriteManifest(Options(), std::vector{existing}).status().code(),
            StatusCode::kInvalidArgument);

  ManifestEntry bad_sort = Entry(ManifestEntryStatus::kAdded, SampleFile("f", 1), std::nullopt);
  bad_sort.file.sort_order_id = int64_t{1} << 40;
  EXPECT_EQ(WriteManifest(Options(), std::vector{bad_sort}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ManifestTest, InheritsSnapshotAndSequenceNumbersForAddedEntries) {
  std::vector<ManifestEntry> entries = {
      Entry(ManifestEntryStatus::kAdded, SampleFile("a", 1), std::nullopt),
      Entry(ManifestEntryStatus::kExisting, SampleFile("b", 1), 3)};
  entries[1].file_sequence_number.reset();
  ManifestFile manifest;
  manifest.added_snapshot_id = 42;
  manifest.sequence_number = 7;
  InheritFromManifestFile(manifest, entries);
  EXPECT_EQ(entries[0].snapshot_id, 42);
  EXPECT_EQ(entries[0].sequence_number, 7);
  EXPECT_EQ(entries[0].file_sequence_number, 7);
  EXPECT_EQ(entries[1].snapshot_id, 41);
  EXPECT_EQ(entries[1].sequence_number, 3);
  EXPECT_EQ(entries[1].file_sequence_number, std::nullopt);  // existing: never inherited
}

TEST(ManifestTest, CorruptOrTruncatedManifestIsDataLoss) {
  auto written = WriteManifest(
      Options(), std::vector{Entry(ManifestEntryStatus::kAdded, SampleFile("f", 1), std::nullopt)});
  ASSERT_TRUE(written.ok());
  const Bytes& bytes = written->bytes;
  EXPECT_EQ(ReadManifest(ByteSpan(bytes).first(bytes.size() - 20)).status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(ReadManifest(ByteSpan(bytes).first(3)).status().code(), StatusCode::kDataLoss);
}

TEST(ManifestTest, RecordWithoutARequiredFieldIsDataLoss) {
  // A manifest_entry whose schema lacks data_file.
  avro::Schema schema = ManifestEntrySchema();
  schema.fields.pop_back();
  avro::ContainerWriterOptions options;
  auto writer = avro::ContainerWriter::Create(schema, options);
  ASSERT_TRUE(writer.ok());
  const avro::Datum null_long = avro::Datum::Union(0, avro::Datum::Null());
  ASSERT_TRUE(
      (*writer)
          ->Append(avro::Datum::Record({avro::Datum::Int(1), null_long, null_long, null_long}))
          .ok());
  const Bytes bytes = (*writer)->Finish().value();
  EXPECT_EQ(ReadManifest(bytes).status().code(), StatusCode::kDataLoss);
}

std::vector<Field> EveryPartitionType() {
  auto field = [](int id, std::string name, Type type) {
    return Field{id, std::move(name), false, type, ""};
  };
  return {field(1000, "b", Type::Primitive(TypeId::kBoolean)),
          field(1001, "i", Type::Primitive(TypeId::kInt)),
          field(1002, "l", Type::Primitive(TypeId::kLong)),
          field(1003, "f", Type::Primitive(TypeId::kFloat)),
          field(1004, "dbl", Type::Primitive(TypeId::kDouble)),
          field(1005, "dec", Type::Decimal(9, 2)),
          field(1006, "d", Type::Primitive(TypeId::kDate)),
          field(1007, "t", Type::Primitive(TypeId::kTime)),
          field(1008, "ts", Type::Primitive(TypeId::kTimestamp)),
          field(1009, "tz", Type::Primitive(TypeId::kTimestampTz)),
          field(1010, "s", Type::Primitive(TypeId::kString)),
          field(1011, "u", Type::Primitive(TypeId::kUuid)),
          field(1012, "bin", Type::Primitive(TypeId::kBinary))};
}

PartitionTuple EveryPartitionValue(int64_t n) {
  return {Literal::Integer(n % 2),
          Literal::Integer(-n),
          Literal::Integer(n << 40),
          Literal::Real(0.5 * n),
          Literal::Real(n == 2 ? std::nan("") : -1.5 * n),
          Literal::Decimal(-1420 * n),
          Literal::Integer(17486 + n),
          Literal::Integer(81068000000 + n),
          Literal::Integer(-1 - n),
          Literal::Integer(n),
          Literal::Bytes("s" + std::to_string(n)),
          Literal::Bytes(std::string(16, char(0xf0 + n))),
          Literal::Bytes(std::string("\0\1", 2))};
}

TEST(ManifestTest, PartitionValuesOfEveryTypeRoundTrip) {
  ManifestWriterOptions options = Options();
  options.partition_type = EveryPartitionType();
  std::vector<ManifestEntry> entries;
  for (int64_t n = 1; n <= 3; ++n) {
    entries.push_back(
        Entry(ManifestEntryStatus::kAdded, SampleFile("f" + std::to_string(n), n), std::nullopt));
    entries.back().file.partition = EveryPartitionValue(n);
  }
  entries[2].file.partition[10] = std::nullopt;
  auto written = WriteManifest(options, entries);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  auto read = ReadManifest(written->bytes);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->entries.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const PartitionTuple& got = read->entries[i].file.partition;
    const PartitionTuple& want = entries[i].file.partition;
    ASSERT_EQ(got.size(), want.size());
    for (size_t f = 0; f < want.size(); ++f) {
      if (f == 4 && i == 1) {
        EXPECT_TRUE(std::isnan(got[f]->real));  // NaN != NaN
        continue;
      }
      EXPECT_EQ(got[f], want[f]) << "entry " << i << " field " << f;
    }
  }
}

TEST(ManifestTest, PartitionRecordUsesJavasAvroForms) {
  ManifestWriterOptions options = Options();
  options.partition_type = EveryPartitionType();
  std::string json = avro::RenderSchemaJson(ManifestEntrySchema(options.partition_type));
  for (
      std::string_view form :
      {R"({"name":"dec","type":["null",{"type":"fixed","name":"decimal_9_2","size":4,"logicalType":"decimal","precision":9,"scale":2}],"default":null,"field-id":1005})",
       R"({"name":"d","type":["null",{"type":"int","logicalType":"date"}],"default":null,"field-id":1006})",
       R"({"name":"tz","type":["null",{"type":"long","logicalType":"timestamp-micros","adjust-to-utc":true}],"default":null,"field-id":1009})",
       R"({"name":"u","type":["null",{"type":"fixed","name":"uuid_fixed","size":16,"logicalType":"uuid"}],"default":null,"field-id":1011})"}) {
    EXPECT_NE(json.find(form), std::string::npos) << form << "\n" << json;
  }
}

TEST(ManifestTest, SummarisesEachPartitionFieldOverAllEntries) {
  ManifestWriterOptions options = Options();
  options.partition_type = EveryPartitionType();
  std::vector<ManifestEntry> entries;
  for (int64_t n = 1; n <= 3; ++n) {
    entries.push_back(Entry(ManifestEntryStatus::kAdded, SampleFile("f", n), std::nullopt));
    entries.back().file.partition = EveryPartitionValue(n);
  }
  entries[1].file.partition[1] = std::nullopt;
  auto written = WriteManifest(options, entries);
  ASSERT_TRUE(written.ok());
  const std::vector<FieldSummary>& s = written->file.partitions;
  ASSERT_EQ(s.size(), 13u);
  EXPECT_TRUE(s[1].contains_null);
  EXPECT_EQ(s[1].lower_bound,
            SingleValueBytes(Type::Primitive(TypeId::kInt), Literal::Integer(-3)));
  EXPECT_EQ(s[1].upper_bound,
            SingleValueBytes(Type::Primitive(TypeId::kInt), Literal::Integer(-1)));
  EXPECT_FALSE(s[2].contains_null);
  EXPECT_EQ(s[2].contains_nan, false);
  EXPECT_EQ(s[4].contains_nan, true);  // the NaN is left out of the bounds
  EXPECT_EQ(s[4].lower_bound,
            SingleValueBytes(Type::Primitive(TypeId::kDouble), Literal::Real(-4.5)));
  EXPECT_EQ(s[4].upper_bound,
            SingleValueBytes(Type::Primitive(TypeId::kDouble), Literal::Real(-1.5)));
  EXPECT_EQ(s[5].lower_bound, SingleValueBytes(Type::Decimal(9, 2), Literal::Decimal(-4260)));
  EXPECT_EQ(s[10].upper_bound, B("s3"));
}

TEST(ManifestTest, DeleteManifestsRoundTripEqualityIdsAndReferencedFiles) {
  ManifestWriterOptions options = Options();
  options.content = ManifestContent::kDeletes;
  std::vector<ManifestEntry> entries = {
      Entry(ManifestEntryStatus::kAdded, EqualityDeletes("file:///eq.parquet"), std::nullopt),
      Entry(ManifestEntryStatus::kAdded,
            PositionDeletes("file:///pos.parquet", "file:///a.parquet"), std::nullopt)};
  auto written = WriteManifest(options, entries);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->file.content, ManifestContent::kDeletes);
  auto read = ReadManifest(written->bytes);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->entries.size(), 2u);
  for (size_t i = 0; i < entries.size(); ++i) ExpectSameEntry(read->entries[i], entries[i]);
  EXPECT_EQ(read->metadata.at("content"), "deletes");
}

TEST(ManifestTest, Version3ManifestsCarryRowIdsAndDeletionVectors) {
  const std::string json = avro::RenderSchemaJson(ManifestEntrySchema({}, 3));
  EXPECT_NE(json.find(R"("field-id":140},{"name":"first_row_id","type":["null","long"],)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("field-id":143},{"name":"content_offset","type":["null","long"],)"),
            std::string::npos);
  EXPECT_NE(json.find(R"("field-id":145}]},"field-id":2}]})"), std::string::npos) << json;

  ManifestWriterOptions options = Options();
  options.format_version = 3;
  options.content = ManifestContent::kDeletes;
  std::vector<ManifestEntry> deletes = {
      Entry(ManifestEntryStatus::kAdded, DeletionVector("file:///d.puffin", "file:///a.parquet"),
            std::nullopt)};
  auto written = WriteManifest(options, deletes);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  auto read = ReadManifest(written->bytes);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ExpectSameEntry(read->entries.at(0), deletes[0]);
  EXPECT_EQ(read->metadata.at("format-version"), "3");

  options.content = ManifestContent::kData;
  DataFile existing = SampleFile("file:///b.parquet", 5);
  existing.first_row_id = 100;
  std::vector<ManifestEntry> data = {Entry(ManifestEntryStatus::kExisting, existing, 3)};
  written = WriteManifest(options, data);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  read = ReadManifest(written->bytes);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->entries.at(0).file.first_row_id, 100);
}

TEST(ManifestTest, DeleteFilesMustCarryWhatTheirKindNeeds) {
  ManifestWriterOptions options = Options();
  options.content = ManifestContent::kDeletes;
  auto write = [&](DataFile file) {
    return WriteManifest(options, std::vector{Entry(ManifestEntryStatus::kAdded, std::move(file),
                                                    std::nullopt)})
        .status()
        .code();
  };
  DataFile no_ids = EqualityDeletes("file:///eq.parquet");
  no_ids.equality_ids.clear();
  EXPECT_EQ(write(no_ids), StatusCode::kInvalidArgument);
  DataFile ids_on_positions = PositionDeletes("file:///p.parquet", "file:///a.parquet");
  ids_on_positions.equality_ids = {1};
  EXPECT_EQ(write(ids_on_positions), StatusCode::kInvalidArgument);
  // Deletion vectors need format version 3, and their referenced file, offset and size.
  EXPECT_EQ(write(DeletionVector("file:///d.puffin", "file:///a.parquet")),
            StatusCode::kInvalidArgument);
  options.format_version = 3;
  EXPECT_EQ(write(DeletionVector("file:///d.puffin", "file:///a.parquet")), StatusCode::kOk);
  DataFile no_offset = DeletionVector("file:///d.puffin", "file:///a.parquet");
  no_offset.content_offset.reset();
  EXPECT_EQ(write(no_offset), StatusCode::kInvalidArgument);
  options.format_version = 4;
  EXPECT_EQ(write(DeletionVector("file:///d.puffin", "file:///a.parquet")),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
