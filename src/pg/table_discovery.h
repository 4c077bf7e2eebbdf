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

}  // namespace pg2iceberg::pg
