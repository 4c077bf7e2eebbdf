// Reads a table's shape from the Postgres catalogs: its oid, columns (in attribute order,
// dropped columns skipped) and primary key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "env/pg_connection.h"
#include "pg/pg_types.h"

namespace pg2iceberg::pg {

struct SourceTable {
  std::string schema_name;
  std::string table_name;
  uint32_t oid = 0;
  std::vector<PgColumn> columns;
  std::vector<std::string> primary_key;  // column names in key order; empty when none

  std::string QualifiedName() const { return schema_name + "." + table_name; }
};

// kNotFound naming the table when it does not exist (or is not a table, partitioned table or
// materialized view); connection errors as PgConnection reports them; kInternal naming the
// column and the text when the catalog answers a non-number where a number belongs.
Result<SourceTable> DescribeTable(PgConnection& connection, const std::string& schema_name,
                                  const std::string& table_name);

// One attribute of a table as the catalog holds it now, dropped ones included: an attnum is
// never reused, so the list tells a renamed column (same attnum) from a dropped and re-added
// one (a new attnum), whenever the change happened.
struct AttributeState {
  int attnum = 0;
  std::string name;  // "........pg.dropped.N........" once dropped
  bool dropped = false;
  // Added with a non-volatile DEFAULT: rows older than the column read that value, although
  // no change event ever carried it (pg_attribute.atthasmissing).
  bool has_missing = false;
  bool has_default = false;  // a DEFAULT expression is set now (pg_attrdef)
  std::string type_name;     // format_type(), e.g. "numeric(10,2)"
};

// Every attribute (attnum > 0) of the table with oid `relid`, in attnum order; empty when no
// such table exists. kInternal for a malformed catalog answer.
Result<std::vector<AttributeState>> DescribeAttributes(PgConnection& connection, uint32_t relid);

}  // namespace pg2iceberg::pg
