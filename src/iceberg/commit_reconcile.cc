#include "iceberg/commit_reconcile.h"

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

// The transaction as a whole, from its tables (none committed).
CommitOutcome Combined(CommitOutcome so_far, CommitOutcome table) {
  if (so_far == CommitOutcome::kMoved || table == CommitOutcome::kMoved) {
    return CommitOutcome::kMoved;
  }
  if (so_far == CommitOutcome::kReplaced || table == CommitOutcome::kReplaced) {
    return CommitOutcome::kReplaced;
  }
  return CommitOutcome::kAtBase;
}

}  // namespace

std::string JoinTableNames(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

ReconciledTable ClassifyTable(const TableState& base, const Snapshot& snapshot,
                              const std::optional<TableState>& loaded) {
  const bool create = base.metadata_location.empty();
  if (!loaded.has_value()) {
    if (create) return {CommitOutcome::kAtBase, {}, ""};
    return {CommitOutcome::kReplaced, {}, "the table no longer exists"};
  }
  const TableMetadata& now = loaded->metadata;
  if (create && now.table_uuid != base.metadata.table_uuid) {
    // Another writer's create won the race. Ours asserts that the table does not exist, so it
    // cannot apply while theirs does; for it to have applied before, the name would have to be
    // dropped (which unregisters ours) and created again in between.
    return {CommitOutcome::kMoved,
            {},
            "another writer created the table first (uuid " + now.table_uuid + ", not ours " +
                base.metadata.table_uuid + ")"};
  }
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

Result<ReconciledTable> ReconcileLoaded(const TableState& base, const Snapshot& snapshot,
                                        const Status& unknown, Result<LoadedTable> loaded,
                                        const MetadataReader& read) {
  if (loaded.status().code() == StatusCode::kNotFound) {
    return ClassifyTable(base, snapshot, std::nullopt);
  }
  auto failed = [&](const std::string& why) {
    return Status::OutcomeUnknown(unknown.message() + "; reloading " + base.ident.ToString() +
                                  " to reconcile failed: " + why + "; the commit's files are kept");
  };
  if (!loaded.ok()) return failed(loaded.status().message());
  if (!loaded->metadata.has_value()) {
    if (!read) return failed("the catalog served no metadata");
    Result<TableMetadata> metadata = read(loaded->metadata_location);
    if (!metadata.ok()) {
      return failed("reading " + loaded->metadata_location + ": " + metadata.status().message());
    }
    loaded->metadata = std::move(*metadata);
  }
  return ClassifyTable(
      base, snapshot,
      TableState{base.ident, std::move(*loaded->metadata), std::move(loaded->metadata_location)});
}

Result<ReconciledTable> ReconcileTable(Catalog& catalog, const TableState& base,
                                       const Snapshot& snapshot, const Status& unknown,
                                       const MetadataReader& read) {
  return ReconcileLoaded(base, snapshot, unknown, catalog.LoadTable(base.ident), read);
}

Result<ReconciledTransaction> ReconcileTransaction(
    const std::vector<SnapshotCommit>& commits, const Status& unknown,
    const std::function<Result<ReconciledTable>(const SnapshotCommit&)>& reconcile_one) {
  ReconciledTransaction result{CommitOutcome::kAtBase, {}, ""};
  std::vector<std::string> committed, not_committed;
  for (const SnapshotCommit& commit : commits) {
    ASSIGN_OR_RETURN(ReconciledTable found, reconcile_one(commit));
    const std::string name = commit.base.ident.ToString();
    if (found.outcome == CommitOutcome::kCommitted) {
      committed.push_back(name);
      result.states.push_back(std::move(found.state));
      continue;
    }
    not_committed.push_back(name);
    result.outcome = Combined(result.outcome, found.outcome);
    if (!found.detail.empty()) {
      result.detail += (result.detail.empty() ? "" : "; ") + name + ": " + found.detail;
    }
  }
  if (not_committed.empty())
    return ReconciledTransaction{CommitOutcome::kCommitted, std::move(result.states), ""};
  if (!committed.empty()) {
    return Status::DataLoss(unknown.message() + "; reloading shows tables " +
                            JoinTableNames(committed) + " committed but " +
                            JoinTableNames(not_committed) +
                            " not, which an atomic multi-table commit must never show");
  }
  result.states.clear();
  return result;
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
          what + ": the last attempt failed (" + last.message() +
          ") and the table does not show this commit; an earlier attempt may still apply, so "
          "the outcome stays unknown and the commit's files are kept; run the command again" +
          after);
    case CommitOutcome::kCommitted:
      break;
  }
  return Status::Internal(what + ": a committed table reached UnresolvedCommit");
}

}  // namespace pg2iceberg::iceberg
