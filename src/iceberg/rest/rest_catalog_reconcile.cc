#include "iceberg/rest/rest_catalog_reconcile.h"

#include "iceberg/rest/rest_json.h"

namespace pg2iceberg::iceberg {

Json AddSnapshotRequestJson(const TableState& base, const TableMetadata& new_metadata,
                            const Snapshot& snapshot) {
  Json requirements =
      Json::array({AssertTableUuidJson(base.metadata.table_uuid),
                   AssertRefSnapshotIdJson(kMainBranch, base.metadata.current_snapshot_id)});
  // A schema change is made against the base's schema and field ids: another writer's schema
  // change in between must fail the commit, not be silently overwritten.
  if (new_metadata.current_schema_id != base.metadata.current_schema_id) {
    requirements.push_back(AssertCurrentSchemaIdJson(base.metadata.current_schema_id));
    requirements.push_back(AssertLastAssignedFieldIdJson(base.metadata.last_column_id));
  }
  const auto main = new_metadata.refs.find(std::string(kMainBranch));
  const SnapshotRef main_ref = main != new_metadata.refs.end() ? main->second : SnapshotRef{};
  Json updates = Json::array();
  if (new_metadata.format_version > base.metadata.format_version) {
    updates.push_back(UpgradeFormatVersionJson(new_metadata.format_version));
  }
  for (Json& update : SchemaAndPropertyUpdates(base.metadata, new_metadata)) {
    updates.push_back(std::move(update));
  }
  for (Json& update : AddSnapshotUpdates(snapshot, main_ref)) updates.push_back(std::move(update));
  return CommitTableRequestJson(base.ident, std::move(requirements), std::move(updates));
}

}  // namespace pg2iceberg::iceberg
