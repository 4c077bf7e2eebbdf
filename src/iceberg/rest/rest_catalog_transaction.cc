// RestCatalog::CommitSnapshots: several tables in one POST /v1/{p}/transactions/commit, and
// reconciling a transaction whose outcome is unknown (rest_catalog.h).

#include "iceberg/rest/rest_catalog.h"
#include "iceberg/rest/rest_catalog_reconcile.h"
#include "iceberg/rest/rest_json.h"

namespace pg2iceberg::iceberg {
namespace {

Result<ReconciledTransaction> ReconcileTables(Catalog& catalog,
                                              const std::vector<SnapshotCommit>& commits,
                                              const Status& unknown) {
  return ReconcileTransaction(commits, unknown, [&](const SnapshotCommit& commit) {
    return ReconcileTable(catalog, commit.base, commit.snapshot, unknown);
  });
}

}  // namespace

bool RestCatalog::CanCommitAtomically(const std::vector<SnapshotCommit>& commits) const {
  if (!offers_transactions_) return false;
  for (const SnapshotCommit& commit : commits) {
    if (commit.base.metadata_location.empty()) return false;  // a create: see rest_catalog.h
  }
  return NamesDistinctTables(commits);
}

Result<std::vector<TableState>> RestCatalog::CommitSnapshots(
    const std::vector<SnapshotCommit>& commits) {
  std::vector<std::string> names;
  for (const SnapshotCommit& commit : commits) {
    RETURN_IF_ERROR(ValidateRestIdentifier(commit.base.ident));
    names.push_back(commit.base.ident.ToString());
  }
  const std::string what = "REST catalog: transaction commit of tables " + JoinTableNames(names);
  if (!CanCommitAtomically(commits)) {
    return Status::InvalidArgument(what + ": the catalog cannot commit these tables atomically");
  }
  Json changes = Json::array();
  for (const SnapshotCommit& commit : commits) {
    changes.push_back(AddSnapshotRequestJson(commit.base, commit.new_metadata, commit.snapshot));
  }
  const Json request = CommitTransactionRequestJson(std::move(changes));
  return SendTransaction(commits, request, what);
}

Result<std::vector<TableState>> RestCatalog::SendTransaction(
    const std::vector<SnapshotCommit>& commits, const Json& request, const std::string& what) {
  Status unknown = Status::Ok();  // the first send whose outcome was unknown, once there is one
  for (int sends = 0; sends < kCommitSendsMax; ++sends) {
    Result<Json> answer =
        client_.Call("POST", paths_.TransactionsCommit(), &request, RestCallKind::kCommit, what);
    const bool last_unknown = !answer.ok() && answer.status().code() == StatusCode::kOutcomeUnknown;
    // With every earlier answer known, a refusal is clean: nothing of this commit was applied.
    if (!answer.ok() && !last_unknown && unknown.ok()) return answer.status();
    // After a success the tables are loaded for their new states; they must show the commit.
    const Status last = answer.ok()
                            ? Status::OutcomeUnknown(what + ": the catalog answered success")
                            : answer.status();
    if (unknown.ok()) unknown = last;
    ASSIGN_OR_RETURN(ReconciledTransaction found, ReconcileTables(*this, commits, unknown));
    if (found.outcome == CommitOutcome::kCommitted) return std::move(found.states);
    if (answer.ok()) {
      return Status::OutcomeUnknown(unknown.message() + ", but reloading does not show it" +
                                    (found.detail.empty() ? "" : ": " + found.detail) +
                                    "; the commit's files are kept");
    }
    if (found.outcome == CommitOutcome::kAtBase && last_unknown) continue;  // send again
    return UnresolvedCommit(what, ReconciledTable{found.outcome, {}, found.detail}, unknown, last);
  }
  return Status::OutcomeUnknown(unknown.message() + " (still unknown after " +
                                std::to_string(kCommitSendsMax) +
                                " sends; the commit's files are kept)");
}

}  // namespace pg2iceberg::iceberg
