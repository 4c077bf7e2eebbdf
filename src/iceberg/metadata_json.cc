#include "iceberg/metadata_json.h"

#include <algorithm>

#include "iceberg/metadata_parts_json.h"
#include "iceberg/schema_json.h"

namespace pg2iceberg::iceberg {
namespace {

Json PropertiesToJson(const std::map<std::string, std::string>& properties) {
  Json json = Json::object();
  for (const auto& [key, value] : properties) json[key] = value;
  return json;
}

Json RefsToJson(const std::map<std::string, SnapshotRef>& refs) {
  Json json = Json::object();
  for (const auto& [name, ref] : refs) json[name] = SnapshotRefToJson(ref);
  return json;
}

Result<std::map<std::string, SnapshotRef>> RefsFromJson(const Json& json) {
  std::map<std::string, SnapshotRef> refs;
  ASSIGN_OR_RETURN(const Json* object, GetObject(json, "refs"));
  for (const auto& [name, value] : object->items()) {
    Result<SnapshotRef> ref = SnapshotRefFromJson(value);
    if (!ref.ok()) return ref.status().WithContext("refs." + name);
    refs.emplace(name, std::move(ref).value());
  }
  return refs;
}

// Scalars of the top level, format version checked first.
Status ScalarsFromJson(const Json& json, TableMetadata& metadata) {
  ASSIGN_OR_RETURN(metadata.format_version, GetInt32(json, "format-version"));
  if (metadata.format_version != kFormatVersion2 && metadata.format_version != kFormatVersion3) {
    return Status::InvalidArgument("unsupported format-version " +
                                   std::to_string(metadata.format_version) + " (2 or 3)");
  }
  if (metadata.format_version >= kFormatVersion3) {
    ASSIGN_OR_RETURN(const int64_t next_row_id, GetInt64(json, "next-row-id"));
    metadata.next_row_id = next_row_id;
  }
  ASSIGN_OR_RETURN(metadata.table_uuid, GetString(json, "table-uuid"));
  ASSIGN_OR_RETURN(metadata.location, GetString(json, "location"));
  ASSIGN_OR_RETURN(metadata.last_sequence_number, GetInt64(json, "last-sequence-number"));
  ASSIGN_OR_RETURN(metadata.last_updated_ms, GetInt64(json, "last-updated-ms"));
  ASSIGN_OR_RETURN(metadata.last_column_id, GetInt32(json, "last-column-id"));
  ASSIGN_OR_RETURN(metadata.current_schema_id, GetInt32(json, "current-schema-id"));
  ASSIGN_OR_RETURN(metadata.default_spec_id, GetInt32(json, "default-spec-id"));
  ASSIGN_OR_RETURN(metadata.last_partition_id, GetInt32(json, "last-partition-id"));
  ASSIGN_OR_RETURN(metadata.default_sort_order_id, GetInt32(json, "default-sort-order-id"));
  ASSIGN_OR_RETURN(metadata.properties, GetOptionalStringMap(json, "properties"));
  ASSIGN_OR_RETURN(const std::optional<int64_t> current,
                   GetOptionalInt64(json, "current-snapshot-id"));
  if (current && *current != -1) metadata.current_snapshot_id = *current;
  return Status::Ok();
}

Status ListsFromJson(const Json& json, TableMetadata& metadata) {
  ASSIGN_OR_RETURN(const Json* schemas, GetArray(json, "schemas"));
  ASSIGN_OR_RETURN(metadata.schemas, ListFromJson<Schema>(schemas, "schemas", SchemaFromJson));
  ASSIGN_OR_RETURN(const Json* specs, GetArray(json, "partition-specs"));
  ASSIGN_OR_RETURN(metadata.partition_specs,
                   ListFromJson<PartitionSpec>(specs, "partition-specs", PartitionSpecFromJson));
  ASSIGN_OR_RETURN(const Json* orders, GetArray(json, "sort-orders"));
  ASSIGN_OR_RETURN(metadata.sort_orders,
                   ListFromJson<SortOrder>(orders, "sort-orders", SortOrderFromJson));
  ASSIGN_OR_RETURN(const Json* snapshots, GetOptionalArray(json, "snapshots"));
  ASSIGN_OR_RETURN(metadata.snapshots,
                   ListFromJson<Snapshot>(snapshots, "snapshots", SnapshotFromJson));
  ASSIGN_OR_RETURN(const Json* snapshot_log, GetOptionalArray(json, "snapshot-log"));
  ASSIGN_OR_RETURN(
      metadata.snapshot_log,
      ListFromJson<SnapshotLogEntry>(snapshot_log, "snapshot-log", SnapshotLogEntryFromJson));
  ASSIGN_OR_RETURN(const Json* metadata_log, GetOptionalArray(json, "metadata-log"));
  ASSIGN_OR_RETURN(
      metadata.metadata_log,
      ListFromJson<MetadataLogEntry>(metadata_log, "metadata-log", MetadataLogEntryFromJson));
  return Status::Ok();
}

Status RefsFromJsonOrCurrent(const Json& json, TableMetadata& metadata) {
  const auto refs = json.find("refs");
  if (refs != json.end() && !refs->is_null()) {
    ASSIGN_OR_RETURN(metadata.refs, RefsFromJson(json));
  } else if (metadata.current_snapshot_id) {
    metadata.refs[std::string(kMainBranch)].snapshot_id = *metadata.current_snapshot_id;
  }
  return Status::Ok();
}

Status CheckDefaults(const TableMetadata& metadata) {
  if (metadata.CurrentSchema() == nullptr) {
    return Status::InvalidArgument("current-schema-id " +
                                   std::to_string(metadata.current_schema_id) + " names no schema");
  }
  const auto spec_matches = [&](const PartitionSpec& s) {
    return s.spec_id == metadata.default_spec_id;
  };
  if (std::none_of(metadata.partition_specs.begin(), metadata.partition_specs.end(),
                   spec_matches)) {
    return Status::InvalidArgument("default-spec-id " + std::to_string(metadata.default_spec_id) +
                                   " names no partition spec");
  }
  const auto order_matches = [&](const SortOrder& o) {
    return o.order_id == metadata.default_sort_order_id;
  };
  if (std::none_of(metadata.sort_orders.begin(), metadata.sort_orders.end(), order_matches)) {
    return Status::InvalidArgument("default-sort-order-id " +
                                   std::to_string(metadata.default_sort_order_id) +
                                   " names no sort order");
  }
  return Status::Ok();
}

Status CheckSnapshots(const TableMetadata& metadata) {
  for (const Snapshot& snapshot : metadata.snapshots) {
    if (snapshot.sequence_number > metadata.last_sequence_number) {
      return Status::InvalidArgument("snapshot " + std::to_string(snapshot.snapshot_id) +
                                     " has a sequence number above last-sequence-number");
    }
  }
  if (metadata.current_snapshot_id && metadata.CurrentSnapshot() == nullptr) {
    return Status::InvalidArgument("current-snapshot-id " +
                                   std::to_string(*metadata.current_snapshot_id) +
                                   " names no snapshot");
  }
  for (const auto& [name, ref] : metadata.refs) {
    if (metadata.SnapshotById(ref.snapshot_id) == nullptr) {
      return Status::InvalidArgument("ref \"" + name + "\" names unknown snapshot " +
                                     std::to_string(ref.snapshot_id));
    }
  }
  // As Java: a main branch, when present, is the current snapshot.
  const auto main = metadata.refs.find(std::string(kMainBranch));
  if (main != metadata.refs.end() && main->second.snapshot_id != metadata.current_snapshot_id) {
    return Status::InvalidArgument("refs.main does not match current-snapshot-id");
  }
  return Status::Ok();
}

Result<TableMetadata> ParseTopLevel(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "table metadata"));
  TableMetadata metadata;
  RETURN_IF_ERROR(ScalarsFromJson(json, metadata));
  RETURN_IF_ERROR(ListsFromJson(json, metadata));
  RETURN_IF_ERROR(RefsFromJsonOrCurrent(json, metadata));
  RETURN_IF_ERROR(CheckDefaults(metadata));
  RETURN_IF_ERROR(CheckSnapshots(metadata));
  return metadata;
}

}  // namespace

