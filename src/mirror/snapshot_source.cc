#include "mirror/snapshot_source.h"

#include <string>

#include "base/check.h"

namespace pg2iceberg {
namespace {

std::string Quoted(const std::string& schema_name, const std::string& table_name) {
  return QuoteIdentifier(schema_name) + "." + QuoteIdentifier(table_name);
}

bool HasSqlState(const Status& status, std::string_view sqlstate) {
  return status.message().find("SQLSTATE " + std::string(sqlstate)) != std::string::npos;
}

std::string Cell(const std::vector<std::optional<std::string>>& row, size_t column) {
  return column < row.size() ? row[column].value_or("") : "";
}

// Sessions holding, or queued for, a lock on `quoted` (or a partition of it) that conflicts with
// ACCESS SHARE: only ACCESS EXCLUSIVE does.
constexpr std::string_view kBlockersQuery = R"sql(
SELECT l.pid::text, l.granted::text, coalesce(a.usename::text, ''),
       coalesce(a.application_name, ''), coalesce(a.state, ''),
       coalesce(left(regexp_replace(a.query, '\s+', ' ', 'g'), 160), '')
FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.pid <> pg_backend_pid()
  AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
  AND (l.relation = pg_catalog.to_regclass($1)
       OR l.relation IN (SELECT relid FROM pg_catalog.pg_partition_tree(pg_catalog.to_regclass($1))))
ORDER BY l.granted DESC, l.pid
LIMIT 5)sql";

// "process 123 (user u, application "psql", idle in transaction: LOCK TABLE …) holds", one per
// session; empty when none is found (the lock was released meanwhile).
std::string DescribeBlockers(PgConnection& source, const std::string& quoted) {
  Result<PgRows> rows = source.ExecParams(kBlockersQuery, {quoted});
  if (!rows.ok()) return "";
  std::string out;
  for (const auto& row : rows->rows) {
    const std::string pid = Cell(row, 0);
    out += (out.empty() ? "" : "; ") + std::string("process ") + pid + " (user " + Cell(row, 2) +
           ", application \"" + Cell(row, 3) + "\", " + Cell(row, 4) + ": " + Cell(row, 5) + ") " +
           (Cell(row, 1) == "true" ? "holds" : "waits for") + " an ACCESS EXCLUSIVE lock on it";
  }
  return out;
}

Status LockTimedOut(PgConnection& source, const TableConfig& table, int64_t lock_timeout_ms,
                    const Status& original) {
  // The failed LOCK aborted the transaction; the snapshot is over, so look around outside it.
  (void)source.Exec("ROLLBACK");
  const std::string quoted = Quoted(table.schema_name, table.table_name);
  std::string blockers = DescribeBlockers(source, quoted);
  if (blockers.empty()) blockers = "another session held an ACCESS EXCLUSIVE lock on it";
  return Status::Unavailable(
      "could not lock table " + table.schema_name + "." + table.table_name +
      " IN ACCESS SHARE MODE within " + std::to_string(lock_timeout_ms) +
      " ms (source.postgres.lock_timeout): " + blockers +
      ". An ALTER TABLE, TRUNCATE, DROP, VACUUM FULL, CLUSTER or REINDEX is running or queued on "
      "the table; let it finish (or end that session with SELECT pg_terminate_backend(pid)) and "
      "run the snapshot again, or raise source.postgres.lock_timeout [" +
      original.message() + "]");
}

// The row of `plan`'s table tree (the table and, under the snapshot, its partitions) whose
// storage differs from the one the snapshot sees; empty rows when none does.
constexpr std::string_view kRewrittenQuery = R"sql(
WITH RECURSIVE tree(relid) AS (
  SELECT $1::oid
  UNION ALL
  SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN tree t ON i.inhparent = t.relid)
SELECT n.nspname::text || '.' || c.relname::text
FROM tree JOIN pg_catalog.pg_class c ON c.oid = tree.relid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relfilenode <> coalesce(pg_catalog.pg_relation_filenode(c.oid), 0)
LIMIT 1)sql";

Status CheckSameTable(PgConnection& source, const TablePlan& plan) {
  const std::string name = plan.source.QualifiedName();
  ASSIGN_OR_RETURN(
      PgRows now,
      source.ExecParams("SELECT coalesce(pg_catalog.to_regclass($1)::oid::int8, 0)::text",
                        {Quoted(plan.source.schema_name, plan.source.table_name)}));
  const std::string oid_now = now.rows.empty() ? "" : Cell(now.rows[0], 0);
  if (oid_now != std::to_string(plan.source.oid)) {
    return Status::Conflict(
        "table " + name + " was dropped and recreated (or renamed) after the snapshot's " +
        "point in time: pg_class.oid " + std::to_string(plan.source.oid) + " then, " + oid_now +
        " now; its rows cannot be read as of that point. Run the snapshot again");
  }
  ASSIGN_OR_RETURN(PgRows rewritten,
                   source.ExecParams(kRewrittenQuery, {std::to_string(plan.source.oid)}));
  if (rewritten.rows.empty()) return Status::Ok();
  const std::string relation = Cell(rewritten.rows[0], 0);
  return Status::Conflict(
      "table " + name + (relation == name ? "" : " (its partition " + relation + ")") +
      " was truncated or rewritten (TRUNCATE, ALTER TABLE … TYPE, VACUUM FULL, CLUSTER) " +
      "after the snapshot's point in time, before the snapshot could lock it; its rows " +
      "would read as missing. Run the snapshot again");
}

