// What RestCatalog's single-table and multi-table commits share: the request that adds a
// snapshot to an existing table, and reconciling a commit whose outcome is unknown by loading
// the table (the rules are in rest_catalog.h).
#pragma once

#include <string>

#include "base/status.h"
#include "iceberg/catalog.h"
#include "iceberg/json_util.h"

namespace pg2iceberg::iceberg {

// The CommitTableRequest adding `snapshot` to `base` (an existing table): requirements
// [assert-table-uuid, assert-ref-snapshot-id main = base's current snapshot], plus
// [assert-current-schema-id, assert-last-assigned-field-id] of the base when new_metadata
// changes the current schema; updates SchemaAndPropertyUpdates(base, new_metadata), then
// [add-snapshot, set-snapshot-ref main with new_metadata's main retention].
Json AddSnapshotRequestJson(const TableState& base, const TableMetadata& new_metadata,
                            const Snapshot& snapshot);

enum class CommitOutcome {
  kCommitted,  // the table holds the snapshot (or a snapshot names it as parent): it happened
  kAtBase,     // the table is as the commit found it (a create: no such table): it has not
               // happened yet — but a request still in flight may yet apply
  kMoved,      // same table, main at a snapshot that is neither the base's nor ours, and ours
               // is nowhere in the table: it did not happen, and never can (every request of
               // this commit asserts main at the base's snapshot)
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

// Loads `base.ident` through `catalog` and classifies it (a 404 is "no such table"). When the
// load fails otherwise: kOutcomeUnknown, `unknown`'s message plus why the reload failed.
Result<ReconciledTable> ReconcileTable(Catalog& catalog, const TableState& base,
                                       const Snapshot& snapshot, const Status& unknown);

// The end of a commit some send of which had an unknown outcome (`unknown`), reconciled as
// `found` after a send that did not succeed (`last`: the last send's failure). Only kMoved is
// proof that nothing of the commit is visible or ever will be: kConflict. Everything else that
// is not kCommitted stays kOutcomeUnknown — a 409 to a resend is no proof, because the first
// send may have applied (its answer lost) or may still be in flight — and the commit's files
// must be kept. (kCommitted is the caller's success; not handled here.)
Status UnresolvedCommit(const std::string& what, const ReconciledTable& found,
                        const Status& unknown, const Status& last);

}  // namespace pg2iceberg::iceberg
