#include "iceberg/rest/rest_json.h"

#include <algorithm>

#include "base/check.h"
#include "iceberg/metadata_parts_json.h"
#include "iceberg/schema_json.h"

namespace pg2iceberg::iceberg {
namespace {

Json Requirement(std::string_view type) {
  Json json = Json::object();
  json["type"] = type;
  return json;
}

// {"type": type, member: value}: the requirements that assert one number.
Json Requirement(std::string_view type, std::string_view member, int value) {
  Json json = Requirement(type);
  json[std::string(member)] = value;
  return json;
}

Json Update(std::string_view action) {
  Json json = Json::object();
  json["action"] = action;
  return json;
}

Json StringMapJson(const std::map<std::string, std::string>& map) {
  Json json = Json::object();
  for (const auto& [key, value] : map) json[key] = value;
  return json;
}

Json NamespaceJson(const Namespace& ns) {
  Json levels = Json::array();
  for (const std::string& level : ns) levels.push_back(level);
  return levels;
}

const PartitionSpec& DefaultSpec(const TableMetadata& metadata) {
  const auto spec =
      std::find_if(metadata.partition_specs.begin(), metadata.partition_specs.end(),
                   [&](const PartitionSpec& s) { return s.spec_id == metadata.default_spec_id; });
  CHECK_MSG(spec != metadata.partition_specs.end(),
            "table metadata without its default partition spec");
  return *spec;
}

const SortOrder& DefaultSortOrder(const TableMetadata& metadata) {
  const auto order = std::find_if(
      metadata.sort_orders.begin(), metadata.sort_orders.end(),
      [&](const SortOrder& o) { return o.order_id == metadata.default_sort_order_id; });
  CHECK_MSG(order != metadata.sort_orders.end(), "table metadata without its default sort order");
  return *order;
}

const Schema& CurrentSchema(const TableMetadata& metadata) {
  const Schema* schema = metadata.CurrentSchema();
  CHECK_MSG(schema != nullptr, "table metadata without its current schema");
  return *schema;
}

}  // namespace

Json AssertCreateJson() { return Requirement("assert-create"); }

Json AssertTableUuidJson(std::string_view uuid) {
  Json json = Requirement("assert-table-uuid");
  json["uuid"] = uuid;
  return json;
}

Json AssertRefSnapshotIdJson(std::string_view ref, std::optional<int64_t> snapshot_id) {
  Json json = Requirement("assert-ref-snapshot-id");
  json["ref"] = ref;
  json["snapshot-id"] = snapshot_id ? Json(*snapshot_id) : Json(nullptr);
  return json;
}

Json AssertCurrentSchemaIdJson(int schema_id) {
  return Requirement("assert-current-schema-id", "current-schema-id", schema_id);
}

Json AssertLastAssignedFieldIdJson(int last_assigned_field_id) {
  return Requirement("assert-last-assigned-field-id", "last-assigned-field-id",
                     last_assigned_field_id);
}

Json AssignUuidJson(std::string_view uuid) {
  Json json = Update("assign-uuid");
  json["uuid"] = uuid;
  return json;
}

Json UpgradeFormatVersionJson(int format_version) {
  Json json = Update("upgrade-format-version");
  json["format-version"] = format_version;
  return json;
}

Json AddSchemaJson(const Schema& schema, int last_column_id) {
  Json json = Update("add-schema");
  json["schema"] = SchemaToJson(schema);
  json["last-column-id"] = last_column_id;
  return json;
}

Json SetCurrentSchemaJson(int schema_id) {
  Json json = Update("set-current-schema");
  json["schema-id"] = schema_id;
  return json;
}

Json AddSpecJson(const PartitionSpec& spec) {
  Json json = Update("add-spec");
  json["spec"] = PartitionSpecToJson(spec);
  return json;
}

Json SetDefaultSpecJson(int spec_id) {
  Json json = Update("set-default-spec");
  json["spec-id"] = spec_id;
  return json;
}

Json AddSortOrderJson(const SortOrder& order) {
  Json json = Update("add-sort-order");
  json["sort-order"] = SortOrderToJson(order);
  return json;
}

Json SetDefaultSortOrderJson(int order_id) {
  Json json = Update("set-default-sort-order");
  json["sort-order-id"] = order_id;
  return json;
}

Json SetLocationJson(std::string_view location) {
  Json json = Update("set-location");
  json["location"] = location;
  return json;
}

Json SetPropertiesJson(const std::map<std::string, std::string>& updates) {
  Json json = Update("set-properties");
  json["updates"] = StringMapJson(updates);
  return json;
}

Json AddSnapshotJson(const Snapshot& snapshot) {
  Json json = Update("add-snapshot");
  json["snapshot"] = SnapshotToJson(snapshot);
  return json;
}

Json SetSnapshotRefJson(std::string_view ref_name, const SnapshotRef& ref) {
  Json json = Update("set-snapshot-ref");
  json["ref-name"] = ref_name;
  const Json fields = SnapshotRefToJson(ref);
  for (const auto& [key, value] : fields.items()) json[key] = value;
  return json;
}

Json CreateNamespaceRequestJson(const Namespace& ns) {
  Json json = Json::object();
  json["namespace"] = NamespaceJson(ns);
  json["properties"] = Json::object();
  return json;
}

Json CreateTableRequestJson(std::string_view name, const TableMetadata& metadata,
                            bool stage_create) {
  Json json = Json::object();
  json["name"] = name;
  json["location"] = metadata.location;
  json["schema"] = SchemaToJson(CurrentSchema(metadata));
  json["partition-spec"] = PartitionSpecToJson(DefaultSpec(metadata));
  json["write-order"] = SortOrderToJson(DefaultSortOrder(metadata));
  json["stage-create"] = stage_create;
  json["properties"] = StringMapJson(metadata.properties);
  return json;
}

Json CommitTableRequestJson(const TableIdentifier& ident, Json requirements, Json updates) {
  Json identifier = Json::object();
  identifier["namespace"] = NamespaceJson(ident.table_namespace);
  identifier["name"] = ident.name;
  Json json = Json::object();
  json["identifier"] = std::move(identifier);
  json["requirements"] = std::move(requirements);
  json["updates"] = std::move(updates);
  return json;
}

Json CommitTransactionRequestJson(Json table_changes) {
  Json json = Json::object();
  json["table-changes"] = std::move(table_changes);
  return json;
}

Json CreateTableUpdates(const TableMetadata& metadata,
                        const std::map<std::string, std::string>& properties) {
  Json updates = Json::array();
  updates.push_back(AssignUuidJson(metadata.table_uuid));
  updates.push_back(UpgradeFormatVersionJson(metadata.format_version));
  updates.push_back(AddSchemaJson(CurrentSchema(metadata), metadata.last_column_id));
  updates.push_back(SetCurrentSchemaJson(-1));
  updates.push_back(AddSpecJson(DefaultSpec(metadata)));
  updates.push_back(SetDefaultSpecJson(-1));
  updates.push_back(AddSortOrderJson(DefaultSortOrder(metadata)));
  updates.push_back(SetDefaultSortOrderJson(-1));
  updates.push_back(SetLocationJson(metadata.location));
  updates.push_back(SetPropertiesJson(properties));
  for (const Snapshot& snapshot : metadata.snapshots) updates.push_back(AddSnapshotJson(snapshot));
  const auto main = metadata.refs.find(std::string(kMainBranch));
  if (main != metadata.refs.end()) updates.push_back(SetSnapshotRefJson(kMainBranch, main->second));
  return updates;
}

Json AddSnapshotUpdates(const Snapshot& snapshot, const SnapshotRef& main) {
  SnapshotRef ref = main;
  ref.snapshot_id = snapshot.snapshot_id;
  ref.type = SnapshotRefType::kBranch;
  Json updates = Json::array();
  updates.push_back(AddSnapshotJson(snapshot));
  updates.push_back(SetSnapshotRefJson(kMainBranch, ref));
  return updates;
}

Json SchemaAndPropertyUpdates(const TableMetadata& base, const TableMetadata& next) {
  Json updates = Json::array();
  if (next.current_schema_id != base.current_schema_id) {
    if (base.SchemaById(next.current_schema_id) != nullptr) {
      updates.push_back(SetCurrentSchemaJson(next.current_schema_id));
    } else {
      updates.push_back(AddSchemaJson(CurrentSchema(next), next.last_column_id));
      updates.push_back(SetCurrentSchemaJson(-1));
    }
  }
  std::map<std::string, std::string> changed;
  for (const auto& [key, value] : next.properties) {
    const auto old = base.properties.find(key);
    if (old == base.properties.end() || old->second != value) changed[key] = value;
  }
  if (!changed.empty()) updates.push_back(SetPropertiesJson(changed));
  return updates;
}

}  // namespace pg2iceberg::iceberg
