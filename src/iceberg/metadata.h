// TableMetadata: the value stored in an Iceberg table metadata file (spec "Table Metadata"),
// format version 2, plus pure builders for the two transitions the tool makes: creating a
// table and committing a snapshot on branch "main". No I/O here: the caller hands the result to
// the catalog (catalog.h), which stores it (the SQL catalog serialises it with metadata_json.h
// under MetadataFileLocation(…) and swaps its pointer; a REST catalog is sent the changes).
//
// Ids and timestamps come from the caller (from the Env's Random and Clock):
//   - table uuids: Random::UuidV4String();
//   - snapshot ids: positive 63-bit integers, e.g. Random::Next64() >> 1, redrawn when 0 or
//     when already used by the table (SnapshotById);
//   - timestamps: milliseconds since the epoch. Java readers reject metadata whose logs go
//     back in time by more than a minute, so AddSnapshot refuses timestamps earlier than the
//     metadata's last-updated-ms; take them from MonotonicTimestampMs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "iceberg/schema.h"

namespace pg2iceberg::iceberg {

inline constexpr int kFormatVersion2 = 2;
// Format version 3: row lineage (next-row-id, snapshot first-row-id / added-rows) and deletion
// vectors.
inline constexpr int kFormatVersion3 = 3;
// Java's PartitionSpec.unpartitioned() leaves last-partition-id at 999 (ids start at 1000).
inline constexpr int kUnpartitionedLastPartitionId = 999;
inline constexpr std::string_view kMainBranch = "main";
// Table property capping metadata-log length (Java's default is 100).
inline constexpr std::string_view kMetadataPreviousVersionsMaxProperty =
    "write.metadata.previous-versions-max";
inline constexpr int kDefaultMetadataPreviousVersionsMax = 100;

struct PartitionField {
  int source_id = 0;
  int field_id = 0;  // >= 1000
  std::string name;
  std::string transform;  // "identity", "bucket[16]", "day", …
  bool operator==(const PartitionField&) const = default;
};

struct PartitionSpec {
  int spec_id = 0;
  std::vector<PartitionField> fields;  // empty: unpartitioned
  bool operator==(const PartitionSpec&) const = default;
};

struct SortField {
  int source_id = 0;
  std::string transform = "identity";
  std::string direction = "asc";           // "asc" | "desc"
  std::string null_order = "nulls-first";  // "nulls-first" | "nulls-last"
  bool operator==(const SortField&) const = default;
};

struct SortOrder {
  int order_id = 0;
  std::vector<SortField> fields;  // empty: unsorted (order id 0)
  bool operator==(const SortOrder&) const = default;
};

struct Snapshot {
  int64_t snapshot_id = 0;  // positive 63-bit
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;  // absolute location of the manifest list
  // Summary "operation": "append", "replace", "overwrite" or "delete".
  std::string operation = "append";
  // The other summary entries (added-data-files, the tool's source LSN, …).
  std::map<std::string, std::string> summary;
  std::optional<int> schema_id;
  // Format version 3: the first row id this snapshot assigns (the table's next-row-id when it
  // was committed) and how many ids it assigns.
  std::optional<int64_t> first_row_id;
  std::optional<int64_t> added_rows;
  bool operator==(const Snapshot&) const = default;
};

enum class SnapshotRefType { kBranch, kTag };

struct SnapshotRef {
  int64_t snapshot_id = 0;
  SnapshotRefType type = SnapshotRefType::kBranch;
  std::optional<int> min_snapshots_to_keep;
  std::optional<int64_t> max_snapshot_age_ms;
  std::optional<int64_t> max_ref_age_ms;
  bool operator==(const SnapshotRef&) const = default;
};

struct SnapshotLogEntry {
  int64_t timestamp_ms = 0;
  int64_t snapshot_id = 0;
  bool operator==(const SnapshotLogEntry&) const = default;
};

struct MetadataLogEntry {
  int64_t timestamp_ms = 0;
  std::string metadata_file;
  bool operator==(const MetadataLogEntry&) const = default;
};

struct TableMetadata {
  int format_version = kFormatVersion2;
  std::string table_uuid;
  std::string location;  // table root, no trailing '/'
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int last_column_id = 0;
  std::vector<Schema> schemas;
  int current_schema_id = 0;
  std::vector<PartitionSpec> partition_specs;
  int default_spec_id = 0;
  int last_partition_id = kUnpartitionedLastPartitionId;
  std::map<std::string, std::string> properties;
  std::optional<int64_t> current_snapshot_id;  // JSON -1 when none
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::vector<MetadataLogEntry> metadata_log;
  std::vector<SortOrder> sort_orders;
  int default_sort_order_id = 0;
  std::map<std::string, SnapshotRef> refs;
  // Format version 3: higher than every row id assigned; the next snapshot's first-row-id.
  std::optional<int64_t> next_row_id;

