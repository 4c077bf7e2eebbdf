// Making the snapshot's read of the source safe, inside the REPEATABLE READ transaction that
// imported the consistent point's snapshot (snapshot.cc):
//
// - LockSnapshotTables takes ACCESS SHARE on every table up front, as pg_dump does. TRUNCATE
//   and table-rewriting ALTER TABLE are not MVCC-safe: committed by another session before the
//   snapshot reads a table, they make it read as empty under the imported snapshot, and logical
//   decoding never repairs that. The locks make them wait until the snapshot's transaction ends.
// - CheckSnapshotTables then proves that what the locks protect is what the snapshot sees: a
//   table dropped and recreated, truncated or rewritten after the consistent point but before
//   its lock was granted (for instance by a session the lock had to wait for) is refused, and
//   so is a table whose row-level security policies would filter the copy (pgoutput ignores row
//   security, so the snapshot and capture would diverge).
//
// Both run on the snapshot's connection, which must be in that transaction; neither writes.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "env/pg_connection.h"
#include "table/table_plan.h"

namespace pg2iceberg {

// Locks every table of `tables` that the snapshot copies (not skip_snapshot), in config order,
// IN ACCESS SHARE MODE (a partitioned table with its partitions), held until the transaction
// ends. Each lock waits at most `lock_timeout_ms` (> 0). Errors:
//   kUnavailable  a lock not granted in time; the message names the table, the sessions that
//                 hold or wait for a conflicting lock on it (pid, user, application, state,
//                 query), and the way out. The transaction is rolled back.
//   kNotFound     a table that does not exist (now);
//   others        as the connection reports them, with "locking table X" as context.
Status LockSnapshotTables(PgConnection& source, const std::vector<TableConfig>& tables,
                          int64_t lock_timeout_ms);

// After LockSnapshotTables and planning (plan.source.oid is the table's pg_class.oid as the
// imported snapshot sees it), for each plan:
//   kConflict         the name now names another table (dropped and recreated, or renamed),
//                     or the table or one of its partitions was truncated or rewritten
//                     (TRUNCATE, ALTER TABLE … TYPE, VACUUM FULL, CLUSTER) since the
//                     consistent point: its rows would read as missing. Run the snapshot again.
//   kInvalidArgument  row-level security applies to the connecting role on the table; names the
//                     privilege that is missing (BYPASSRLS, ownership, or policies disabled).
Status CheckSnapshotTables(PgConnection& source, const std::vector<TablePlan>& plans);

// `status` of copying `plan`'s rows, explained when Postgres refused the read because of
// row-level security (SQLSTATE 42501 under row_security = off): the same kInvalidArgument as
// CheckSnapshotTables gives. Other statuses are returned as they are.
Status ExplainCopyRefusal(Status status, const TablePlan& plan);

}  // namespace pg2iceberg