constexpr std::string_view kRowSecurityQuery = R"sql(
SELECT pg_catalog.row_security_active(c.oid)::text, current_user::text,
       pg_catalog.pg_get_userbyid(c.relowner)::text, c.relforcerowsecurity::text
FROM pg_catalog.pg_class c WHERE c.oid = $1::oid)sql";

// What lifts row security for the snapshot's role on `quoted`.
std::string RowSecurityWayOut(const std::string& quoted, const std::string& role,
                              const std::string& owner, bool forced) {
  std::string way_out =
      "give the role BYPASSRLS (ALTER ROLE " + QuoteIdentifier(role) + " BYPASSRLS), ";
  if (role == owner && forced) {
    way_out += "let the owner bypass the policies again (ALTER TABLE " + quoted +
               " NO FORCE ROW LEVEL SECURITY)";
  } else {
    way_out +=
        "connect as the table's owner (" + owner + ", unless the table forces row level security)";
  }
  return way_out + ", or disable row-level security on the table (ALTER TABLE " + quoted +
         " DISABLE ROW LEVEL SECURITY)";
}

Status CheckRowSecurity(PgConnection& source, const TablePlan& plan) {
  ASSIGN_OR_RETURN(PgRows rows,
                   source.ExecParams(kRowSecurityQuery, {std::to_string(plan.source.oid)}));
  if (rows.rows.empty() || Cell(rows.rows[0], 0) != "true") return Status::Ok();
  const auto& row = rows.rows[0];
  const std::string role = Cell(row, 1);
  return Status::InvalidArgument(
      "table " + plan.source.QualifiedName() + " has row-level security and role \"" + role +
      "\" is subject to its policies: the snapshot would copy only the rows they let the role see, "
      "while capture receives every row. The role lacks the BYPASSRLS attribute; " +
      RowSecurityWayOut(Quoted(plan.source.schema_name, plan.source.table_name), role, Cell(row, 2),
                        Cell(row, 3) == "true"));
}

}  // namespace

Status LockSnapshotTables(PgConnection& source, const std::vector<TableConfig>& tables,
                          int64_t lock_timeout_ms) {
  CHECK_MSG(lock_timeout_ms > 0, "LockSnapshotTables: lock timeout must be positive");
  RETURN_IF_ERROR(
      source.Exec("SET LOCAL lock_timeout = " + std::to_string(lock_timeout_ms)).status());
  for (const TableConfig& table : tables) {
    if (table.skip_snapshot) continue;
    const std::string quoted = Quoted(table.schema_name, table.table_name);
    Status locked = source.Exec("LOCK TABLE " + quoted + " IN ACCESS SHARE MODE").status();
    const std::string name = table.schema_name + "." + table.table_name;
    if (HasSqlState(locked, "55P03")) return LockTimedOut(source, table, lock_timeout_ms, locked);
    if (HasSqlState(locked, "42P01")) {
      return Status::NotFound("table " + name + " does not exist in the source database");
    }
    RETURN_IF_ERROR(locked.WithContext("locking table " + name));
  }
  // Back to the session's default for the rest of the transaction (nothing else waits on locks).
  return source.Exec("SET LOCAL lock_timeout TO DEFAULT").status();
}

Status CheckSnapshotTables(PgConnection& source, const std::vector<TablePlan>& plans) {
  for (const TablePlan& plan : plans) {
    RETURN_IF_ERROR(CheckSameTable(source, plan));
    RETURN_IF_ERROR(CheckRowSecurity(source, plan));
  }
  return Status::Ok();
}

Status ExplainCopyRefusal(Status status, const TablePlan& plan) {
  if (!HasSqlState(status, "42501") ||
      status.message().find("row-level security") == std::string::npos) {
    return status;
  }
  return Status::InvalidArgument("table " + plan.source.QualifiedName() +
                                 ": row-level security applies to the connecting role, so Postgres "
                                 "refused the snapshot's read (row_security = off: never a "
                                 "filtered subset). Give the role BYPASSRLS, connect as the "
                                 "table's owner (unless the table forces row level security), or "
                                 "disable row-level security on the table [" +
                                 status.message() + "]");
}

}  // namespace pg2iceberg
