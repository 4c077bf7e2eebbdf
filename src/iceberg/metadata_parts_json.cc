#include "iceberg/metadata_parts_json.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr std::string_view kOperation = "operation";

Result<PartitionField> PartitionFieldFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "partition field"));
  PartitionField field;
  ASSIGN_OR_RETURN(field.name, GetString(json, "name"));
  ASSIGN_OR_RETURN(field.transform, GetString(json, "transform"));
  ASSIGN_OR_RETURN(field.source_id, GetInt32(json, "source-id"));
  ASSIGN_OR_RETURN(field.field_id, GetInt32(json, "field-id"));
  return field;
}

Result<SortField> SortFieldFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "sort field"));
  SortField field;
  ASSIGN_OR_RETURN(field.transform, GetString(json, "transform"));
  ASSIGN_OR_RETURN(field.source_id, GetInt32(json, "source-id"));
  ASSIGN_OR_RETURN(field.direction, GetString(json, "direction"));
  ASSIGN_OR_RETURN(field.null_order, GetString(json, "null-order"));
  if (field.direction != "asc" && field.direction != "desc") {
    return Status::InvalidArgument("sort direction must be \"asc\" or \"desc\"");
  }
  if (field.null_order != "nulls-first" && field.null_order != "nulls-last") {
    return Status::InvalidArgument("null-order must be \"nulls-first\" or \"nulls-last\"");
  }
  return field;
}

Json SortFieldToJson(const SortField& field) {
  Json json = Json::object();
  json["transform"] = field.transform;
  json["source-id"] = field.source_id;
  json["direction"] = field.direction;
  json["null-order"] = field.null_order;
  return json;
}

Json PartitionFieldToJson(const PartitionField& field) {
  Json json = Json::object();
  json["name"] = field.name;
  json["transform"] = field.transform;
  json["source-id"] = field.source_id;
  json["field-id"] = field.field_id;
  return json;
}

// The summary object minus "operation", which must be present and non-empty.
Status SummaryFromJson(const Json& json, Snapshot& snapshot) {
  RETURN_IF_ERROR(GetObject(json, "summary").status());
  ASSIGN_OR_RETURN(snapshot.summary, GetOptionalStringMap(json, "summary"));
  const auto operation = snapshot.summary.find(std::string(kOperation));
  if (operation == snapshot.summary.end() || operation->second.empty()) {
    return Status::InvalidArgument("summary lacks \"operation\"");
  }
  snapshot.operation = operation->second;
  snapshot.summary.erase(operation);
  return Status::Ok();
}

}  // namespace

Json PartitionSpecToJson(const PartitionSpec& spec) {
  Json json = Json::object();
  json["spec-id"] = spec.spec_id;
  json["fields"] = ListToJson(spec.fields, PartitionFieldToJson);
  return json;
}

Result<PartitionSpec> PartitionSpecFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "partition spec"));
  PartitionSpec spec;
  ASSIGN_OR_RETURN(spec.spec_id, GetInt32(json, "spec-id"));
  ASSIGN_OR_RETURN(const Json* fields, GetArray(json, "fields"));
  ASSIGN_OR_RETURN(spec.fields,
                   ListFromJson<PartitionField>(fields, "fields", PartitionFieldFromJson));
  return spec;
}

Json SortOrderToJson(const SortOrder& order) {
  Json json = Json::object();
  json["order-id"] = order.order_id;
  json["fields"] = ListToJson(order.fields, SortFieldToJson);
  return json;
}

Result<SortOrder> SortOrderFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "sort order"));
  SortOrder order;
  ASSIGN_OR_RETURN(order.order_id, GetInt32(json, "order-id"));
  ASSIGN_OR_RETURN(const Json* fields, GetArray(json, "fields"));
  ASSIGN_OR_RETURN(order.fields, ListFromJson<SortField>(fields, "fields", SortFieldFromJson));
  return order;
}

Json SnapshotToJson(const Snapshot& snapshot) {
  Json json = Json::object();
  json["snapshot-id"] = snapshot.snapshot_id;
  if (snapshot.parent_snapshot_id) json["parent-snapshot-id"] = *snapshot.parent_snapshot_id;
  json["sequence-number"] = snapshot.sequence_number;
  json["timestamp-ms"] = snapshot.timestamp_ms;
  Json summary = Json::object();
  summary[std::string(kOperation)] = snapshot.operation;
  for (const auto& [key, value] : snapshot.summary) {
    if (key != kOperation) summary[key] = value;
  }
  json["summary"] = std::move(summary);
  json["manifest-list"] = snapshot.manifest_list;
  if (snapshot.schema_id) json["schema-id"] = *snapshot.schema_id;
  if (snapshot.first_row_id) json["first-row-id"] = *snapshot.first_row_id;
  if (snapshot.added_rows) json["added-rows"] = *snapshot.added_rows;
  return json;
}

