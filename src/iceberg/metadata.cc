#include "iceberg/metadata.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "iceberg/schema_json.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr std::string_view kMetadataFileSuffix = ".metadata.json";

// The table property capping metadata-log length; at least 1, as in Java.
Result<size_t> PreviousVersionsMax(const TableMetadata& metadata) {
  const auto it = metadata.properties.find(std::string(kMetadataPreviousVersionsMaxProperty));
  if (it == metadata.properties.end()) return size_t{kDefaultMetadataPreviousVersionsMax};
  int value = 0;
  const std::string& text = it->second;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("table property " +
                                   std::string(kMetadataPreviousVersionsMaxProperty) +
                                   " is not an integer: \"" + text + "\"");
  }
  return static_cast<size_t>(std::max(1, value));
}

std::string OptionalIdText(const std::optional<int64_t>& id) {
  return id ? std::to_string(*id) : "none";
}

// Why `snapshot` cannot follow `metadata`, or OK.
Status CheckSnapshotFollows(const TableMetadata& metadata, const Snapshot& snapshot,
                            int64_t timestamp_ms) {
  const std::string id = std::to_string(snapshot.snapshot_id);
  if (snapshot.snapshot_id <= 0) return Status::InvalidArgument("snapshot id must be positive");
  if (metadata.SnapshotById(snapshot.snapshot_id) != nullptr) {
    return Status::InvalidArgument("snapshot id " + id + " is already used by the table");
  }
  if (snapshot.sequence_number != metadata.NextSequenceNumber()) {
    return Status::InvalidArgument(
        "snapshot " + id + " has sequence number " + std::to_string(snapshot.sequence_number) +
        ", the table expects " + std::to_string(metadata.NextSequenceNumber()));
  }
  if (snapshot.parent_snapshot_id != metadata.current_snapshot_id) {
    return Status::InvalidArgument(
        "snapshot " + id + " has parent " + OptionalIdText(snapshot.parent_snapshot_id) +
        ", the table's current snapshot is " + OptionalIdText(metadata.current_snapshot_id));
  }
  if (snapshot.schema_id && metadata.SchemaById(*snapshot.schema_id) == nullptr) {
    return Status::InvalidArgument("snapshot " + id + " names unknown schema " +
                                   std::to_string(*snapshot.schema_id));
  }
  if (snapshot.manifest_list.empty() || snapshot.operation.empty()) {
    return Status::InvalidArgument("snapshot " + id + " needs a manifest list and an operation");
  }
  if (metadata.format_version >= kFormatVersion3 &&
      (snapshot.first_row_id != metadata.next_row_id || !snapshot.added_rows ||
       *snapshot.added_rows < 0)) {
    return Status::InvalidArgument("snapshot " + id + " must start at the table's next-row-id " +
                                   OptionalIdText(metadata.next_row_id) + " (has first-row-id " +
                                   OptionalIdText(snapshot.first_row_id) + ", added-rows " +
                                   OptionalIdText(snapshot.added_rows) + ")");
  }
  if (snapshot.timestamp_ms < metadata.last_updated_ms || timestamp_ms < snapshot.timestamp_ms) {
    return Status::InvalidArgument("timestamps must not go back: table updated at " +
                                   std::to_string(metadata.last_updated_ms) + ", snapshot at " +
                                   std::to_string(snapshot.timestamp_ms) + ", metadata at " +
                                   std::to_string(timestamp_ms));
  }
  return Status::Ok();
}

}  // namespace

const Schema* TableMetadata::SchemaById(int schema_id) const {
  for (const Schema& schema : schemas) {
    if (schema.schema_id == schema_id) return &schema;
  }
  return nullptr;
}

const Schema* TableMetadata::CurrentSchema() const { return SchemaById(current_schema_id); }

const Snapshot* TableMetadata::SnapshotById(int64_t snapshot_id) const {
  for (const Snapshot& snapshot : snapshots) {
    if (snapshot.snapshot_id == snapshot_id) return &snapshot;
  }
  return nullptr;
}

const Snapshot* TableMetadata::CurrentSnapshot() const {
  return current_snapshot_id ? SnapshotById(*current_snapshot_id) : nullptr;
}

Result<std::vector<const Snapshot*>> CurrentHistory(const TableMetadata& metadata) {
  std::vector<const Snapshot*> history;
  for (const Snapshot* s = metadata.CurrentSnapshot(); s != nullptr;
       s = s->parent_snapshot_id ? metadata.SnapshotById(*s->parent_snapshot_id) : nullptr) {
    history.push_back(s);
    if (history.size() > metadata.snapshots.size()) {
      return Status::DataLoss("the snapshots' parents form a cycle");
    }
  }
  return history;
}

