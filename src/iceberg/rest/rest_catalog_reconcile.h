// What RestCatalog's single-table and multi-table commits share: the request that adds a
// snapshot to an existing table. Reconciling a commit whose outcome is unknown is catalog
// independent: iceberg/commit_reconcile.h (the rules are in rest_catalog.h).
#pragma once

#include <string>

#include "base/status.h"
#include "iceberg/catalog.h"
#include "iceberg/commit_reconcile.h"
#include "iceberg/json_util.h"

namespace pg2iceberg::iceberg {

// The CommitTableRequest adding `snapshot` to `base` (an existing table): requirements
// [assert-table-uuid, assert-ref-snapshot-id main = base's current snapshot], plus
// [assert-current-schema-id, assert-last-assigned-field-id] of the base when new_metadata
// changes the current schema; updates SchemaAndPropertyUpdates(base, new_metadata), then
// [add-snapshot, set-snapshot-ref main with new_metadata's main retention].
Json AddSnapshotRequestJson(const TableState& base, const TableMetadata& new_metadata,
                            const Snapshot& snapshot);

}  // namespace pg2iceberg::iceberg
