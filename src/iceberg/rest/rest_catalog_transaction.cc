// RestCatalog::CommitSnapshots: several tables in one POST /v1/{p}/transactions/commit, and
// reconciling a transaction whose outcome is unknown (rest_catalog.h).
#include <set>

#include "iceberg/rest/rest_catalog.h"
#include "iceberg/rest/rest_catalog_reconcile.h"
#include "iceberg/rest/rest_json.h"

namespace pg2iceberg::iceberg {
namespace {

std::string JoinTables(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

struct ReconciledTransaction {
  CommitOutcome outcome;
  std::vector<TableState> states;  // kCommitted: every table as loaded, in order
  std::string detail;              // kMoved, kReplaced: which tables, and how
};

// The transaction as a whole, from its tables (none committed): one table that moved proves
// it never applied and never can (an atomic commit would show on that table too, and its
// requirements no longer hold); a table gone or replaced proves only that it cannot apply now.
CommitOutcome Combined(CommitOutcome so_far, CommitOutcome table) {
  if (so_far == CommitOutcome::kMoved || table == CommitOutcome::kMoved) {
    return CommitOutcome::kMoved;
  }
  if (so_far == CommitOutcome::kReplaced || table == CommitOutcome::kReplaced) {
    return CommitOutcome::kReplaced;
  }
  return CommitOutcome::kAtBase;
}

// Loads every table of the transaction and decides where it stands as a whole. A mix of
// committed and uncommitted tables is kDataLoss: an atomic catalog must never show it.
Result<ReconciledTransaction> ReconcileTransaction(Catalog& catalog,
                                                   const std::vector<SnapshotCommit>& commits,
                                                   const Status& unknown) {
  ReconciledTransaction result{CommitOutcome::kAtBase, {}, ""};
  std::vector<std::string> committed, not_committed;
  for (const SnapshotCommit& commit : commits) {
    ASSIGN_OR_RETURN(ReconciledTable found,
                     ReconcileTable(catalog, commit.base, commit.snapshot, unknown));
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
                            JoinTables(committed) + " committed but " + JoinTables(not_committed) +
                            " not, which an atomic multi-table commit must never show");
  }
  result.states.clear();
  return result;
}

}  // namespace

bool RestCatalog::CanCommitAtomically(const std::vector<SnapshotCommit>& commits) const {
  if (!offers_transactions_) return false;
  std::set<TableIdentifier> seen;
  for (const SnapshotCommit& commit : commits) {
    if (commit.base.metadata_location.empty()) return false;  // a create: see rest_catalog.h
    if (!seen.insert(commit.base.ident).second) return false;
  }
  return true;
}

Result<std::vector<TableState>> RestCatalog::CommitSnapshots(
    const std::vector<SnapshotCommit>& commits) {
  std::vector<std::string> names;
  for (const SnapshotCommit& commit : commits) {
    RETURN_IF_ERROR(ValidateRestIdentifier(commit.base.ident));
    names.push_back(commit.base.ident.ToString());
  }
  const std::string what = "REST catalog: transaction commit of tables " + JoinTables(names);
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
    ASSIGN_OR_RETURN(ReconciledTransaction found, ReconcileTransaction(*this, commits, unknown));
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
