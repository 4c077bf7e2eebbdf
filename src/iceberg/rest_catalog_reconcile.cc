#include "iceberg/rest_catalog_reconcile.h"

#include "iceberg/rest_json.h"

namespace pg2iceberg::iceberg {
namespace {

std::string SnapshotText(const std::optional<int64_t>& id) {
  return id.has_value() ? std::to_string(*id) : "none";
}

}  // namespace

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

ReconciledTable ClassifyTable(const TableState& base, const Snapshot& snapshot,
                              const std::optional<TableState>& loaded) {
  const bool create = base.metadata_location.empty();
  if (!loaded.has_value()) {
    if (create) return {CommitOutcome::kAtBase, {}, ""};
    return {CommitOutcome::kMoved, {}, "the table no longer exists"};
  }
  const TableMetadata& now = loaded->metadata;
  const bool same_table = now.table_uuid == base.metadata.table_uuid;
  if (same_table && now.SnapshotById(snapshot.snapshot_id) != nullptr) {
    return {CommitOutcome::kCommitted, *loaded, ""};
  }
  if (!create && same_table && now.current_snapshot_id == base.metadata.current_snapshot_id) {
    return {CommitOutcome::kAtBase, {}, ""};
  }
  if (!same_table) {
    return {CommitOutcome::kMoved,
            {},
            "the table now has uuid " + now.table_uuid + ", not " + base.metadata.table_uuid};
  }
  return {CommitOutcome::kMoved,
          {},
          "main is at snapshot " + SnapshotText(now.current_snapshot_id) + ", neither the base " +
              SnapshotText(base.metadata.current_snapshot_id) + " nor the committed " +
              std::to_string(snapshot.snapshot_id)};
}

Result<ReconciledTable> ReconcileTable(Catalog& catalog, const TableState& base,
                                       const Snapshot& snapshot, const Status& unknown) {
  Result<LoadedTable> loaded = catalog.LoadTable(base.ident);
  if (loaded.status().code() == StatusCode::kNotFound) {
    ReconciledTable found = ClassifyTable(base, snapshot, std::nullopt);
    if (found.outcome == CommitOutcome::kMoved) {
      return Status::NotFound(unknown.message() +
                              "; then the table was not found: " + loaded.status().message());
    }
    return found;
  }
  if (!loaded.ok() || !loaded->metadata.has_value()) {
    const std::string why =
        loaded.ok() ? "the catalog served no metadata" : loaded.status().message();
    return Status::OutcomeUnknown(unknown.message() + "; reloading " + base.ident.ToString() +
                                  " to reconcile failed: " + why);
  }
  return ClassifyTable(
      base, snapshot,
      TableState{base.ident, std::move(*loaded->metadata), std::move(loaded->metadata_location)});
}

}  // namespace pg2iceberg::iceberg
