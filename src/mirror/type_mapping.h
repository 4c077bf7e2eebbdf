// Maps Postgres columns to Iceberg types. The mapping is exact or refused: a type with no
// exact Iceberg counterpart is an error naming the table, column and type, never a lossy
// substitute.
#pragma once

#include <string>

#include "base/status.h"
#include "iceberg/schema.h"
#include "pg/pg_types.h"

namespace pg2iceberg {

struct MappedColumn {
  pg::PgColumn pg;
  pg::TypeOid oid;
  iceberg::Type iceberg_type;
};

// Maps one column; kInvalidArgument naming `table`, the column and its type when unsupported.
Result<MappedColumn> MapColumn(const std::string& table, const pg::PgColumn& column);

}  // namespace pg2iceberg
