// Maps Postgres columns to Iceberg types. The mapping is exact or refused: a type with no
// exact Iceberg counterpart is an error naming the table, column and type, never a lossy
// substitute. An array of a mapped scalar type T (T[], pg/array_values.h) maps to
// list<mapped T> with optional elements (Postgres arrays may hold NULL); its element id is 0
// until the table's schema is built (table_plan.cc numbers element ids after the columns).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "change/change.h"
#include "iceberg/schema.h"
#include "pg/pg_types.h"
#include "pg/value_decoding.h"

namespace pg2iceberg {

struct MappedColumn {
  pg::PgColumn pg;
  pg::TypeOid oid;  // for an array, the array type's oid
  iceberg::Type iceberg_type;
};

// How a table wants the values that have no exact Iceberg type of their own.
struct MappingPolicy {
  // numeric with precision over 38 or a negative scale → string (Postgres' exact text)
  // instead of a refusal.
  bool wide_numeric_as_string = false;
};

// Maps one column; kInvalidArgument naming `table`, the column and its type when unsupported.
Result<MappedColumn> MapColumn(const std::string& table, const pg::PgColumn& column,
                               const MappingPolicy& policy = {});

// The decoding (pg/value_decoding.h, pg/copy_row_decoder.h) that yields values of `columns`'
// mapped types (row_encoder.h): their source columns, and the options the mapping implies (a
// numeric column mapped to string is decoded to its exact text).
std::vector<change::ColumnSchema> SourceColumnsOf(const std::vector<MappedColumn>& columns);
pg::DecodeOptions DecodeOptionsOf(const std::vector<MappedColumn>& columns);

}  // namespace pg2iceberg
