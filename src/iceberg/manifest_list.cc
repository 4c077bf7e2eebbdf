// WriteManifestList and ReadManifestList of manifest.h.
#include <limits>
#include <utility>

#include "avro/container_reader.h"
#include "avro/container_writer.h"
#include "avro/record_view.h"
#include "iceberg/manifest.h"
#include "iceberg/manifest_schema.h"

namespace pg2iceberg::iceberg {
namespace {

using avro::Datum;
using avro::RecordView;
namespace id = manifest_list_id;

Status CheckManifest(const ManifestFile& m) {
  const bool negative = m.manifest_length < 0 || m.added_files_count < 0 ||
                        m.existing_files_count < 0 || m.deleted_files_count < 0 ||
                        m.added_rows_count < 0 || m.existing_rows_count < 0 ||
                        m.deleted_rows_count < 0;
  if (negative)
    return Status::InvalidArgument("manifest " + m.manifest_path + " has negative counts");
  if (m.min_sequence_number > m.sequence_number) {
    return Status::InvalidArgument("manifest " + m.manifest_path +
                                   " has min_sequence_number above its sequence_number");
  }
  return Status::Ok();
}

Datum OptionalBytesDatum(const std::optional<Bytes>& bytes) {
  return bytes ? Datum::Union(1, Datum::Bytes(*bytes)) : Datum::Union(0, Datum::Null());
}

Datum SummariesDatum(const std::vector<FieldSummary>& summaries) {
  std::vector<Datum> items;
  for (const FieldSummary& s : summaries) {
    items.push_back(
        Datum::Record({Datum::Boolean(s.contains_null),
                       s.contains_nan ? Datum::Union(1, Datum::Boolean(*s.contains_nan))
                                      : Datum::Union(0, Datum::Null()),
                       OptionalBytesDatum(s.lower_bound), OptionalBytesDatum(s.upper_bound)}));
  }
  return Datum::Union(1, Datum::Array(std::move(items)));
}

Datum ManifestDatum(const ManifestFile& m, int format_version) {
  Datum record = Datum::Record({
      Datum::String(m.manifest_path), Datum::Long(m.manifest_length),
      Datum::Int(m.partition_spec_id), Datum::Int(static_cast<int32_t>(m.content)),
      Datum::Long(m.sequence_number), Datum::Long(m.min_sequence_number),
      Datum::Long(m.added_snapshot_id), Datum::Int(m.added_files_count),
      Datum::Int(m.existing_files_count), Datum::Int(m.deleted_files_count),
      Datum::Long(m.added_rows_count), Datum::Long(m.existing_rows_count),
      Datum::Long(m.deleted_rows_count), SummariesDatum(m.partitions),
      Datum::Union(0, Datum::Null()),  // key_metadata
  });
  if (format_version >= 3) {
    record.children.push_back(m.first_row_id ? Datum::Union(1, Datum::Long(*m.first_row_id))
                                             : Datum::Union(0, Datum::Null()));
  }
  return record;
}

std::map<std::string, std::string> HeaderMetadata(const ManifestListWriterOptions& options) {
  std::map<std::string, std::string> metadata = {
      {"snapshot-id", std::to_string(options.snapshot_id)},
      {"parent-snapshot-id", options.parent_snapshot_id
                                 ? std::to_string(*options.parent_snapshot_id)
                                 : std::string("null")},
      {"sequence-number", std::to_string(options.sequence_number)},
      {"format-version", std::to_string(options.format_version)}};
  if (options.format_version >= 3 && options.first_row_id) {
    metadata["first-row-id"] = std::to_string(*options.first_row_id);
  }
  return metadata;
}

// A long field that format version 1 lacks (read as 0 there) but v2 requires.
Result<int64_t> LongOrZeroIfAbsent(const RecordView& view, int field_id) {
  if (!view.HasField(field_id)) return int64_t{0};
  return view.RequiredLong(field_id);
}

Result<int32_t> RequiredInt32(const RecordView& view, int field_id) {
  ASSIGN_OR_RETURN(const int64_t value, view.RequiredLong(field_id));
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
    return Status::DataLoss("manifest list: field " + std::to_string(field_id) + " out of range");
  }
  return static_cast<int32_t>(value);
}

Result<std::vector<FieldSummary>> ReadSummaries(const RecordView& view) {
  std::vector<FieldSummary> summaries;
  ASSIGN_OR_RETURN(const auto partitions, view.OptionalArray(id::kPartitions));
  if (!partitions) return summaries;
  for (const RecordView::Value& item : *partitions) {
    ASSIGN_OR_RETURN(const RecordView record, RecordView::Create(*item.schema, *item.datum));
    FieldSummary summary;
    ASSIGN_OR_RETURN(summary.contains_null, record.RequiredBoolean(id::kContainsNull));
    ASSIGN_OR_RETURN(summary.contains_nan, record.OptionalBoolean(id::kContainsNan));
    ASSIGN_OR_RETURN(summary.lower_bound, record.OptionalBytes(id::kLowerBound));
    ASSIGN_OR_RETURN(summary.upper_bound, record.OptionalBytes(id::kUpperBound));
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

Status CheckUnsupported(const RecordView& view) {
  ASSIGN_OR_RETURN(const auto key_metadata, view.OptionalBytes(id::kKeyMetadata));
  if (key_metadata)
    return Status::InvalidArgument("manifest list: encrypted manifests are not supported");
  return Status::Ok();
}

Status ReadCounts(const RecordView& view, ManifestFile& m) {
  ASSIGN_OR_RETURN(m.added_files_count, RequiredInt32(view, id::kAddedFilesCount));
  ASSIGN_OR_RETURN(m.existing_files_count, RequiredInt32(view, id::kExistingFilesCount));
  ASSIGN_OR_RETURN(m.deleted_files_count, RequiredInt32(view, id::kDeletedFilesCount));
  ASSIGN_OR_RETURN(m.added_rows_count, view.RequiredLong(id::kAddedRowsCount));
  ASSIGN_OR_RETURN(m.existing_rows_count, view.RequiredLong(id::kExistingRowsCount));
  ASSIGN_OR_RETURN(m.deleted_rows_count, view.RequiredLong(id::kDeletedRowsCount));
  return Status::Ok();
}

Result<ManifestFile> ReadManifestFile(const avro::Schema& schema, const Datum& datum) {
  ASSIGN_OR_RETURN(const RecordView view, RecordView::Create(schema, datum));
  RETURN_IF_ERROR(CheckUnsupported(view));
  ManifestFile m;
  ASSIGN_OR_RETURN(m.manifest_path, view.RequiredString(id::kManifestPath));
  ASSIGN_OR_RETURN(m.manifest_length, view.RequiredLong(id::kManifestLength));
  ASSIGN_OR_RETURN(m.partition_spec_id, RequiredInt32(view, id::kPartitionSpecId));
  ASSIGN_OR_RETURN(const int64_t content, LongOrZeroIfAbsent(view, id::kContent));
  if (content != 0 && content != 1) {
    return Status::DataLoss("manifest list: content " + std::to_string(content));
  }
  m.content = static_cast<ManifestContent>(content);
  ASSIGN_OR_RETURN(m.sequence_number, LongOrZeroIfAbsent(view, id::kSequenceNumber));
  ASSIGN_OR_RETURN(m.min_sequence_number, LongOrZeroIfAbsent(view, id::kMinSequenceNumber));
  ASSIGN_OR_RETURN(m.added_snapshot_id, view.RequiredLong(id::kAddedSnapshotId));
  RETURN_IF_ERROR(ReadCounts(view, m));
  ASSIGN_OR_RETURN(m.partitions, ReadSummaries(view));
  if (view.HasField(id::kFirstRowId)) {
    ASSIGN_OR_RETURN(m.first_row_id, view.OptionalLong(id::kFirstRowId));
  }
  return m;
}

}  // namespace

Result<Bytes> WriteManifestList(const ManifestListWriterOptions& options,
                                std::span<const ManifestFile> manifests) {
  avro::ContainerWriterOptions avro_options;
  avro_options.codec = options.codec;
  avro_options.sync_marker = options.sync_marker;
  avro_options.metadata = HeaderMetadata(options);
  if (options.format_version != 2 && options.format_version != 3) {
    return Status::InvalidArgument("manifest lists of format version " +
                                   std::to_string(options.format_version) +
                                   " are not supported (2 or 3)");
  }
  ASSIGN_OR_RETURN(auto writer, avro::ContainerWriter::Create(
                                    ManifestFileSchema(options.format_version), avro_options));
  for (const ManifestFile& manifest : manifests) {
    RETURN_IF_ERROR(CheckManifest(manifest));
    if (options.format_version >= 3 && manifest.content == ManifestContent::kData &&
        !manifest.first_row_id) {
      return Status::InvalidArgument("data manifest " + manifest.manifest_path +
                                     " has no first_row_id in a format version 3 manifest list");
    }
    RETURN_IF_ERROR(writer->Append(ManifestDatum(manifest, options.format_version)));
  }
  return writer->Finish();
}

Result<ManifestListContents> ReadManifestList(ByteSpan bytes) {
  ASSIGN_OR_RETURN(avro::ContainerReader reader, avro::ContainerReader::Open(bytes));
  ManifestListContents contents;
  contents.metadata = reader.metadata();
  Datum datum;
  while (true) {
    ASSIGN_OR_RETURN(const bool more, reader.Next(&datum));
    if (!more) return contents;
    Result<ManifestFile> manifest = ReadManifestFile(reader.schema(), datum);
    if (!manifest.ok()) {
      return manifest.status().WithContext("manifest list entry " +
                                           std::to_string(contents.manifests.size()));
    }
    contents.manifests.push_back(std::move(manifest).value());
  }
}

}  // namespace pg2iceberg::iceberg
