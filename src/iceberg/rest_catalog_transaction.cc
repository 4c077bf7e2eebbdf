// RestCatalog::CommitSnapshots: several tables in one POST /v1/{p}/transactions/commit, and
// reconciling a transaction whose outcome is unknown (rest_catalog.h).
#include <set>

#include "iceberg/rest_catalog.h"
#include "iceberg/rest_catalog_reconcile.h"
#include "iceberg/rest_json.h"

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
  std::string detail;              // kMoved: which tables moved, and how
};

// Loads every table of the transaction and decides where it stands as a whole. A mix of
// committed and uncommitted tables is kDataLoss: an atomic catalog must never show it.
Result<ReconciledTransaction> ReconcileTransaction(Catalog& catalog,
                                                   const std::vector<SnapshotCommit>& commits,
                                                   const Status& unknown) {
  ReconciledTransaction result{CommitOutcome::kAtBase, {}, ""};
  std::vector<std::string> committed, not_committed;
  for (const SnapshotCommit& commit : commits) {
    Result<ReconciledTable> found = ReconcileTable(catalog, commit.base, commit.snapshot, unknown);
    if (!found.ok() && found.status().code() != StatusCode::kNotFound) return found.status();
    const std::string name = commit.base.ident.ToString();
    if (found.ok() && found->outcome == CommitOutcome::kCommitted) {
      committed.push_back(name);
      result.states.push_back(std::move(found->state));
      continue;
    }
    not_committed.push_back(name);
    if (!found.ok() || found->outcome == CommitOutcome::kMoved) {
      result.outcome = CommitOutcome::kMoved;
      const std::string why = found.ok() ? found->detail : "the table no longer exists";
      result.detail += (result.detail.empty() ? "" : "; ") + name + ": " + why;
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
  Status unknown = Status::Ok();
  for (int sends = 0; sends < kCommitSendsMax; ++sends) {
    Result<Json> answer =
        client_.Call("POST", paths_.TransactionsCommit(), &request, RestCallKind::kCommit, what);
    if (!answer.ok() && answer.status().code() != StatusCode::kOutcomeUnknown) {
      return answer.status();
    }
    // After a success the tables are loaded for their new states; they must show the commit.
    unknown = answer.ok() ? Status::OutcomeUnknown(what + ": the catalog answered success")
                          : answer.status();
    ASSIGN_OR_RETURN(ReconciledTransaction found, ReconcileTransaction(*this, commits, unknown));
    if (found.outcome == CommitOutcome::kCommitted) return std::move(found.states);
    if (answer.ok()) {
      return Status::OutcomeUnknown(unknown.message() + ", but reloading does not show it" +
                                    (found.detail.empty() ? "" : ": " + found.detail));
    }
    if (found.outcome == CommitOutcome::kMoved) {
      return Status::Conflict(what + ": " + found.detail + " (after: " + unknown.message() + ")");
    }
  }
  return Status::OutcomeUnknown(unknown.message() + " (still unknown after " +
                                std::to_string(kCommitSendsMax) + " sends)");
}

}  // namespace pg2iceberg::iceberg
