// Iceberg format-version-2 manifests and manifest lists: writers producing the Avro files the
// spec describes (readable by Java Iceberg, PyIceberg, DuckDB), and readers for files written
// by us or by those engines. Field mapping on read follows field ids, not positions.
//
// data_file.partition is a record of the spec's partition type (ManifestWriterOptions::
// partition_type); a manifest list entry carries one field summary per partition field.
// key_metadata and split_offsets are written as null. Format version 3 adds row lineage
// (first_row_id) and deletion vectors (referenced_data_file, content_offset,
// content_size_in_bytes). Readers reject files that carry what the model cannot hold
// (encryption keys) with kInvalidArgument
// instead of dropping it.
//
// All functions are pure: files are produced and consumed as bytes; the caller stores them.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "avro/object_container.h"
#include "base/bytes.h"
#include "base/status.h"
#include "iceberg/data_file.h"
#include "iceberg/schema.h"

namespace pg2iceberg::iceberg {

struct ManifestWriterOptions {
  // Header metadata. `schema_json` is the table schema as Iceberg JSON (rendered by the
  // caller); `partition_spec_json` the spec's fields as a JSON array ("[]": unpartitioned).
  std::string schema_json;
  int schema_id = 0;
  int partition_spec_id = 0;
  std::string partition_spec_json = "[]";
  // The spec's partition type (partition.h PartitionType): one optional field per partition
  // field, in spec order; empty when unpartitioned. Every entry's data_file.partition holds
  // one value of the matching type per field.
  std::vector<Field> partition_type;
  // kData: every entry must be a data file; kDeletes: every entry a delete file.
  ManifestContent content = ManifestContent::kData;
  // The table's format version, 2 or 3: the data_file fields written (see manifest_schema.h)
  // and the "format-version" header key.
  int format_version = 2;

  // For the ManifestFile that describes the written manifest in a manifest list.
  std::string manifest_path;  // where the caller will store the bytes
  int64_t added_snapshot_id = 0;
  // The sequence number of the snapshot that commits the manifest; entries with a null data
  // sequence number inherit it (and so count for min_sequence_number with this value).
  int64_t sequence_number = 0;

  avro::Codec codec = avro::Codec::kDeflate;
  avro::SyncMarker sync_marker{};  // from the Env's Random
};

struct WrittenManifest {
  Bytes bytes;
  // Complete: path, length = bytes.size(), spec id, content, sequence numbers, snapshot id,
  // added/existing/deleted file and row counts (live entries only count toward
  // min_sequence_number) and the partition field summaries over every entry.
  ManifestFile file;
};

// kInvalidArgument for an entry whose partition tuple does not have one value per partition
// field, an entry whose content does not match the manifest content, an existing or deleted
// entry without snapshot id and sequence numbers, negative counts or sizes, a sort_order_id
// outside 32 bits, an equality delete file without equality_ids (or equality_ids on another
// kind of file), a deletion vector (file_format "PUFFIN") without position-delete content,
// referenced data file, offset and size, or version-3 fields (deletion vectors, content
// offset/size, first_row_id) in a version-2 manifest.
Result<WrittenManifest> WriteManifest(const ManifestWriterOptions& options,
                                      std::span<const ManifestEntry> entries);

struct ManifestContents {
  std::map<std::string, std::string> metadata;  // every Avro header key, avro.* included
  std::vector<ManifestEntry> entries;           // as written: nothing inherited yet
};

// Partition values are read by the file's own partition schema (Java's Avro forms, as
// AvroTypeFor writes them). kDataLoss for corrupt bytes or a record missing a required field;
// kInvalidArgument for content the model cannot hold (see the header comment) or an
// unsupported codec.
Result<ManifestContents> ReadManifest(ByteSpan bytes);

// Applies inheritance from the manifest's manifest-list entry: a null snapshot_id becomes
// added_snapshot_id; a null data or file sequence number becomes the manifest's sequence
// number when the entry was added (or the manifest's sequence number is 0, as for manifests
// from format version 1); in a data manifest with a first_row_id (format version 3), a data
// file without one gets that value plus the record counts of the earlier files without one.
void InheritFromManifestFile(const ManifestFile& manifest, std::vector<ManifestEntry>& entries);

struct ManifestListWriterOptions {
  int format_version = 2;  // 3: manifest_file records carry first_row_id
  // Version 3: the snapshot's first-row-id, written as the "first-row-id" header key.
  std::optional<int64_t> first_row_id;
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;  // written as "null" when absent, as Java does
  int64_t sequence_number = 0;
  avro::Codec codec = avro::Codec::kDeflate;
  avro::SyncMarker sync_marker{};  // from the Env's Random
};

// kInvalidArgument for a manifest with negative counts or length, or a min_sequence_number
// above its sequence_number.
Result<Bytes> WriteManifestList(const ManifestListWriterOptions& options,
                                std::span<const ManifestFile> manifests);

struct ManifestListContents {
  std::map<std::string, std::string> metadata;
  std::vector<ManifestFile> manifests;
};

// kDataLoss for corrupt bytes or a missing required field; kInvalidArgument for key metadata
// (not held by the model) or an unsupported codec.
Result<ManifestListContents> ReadManifestList(ByteSpan bytes);

}  // namespace pg2iceberg::iceberg
