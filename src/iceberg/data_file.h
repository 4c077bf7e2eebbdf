// What a snapshot is made of: data files (as listed in manifests) and manifests (as listed in a
// manifest list). Plain values shared by the Parquet-to-Iceberg glue, the manifest writers and
// the table metadata.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "iceberg/literal.h"

namespace pg2iceberg::iceberg {

enum class FileContent { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };

// One file of a table — a Parquet data file, a Parquet position or equality delete file, or a
// deletion vector inside a Puffin file — with the column metrics Iceberg readers use for
// pruning. Bounds use Iceberg's single-value binary serialisation; a column without bounds is
// absent from the maps (never a guessed bound).
struct DataFile {
  FileContent content = FileContent::kData;
  std::string file_path;  // absolute location, e.g. file:///wh/ns/t/data/00000-....parquet
  std::string file_format = "PARQUET";  // "PARQUET", or "PUFFIN" for a deletion vector
  // One value per field of the partition spec the file was written for; empty when
  // unpartitioned.
  PartitionTuple partition;
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int, int64_t> column_sizes;       // field id → compressed bytes
  std::map<int, int64_t> value_counts;       // field id → values including nulls
  std::map<int, int64_t> null_value_counts;  // field id → nulls
  std::map<int, int64_t> nan_value_counts;   // field id → NaNs (float/double only)
  std::map<int, Bytes> lower_bounds;
  std::map<int, Bytes> upper_bounds;
  std::optional<int64_t> sort_order_id;
  // Equality delete files: the field ids a row is matched on.
  std::vector<int> equality_ids;
  // Position deletes of a single data file (required for deletion vectors): its location.
  std::optional<std::string> referenced_data_file;
  // Deletion vectors (format version 3): the blob's offset and length in the Puffin file.
  std::optional<int64_t> content_offset;
  std::optional<int64_t> content_size_in_bytes;
  // Format version 3 data files: the row id of the first row; null when added (inherited from
  // the manifest's first_row_id when read).
  std::optional<int64_t> first_row_id;
};

enum class ManifestEntryStatus { kExisting = 0, kAdded = 1, kDeleted = 2 };

struct ManifestEntry {
  ManifestEntryStatus status = ManifestEntryStatus::kAdded;
  // Null for added entries: inherited from the manifest list when read (v2 inheritance).
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> sequence_number;
  std::optional<int64_t> file_sequence_number;
  DataFile file;
};

enum class ManifestContent { kData = 0, kDeletes = 1 };

// What a manifest list says about one partition field over all files of a manifest. Bounds
// are single-value binary forms of the partition field's type, NaN excluded.
struct FieldSummary {
  bool contains_null = false;
  std::optional<bool> contains_nan;
  std::optional<Bytes> lower_bound;
  std::optional<Bytes> upper_bound;
  bool operator==(const FieldSummary&) const = default;
};

// One manifest as listed in a manifest list.
struct ManifestFile {
  std::string manifest_path;  // absolute location
  int64_t manifest_length = 0;
  int partition_spec_id = 0;
  ManifestContent content = ManifestContent::kData;
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files_count = 0;
  int32_t existing_files_count = 0;
  int32_t deleted_files_count = 0;
  int64_t added_rows_count = 0;
  int64_t existing_rows_count = 0;
  int64_t deleted_rows_count = 0;
  std::vector<FieldSummary> partitions;  // one per partition field; empty when unpartitioned
  // Format version 3 data manifests: the first row id of the rows its files inherit ids for.
  std::optional<int64_t> first_row_id;
};

}  // namespace pg2iceberg::iceberg
