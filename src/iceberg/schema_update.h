// Changing a table's schema (spec "Schema Evolution"): which type changes Iceberg allows, and
// the pure metadata transition that makes a new schema current. Choosing the new schema (which
// field is which column) is the caller's business; this file only applies Iceberg's rules.
#pragma once

#include "base/status.h"
#include "iceberg/metadata.h"
#include "iceberg/schema.h"

namespace pg2iceberg::iceberg {

// Whether a field of type `from` may take type `to` while keeping its id: equal types, or one
// of the spec's promotions int → long, float → double, decimal(P,S) → decimal(P',S) with
// P' > P. Everything else (narrowing, a scale change, string ↔ number, …) would make older
// data files unreadable under the new schema.
bool IsAllowedPromotion(const Type& from, const Type& to);

// Whether two schemas describe the same table shape: the same fields (ids, names, types,
// required-ness, in order) and identifier fields. Schema ids are not compared.
bool SameSchema(const Schema& a, const Schema& b);

// `metadata` with `schema` as its current schema. A schema the table already has (SameSchema)
// is made current under its existing id; otherwise `schema` is added under the next id
// (highest schema id + 1), as Java's metadata builder and REST catalogs assign it. Older
// schemas are kept (snapshots name them). last-column-id becomes
// max(last-column-id, schema.HighestFieldId()). last-updated-ms is left alone: the snapshot
// committed with the change sets it. kInvalidArgument when `schema` fails ValidateSchema.
Result<TableMetadata> WithCurrentSchema(const TableMetadata& metadata, const Schema& schema);

}  // namespace pg2iceberg::iceberg
