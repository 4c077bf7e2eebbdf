// Everything decided about one table before any data moves: its source shape, the Iceberg
// schema it maps to, where the Iceberg table lives, and the table's current Iceberg state.
// Planning every table first is what lets bad input fail before anything is written.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "env/env.h"
#include "env/object_store.h"
#include "iceberg/catalog.h"
#include "iceberg/schema.h"
#include "iceberg/table_commit.h"
#include "pg/table_discovery.h"
#include "table/schema_evolution.h"
#include "table/table_stores.h"
#include "table/type_mapping.h"

namespace pg2iceberg {

struct TablePlan {
  pg::SourceTable source;
  std::vector<MappedColumn> columns;         // in attribute order, as COPY sends them
  std::vector<SourceColumn> source_columns;  // `columns` as schema evolution sees them
  // The schema the data files are written with, fields in `columns` order: a new table's, or
  // an existing table's current schema evolved to the source (schema_evolution.h). The
  // snapshot's commit makes it current when it differs.
  iceberg::Schema schema;
  // The configured partitioning (tables[].iceberg.partition) over `schema`; no fields when
  // unpartitioned. A new table is created with it; an existing one must already have it.
  iceberg::PartitionSpec partition_spec;
  std::vector<std::string> partition_entries;  // as configured, to rebuild the spec
  // Table properties the snapshot's commit sets: kFieldIdsProperty for `schema`.
  std::map<std::string, std::string> properties;
  std::string key_prefix;     // object-store key of the table root, e.g. "public/orders"
  iceberg::TableState state;  // metadata_location empty when the Iceberg table is new
  // Where the table's files are written (sink.warehouse with the sink's own or the catalog's
  // vended credentials); set by ResolveIcebergTable, owned by its TableStores.
  ObjectStore* store = nullptr;
  int format_version = 2;  // tables[].iceberg.format_version
};

// Reads and maps one source table: kNotFound / kInvalidArgument naming the table (missing
// table, unsupported type, unknown or nullable primary-key override, a partition entry that is
// malformed, names an unknown column or a transform the column's type does not take, an
// option not built yet).
Result<TablePlan> PlanSourceTable(const TableConfig& table, const SinkConfig& sink,
                                  PgConnection& source);
// PlanSourceTable's part that reads nothing: the plan of a table already described, its column
// types resolved to built-in ones (what the simulator's source provides without SQL).
Result<TablePlan> PlanDescribedTable(const TableConfig& table, const SinkConfig& sink,
                                     pg::SourceTable described);

// Fills plan.state from the catalog: loads an existing table (its current schema evolved to
// the source: plan.schema keeps its field ids, renames, widens, adds and drops fields, or the
// change is refused with kInvalidArgument before anything is written; its default partition
// spec must have the configured fields over that schema: kInvalidArgument otherwise) or
// prepares the metadata of a new one (with the configured partition spec). Logs each schema
// change. Then picks
// plan.store with what the catalog vends for the table: the load answer's storage settings,
// or for a new table those of a staged create (Catalog::NewTableStorageConfig), so data files
// are written with the credentials the catalog grants before the table exists.
Status ResolveIcebergTable(TablePlan& plan, iceberg::Catalog& catalog, TableStores& stores,
                           Env& env);

// After a commit of `plan` failed with kConflict (the table moved on since it was loaded):
// reloads plan.state and evolves the source schema against it again, keeping plan.store (the
// data files are already written there). kConflict when the schema this gives differs from
// the one the data files were written with (another writer changed the table's schema: run
// the snapshot again); errors of ResolveIcebergTable otherwise.
Status ReloadIcebergTable(TablePlan& plan, iceberg::Catalog& catalog, TableStores& stores,
                          Env& env);

}  // namespace pg2iceberg
