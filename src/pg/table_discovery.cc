#include "pg/table_discovery.h"

#include "base/parse_number.h"

namespace pg2iceberg::pg {
namespace {

constexpr char kTableQuery[] = R"sql(
SELECT c.oid::text, c.relkind::text
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2)sql";

constexpr char kColumnsQuery[] = R"sql(
SELECT a.attname::text, a.atttypid::text, a.atttypmod::text, a.attnotnull::text,
       pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnum::text
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum)sql";

constexpr char kPrimaryKeyQuery[] = R"sql(
SELECT a.attname::text
FROM pg_catalog.pg_index i
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = $1::oid AND i.indisprimary
ORDER BY k.position)sql";

constexpr char kAttributesQuery[] = R"sql(
SELECT a.attnum::text, a.attname::text, a.attisdropped::text, a.atthasmissing::text,
       a.atthasdef::text, pg_catalog.format_type(a.atttypid, a.atttypmod)
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = $1::oid AND a.attnum > 0
ORDER BY a.attnum)sql";

Result<uint32_t> FindTableOid(PgConnection& connection, const std::string& schema_name,
                              const std::string& table_name) {
  ASSIGN_OR_RETURN(PgRows rows, connection.ExecParams(kTableQuery, {schema_name, table_name}));
  std::string qualified = schema_name + "." + table_name;
  if (rows.rows.empty()) {
    return Status::NotFound("table " + qualified + " does not exist in the source database");
  }
  const std::string relkind = rows.rows[0][1].value_or("");
  if (relkind != "r" && relkind != "p") {
    return Status::InvalidArgument(qualified + " is not a table (relkind " + relkind + ")");
  }
  return ParseUint32(rows.rows[0][0].value_or(""), "pg_class.oid of " + qualified,
                     StatusCode::kInternal);
}

Result<PgColumn> ColumnFromRow(const std::vector<std::optional<std::string>>& row) {
  PgColumn column;
  column.name = row[0].value_or("");
  const std::string of = " of column \"" + column.name + "\"";
  ASSIGN_OR_RETURN(column.type_oid, ParseUint32(row[1].value_or(""), "pg_attribute.atttypid" + of,
                                                StatusCode::kInternal));
  ASSIGN_OR_RETURN(
      column.type_modifier,
      ParseInt32(row[2].value_or(""), "pg_attribute.atttypmod" + of, StatusCode::kInternal));
  column.not_null = row[3].value_or("") == "true";
  column.type_name = row[4].value_or("");
  ASSIGN_OR_RETURN(column.attnum, ParseInt32(row[5].value_or(""), "pg_attribute.attnum" + of,
                                             StatusCode::kInternal));
  return column;
}

}  // namespace

Result<SourceTable> DescribeTable(PgConnection& connection, const std::string& schema_name,
                                  const std::string& table_name) {
  SourceTable table{schema_name, table_name, 0, {}, {}};
  ASSIGN_OR_RETURN(table.oid, FindTableOid(connection, schema_name, table_name));
  std::string oid = std::to_string(table.oid);
  ASSIGN_OR_RETURN(PgRows columns, connection.ExecParams(kColumnsQuery, {oid}));
  for (const auto& row : columns.rows) {
    if (row.size() != 6) return Status::Internal("unexpected column query shape");
    ASSIGN_OR_RETURN(PgColumn column, ColumnFromRow(row));
    table.columns.push_back(std::move(column));
  }
  if (table.columns.empty()) {
    return Status::InvalidArgument("table " + table.QualifiedName() + " has no columns");
  }
  ASSIGN_OR_RETURN(PgRows key, connection.ExecParams(kPrimaryKeyQuery, {oid}));
  for (const auto& row : key.rows) table.primary_key.push_back(row[0].value_or(""));
  return table;
}

Result<std::vector<AttributeState>> DescribeAttributes(PgConnection& connection, uint32_t relid) {
  ASSIGN_OR_RETURN(PgRows rows, connection.ExecParams(kAttributesQuery, {std::to_string(relid)}));
  std::vector<AttributeState> attributes;
  for (const auto& row : rows.rows) {
    if (row.size() != 6) return Status::Internal("unexpected pg_attribute query shape");
    AttributeState attribute;
    ASSIGN_OR_RETURN(attribute.attnum,
                     ParseInt32(row[0].value_or(""), "pg_attribute.attnum", StatusCode::kInternal));
    attribute.name = row[1].value_or("");
    attribute.dropped = row[2].value_or("") == "true";
    attribute.has_missing = row[3].value_or("") == "true";
    attribute.has_default = row[4].value_or("") == "true";
    attribute.type_name = row[5].value_or("");
    attributes.push_back(std::move(attribute));
  }
  return attributes;
}

}  // namespace pg2iceberg::pg