  // nullptr when absent. Pointers are into this value and die with it.
  const Schema* SchemaById(int schema_id) const;
  const Schema* CurrentSchema() const;
  const Snapshot* SnapshotById(int64_t snapshot_id) const;
  const Snapshot* CurrentSnapshot() const;
  // The sequence number the next snapshot must carry (and its manifests inherit).
  int64_t NextSequenceNumber() const { return last_sequence_number + 1; }

  bool operator==(const TableMetadata&) const = default;
};

// A v2 table with one schema (id forced to 0, field ids as given), the unpartitioned spec,
// the unsorted order and no snapshots. `location` loses trailing '/'. kInvalidArgument for an
// empty location or uuid, a schema without fields, or duplicate/non-positive field ids.
// The current snapshot and its ancestors (parent_snapshot_id), newest first; a parent that is no
// longer listed (expired) ends the history. kDataLoss when the parents form a cycle.
Result<std::vector<const Snapshot*>> CurrentHistory(const TableMetadata& metadata);

Result<TableMetadata> NewTableMetadata(const Schema& schema, std::string_view location,
                                       std::string_view table_uuid,
                                       std::map<std::string, std::string> properties,
                                       int64_t timestamp_ms);

// Sets the format version of a table: 2, or 3 (next-row-id starts at 0, as the spec says for a
// new table or one upgraded from 2). kInvalidArgument for another version or a downgrade.
Status SetFormatVersion(TableMetadata& metadata, int format_version);

// `metadata` with `snapshot` appended and made the head of branch "main":
// last-sequence-number = snapshot.sequence_number, current-snapshot-id and refs.main set
// (retention settings of an existing main ref kept), a snapshot-log entry
// {snapshot.timestamp_ms, id}, a metadata-log entry {metadata.last_updated_ms,
// previous_metadata_location} when that location is non-empty (trimmed to the newest
// write.metadata.previous-versions-max entries), last-updated-ms = timestamp_ms.
// kInvalidArgument unless the snapshot was built against `metadata`: id positive and unused,
// sequence_number == metadata.NextSequenceNumber(), parent == metadata.current_snapshot_id,
// schema id (if set) known, manifest list and operation non-empty, and
// metadata.last_updated_ms <= snapshot.timestamp_ms <= timestamp_ms. In format version 3 the
// snapshot must carry first-row-id == next-row-id and added-rows >= 0; next-row-id grows by
// added-rows.
Result<TableMetadata> AddSnapshot(const TableMetadata& metadata, const Snapshot& snapshot,
                                  std::string_view previous_metadata_location,
                                  int64_t timestamp_ms);

// max(now_ms, metadata.last_updated_ms): a timestamp AddSnapshot accepts even when the clock
// went backwards.
int64_t MonotonicTimestampMs(const TableMetadata& metadata, int64_t now_ms);

// "00001-<uuid>.metadata.json" (version zero-padded to 5 digits, as Java and PyIceberg do).
// `uuid` is fresh per file (Random::UuidV4String), not the table uuid. version >= 0.
std::string MetadataFileName(int64_t version, std::string_view uuid);
// "<table_location>/metadata/" + MetadataFileName(version, uuid).
std::string MetadataFileLocation(std::string_view table_location, int64_t version,
                                 std::string_view uuid);
// The version of a metadata file location whose last path segment is
// "<digits>-<anything>.metadata.json"; kInvalidArgument otherwise.
Result<int64_t> ParseMetadataFileVersion(std::string_view location);

}  // namespace pg2iceberg::iceberg
