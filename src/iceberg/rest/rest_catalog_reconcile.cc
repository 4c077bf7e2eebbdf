#include "iceberg/rest/rest_catalog_reconcile.h"

#include "iceberg/rest/rest_json.h"

namespace pg2iceberg::iceberg {
namespace {

std::string SnapshotText(const std::optional<int64_t>& id) {
  return id.has_value() ? std::to_string(*id) : "none";
}

// Whether `metadata` shows snapshot `id`: listed, or named as a listed snapshot's parent (it
// was committed, and then expired).
bool HoldsSnapshot(const TableMetadata& metadata, int64_t id) {
  if (metadata.SnapshotById(id) != nullptr) return true;
  for (const Snapshot& snapshot : metadata.snapshots) {
    if (snapshot.parent_snapshot_id == id) return true;
  }
  return false;
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
    return {CommitOutcome::kReplaced, {}, "the table no longer exists"};
  }
  const TableMetadata& now = loaded->metadata;
  if (now.table_uuid != base.metadata.table_uuid) {
    return {CommitOutcome::kReplaced,
            {},
            "the table now has uuid " + now.table_uuid + ", not " + base.metadata.table_uuid};
  }
  if (HoldsSnapshot(now, snapshot.snapshot_id)) return {CommitOutcome::kCommitted, *loaded, ""};
  if (!create && now.current_snapshot_id == base.metadata.current_snapshot_id) {
    return {CommitOutcome::kAtBase, {}, ""};
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
    return ClassifyTable(base, snapshot, std::nullopt);
  }
  if (!loaded.ok() || !loaded->metadata.has_value()) {
    const std::string why =
        loaded.ok() ? "the catalog served no metadata" : loaded.status().message();
    return Status::OutcomeUnknown(unknown.message() + "; reloading " + base.ident.ToString() +
                                  " to reconcile failed: " + why + "; the commit's files are kept");
  }
  return ClassifyTable(
      base, snapshot,
      TableState{base.ident, std::move(*loaded->metadata), std::move(loaded->metadata_location)});
}

Status UnresolvedCommit(const std::string& what, const ReconciledTable& found,
                        const Status& unknown, const Status& last) {
  const std::string after = " (after: " + unknown.message() + ")";
  switch (found.outcome) {
    case CommitOutcome::kMoved:
      return Status::Conflict(what + ": " + found.detail + after);
    case CommitOutcome::kReplaced:
      return Status::OutcomeUnknown(
          what + ": " + found.detail +
          "; whether this commit applied before that cannot be told, so its files are kept" +
          after);
    case CommitOutcome::kAtBase:
      return Status::OutcomeUnknown(
          what + ": the catalog refused a resend (" + last.message() +
          ") yet the table does not show this commit; an earlier send may still apply, so the "
          "outcome stays unknown and the commit's files are kept; run the command again" +
          after);
    case CommitOutcome::kCommitted:
      break;
  }
  return Status::Internal(what + ": a committed table reached UnresolvedCommit");
}

}  // namespace pg2iceberg::iceberg