Result<Snapshot> SnapshotFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "snapshot"));
  Snapshot snapshot;
  ASSIGN_OR_RETURN(snapshot.snapshot_id, GetInt64(json, "snapshot-id"));
  ASSIGN_OR_RETURN(snapshot.parent_snapshot_id, GetOptionalInt64(json, "parent-snapshot-id"));
  ASSIGN_OR_RETURN(snapshot.sequence_number, GetInt64(json, "sequence-number"));
  ASSIGN_OR_RETURN(snapshot.timestamp_ms, GetInt64(json, "timestamp-ms"));
  ASSIGN_OR_RETURN(snapshot.manifest_list, GetString(json, "manifest-list"));
  ASSIGN_OR_RETURN(const std::optional<int32_t> schema_id, GetOptionalInt32(json, "schema-id"));
  if (schema_id) snapshot.schema_id = *schema_id;
  ASSIGN_OR_RETURN(snapshot.first_row_id, GetOptionalInt64(json, "first-row-id"));
  ASSIGN_OR_RETURN(snapshot.added_rows, GetOptionalInt64(json, "added-rows"));
  RETURN_IF_ERROR(SummaryFromJson(json, snapshot));
  return snapshot;
}

Json SnapshotRefToJson(const SnapshotRef& ref) {
  Json json = Json::object();
  json["snapshot-id"] = ref.snapshot_id;
  json["type"] = ref.type == SnapshotRefType::kBranch ? "branch" : "tag";
  if (ref.min_snapshots_to_keep) json["min-snapshots-to-keep"] = *ref.min_snapshots_to_keep;
  if (ref.max_snapshot_age_ms) json["max-snapshot-age-ms"] = *ref.max_snapshot_age_ms;
  if (ref.max_ref_age_ms) json["max-ref-age-ms"] = *ref.max_ref_age_ms;
  return json;
}

Result<SnapshotRef> SnapshotRefFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "snapshot ref"));
  SnapshotRef ref;
  ASSIGN_OR_RETURN(ref.snapshot_id, GetInt64(json, "snapshot-id"));
  ASSIGN_OR_RETURN(const std::string type, GetString(json, "type"));
  if (type == "branch") {
    ref.type = SnapshotRefType::kBranch;
  } else if (type == "tag") {
    ref.type = SnapshotRefType::kTag;
  } else {
    return Status::InvalidArgument("ref type must be \"branch\" or \"tag\", not \"" + type + "\"");
  }
  ASSIGN_OR_RETURN(const std::optional<int32_t> min_snapshots,
                   GetOptionalInt32(json, "min-snapshots-to-keep"));
  if (min_snapshots) ref.min_snapshots_to_keep = *min_snapshots;
  ASSIGN_OR_RETURN(ref.max_snapshot_age_ms, GetOptionalInt64(json, "max-snapshot-age-ms"));
  ASSIGN_OR_RETURN(ref.max_ref_age_ms, GetOptionalInt64(json, "max-ref-age-ms"));
  return ref;
}

Json SnapshotLogEntryToJson(const SnapshotLogEntry& entry) {
  Json json = Json::object();
  json["timestamp-ms"] = entry.timestamp_ms;
  json["snapshot-id"] = entry.snapshot_id;
  return json;
}

Result<SnapshotLogEntry> SnapshotLogEntryFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "snapshot-log entry"));
  SnapshotLogEntry entry;
  ASSIGN_OR_RETURN(entry.timestamp_ms, GetInt64(json, "timestamp-ms"));
  ASSIGN_OR_RETURN(entry.snapshot_id, GetInt64(json, "snapshot-id"));
  return entry;
}

Json MetadataLogEntryToJson(const MetadataLogEntry& entry) {
  Json json = Json::object();
  json["timestamp-ms"] = entry.timestamp_ms;
  json["metadata-file"] = entry.metadata_file;
  return json;
}

Result<MetadataLogEntry> MetadataLogEntryFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "metadata-log entry"));
  MetadataLogEntry entry;
  ASSIGN_OR_RETURN(entry.timestamp_ms, GetInt64(json, "timestamp-ms"));
  ASSIGN_OR_RETURN(entry.metadata_file, GetString(json, "metadata-file"));
  return entry;
}

}  // namespace pg2iceberg::iceberg
