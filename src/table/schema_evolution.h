// Which Iceberg field each source column is, across changes to the source table, and the
// Iceberg schema a re-snapshot writes (docs/schema-evolution.md).
//
// A Postgres column keeps its attnum when renamed or retyped; DROP + ADD gives a new attnum.
// The table property kFieldIdsProperty records attnum → field id, committed with the schema,
// so a rename keeps its field id and a column dropped and re-added under the same name gets a
// new one (its old data is never read back under the new column). Tables without the
// property (written before it existed, or by another tool) are matched by column name once.
// Pure functions: no I/O.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "iceberg/schema.h"

namespace pg2iceberg {

inline constexpr std::string_view kFieldIdsProperty = "pg2iceberg.field-ids";

// Postgres attnum → Iceberg field id.
using FieldIdMap = std::map<int, int>;

// "1:1,2:2,5:4": attnum:field-id pairs by ascending attnum ("" for none).
std::string FormatFieldIds(const FieldIdMap& ids);
// The inverse of FormatFieldIds; kInvalidArgument for malformed text, non-positive numbers, an
// attnum listed twice or a field id claimed by two attnums.
Result<FieldIdMap> ParseFieldIds(std::string_view text);

// One source column as the snapshot maps it.
struct SourceColumn {
  int attnum = 0;  // > 0
  std::string name;
  std::string pg_type;  // format_type(), for messages
  iceberg::Type type;   // the Iceberg type it maps to
  bool not_null = false;
  bool key = false;  // part of the primary key (identifier field)
};

struct EvolvedSchema {
  // Fields in source column order; schema id 0 (the commit assigns the table's next id).
  iceberg::Schema schema;
  FieldIdMap field_ids;  // every column's attnum → its field id
  // What changed, one line each ("added column d as field 5", …); empty for none.
  std::vector<std::string> changes;
};

// The schema of a new table: field ids 1..n in column order (then list element ids, one per
// list column in column order), NOT NULL columns required, key columns identifier fields.
EvolvedSchema NewTableSchema(const std::vector<SourceColumn>& columns);

// The schema that replaces `current` (the table's current schema, `last_column_id` its
// metadata's) for `columns`. `recorded` is the table's kFieldIdsProperty; nullopt matches
// columns to fields by name. Per column:
//   - a known field (by attnum, or by name) keeps its id: a new name is a rename; its type may
//     only widen as Iceberg allows (iceberg::IsAllowedPromotion); a required field whose
//     column became nullable turns optional; an optional field stays optional even when its
//     column became NOT NULL (Iceberg never makes a field required);
//   - any other column is a new optional field with id last_column_id + 1, + 2, … (ids are
//     never reused; a new list's element takes the id after its field's);
//   - a list keeps its element id; a change of its element type is refused;
// fields no column claims are dropped. Identifier fields are the key columns' fields.
// kInvalidArgument, naming `table`, the column, old and new type and the way out, for a type
// change Iceberg does not allow or a key column whose field is optional.
Result<EvolvedSchema> EvolveSchema(std::string_view table, const iceberg::Schema& current,
                                   int last_column_id, const std::optional<FieldIdMap>& recorded,
                                   const std::vector<SourceColumn>& columns);

}  // namespace pg2iceberg
