#include "stage/coordinator_checksums.h"
#include "stage/coordinator_fields.h"
#include "stage/pg_coordinator.h"

namespace pg2iceberg::stage {
namespace {

using change::FormatLsn;
using change::Lsn;

std::optional<std::string> LsnOrNull(change::Lsn lsn) {
  if (lsn == 0) return std::nullopt;
  return FormatLsn(lsn);
}

Status ChecksumMismatch(const std::string& what) {
  return Status::DataLoss(
      "coordinator row " + what +
      " fails its checksum: it was changed outside pg2iceberg, so the capture state "
      "cannot be trusted. Restore the schema from a backup, or drop the coordinator "
      "schema, the replication slot and the mirrored Iceberg tables and mirror afresh "
      "(pg2iceberg cleanup)");
}

}  // namespace

PgCoordinator::PgCoordinator(PgConnection& connection, std::string schema, std::string group)
    : connection_(connection), schema_(std::move(schema)), group_(std::move(group)) {}

Result<std::unique_ptr<PgCoordinator>> PgCoordinator::Open(PgConnection& connection,
                                                           std::string schema, std::string group) {
  RETURN_IF_ERROR(MigrateCoordinator(connection, schema).status());
  return std::unique_ptr<PgCoordinator>(
      new PgCoordinator(connection, std::move(schema), std::move(group)));
}

std::string PgCoordinator::Table(std::string_view name) const {
  return QuoteIdentifier(schema_) + "." + std::string(name);
}

Result<std::optional<CaptureState>> PgCoordinator::LoadCapture() {
  return SelectCapture(/*for_update=*/false);
}

Result<std::optional<CaptureState>> PgCoordinator::SelectCapture(bool for_update) {
  ASSIGN_OR_RETURN(
      PgRows rows,
      connection_.ExecParams(
          "SELECT system_identifier, database_name, slot_name, publication_name, "
          "slot_created_lsn, flushed_lsn, checksum FROM " +
              Table("capture") + " WHERE group_name = $1" + (for_update ? " FOR UPDATE" : ""),
          {group_}));
  if (rows.rows.empty()) return std::optional<CaptureState>();
  const std::vector<Cell>& row = rows.rows[0];
  CaptureState s;
  ASSIGN_OR_RETURN(s.system_identifier, TextField(row[0], "capture.system_identifier"));
  ASSIGN_OR_RETURN(s.database, TextField(row[1], "capture.database_name"));
  ASSIGN_OR_RETURN(s.slot_name, TextField(row[2], "capture.slot_name"));
  ASSIGN_OR_RETURN(s.publication_name, TextField(row[3], "capture.publication_name"));
  ASSIGN_OR_RETURN(s.slot_created_lsn, LsnField(row[4], "capture.slot_created_lsn"));
  ASSIGN_OR_RETURN(s.flushed_lsn, LsnField(row[5], "capture.flushed_lsn"));
  ASSIGN_OR_RETURN(std::string checksum, TextField(row[6], "capture.checksum"));
  if (checksum != CaptureChecksum(group_, s))
    return ChecksumMismatch(Table("capture") + " (group " + group_ + ")");
  return std::optional<CaptureState>(std::move(s));
}

Status PgCoordinator::CreateCapture(const CaptureState& s) {
  Result<PgRows> inserted = connection_.ExecParams(
      "INSERT INTO " + Table("capture") +
          " (group_name, system_identifier, database_name, slot_name, publication_name, "
          "slot_created_lsn,"
          " flushed_lsn, checksum) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING "
          "RETURNING 1",
      {group_, s.system_identifier, s.database, s.slot_name, s.publication_name,
       FormatLsn(s.slot_created_lsn), FormatLsn(s.flushed_lsn), CaptureChecksum(group_, s)});
  RETURN_IF_ERROR(inserted.status());
  if (inserted->rows.empty())
    return Status::Conflict("group " + group_ + " already has capture state");
  return Status::Ok();
}

Result<std::vector<TableState>> PgCoordinator::LoadTables() {
  ASSIGN_OR_RETURN(
      PgRows rows,
      connection_.ExecParams("SELECT table_id, schema_name, table_name, relid, next_offset, "
                             "checksum, added_lsn FROM " +
                                 Table("tables") + " WHERE group_name = $1 ORDER BY table_id",
                             {group_}));
  std::vector<TableState> tables;
  for (const std::vector<Cell>& row : rows.rows) {
    TableState t;
    ASSIGN_OR_RETURN(t.table_id, IntField(row[0], "tables.table_id"));
    ASSIGN_OR_RETURN(t.schema_name, TextField(row[1], "tables.schema_name"));
    ASSIGN_OR_RETURN(t.table_name, TextField(row[2], "tables.table_name"));
    ASSIGN_OR_RETURN(t.relid, OidField(row[3], "tables.relid"));
    ASSIGN_OR_RETURN(t.next_offset, IntField(row[4], "tables.next_offset"));
    ASSIGN_OR_RETURN(std::string checksum, TextField(row[5], "tables.checksum"));
    // NULL in rows of schema version 1 (see TableChecksum).
    if (row[6]) {
      ASSIGN_OR_RETURN(t.added_lsn, LsnField(row[6], "tables.added_lsn"));
    }
    if (checksum != TableChecksum(group_, t)) {
      return ChecksumMismatch(Table("tables") + " (table " + t.QualifiedName() + ")");
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

Result<TableState> PgCoordinator::RegisterTable(const std::string& schema_name,
                                                const std::string& table_name, uint32_t relid,
                                                change::Lsn added_lsn) {
  TableState t{.schema_name = schema_name,
               .table_name = table_name,
               .relid = relid,
               .next_offset = 0,
               .added_lsn = added_lsn};
  ASSIGN_OR_RETURN(PgRows id,
                   connection_.ExecParams("SELECT nextval(pg_get_serial_sequence($1, 'table_id'))",
                                          {Table("tables")}));
  if (id.rows.size() != 1) return Status::Internal("nextval() returned no row");
  ASSIGN_OR_RETURN(t.table_id, IntField(id.rows[0][0], "tables.table_id (its sequence)"));
  Result<PgRows> inserted = connection_.ExecParams(
      "INSERT INTO " + Table("tables") +
          " (table_id, group_name, schema_name, table_name, relid, next_offset, checksum, "
          "added_lsn)"
          " VALUES ($1, $2, $3, $4, $5, 0, $6, $7) ON CONFLICT (group_name, schema_name, "
          "table_name) DO NOTHING"
          " RETURNING 1",
      {std::to_string(t.table_id), group_, schema_name, table_name, std::to_string(relid),
       TableChecksum(group_, t), LsnOrNull(added_lsn)});
  RETURN_IF_ERROR(inserted.status());
  if (inserted->rows.empty())
    return Status::Conflict("table " + t.QualifiedName() + " is registered already");
  return t;
}

Result<std::vector<TableState>> PgCoordinator::RegisterTables(
    const std::vector<TableToRegister>& tables) {
  std::vector<TableState> registered;
  RETURN_IF_ERROR(InTransaction([&]() -> Status {
    for (const TableToRegister& table : tables) {
      ASSIGN_OR_RETURN(TableState t, RegisterTable(table.schema_name, table.table_name, table.relid,
                                                   table.added_lsn));
      registered.push_back(std::move(t));
    }
    return Status::Ok();
  }));
  return registered;
}

Result<std::vector<TableState>> PgCoordinator::BeginCapture(
    const CaptureState& state, const std::vector<TableToRegister>& tables) {
  CHECK_MSG(state.slot_pending() && state.flushed_lsn == 0,
            "BeginCapture records a pending capture");
  std::vector<TableState> registered;
  RETURN_IF_ERROR(InTransaction([&]() -> Status {
    for (const TableToRegister& table : tables) {
      ASSIGN_OR_RETURN(TableState t,
                       RegisterTable(table.schema_name, table.table_name, table.relid));
      registered.push_back(std::move(t));
    }
    return CreateCapture(state);
  }));
  return registered;
}

Status PgCoordinator::CompleteCapture(change::Lsn consistent_point) {
  CHECK_MSG(consistent_point != 0, "a slot's consistent point is never 0/0");
  ASSIGN_OR_RETURN(std::optional<CaptureState> current, LoadCapture());
  if (!current || !current->slot_pending()) {
    return Status::Conflict("group " + group_ + " has no pending capture state to complete");
  }
  const std::string pending_checksum = CaptureChecksum(group_, *current);
  current->slot_created_lsn = consistent_point;
  current->flushed_lsn = consistent_point;
  ASSIGN_OR_RETURN(PgRows updated,
                   connection_.ExecParams(
                       "UPDATE " + Table("capture") +
                           " SET slot_created_lsn = $2, flushed_lsn = $2, checksum = $3,"
                           " updated_at = now() WHERE group_name = $1 AND"
                           " slot_created_lsn = '0/0' AND flushed_lsn = '0/0' AND checksum = $4"
                           " RETURNING 1",
                       {group_, FormatLsn(consistent_point), CaptureChecksum(group_, *current),
                        pending_checksum}));
  if (updated.rows.empty())
    return Status::Conflict("the pending capture state of group " + group_ + " changed");
  return Status::Ok();
}

Result<RecordedLsn> PgCoordinator::AdvanceFlushed(const RecordedLsn& expected_flushed,
                                                  change::Lsn new_flushed) {
  RETURN_IF_ERROR(
      InTransaction([&] { return UpdateFlushed(expected_flushed.lsn(), new_flushed); }));
  return MakeRecorded(new_flushed);
}

Result<RecordedLsn> PgCoordinator::RecordedFlushed() {
  ASSIGN_OR_RETURN(std::optional<CaptureState> state, LoadCapture());
  if (!state) return Status::NotFound("group " + group_ + " has no capture state");
  return MakeRecorded(state->flushed_lsn);
}

Status PgCoordinator::UpdateFlushed(change::Lsn expected_flushed, change::Lsn new_flushed) {
  CHECK_MSG(new_flushed >= expected_flushed, "flushed LSN moving backwards");
  // FOR UPDATE waits for a concurrent writer of the row and then reads its committed version, so
  // the comparison below sees what the UPDATE will replace. The UPDATE names the expected value
  // too: one conditional statement, never a read-then-write a delayed commit could slip between.
  ASSIGN_OR_RETURN(std::optional<CaptureState> current, SelectCapture(/*for_update=*/true));
  if (!current)
    return Status::Conflict("group " + group_ + " has no capture state (dropped while running?)");
  if (current->flushed_lsn != expected_flushed)
    return FlushedMoved(current->flushed_lsn, expected_flushed);
  const std::string expected_checksum = CaptureChecksum(group_, *current);
  current->flushed_lsn = new_flushed;
  ASSIGN_OR_RETURN(
      PgRows updated,
      connection_.ExecParams("UPDATE " + Table("capture") +
                                 " SET flushed_lsn = $2, checksum = $3, updated_at = now()"
                                 " WHERE group_name = $1 AND flushed_lsn = $4 AND checksum = $5"
                                 " RETURNING 1",
                             {group_, FormatLsn(new_flushed), CaptureChecksum(group_, *current),
                              FormatLsn(expected_flushed), expected_checksum}));
  if (updated.rows.empty()) return FlushedMoved(std::nullopt, expected_flushed);
  return Status::Ok();
}

Status PgCoordinator::FlushedMoved(std::optional<change::Lsn> found, change::Lsn expected) const {
  return Status::Conflict(
      "coordinator flushed_lsn is " + (found ? FormatLsn(*found) : std::string("no longer")) +
      (found ? ", expected " : " ") + FormatLsn(expected) + ": another pg2iceberg streams group " +
      group_ + " (stop it), or the row was edited outside pg2iceberg (a restart verifies it)");
}

Status PgCoordinator::InTransaction(const std::function<Status()>& body) {
  RETURN_IF_ERROR(connection_.Exec("BEGIN").status());
  Status status = body();
  if (!status.ok()) {
    connection_.Exec("ROLLBACK").status().IgnoreError();
    return status;
  }
  return connection_.Exec("COMMIT").status();
}

Status PgCoordinator::ClaimOffsets(TableState& table, int64_t count) {
  TableState next = table;
  next.next_offset += count;
  ASSIGN_OR_RETURN(
      PgRows rows,
      connection_.ExecParams("UPDATE " + Table("tables") +
                                 " SET next_offset = $3, checksum = $4 WHERE table_id = $1 AND "
                                 "next_offset = $2 AND checksum = $5 RETURNING 1",
                             {std::to_string(table.table_id), std::to_string(table.next_offset),
                              std::to_string(next.next_offset), TableChecksum(group_, next),
                              TableChecksum(group_, table)}));
  if (rows.rows.empty()) {
    return Status::Conflict("coordinator row of table " + table.QualifiedName() +
                            " no longer has next_offset " + std::to_string(table.next_offset) +
                            " and the checksum pg2iceberg wrote: another "
                            "pg2iceberg streams group " +
                            group_ +
                            " (stop it), or the row was edited outside "
                            "pg2iceberg (a restart verifies it)");
  }
  table = next;
  return Status::Ok();
}

}  // namespace pg2iceberg::stage
