// TableMetadata ↔ the metadata file JSON of the Iceberg spec (appendix C, "Table Metadata and
// Snapshots"), format version 2.
//
// Writing follows Java's TableMetadataParser: the same member names and order, compact text,
// "current-snapshot-id" -1 when the table has no snapshot (readable by every Java and PyIceberg
// version), empty "statistics" and "partition-statistics" arrays.
//
// Reading accepts what Java and PyIceberg write: unknown members are ignored; the v2 required
// members must be present (format-version, table-uuid, location, last-sequence-number,
// last-updated-ms, last-column-id, schemas, current-schema-id, partition-specs,
// default-spec-id, last-partition-id, sort-orders, default-sort-order-id); current-snapshot-id
// may be absent, null or -1; without "refs" a main branch is derived from the current
// snapshot. Statistics files are not modelled (dropped on rewrite: they are optional hints).
// Cross-references are checked: current schema, default spec and sort order exist; the current
// snapshot and every ref name an existing snapshot; refs.main equals current-snapshot-id;
// no snapshot's sequence number exceeds last-sequence-number.
// Every failure is kInvalidArgument naming the member ("table metadata: snapshots[2]:
// missing required field \"manifest-list\""); format versions other than 2 are refused.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "iceberg/json_util.h"
#include "iceberg/metadata.h"

namespace pg2iceberg::iceberg {

Json TableMetadataToJson(const TableMetadata& metadata);
std::string TableMetadataToJsonString(const TableMetadata& metadata);

Result<TableMetadata> TableMetadataFromJson(const Json& json);
Result<TableMetadata> TableMetadataFromJsonString(std::string_view text);

}  // namespace pg2iceberg::iceberg
