// Request bodies of the Iceberg REST catalog API: the table requirements and metadata updates
// of a commit (spec "TableRequirement" and "TableUpdate") and the requests that carry them.
// Member names and order follow the REST spec and Java's parsers. Pure functions: no I/O.
//
// The two commits pg2iceberg makes:
//   - creating a table with its first snapshot, after a staged create
//     (CreateTableRequestJson with stage-create true): requirements [assert-create], updates
//     CreateTableUpdates — everything the table is, in one commit;
//   - adding a snapshot to an existing table: requirements [assert-table-uuid,
//     assert-ref-snapshot-id main = the base's current snapshot (null when none)], updates
//     AddSnapshotUpdates. When the commit also changes the current schema, the requirements
//     add assert-current-schema-id and assert-last-assigned-field-id (the base's values) and
//     SchemaAndPropertyUpdates come before the snapshot's updates.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "iceberg/catalog.h"
#include "iceberg/json_util.h"
#include "iceberg/metadata.h"

namespace pg2iceberg::iceberg {

// Requirements ({"type": …}).
Json AssertCreateJson();
Json AssertTableUuidJson(std::string_view uuid);
// snapshot-id null asserts that the ref does not exist.
Json AssertRefSnapshotIdJson(std::string_view ref, std::optional<int64_t> snapshot_id);
Json AssertCurrentSchemaIdJson(int schema_id);
Json AssertLastAssignedFieldIdJson(int last_assigned_field_id);

// Updates ({"action": …}). Ids of -1 in the set-* updates mean "the one added last".
Json AssignUuidJson(std::string_view uuid);
Json UpgradeFormatVersionJson(int format_version);
Json AddSchemaJson(const Schema& schema, int last_column_id);
Json SetCurrentSchemaJson(int schema_id);
Json AddSpecJson(const PartitionSpec& spec);
Json SetDefaultSpecJson(int spec_id);
Json AddSortOrderJson(const SortOrder& order);
Json SetDefaultSortOrderJson(int order_id);
Json SetLocationJson(std::string_view location);
Json SetPropertiesJson(const std::map<std::string, std::string>& updates);
Json AddSnapshotJson(const Snapshot& snapshot);
Json SetSnapshotRefJson(std::string_view ref_name, const SnapshotRef& ref);

// {"namespace": [levels], "properties": {}}.
Json CreateNamespaceRequestJson(const Namespace& ns);

// A CreateTableRequest for `metadata`'s current schema, default spec and sort order, location
// and properties. `metadata` must come from NewTableMetadata or a catalog (CHECKed: the
// current schema, spec and order exist).
Json CreateTableRequestJson(std::string_view name, const TableMetadata& metadata,
                            bool stage_create);

// A CommitTableRequest: {"identifier": {"namespace": […], "name": …}, "requirements": […],
// "updates": […]}.
Json CommitTableRequestJson(const TableIdentifier& ident, Json requirements, Json updates);

// A CommitTransactionRequest: {"table-changes": [CommitTableRequest, …]}.
Json CommitTransactionRequestJson(Json table_changes);

// The updates that build `metadata` from nothing: assign-uuid, upgrade-format-version,
// add-schema + set-current-schema -1, add-spec + set-default-spec -1, add-sort-order +
// set-default-sort-order -1, set-location, set-properties, then add-snapshot for each of its
// snapshots (a new table has one: its first, from AddSnapshot) and set-snapshot-ref main when
// it has that ref. CHECKed as for CreateTableRequestJson.
// `properties` replaces metadata.properties (the caller merges in what a staged create
// returned).
Json CreateTableUpdates(const TableMetadata& metadata,
                        const std::map<std::string, std::string>& properties);

// [add-snapshot `snapshot`, set-snapshot-ref main → snapshot, with `main`'s retention].
Json AddSnapshotUpdates(const Snapshot& snapshot, const SnapshotRef& main);

// The updates taking `base` (a table's metadata) to `next` (the same table, changed by
// WithCurrentSchema and new properties), snapshots aside: when the current schema changed,
// add-schema (next's current schema and last-column-id) + set-current-schema -1, or only
// set-current-schema <id> when `base` already has that schema; then set-properties with the
// entries `next` adds or changes. An empty array when neither changed.
Json SchemaAndPropertyUpdates(const TableMetadata& base, const TableMetadata& next);

}  // namespace pg2iceberg::iceberg
