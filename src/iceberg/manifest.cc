#include "iceberg/manifest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "avro/container_writer.h"
#include "iceberg/manifest_schema.h"
#include "iceberg/transform.h"

namespace pg2iceberg::iceberg {
namespace {

using avro::Datum;

Datum OptionalLong(std::optional<int64_t> value) {
  return value ? Datum::Union(1, Datum::Long(*value)) : Datum::Union(0, Datum::Null());
}

// map<int, long> as the {key, value} array of manifest_schema.cc; null when empty (no metric).
Datum LongMap(const std::map<int, int64_t>& map) {
  if (map.empty()) return Datum::Union(0, Datum::Null());
  std::vector<Datum> pairs;
  for (const auto& [key, value] : map) {
    pairs.push_back(Datum::Record({Datum::Int(key), Datum::Long(value)}));
  }
  return Datum::Union(1, Datum::Array(std::move(pairs)));
}

Datum BytesMap(const std::map<int, Bytes>& map) {
  if (map.empty()) return Datum::Union(0, Datum::Null());
  std::vector<Datum> pairs;
  for (const auto& [key, value] : map) {
    pairs.push_back(Datum::Record({Datum::Int(key), Datum::Bytes(value)}));
  }
  return Datum::Union(1, Datum::Array(std::move(pairs)));
}

Datum OptionalString(const std::optional<std::string>& value) {
  return value ? Datum::Union(1, Datum::String(*value)) : Datum::Union(0, Datum::Null());
}

Datum IntList(const std::vector<int>& values) {
  if (values.empty()) return Datum::Union(0, Datum::Null());
  std::vector<Datum> items;
  for (int v : values) items.push_back(Datum::Int(v));
  return Datum::Union(1, Datum::Array(std::move(items)));
}

// `unscaled` as `width` big-endian two's-complement bytes (the Avro fixed of a decimal).
Bytes FixedBigEndian(__int128 unscaled, int64_t width) {
  Bytes out(static_cast<size_t>(width));
  for (int64_t i = 0; i < width; ++i)
    out[size_t(i)] = std::byte(uint8_t(unscaled >> (8 * (width - 1 - i))));
  return out;
}

Datum ValueDatum(const Type& type, const Literal& value) {
  switch (type.id) {
    case TypeId::kBoolean:
      return Datum::Boolean(value.integer != 0);
    case TypeId::kInt:
    case TypeId::kDate:
      return Datum::Int(static_cast<int32_t>(value.integer));
    case TypeId::kFloat:
      return Datum::Float(static_cast<float>(value.real));
    case TypeId::kDouble:
      return Datum::Double(value.real);
    case TypeId::kString:
      return Datum::String(value.bytes);
    case TypeId::kUuid:
      return Datum::Fixed(AsBytes(value.bytes));
    case TypeId::kBinary:
      return Datum::Bytes(AsBytes(value.bytes));
    case TypeId::kDecimal:
      return Datum::Fixed(FixedBigEndian(value.unscaled, AvroTypeFor(type).fixed_size));
    default:
      return Datum::Long(value.integer);  // long, time, timestamps
  }
}

Datum PartitionDatum(const std::vector<Field>& partition_type, const PartitionTuple& tuple) {
  std::vector<Datum> values;
  for (size_t i = 0; i < partition_type.size(); ++i) {
    values.push_back(tuple[i] ? Datum::Union(1, ValueDatum(partition_type[i].type, *tuple[i]))
                              : Datum::Union(0, Datum::Null()));
  }
  return Datum::Record(std::move(values));
}

Datum DataFileDatum(const DataFile& file, const std::vector<Field>& partition_type,
                    int format_version) {
  const Datum null_value = Datum::Union(0, Datum::Null());
  Datum record = Datum::Record({
      Datum::Int(static_cast<int32_t>(file.content)),
      Datum::String(file.file_path),
      Datum::String(file.file_format),
      PartitionDatum(partition_type, file.partition),
      Datum::Long(file.record_count),
      Datum::Long(file.file_size_in_bytes),
      LongMap(file.column_sizes),
      LongMap(file.value_counts),
      LongMap(file.null_value_counts),
      LongMap(file.nan_value_counts),
      BytesMap(file.lower_bounds),
      BytesMap(file.upper_bounds),
      null_value,  // key_metadata
      null_value,  // split_offsets
      IntList(file.equality_ids),
      file.sort_order_id ? Datum::Union(1, Datum::Int(int32_t(*file.sort_order_id))) : null_value,
  });
  // The fields ManifestEntrySchema(format_version) appends, in its order.
  std::vector<Datum>& fields = record.children;
  if (format_version >= 3) fields.push_back(OptionalLong(file.first_row_id));
  fields.push_back(OptionalString(file.referenced_data_file));
  if (format_version >= 3) {
    fields.push_back(OptionalLong(file.content_offset));
    fields.push_back(OptionalLong(file.content_size_in_bytes));
  }
  return record;
}

Datum EntryDatum(const ManifestEntry& entry, const std::vector<Field>& partition_type,
                 int format_version) {
  return Datum::Record({Datum::Int(static_cast<int32_t>(entry.status)),
                        OptionalLong(entry.snapshot_id), OptionalLong(entry.sequence_number),
                        OptionalLong(entry.file_sequence_number),
                        DataFileDatum(entry.file, partition_type, format_version)});
}

// Widens `summary` (of a field of type `type`) by one file's value.
void Summarise(const Type& type, const std::optional<Literal>& value, FieldSummary& summary,
               std::optional<Literal>& lower, std::optional<Literal>& upper) {
  if (!value) {
    summary.contains_null = true;
    return;
  }
  if ((type.id == TypeId::kFloat || type.id == TypeId::kDouble) && std::isnan(value->real)) {
    summary.contains_nan = true;
    return;
  }
  if (!lower || CompareLiterals(type, *value, *lower) < 0) lower = value;
  if (!upper || CompareLiterals(type, *value, *upper) > 0) upper = value;
}

// What a delete file must carry for its kind, and what only version 3 may hold.
Status CheckDeleteFields(const DataFile& file, int format_version) {
  const bool dv = file.file_format == "PUFFIN";
  if (file.content == FileContent::kEqualityDeletes && file.equality_ids.empty()) {
    return Status::InvalidArgument("equality delete file " + file.file_path +
                                   " has no equality_ids");
  }
  if (file.content != FileContent::kEqualityDeletes && !file.equality_ids.empty()) {
    return Status::InvalidArgument("file " + file.file_path +
                                   " has equality_ids but is no equality delete file");
  }
  if (dv && (file.content != FileContent::kPositionDeletes || !file.referenced_data_file ||
             !file.content_offset || !file.content_size_in_bytes)) {
    return Status::InvalidArgument(
        "deletion vector in " + file.file_path +
        " needs position-delete content, a referenced data file, an offset and a size");
  }
  if (format_version < 3 &&
      (dv || file.content_offset || file.content_size_in_bytes || file.first_row_id)) {
    return Status::InvalidArgument(
        "file " + file.file_path +
        " uses deletion vectors or row ids, which need format version 3");
  }
  return Status::Ok();
}

std::vector<FieldSummary> Summaries(const std::vector<Field>& partition_type,
                                    std::span<const ManifestEntry> entries) {
  std::vector<FieldSummary> summaries;
  for (size_t i = 0; i < partition_type.size(); ++i) {
    const Type& type = partition_type[i].type;
    FieldSummary summary{.contains_null = false, .contains_nan = false};
    std::optional<Literal> lower, upper;
    for (const ManifestEntry& entry : entries)
      Summarise(type, entry.file.partition[i], summary, lower, upper);
    if (lower) summary.lower_bound = SingleValueBytes(type, *lower);
    if (upper) summary.upper_bound = SingleValueBytes(type, *upper);
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

Status CheckEntry(const ManifestEntry& entry, ManifestContent content, size_t partition_fields,
                  int format_version) {
  const DataFile& file = entry.file;
  if (file.partition.size() != partition_fields) {
    return Status::InvalidArgument(
        "file " + file.file_path + " has " + std::to_string(file.partition.size()) +
        " partition values; the spec has " + std::to_string(partition_fields) + " fields");
  }
  RETURN_IF_ERROR(CheckDeleteFields(file, format_version));
  if ((file.content == FileContent::kData) != (content == ManifestContent::kData)) {
    return Status::InvalidArgument("file " + file.file_path + " does not belong in a " +
                                   (content == ManifestContent::kData ? "data" : "delete") +
                                   " manifest");
  }
  if (entry.status != ManifestEntryStatus::kAdded &&
      (!entry.snapshot_id || !entry.sequence_number || !entry.file_sequence_number)) {
    return Status::InvalidArgument("existing or deleted entry for " + file.file_path +
                                   " lacks its snapshot id or sequence numbers");
  }
  if (file.record_count < 0 || file.file_size_in_bytes < 0) {
    return Status::InvalidArgument("negative record count or size for " + file.file_path);
  }
  if (file.sort_order_id &&
      (*file.sort_order_id < 0 || *file.sort_order_id > std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("sort_order_id out of range for " + file.file_path);
  }
  return Status::Ok();
}

// Adds one entry to the counts and minimum sequence number of the manifest's list entry.
void Tally(const ManifestEntry& entry, int64_t inherited_sequence_number, ManifestFile& file,
           std::optional<int64_t>& min_sequence_number) {
  const int64_t rows = entry.file.record_count;
  switch (entry.status) {
    case ManifestEntryStatus::kAdded:
      ++file.added_files_count;
      file.added_rows_count += rows;
      break;
    case ManifestEntryStatus::kExisting:
      ++file.existing_files_count;
      file.existing_rows_count += rows;
      break;
    case ManifestEntryStatus::kDeleted:
      ++file.deleted_files_count;
      file.deleted_rows_count += rows;
      return;  // deleted entries are not live: they do not bound the sequence numbers
  }
  const int64_t sequence = entry.sequence_number.value_or(inherited_sequence_number);
  min_sequence_number = std::min(min_sequence_number.value_or(sequence), sequence);
}

std::map<std::string, std::string> HeaderMetadata(const ManifestWriterOptions& options) {
  return {{"schema", options.schema_json},
          {"schema-id", std::to_string(options.schema_id)},
          {"partition-spec", options.partition_spec_json},
          {"partition-spec-id", std::to_string(options.partition_spec_id)},
          {"format-version", std::to_string(options.format_version)},
          {"content", options.content == ManifestContent::kData ? "data" : "deletes"}};
}

}  // namespace

Result<WrittenManifest> WriteManifest(const ManifestWriterOptions& options,
                                      std::span<const ManifestEntry> entries) {
  if (entries.size() > size_t(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("too many manifest entries");
  }
  if (options.format_version != 2 && options.format_version != 3) {
    return Status::InvalidArgument("manifests of format version " +
                                   std::to_string(options.format_version) +
                                   " are not supported (2 or 3)");
  }
  avro::ContainerWriterOptions avro_options;
  avro_options.codec = options.codec;
  avro_options.sync_marker = options.sync_marker;
  avro_options.metadata = HeaderMetadata(options);
  ASSIGN_OR_RETURN(
      auto writer,
      avro::ContainerWriter::Create(
          ManifestEntrySchema(options.partition_type, options.format_version), avro_options));

  WrittenManifest out;
  ManifestFile& file = out.file;
  std::optional<int64_t> min_sequence_number;
  for (const ManifestEntry& entry : entries) {
    RETURN_IF_ERROR(
        CheckEntry(entry, options.content, options.partition_type.size(), options.format_version));
    RETURN_IF_ERROR(
        writer->Append(EntryDatum(entry, options.partition_type, options.format_version)));
    Tally(entry, options.sequence_number, file, min_sequence_number);
  }
  ASSIGN_OR_RETURN(out.bytes, writer->Finish());
  file.manifest_path = options.manifest_path;
  file.manifest_length = int64_t(out.bytes.size());
  file.partition_spec_id = options.partition_spec_id;
  file.content = options.content;
  file.sequence_number = options.sequence_number;
  file.min_sequence_number = min_sequence_number.value_or(options.sequence_number);
  file.added_snapshot_id = options.added_snapshot_id;
  file.partitions = Summaries(options.partition_type, entries);
  return out;
}

void InheritFromManifestFile(const ManifestFile& manifest, std::vector<ManifestEntry>& entries) {
  // Row ids (format version 3): data files without one take the manifest's first_row_id plus
  // the record counts of the files before them that had none.
  const bool assigns_row_ids =
      manifest.content == ManifestContent::kData && manifest.first_row_id.has_value();
  int64_t next_row_id = manifest.first_row_id.value_or(0);
  for (ManifestEntry& entry : entries) {
    if (assigns_row_ids && !entry.file.first_row_id) {
      entry.file.first_row_id = next_row_id;
      next_row_id += entry.file.record_count;
    }
    if (!entry.snapshot_id) entry.snapshot_id = manifest.added_snapshot_id;
    const bool inherits =
        entry.status == ManifestEntryStatus::kAdded || manifest.sequence_number == 0;
    if (!inherits) continue;
    if (!entry.sequence_number) entry.sequence_number = manifest.sequence_number;
    if (!entry.file_sequence_number) entry.file_sequence_number = manifest.sequence_number;
  }
}

}  // namespace pg2iceberg::iceberg
