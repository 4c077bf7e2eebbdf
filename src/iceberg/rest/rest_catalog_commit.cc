// RestCatalog::CommitSnapshot: the two commits of rest_json.h, reading their answers, and
// reconciling a commit whose outcome is unknown (rest_catalog.h).
#include "iceberg/rest/rest_catalog.h"
#include "iceberg/rest/rest_catalog_reconcile.h"
#include "iceberg/rest/rest_json.h"

namespace pg2iceberg::iceberg {
namespace {

// The table as the catalog's answer to a successful commit describes it. An answer that does
// not show `snapshot` as current leaves the outcome unknown: the catalog said yes, but to what?
Result<TableState> CommittedState(const TableIdentifier& ident, const Json& answer,
                                  const Snapshot& snapshot, std::string_view what) {
  Result<RestTableResponse> table = RestTableResponseFromJson(answer);
  if (!table.ok()) {
    return Status::OutcomeUnknown(std::string(what) +
                                  ": malformed answer: " + table.status().message());
  }
  if (table->metadata_location.empty()) {
    return Status::OutcomeUnknown(std::string(what) + ": the answer has no metadata-location");
  }
  if (table->metadata.current_snapshot_id != snapshot.snapshot_id) {
    return Status::OutcomeUnknown(std::string(what) + ": the answer's current snapshot is not " +
                                  std::to_string(snapshot.snapshot_id));
  }
  return TableState{ident, std::move(table->metadata), std::move(table->metadata_location)};
}

}  // namespace

Result<TableState> RestCatalog::CommitSnapshot(const TableState& base,
                                               const TableMetadata& new_metadata,
                                               const Snapshot& snapshot,
                                               MetadataWriter& /*writer*/) {
  RETURN_IF_ERROR(ValidateRestIdentifier(base.ident));
  if (base.metadata_location.empty()) return CreateTable(base, new_metadata, snapshot);
  return AddSnapshot(base, new_metadata, snapshot);
}

Result<TableState> RestCatalog::SendCommit(const TableState& base, const Json& request,
                                           const Snapshot& snapshot, const std::string& what) {
  Status unknown = Status::Ok();  // the first send whose outcome was unknown, once there is one
  for (int sends = 0; sends < kCommitSendsMax; ++sends) {
    Result<Json> answer =
        client_.Call("POST", paths_.Table(base.ident), &request, RestCallKind::kCommit, what);
    Result<TableState> committed =
        answer.ok() ? CommittedState(base.ident, *answer, snapshot, what) : answer.status();
    if (committed.ok()) return committed;
    const Status last = committed.status();
    const bool last_unknown = last.code() == StatusCode::kOutcomeUnknown;
    // With every earlier answer known, a refusal is clean: nothing of this commit was applied.
    if (unknown.ok() && !last_unknown) return last;
    if (unknown.ok()) unknown = last;
    // Otherwise an earlier send may have applied: whatever this one says, look for our snapshot.
    ASSIGN_OR_RETURN(ReconciledTable found, ReconcileTable(*this, base, snapshot, unknown));
    if (found.outcome == CommitOutcome::kCommitted) return std::move(found.state);
    if (found.outcome == CommitOutcome::kAtBase && last_unknown) continue;  // send again
    return UnresolvedCommit(what, found, unknown, last);
  }
  return Status::OutcomeUnknown(unknown.message() + " (still unknown after " +
                                std::to_string(kCommitSendsMax) +
                                " sends; the commit's files are kept)");
}

// A staged create checks the table against the catalog and creates nothing. Returns the
// properties the catalog would give the table (its defaults, e.g. created-at), which the
// create commit then sets.
Result<std::map<std::string, std::string>> RestCatalog::StageCreate(const TableState& base) {
  const std::string what = "REST catalog: staging the creation of table " + base.ident.ToString();
  const Json request =
      CreateTableRequestJson(base.ident.name, base.metadata, /*stage_create=*/true);
  ASSIGN_OR_RETURN(Json answer, client_.Call("POST", paths_.Tables(base.ident.table_namespace, ""),
                                             &request, RestCallKind::kRead, what));
  Result<RestTableResponse> staged = RestTableResponseFromJson(answer);
  if (!staged.ok())
    return Status::Internal(what + ": malformed answer: " + staged.status().message());
  // Manifests are already written under the location we asked for; another one would
  // leave the table pointing at files outside its own directory.
  if (staged->metadata.location != base.metadata.location) {
    return Status::InvalidArgument(
        what + ": the catalog places the table at " + staged->metadata.location + ", not at " +
        base.metadata.location +
        " (sink.warehouse); pg2iceberg writes tables where sink.warehouse says");
  }
  std::map<std::string, std::string> properties = std::move(staged->metadata.properties);
  for (const auto& [key, value] : base.metadata.properties) properties[key] = value;
  return properties;
}

Result<TableState> RestCatalog::CreateTable(const TableState& base,
                                            const TableMetadata& new_metadata,
                                            const Snapshot& snapshot) {
  using Properties = std::map<std::string, std::string>;
  ASSIGN_OR_RETURN(const Properties properties, StageCreate(base));
  const std::string what = "REST catalog: creating table " + base.ident.ToString();
  const Json request = CommitTableRequestJson(base.ident, Json::array({AssertCreateJson()}),
                                              CreateTableUpdates(new_metadata, properties));
  return SendCommit(base, request, snapshot, what);
}

Result<TableState> RestCatalog::AddSnapshot(const TableState& base,
                                            const TableMetadata& new_metadata,
                                            const Snapshot& snapshot) {
  const std::string what = "REST catalog: commit to table " + base.ident.ToString();
  const Json request = AddSnapshotRequestJson(base, new_metadata, snapshot);
  return SendCommit(base, request, snapshot, what);
}

}  // namespace pg2iceberg::iceberg
