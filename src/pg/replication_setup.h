// What capture needs from the source before streaming: the cluster's identity, the
// publication of the mirrored tables, and the replication slot.
//
// Errors: connection errors as PgConnection reports them. An answer the server documents
// otherwise (a missing row, a NULL, a non-number where a number belongs, a malformed LSN) is
// kInternal naming the query and the text; nothing here throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "change/change.h"
#include "env/pg_connection.h"

namespace pg2iceberg::pg {

// IDENTIFY_SYSTEM's answer.
struct SystemIdentity {
  std::string system_identifier;
  int timeline = 0;
  change::Lsn wal_position = 0;
  std::string database;
};

// Runs IDENTIFY_SYSTEM on a replication connection.
Result<SystemIdentity> IdentifySystem(PgConnection& replication);

// A slot as pg_replication_slots shows it.
struct SlotInfo {
  std::string plugin;
  std::string slot_type;
  std::string database;
  bool temporary = false;
  change::Lsn confirmed_flush_lsn = 0;
  std::string wal_status;  // reserved | extended | unreserved | lost
  int active_pid = 0;      // the walsender reading it, 0 when none
};

// Drops the slot `slot_name` (not an error when there is none). kConflict when a process is
// reading it.
Status DropSlot(PgConnection& sql, const std::string& slot_name);

// The slot named `slot_name`; nullopt when there is none.
Result<std::optional<SlotInfo>> LoadSlot(PgConnection& sql, const std::string& slot_name);

// Creates a logical slot with the pgoutput plugin on a replication connection; returns its
// consistent point (the first LSN it decodes from). kConflict when the slot exists.
Result<change::Lsn> CreateSlot(PgConnection& replication, const std::string& slot_name);

// A temporary slot's consistent point and the snapshot it exported: a transaction that imports
// the snapshot (SET TRANSACTION SNAPSHOT) sees exactly the transactions that committed before
// the consistent point.
struct ExportedSnapshot {
  change::Lsn consistent_point = 0;
  std::string snapshot_name;
};

// Creates a TEMPORARY logical slot (pgoutput) that exports its snapshot, on a replication
// connection. The snapshot can be imported until the next command on `replication`; the slot
// disappears with the connection. Waits, as any slot creation, for the transactions running
// on the source to end.
Result<ExportedSnapshot> CreateTemporarySlotWithSnapshot(PgConnection& replication,
                                                         const std::string& slot_name);

struct TableName {
  std::string schema_name;
  std::string table_name;
  std::string QualifiedName() const { return schema_name + "." + table_name; }
};

// Makes `publication` publish every table in `tables`: creates it (with
// publish_via_partition_root, so a partitioned table's changes arrive under its own name) or
// adds the tables it lacks. Tables it already publishes are left alone.
Status EnsurePublication(PgConnection& sql, const std::string& publication,
                         const std::vector<TableName>& tables);

// The tables `publication` publishes (after partition-root resolution), as pg_publication_tables
// shows them. Empty when the publication does not exist.
Result<std::vector<TableName>> PublishedTables(PgConnection& sql, const std::string& publication);

// pg_class.oid of each table, in order; 0 for a table that does not exist.
Result<std::vector<uint32_t>> TableOids(PgConnection& sql, const std::vector<TableName>& tables);

// The START_REPLICATION command: pgoutput protocol 2 with streaming of large transactions,
// logical messages, and binary values when `binary` (PostgreSQL 14 and later).
std::string StartReplicationCommand(const std::string& slot_name, change::Lsn start,
                                    const std::string& publication, bool binary);

// kInvalidArgument unless `server_version` (e.g. 150004) is PostgreSQL 14 or later.
Status CheckServerVersion(int server_version);

}  // namespace pg2iceberg::pg
