// Following a source table's schema change mid-stream (docs/materializer.md, "Schema changes").
//
// A pgoutput Relation message names a table's columns in attribute order, but not their
// attnums, so a rename looks like a drop and an add, and a column dropped and added again under
// its name and type looks like no change at all. What tells them apart is pg_attribute, which
// keeps every attnum a table ever had (dropped ones included) and never reuses one — but as of
// now, not as of the change, which may be older. ResolveAttnums matches each column of the new
// description to an attnum by rules that hold whatever happened since, where the catalog can
// prove it, and stops the mirror where no consistent match exists.
//
// Pure functions, plus the interface through which the materializer reads the source catalog.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "change/change.h"
#include "iceberg/schema.h"
#include "pg/table_discovery.h"
#include "table/schema_evolution.h"

namespace pg2iceberg::materializer {

// The source catalog as the materializer reads it when a table's schema changes.
class SourceCatalog {
 public:
  virtual ~SourceCatalog() = default;
  // Every attribute of the table with oid `relid`, dropped ones included, in attnum order.
  virtual Result<std::vector<pg::AttributeState>> Attributes(uint32_t relid) = 0;
  // format_type(type_oid, type_modifier), for messages.
  virtual Result<std::string> TypeName(uint32_t type_oid, int32_t type_modifier) = 0;
};

// What a way out from a schema change the mirror cannot follow says: reload the table.
std::string ReloadAdvice(std::string_view iceberg_table);

// A column of the Iceberg table as the mirror holds it: its source attnum (from
// kFieldIdsProperty), its name and Iceberg type.
struct MirroredColumn {
  int attnum = 0;
  std::string name;
  iceberg::Type type;
};

// The attnum of each column of `staged` (a new description of a mirrored table, its columns
// mapping to `staged_types`), given `current` (the Iceberg table's columns, in order) and
// `attributes` (today's pg_attribute rows of the table). The rules, in order
// (docs/materializer.md, "Schema changes"):
//   1. a column of a current column's name is that column, unless its type changed and that
//      column's attnum is dropped by now while a newer one of the name is alive (dropped and
//      added again);
//   2. a current column left over whose attnum is still alive was renamed: it is the one
//      column of the description left over between its neighbours;
//   3. the rest were added: the earliest attnums newer than every current one, in order.
// The columns left over in `current` were dropped. kDataLoss naming `table`, the column and
// `ReloadAdvice(iceberg_table)` when the rules find no consistent match, and when an added
// column has a DEFAULT (the rows that existed hold its value in PostgreSQL although no change
// event carried it).
Result<std::vector<int>> ResolveAttnums(std::string_view table, std::string_view iceberg_table,
                                        const change::TableSchema& staged,
                                        const std::vector<iceberg::Type>& staged_types,
                                        const std::vector<MirroredColumn>& current,
                                        const std::vector<pg::AttributeState>& attributes);

}  // namespace pg2iceberg::materializer