Result<TableMetadata> NewTableMetadata(const Schema& schema, std::string_view location,
                                       std::string_view table_uuid,
                                       std::map<std::string, std::string> properties,
                                       int64_t timestamp_ms) {
  while (!location.empty() && location.back() == '/') location.remove_suffix(1);
  if (location.empty()) return Status::InvalidArgument("table location must not be empty");
  if (table_uuid.empty()) return Status::InvalidArgument("table uuid must not be empty");
  RETURN_IF_ERROR(ValidateSchema(schema));
  TableMetadata metadata;
  metadata.table_uuid = std::string(table_uuid);
  metadata.location = std::string(location);
  metadata.last_updated_ms = timestamp_ms;
  metadata.last_column_id = schema.HighestFieldId();
  metadata.schemas.push_back(schema);
  metadata.schemas.back().schema_id = 0;
  metadata.current_schema_id = 0;
  metadata.partition_specs.push_back(PartitionSpec{});
  metadata.sort_orders.push_back(SortOrder{});
  metadata.properties = std::move(properties);
  RETURN_IF_ERROR(PreviousVersionsMax(metadata).status());
  return metadata;
}

Status SetFormatVersion(TableMetadata& metadata, int format_version) {
  if (format_version != kFormatVersion2 && format_version != kFormatVersion3) {
    return Status::InvalidArgument("format-version " + std::to_string(format_version) +
                                   " is not supported (2 or 3)");
  }
  if (format_version < metadata.format_version) {
    return Status::InvalidArgument("a format-version " + std::to_string(metadata.format_version) +
                                   " table cannot go back to " + std::to_string(format_version));
  }
  if (format_version == kFormatVersion3 && metadata.format_version < kFormatVersion3)
    metadata.next_row_id = 0;
  metadata.format_version = format_version;
  return Status::Ok();
}

Result<TableMetadata> AddSnapshot(const TableMetadata& metadata, const Snapshot& snapshot,
                                  std::string_view previous_metadata_location,
                                  int64_t timestamp_ms) {
  RETURN_IF_ERROR(CheckSnapshotFollows(metadata, snapshot, timestamp_ms));
  ASSIGN_OR_RETURN(const size_t previous_versions_max, PreviousVersionsMax(metadata));
  TableMetadata next = metadata;
  next.snapshots.push_back(snapshot);
  next.last_sequence_number = snapshot.sequence_number;
  next.current_snapshot_id = snapshot.snapshot_id;
  if (next.format_version >= kFormatVersion3)
    next.next_row_id = *next.next_row_id + *snapshot.added_rows;
  SnapshotRef& main = next.refs[std::string(kMainBranch)];
  main.snapshot_id = snapshot.snapshot_id;
  main.type = SnapshotRefType::kBranch;
  next.snapshot_log.push_back({snapshot.timestamp_ms, snapshot.snapshot_id});
  if (!previous_metadata_location.empty()) {
    next.metadata_log.push_back(
        {metadata.last_updated_ms, std::string(previous_metadata_location)});
    if (next.metadata_log.size() > previous_versions_max) {
      const size_t excess = next.metadata_log.size() - previous_versions_max;
      next.metadata_log.erase(next.metadata_log.begin(), next.metadata_log.begin() + excess);
    }
  }
  next.last_updated_ms = timestamp_ms;
  return next;
}

int64_t MonotonicTimestampMs(const TableMetadata& metadata, int64_t now_ms) {
  return std::max(now_ms, metadata.last_updated_ms);
}

std::string MetadataFileName(int64_t version, std::string_view uuid) {
  CHECK(version >= 0);
  char digits[24];
  std::snprintf(digits, sizeof digits, "%05lld", static_cast<long long>(version));
  return std::string(digits) + "-" + std::string(uuid) + std::string(kMetadataFileSuffix);
}

std::string MetadataFileLocation(std::string_view table_location, int64_t version,
                                 std::string_view uuid) {
  while (!table_location.empty() && table_location.back() == '/') table_location.remove_suffix(1);
  return std::string(table_location) + "/metadata/" + MetadataFileName(version, uuid);
}

Result<int64_t> ParseMetadataFileVersion(std::string_view location) {
  const size_t slash = location.rfind('/');
  const std::string_view name =
      slash == std::string_view::npos ? location : location.substr(slash + 1);
  const size_t dash = name.find('-');
  const bool well_formed = dash != std::string_view::npos && dash > 0 &&
                           name.size() > kMetadataFileSuffix.size() &&
                           name.ends_with(kMetadataFileSuffix);
  int64_t version = -1;
  if (well_formed) {
    const auto [end, error] = std::from_chars(name.data(), name.data() + dash, version);
    if (error != std::errc() || end != name.data() + dash) version = -1;
  }
  if (version < 0) {
    return Status::InvalidArgument("not a versioned metadata file name: \"" +
                                   std::string(location) + "\"");
  }
  return version;
}

}  // namespace pg2iceberg::iceberg
