#include "pg/replication_setup.h"

#include <algorithm>

#include "base/parse_number.h"

namespace pg2iceberg::pg {
namespace {

Result<std::string> Cell(const PgRows& rows, size_t row, size_t column, std::string_view what) {
  if (rows.rows.size() <= row || rows.rows[row].size() <= column || !rows.rows[row][column]) {
    return Status::Internal("unexpected answer to " + std::string(what));
  }
  return *rows.rows[row][column];
}

// A server answer outside its protocol is kInternal, naming the query and the text.
template <typename T>
Result<T> NumberCell(const PgRows& rows, size_t row, size_t column, std::string_view what,
                     Result<T> (*parse)(std::string_view, std::string_view, StatusCode)) {
  ASSIGN_OR_RETURN(const std::string text, Cell(rows, row, column, what));
  const std::string name =
      std::string(what) + " column " +
      (column < rows.column_names.size() ? rows.column_names[column] : std::to_string(column + 1));
  return parse(text, name, StatusCode::kInternal);
}

Result<change::Lsn> LsnCell(const PgRows& rows, size_t row, size_t column, std::string_view what) {
  ASSIGN_OR_RETURN(const std::string text, Cell(rows, row, column, what));
  Result<change::Lsn> lsn = change::ParseLsn(text);
  if (!lsn.ok())
    return Status::Internal("unexpected answer to " + std::string(what) + ": " +
                            lsn.status().message());
  return *lsn;
}

std::string Qualified(const TableName& table) {
  return QuoteIdentifier(table.schema_name) + "." + QuoteIdentifier(table.table_name);
}

bool Contains(const std::vector<TableName>& tables, const TableName& table) {
  return std::any_of(tables.begin(), tables.end(), [&](const TableName& t) {
    return t.schema_name == table.schema_name && t.table_name == table.table_name;
  });
}

}  // namespace

Result<SystemIdentity> IdentifySystem(PgConnection& replication) {
  ASSIGN_OR_RETURN(PgRows rows, replication.Exec("IDENTIFY_SYSTEM"));
  SystemIdentity identity;
  ASSIGN_OR_RETURN(identity.system_identifier, Cell(rows, 0, 0, "IDENTIFY_SYSTEM"));
  ASSIGN_OR_RETURN(identity.timeline, NumberCell(rows, 0, 1, "IDENTIFY_SYSTEM", &ParseInt32));
  ASSIGN_OR_RETURN(identity.wal_position, LsnCell(rows, 0, 2, "IDENTIFY_SYSTEM"));
  ASSIGN_OR_RETURN(identity.database, Cell(rows, 0, 3, "IDENTIFY_SYSTEM"));
  return identity;
}

Result<std::optional<SlotInfo>> LoadSlot(PgConnection& sql, const std::string& slot_name) {
  ASSIGN_OR_RETURN(
      PgRows rows,
      sql.ExecParams(
          "SELECT coalesce(plugin, ''), slot_type, coalesce(database, ''),"
          " temporary::text, coalesce(confirmed_flush_lsn, '0/0')::text,"
          " coalesce(wal_status, ''), coalesce(active_pid, 0)::text FROM pg_replication_slots"
          " WHERE slot_name = $1",
          {slot_name}));
  if (rows.rows.empty()) return std::optional<SlotInfo>();
  SlotInfo slot;
  ASSIGN_OR_RETURN(slot.plugin, Cell(rows, 0, 0, "pg_replication_slots"));
  ASSIGN_OR_RETURN(slot.slot_type, Cell(rows, 0, 1, "pg_replication_slots"));
  ASSIGN_OR_RETURN(slot.database, Cell(rows, 0, 2, "pg_replication_slots"));
  ASSIGN_OR_RETURN(std::string temporary, Cell(rows, 0, 3, "pg_replication_slots"));
  ASSIGN_OR_RETURN(slot.confirmed_flush_lsn, LsnCell(rows, 0, 4, "pg_replication_slots"));
  ASSIGN_OR_RETURN(slot.wal_status, Cell(rows, 0, 5, "pg_replication_slots"));
  ASSIGN_OR_RETURN(slot.active_pid, NumberCell(rows, 0, 6, "pg_replication_slots", &ParseInt32));
  slot.temporary = temporary == "true";
  return std::optional<SlotInfo>(std::move(slot));
}

Status DropSlot(PgConnection& sql, const std::string& slot_name) {
  ASSIGN_OR_RETURN(std::optional<SlotInfo> slot, LoadSlot(sql, slot_name));
  if (!slot) return Status::Ok();
  if (slot->active_pid != 0) {
    return Status::Conflict("replication slot \"" + slot_name + "\" is being read by process " +
                            std::to_string(slot->active_pid) +
                            "; stop the pg2iceberg that streams it first");
  }
  return sql.ExecParams("SELECT pg_drop_replication_slot($1)", {slot_name})
      .status()
      .WithContext("dropping replication slot " + slot_name);
}

Result<change::Lsn> CreateSlot(PgConnection& replication, const std::string& slot_name) {
  Result<PgRows> rows = replication.Exec("CREATE_REPLICATION_SLOT " + QuoteIdentifier(slot_name) +
                                         " LOGICAL pgoutput NOEXPORT_SNAPSHOT");
  if (!rows.ok()) {
    if (rows.status().message().find("42710") != std::string::npos) {
      return Status::Conflict("replication slot " + slot_name + " already exists");
    }
    return rows.status().WithContext("creating replication slot " + slot_name);
  }
  return LsnCell(*rows, 0, 1, "CREATE_REPLICATION_SLOT");
}

Result<ExportedSnapshot> CreateTemporarySlotWithSnapshot(PgConnection& replication,
                                                         const std::string& slot_name) {
  Result<PgRows> rows = replication.Exec("CREATE_REPLICATION_SLOT " + QuoteIdentifier(slot_name) +
                                         " TEMPORARY LOGICAL pgoutput EXPORT_SNAPSHOT");
  if (!rows.ok())
    return rows.status().WithContext("creating temporary replication slot " + slot_name);
  ExportedSnapshot exported;
  ASSIGN_OR_RETURN(exported.consistent_point, LsnCell(*rows, 0, 1, "CREATE_REPLICATION_SLOT"));
  ASSIGN_OR_RETURN(exported.snapshot_name, Cell(*rows, 0, 2, "CREATE_REPLICATION_SLOT"));
  return exported;
}

Status EnsurePublication(PgConnection& sql, const std::string& publication,
                         const std::vector<TableName>& tables) {
  ASSIGN_OR_RETURN(
      PgRows exists,
      sql.ExecParams("SELECT puballtables::text FROM pg_publication WHERE pubname = $1",
                     {publication}));
  std::string list;
  if (exists.rows.empty()) {
    for (const TableName& table : tables) list += (list.empty() ? "" : ", ") + Qualified(table);
    return sql
        .Exec("CREATE PUBLICATION " + QuoteIdentifier(publication) + " FOR TABLE " + list +
              " WITH (publish_via_partition_root = true)")
        .status()
        .WithContext("creating publication " + publication);
  }
  ASSIGN_OR_RETURN(PgRows via_root,
                   sql.ExecParams("SELECT pubviaroot::text FROM pg_publication WHERE pubname = $1",
                                  {publication}));
  ASSIGN_OR_RETURN(const std::string pubviaroot, Cell(via_root, 0, 0, "pg_publication"));
  if (pubviaroot != "true") {
    // Without it, changes of a partitioned table arrive under each partition's name.
    RETURN_IF_ERROR(
        sql.Exec("ALTER PUBLICATION " + QuoteIdentifier(publication) +
                 " SET (publish_via_partition_root = true)")
            .status()
            .WithContext("setting publish_via_partition_root on publication " + publication));
  }
  ASSIGN_OR_RETURN(const std::string all_tables, Cell(exists, 0, 0, "pg_publication"));
  if (all_tables == "true") return Status::Ok();
  ASSIGN_OR_RETURN(std::vector<TableName> published, PublishedTables(sql, publication));
  for (const TableName& table : tables) {
    if (!Contains(published, table)) list += (list.empty() ? "" : ", ") + Qualified(table);
  }
  if (list.empty()) return Status::Ok();
  return sql.Exec("ALTER PUBLICATION " + QuoteIdentifier(publication) + " ADD TABLE " + list)
      .status()
      .WithContext("adding tables to publication " + publication);
}

Result<std::vector<TableName>> PublishedTables(PgConnection& sql, const std::string& publication) {
  ASSIGN_OR_RETURN(
      PgRows rows,
      sql.ExecParams("SELECT schemaname::text, tablename::text FROM pg_publication_tables"
                     " WHERE pubname = $1 ORDER BY 1, 2",
                     {publication}));
  std::vector<TableName> tables;
  for (size_t i = 0; i < rows.rows.size(); ++i) {
    ASSIGN_OR_RETURN(std::string schema_name, Cell(rows, i, 0, "pg_publication_tables"));
    ASSIGN_OR_RETURN(std::string table_name, Cell(rows, i, 1, "pg_publication_tables"));
    tables.push_back({std::move(schema_name), std::move(table_name)});
  }
  return tables;
}

Result<std::vector<uint32_t>> TableOids(PgConnection& sql, const std::vector<TableName>& tables) {
  std::vector<uint32_t> oids;
  for (const TableName& table : tables) {
    ASSIGN_OR_RETURN(
        PgRows rows,
        sql.ExecParams("SELECT c.oid::bigint FROM pg_class c JOIN pg_namespace n ON"
                       " n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2"
                       " AND c.relkind IN ('r', 'p')",
                       {table.schema_name, table.table_name}));
    if (rows.rows.empty()) {
      oids.push_back(0);
      continue;
    }
    ASSIGN_OR_RETURN(const uint32_t oid, NumberCell(rows, 0, 0, "pg_class", &ParseUint32));
    oids.push_back(oid);
  }
  return oids;
}

std::string StartReplicationCommand(const std::string& slot_name, change::Lsn start,
                                    const std::string& publication, bool binary) {
  return "START_REPLICATION SLOT " + QuoteIdentifier(slot_name) + " LOGICAL " +
         change::FormatLsn(start) + " (proto_version '2', publication_names " +
         QuoteLiteral(QuoteIdentifier(publication)) +
         ", streaming 'on', messages 'true', binary '" + (binary ? "true" : "false") + "')";
}

Status CheckServerVersion(int server_version) {
  if (server_version >= 140000) return Status::Ok();
  return Status::InvalidArgument(
      "capture needs PostgreSQL 14 or later (pgoutput protocol 2: large transactions "
      "streamed, binary values); the source runs " +
      std::to_string(server_version / 10000) + "." + std::to_string(server_version % 10000));
}

}  // namespace pg2iceberg::pg
