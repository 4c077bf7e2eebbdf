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
  kCommitted,  // the table holds the snapshot: the commit happened
  kAtBase,     // the table is as the commit found it: the commit did not happen
  kMoved,      // neither: someone else changed the table
};

struct ReconciledTable {
  CommitOutcome outcome;
  TableState state;    // kCommitted: the table as loaded
  std::string detail;  // kMoved: what was found instead
};

// Where the commit of `snapshot` onto `base` stands, given the table as loaded now (nullopt:
// the table does not exist). Pure.
ReconciledTable ClassifyTable(const TableState& base, const Snapshot& snapshot,
                              const std::optional<TableState>& loaded);

// Loads `base.ident` through `catalog` and classifies it. When the load fails: kNotFound of an
// existing table → kNotFound (the table was dropped); anything else → kOutcomeUnknown,
// `unknown`'s message plus why the reload failed.
Result<ReconciledTable> ReconcileTable(Catalog& catalog, const TableState& base,
                                       const Snapshot& snapshot, const Status& unknown);

}  // namespace pg2iceberg::iceberg
