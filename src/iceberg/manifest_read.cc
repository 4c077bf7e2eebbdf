// ReadManifest of manifest.h: manifest_entry records back to ManifestEntry values, by field id.
#include <utility>

#include "avro/container_reader.h"
#include "avro/record_view.h"
#include "iceberg/manifest.h"
#include "iceberg/manifest_schema.h"

namespace pg2iceberg::iceberg {
namespace {

using avro::RecordView;
namespace id = manifest_id;

// A partition value by its Avro form (manifest_schema.h AvroTypeFor): fixed decimals become
// their unscaled value, other fixed and bytes stay bytes.
Result<Literal> PartitionValue(const RecordView::Value& value) {
  const avro::Datum& datum = *value.datum;
  switch (datum.kind) {
    case avro::Kind::kBoolean:
      return Literal::Integer(datum.boolean ? 1 : 0);
    case avro::Kind::kInt:
    case avro::Kind::kLong:
      return Literal::Integer(datum.integer);
    case avro::Kind::kFloat:
    case avro::Kind::kDouble:
      return Literal::Real(datum.real);
    case avro::Kind::kString:
    case avro::Kind::kBytes:
      return Literal::Bytes(datum.bytes);
    case avro::Kind::kFixed: {
      if (value.schema->logical_type != "decimal") return Literal::Bytes(datum.bytes);
      if (datum.bytes.empty() || datum.bytes.size() > 16)
        return Status::DataLoss("manifest: decimal partition value of " +
                                std::to_string(datum.bytes.size()) + " bytes");
      __int128 unscaled = static_cast<int8_t>(datum.bytes[0]);  // sign-extends
      for (size_t i = 1; i < datum.bytes.size(); ++i)
        unscaled = unscaled * 256 + static_cast<uint8_t>(datum.bytes[i]);
      return Literal::Decimal(unscaled);
    }
    default:
      return Status::DataLoss("manifest: partition value of Avro type " +
                              std::string(avro::KindName(datum.kind)));
  }
}

Result<PartitionTuple> ReadPartition(const RecordView& file) {
  ASSIGN_OR_RETURN(const RecordView partition, file.RequiredRecord(id::kPartition));
  PartitionTuple tuple;
  for (const avro::Field& field : partition.schema().fields) {
    if (!field.field_id)
      return Status::DataLoss("manifest: partition field \"" + field.name + "\" has no field id");
    std::optional<RecordView::Value> value = partition.Find(*field.field_id);
    if (!value) {
      tuple.push_back(std::nullopt);
      continue;
    }
    ASSIGN_OR_RETURN(Literal literal, PartitionValue(*value));
    tuple.push_back(std::move(literal));
  }
  return tuple;
}

// Rejects the data_file fields our model cannot hold, rather than dropping them.
Status CheckUnsupported(const RecordView& file) {
  ASSIGN_OR_RETURN(const auto key_metadata, file.OptionalBytes(id::kKeyMetadata));
  if (key_metadata) return Status::InvalidArgument("manifest: encrypted files are not supported");
  return Status::Ok();
}

Result<FileContent> ReadFileContent(const RecordView& file) {
  if (!file.HasField(id::kContent)) return FileContent::kData;  // format version 1
  ASSIGN_OR_RETURN(const int64_t content, file.RequiredLong(id::kContent));
  if (content < 0 || content > 2) {
    return Status::DataLoss("manifest: data_file.content " + std::to_string(content));
  }
  return static_cast<FileContent>(content);
}

// The metric maps; split_offsets (a read-planning hint) is not kept.
Status ReadMetrics(const RecordView& view, DataFile& file) {
  ASSIGN_OR_RETURN(file.column_sizes, view.IntToLongMap(id::kColumnSizes));
  ASSIGN_OR_RETURN(file.value_counts, view.IntToLongMap(id::kValueCounts));
  ASSIGN_OR_RETURN(file.null_value_counts, view.IntToLongMap(id::kNullValueCounts));
  ASSIGN_OR_RETURN(file.nan_value_counts, view.IntToLongMap(id::kNanValueCounts));
  ASSIGN_OR_RETURN(file.lower_bounds, view.IntToBytesMap(id::kLowerBounds));
  ASSIGN_OR_RETURN(file.upper_bounds, view.IntToBytesMap(id::kUpperBounds));
  return Status::Ok();
}

Result<DataFile> ReadDataFile(const RecordView& view) {
  RETURN_IF_ERROR(CheckUnsupported(view));
  DataFile file;
  ASSIGN_OR_RETURN(file.content, ReadFileContent(view));
  ASSIGN_OR_RETURN(file.file_path, view.RequiredString(id::kFilePath));
  ASSIGN_OR_RETURN(file.file_format, view.RequiredString(id::kFileFormat));
  ASSIGN_OR_RETURN(file.partition, ReadPartition(view));
  ASSIGN_OR_RETURN(file.record_count, view.RequiredLong(id::kRecordCount));
  ASSIGN_OR_RETURN(file.file_size_in_bytes, view.RequiredLong(id::kFileSizeInBytes));
  RETURN_IF_ERROR(ReadMetrics(view, file));
  ASSIGN_OR_RETURN(file.sort_order_id, view.OptionalLong(id::kSortOrderId));
  ASSIGN_OR_RETURN(const auto equality_ids, view.OptionalArray(id::kEqualityIds));
  if (equality_ids) {
    for (const RecordView::Value& item : *equality_ids) {
      if (item.datum->kind != avro::Kind::kInt)
        return Status::DataLoss("manifest: equality_ids holds a non-int");
      file.equality_ids.push_back(static_cast<int>(item.datum->integer));
    }
  }
  // Fields of later format versions: absent from older manifests.
  auto optional_long = [&](int field_id) -> Result<std::optional<int64_t>> {
    if (!view.HasField(field_id)) return std::optional<int64_t>();
    return view.OptionalLong(field_id);
  };
  ASSIGN_OR_RETURN(file.first_row_id, optional_long(id::kFirstRowId));
  ASSIGN_OR_RETURN(file.content_offset, optional_long(id::kContentOffset));
  ASSIGN_OR_RETURN(file.content_size_in_bytes, optional_long(id::kContentSizeInBytes));
  if (std::optional<RecordView::Value> referenced = view.Find(id::kReferencedDataFile)) {
    if (referenced->datum->kind != avro::Kind::kString) {
      return Status::DataLoss("manifest: referenced_data_file is not a string");
    }
    file.referenced_data_file = referenced->datum->bytes;
  }
  return file;
}

Result<ManifestEntry> ReadEntry(const avro::Schema& schema, const avro::Datum& datum) {
  ASSIGN_OR_RETURN(const RecordView view, RecordView::Create(schema, datum));
  ManifestEntry entry;
  ASSIGN_OR_RETURN(const int64_t status, view.RequiredLong(id::kStatus));
  if (status < 0 || status > 2)
    return Status::DataLoss("manifest: status " + std::to_string(status));
  entry.status = static_cast<ManifestEntryStatus>(status);
  ASSIGN_OR_RETURN(entry.snapshot_id, view.OptionalLong(id::kSnapshotId));
  ASSIGN_OR_RETURN(entry.sequence_number, view.OptionalLong(id::kSequenceNumber));
  ASSIGN_OR_RETURN(entry.file_sequence_number, view.OptionalLong(id::kFileSequenceNumber));
  ASSIGN_OR_RETURN(const RecordView file, view.RequiredRecord(id::kDataFile));
  ASSIGN_OR_RETURN(entry.file, ReadDataFile(file));
  return entry;
}

}  // namespace

Result<ManifestContents> ReadManifest(ByteSpan bytes) {
  ASSIGN_OR_RETURN(avro::ContainerReader reader, avro::ContainerReader::Open(bytes));
  ManifestContents contents;
  contents.metadata = reader.metadata();
  avro::Datum datum;
  while (true) {
    ASSIGN_OR_RETURN(const bool more, reader.Next(&datum));
    if (!more) return contents;
    Result<ManifestEntry> entry = ReadEntry(reader.schema(), datum);
    if (!entry.ok())
      return entry.status().WithContext("manifest entry " +
                                        std::to_string(contents.entries.size()));
    contents.entries.push_back(std::move(entry).value());
  }
}

}  // namespace pg2iceberg::iceberg