Json TableMetadataToJson(const TableMetadata& metadata) {
  Json json = Json::object();
  json["format-version"] = metadata.format_version;
  json["table-uuid"] = metadata.table_uuid;
  json["location"] = metadata.location;
  json["last-sequence-number"] = metadata.last_sequence_number;
  json["last-updated-ms"] = metadata.last_updated_ms;
  json["last-column-id"] = metadata.last_column_id;
  json["current-schema-id"] = metadata.current_schema_id;
  json["schemas"] = ListToJson(metadata.schemas, SchemaToJson);
  json["default-spec-id"] = metadata.default_spec_id;
  json["partition-specs"] = ListToJson(metadata.partition_specs, PartitionSpecToJson);
  json["last-partition-id"] = metadata.last_partition_id;
  json["default-sort-order-id"] = metadata.default_sort_order_id;
  json["sort-orders"] = ListToJson(metadata.sort_orders, SortOrderToJson);
  json["properties"] = PropertiesToJson(metadata.properties);
  json["current-snapshot-id"] = metadata.current_snapshot_id.value_or(-1);
  json["refs"] = RefsToJson(metadata.refs);
  json["snapshots"] = ListToJson(metadata.snapshots, SnapshotToJson);
  json["statistics"] = Json::array();
  json["partition-statistics"] = Json::array();
  json["snapshot-log"] = ListToJson(metadata.snapshot_log, SnapshotLogEntryToJson);
  json["metadata-log"] = ListToJson(metadata.metadata_log, MetadataLogEntryToJson);
  if (metadata.format_version >= kFormatVersion3)
    json["next-row-id"] = metadata.next_row_id.value_or(0);
  return json;
}

std::string TableMetadataToJsonString(const TableMetadata& metadata) {
  return DumpJson(TableMetadataToJson(metadata));
}

Result<TableMetadata> TableMetadataFromJson(const Json& json) {
  Result<TableMetadata> metadata = ParseTopLevel(json);
  if (!metadata.ok()) return metadata.status().WithContext("table metadata");
  return metadata;
}

Result<TableMetadata> TableMetadataFromJsonString(std::string_view text) {
  Result<Json> json = ParseJson(text);
  if (!json.ok()) return json.status().WithContext("table metadata");
  return TableMetadataFromJson(*json);
}

}  // namespace pg2iceberg::iceberg
