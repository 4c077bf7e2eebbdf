// Reconciling a commit whose answer was lost: the one place that decides, for every catalog,
// whether a commit happened, by looking at the table rather than at the error of a resend.
//
// A commit adds one snapshot whose id we chose (from the Env's Random). After an unknown
// outcome the table is loaded through Catalog::LoadTable (and its metadata file read, for
// catalogs that only store a pointer) and classified:
//   - the snapshot is in the table, or named as a snapshot's parent (committed, then expired):
//     it happened — success, the commit's files are the table's;
//   - the table is as the commit found it: it has not happened yet, but a request still in
//     flight (a REST send, a statement of the lost Postgres session) may yet apply;
//   - main moved to another snapshot and ours is nowhere: it did not happen and never can (the
//     commit asserts main at the base's snapshot: REST requirements, the SQL compare-and-swap
//     of the metadata location) — kConflict, the files may be removed;
//   - for a create, the table exists with another uuid: another writer's create won the race,
//     and ours (which asserts that no such table exists) never applied and cannot — kConflict;
//   - the table is gone or replaced (another uuid): it cannot apply now, but whether it applied
//     to the old table cannot be told — still unknown, files kept.
// Used by RestCatalog (rest_catalog.h) and SqlCatalog (sql_catalog.h) for single- and
// multi-table commits; documented in docs/commit.md.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "iceberg/catalog.h"

namespace pg2iceberg::iceberg {

enum class CommitOutcome {
  kCommitted,  // the table holds the snapshot (or a snapshot names it as parent): it happened
  kAtBase,     // the table is as the commit found it (a create: no such table): it has not
               // happened yet — but a request still in flight may yet apply
  kMoved,      // same table, main at a snapshot that is neither the base's nor ours, and ours
               // is nowhere in the table (or, for a create, another writer created the table
               // first): it did not happen, and never can
  kReplaced,   // the table is gone, or another table (another uuid) has the name: the commit
               // can never apply now, but whether it applied to the old table cannot be told
};

struct ReconciledTable {
  CommitOutcome outcome;
  TableState state;    // kCommitted: the table as loaded
  std::string detail;  // kMoved, kReplaced: what was found instead
};

// Where the commit of `snapshot` onto `base` stands, given the table as loaded now (nullopt:
// the table does not exist). Pure.
ReconciledTable ClassifyTable(const TableState& base, const Snapshot& snapshot,
                              const std::optional<TableState>& loaded);

// Reads a metadata file by location (MetadataWriter::ReadMetadataFile): for catalogs whose
// LoadTable serves no metadata.
using MetadataReader = std::function<Result<TableMetadata>(const std::string& location)>;

// Classifies `loaded` (the result of LoadTable; kNotFound is "no such table"), reading its
// metadata through `read` when the catalog served none. When the load or the read fails
// otherwise: kOutcomeUnknown, `unknown`'s message plus why.
Result<ReconciledTable> ReconcileLoaded(const TableState& base, const Snapshot& snapshot,
                                        const Status& unknown, Result<LoadedTable> loaded,
                                        const MetadataReader& read);

// ReconcileLoaded over catalog.LoadTable(base.ident).
Result<ReconciledTable> ReconcileTable(Catalog& catalog, const TableState& base,
                                       const Snapshot& snapshot, const Status& unknown,
                                       const MetadataReader& read = nullptr);

// A multi-table commit (one atomic step) as a whole.
struct ReconciledTransaction {
  CommitOutcome outcome;
  std::vector<TableState> states;  // kCommitted: every table as loaded, in order
  std::string detail;              // kMoved, kReplaced: which tables, and how
};

// Reconciles every table of an atomic multi-table commit with `reconcile_one` (e.g. a bound
// ReconcileTable): all committed is kCommitted; none committed is kMoved when any table moved
// (an atomic commit would show on that table too, and its requirements no longer hold), else
// kReplaced when any was replaced, else kAtBase. A mix of committed and uncommitted tables is
// kDataLoss: an atomic catalog must never show it.
Result<ReconciledTransaction> ReconcileTransaction(
    const std::vector<SnapshotCommit>& commits, const Status& unknown,
    const std::function<Result<ReconciledTable>(const SnapshotCommit&)>& reconcile_one);

// The end of a commit some send of which had an unknown outcome (`unknown`), reconciled as
// `found` (not kCommitted: that is the caller's success) after a last attempt that did not
// succeed (`last`). Only kMoved is proof that nothing of the commit is visible or ever will
// be: kConflict. Everything else stays kOutcomeUnknown — a refusal of a resend is no proof,
// because the first send may have applied (its answer lost) or may still be in flight — and
// the commit's files must be kept.
Status UnresolvedCommit(const std::string& what, const ReconciledTable& found,
                        const Status& unknown, const Status& last);

// "a, b, c".
std::string JoinTableNames(const std::vector<std::string>& names);

}  // namespace pg2iceberg::iceberg
