#include "capture/capture_start.h"

#include "capture/guards.h"
#include "stage/segment_check.h"

namespace pg2iceberg::capture {
namespace {

Result<std::vector<uint32_t>> ConfiguredOids(const CaptureTarget& target, PgConnection& sql) {
  ASSIGN_OR_RETURN(std::vector<uint32_t> oids, pg::TableOids(sql, target.tables));
  for (size_t i = 0; i < oids.size(); ++i) {
    if (oids[i] == 0) {
      return Status::InvalidArgument("table " + target.tables[i].QualifiedName() +
                                     " does not exist in the source");
    }
  }
  return oids;
}

const stage::TableState* Registered(const std::vector<stage::TableState>& tables,
                                    const pg::TableName& name) {
  for (const stage::TableState& table : tables) {
    if (table.schema_name == name.schema_name && table.table_name == name.table_name) return &table;
  }
  return nullptr;
}

std::vector<WatchedTable> Watched(const std::vector<uint32_t>& oids,
                                  const std::vector<pg::TableName>& names) {
  std::vector<WatchedTable> watched;
  for (size_t i = 0; i < names.size(); ++i) watched.push_back({oids[i], names[i]});
  return watched;
}

std::vector<stage::TableToRegister> ToRegister(const std::vector<pg::TableName>& names,
                                               const std::vector<uint32_t>& oids,
                                               change::Lsn added_lsn) {
  std::vector<stage::TableToRegister> tables;
  for (size_t i = 0; i < names.size(); ++i) {
    tables.push_back({names[i].schema_name, names[i].table_name, oids[i], added_lsn});
  }
  return tables;
}

// Creates the slot of a pending capture state and records its consistent point. A slot of
// that name can only be left by this group's interrupted first start (the pending row was
// written before it, by the group's owner), and nothing was captured from it: it is recreated.
Status CreatePendingSlot(const stage::CaptureState& pending, PgConnection& sql,
                         PgConnection& replication, stage::Coordinator& coordinator, Logger& log,
                         FailPoints& fail_points) {
  ASSIGN_OR_RETURN(std::optional<pg::SlotInfo> slot, pg::LoadSlot(sql, pending.slot_name));
  if (slot) {
    log.Warn("the first start of group " + coordinator.group() +
             " was interrupted after creating replication slot " + pending.slot_name +
             "; nothing was captured from it, so it is dropped and created again");
    RETURN_IF_ERROR(pg::DropSlot(sql, pending.slot_name));
  }
  ASSIGN_OR_RETURN(change::Lsn consistent_point, pg::CreateSlot(replication, pending.slot_name));
  log.Info("created replication slot " + pending.slot_name + " at " +
           change::FormatLsn(consistent_point));
  RETURN_IF_ERROR(fail_points.Hit(failpoint::kAfterSlotCreate));
  return coordinator.CompleteCapture(consistent_point);
}

// The first start: the group's tables and a pending capture row in one transaction, then the
// slot, then its consistent point. A crash anywhere leaves either nothing or a pending row,
// from which the next start goes on (docs/capture.md, "First start").
Result<PreparedCapture> FirstRun(const CaptureTarget& target, PgConnection& sql,
                                 PgConnection& replication, stage::Coordinator& coordinator,
                                 const pg::SystemIdentity& identity, Logger& log,
                                 FailPoints& fail_points) {
  ASSIGN_OR_RETURN(std::vector<uint32_t> oids, ConfiguredOids(target, sql));
  ASSIGN_OR_RETURN(std::optional<pg::SlotInfo> slot, pg::LoadSlot(sql, target.slot_name));
  if (slot) {
    return Status::InvalidArgument(
        "replication slot \"" + target.slot_name + "\" already exists, but coordinator group \"" +
        coordinator.group() +
        "\" has no state: it is not this group's. Drop it (SELECT pg_drop_replication_slot('" +
        target.slot_name +
        "')) if nothing else uses it, or set source.logical.slot_name to another name");
  }
  RETURN_IF_ERROR(pg::EnsurePublication(sql, target.publication, target.tables));
  ASSIGN_OR_RETURN(
      CatalogWatch catalog,
      CatalogWatch::Record(target.publication, Watched(oids, target.tables), sql, coordinator));
  const stage::CaptureState pending{.system_identifier = identity.system_identifier,
                                    .database = identity.database,
                                    .slot_name = target.slot_name,
                                    .publication_name = target.publication};
  ASSIGN_OR_RETURN(std::vector<stage::TableState> tables,
                   coordinator.BeginCapture(pending, ToRegister(target.tables, oids, 0)));
  RETURN_IF_ERROR(CreatePendingSlot(pending, sql, replication, coordinator, log, fail_points));
  ASSIGN_OR_RETURN(std::optional<stage::CaptureState> state, coordinator.LoadCapture());
  CHECK_MSG(state && !state->slot_pending(), "capture state completed");
  return PreparedCapture{
      .state = *state, .tables = std::move(tables), .catalog = std::move(catalog)};
}

// Tables configured after the first start join at a known LSN: they are added to the
// publication first, and every change committed after the LSN read then is published, decoded
// and staged. Their initial copy must be taken at or after that LSN (docs/capture.md).
Result<std::vector<stage::TableState>> AddTables(const CaptureTarget& target,
                                                 const std::vector<pg::TableName>& added,
                                                 PgConnection& sql, stage::Coordinator& coordinator,
                                                 Logger& log) {
  ASSIGN_OR_RETURN(std::vector<uint32_t> oids, ConfiguredOids({.tables = added}, sql));
  RETURN_IF_ERROR(pg::EnsurePublication(sql, target.publication, added));
  ASSIGN_OR_RETURN(PgRows position, sql.Exec("SELECT pg_current_wal_insert_lsn()::text"));
  if (position.rows.size() != 1 || !position.rows[0][0])
    return Status::Internal("pg_current_wal_insert_lsn: no row");
  ASSIGN_OR_RETURN(change::Lsn added_lsn, change::ParseLsn(*position.rows[0][0]));
  ASSIGN_OR_RETURN(std::vector<stage::TableState> tables,
                   coordinator.RegisterTables(ToRegister(added, oids, added_lsn)));
  for (const stage::TableState& table : tables) {
    log.Info("table " + table.QualifiedName() +
             " joins the mirror: its changes are captured from " + change::FormatLsn(added_lsn) +
             " on; copy it at or after that position");
  }
  return tables;
}

// The mirrored tables in configuration order, with the catalog watch: the one recorded when
// capture began, verified against the catalog now; then, when tables were added to the config,
// they join (AddTables) and the watch is recorded afresh for every table.
Result<PreparedCapture> RegisteredTables(const CaptureTarget& target, PreparedCapture prepared,
                                         PgConnection& sql, stage::Coordinator& coordinator,
                                         Logger& log) {
  ASSIGN_OR_RETURN(std::vector<stage::TableState> registered, coordinator.LoadTables());
  std::vector<uint32_t> registered_oids;
  std::vector<pg::TableName> registered_names;
  for (const stage::TableState& table : registered) {
    registered_oids.push_back(table.relid);
    registered_names.push_back({table.schema_name, table.table_name});
  }
  // A recreated table is named as such before the watch reports what its recreation did to the
  // publication.
  ASSIGN_OR_RETURN(std::vector<uint32_t> oids_now, pg::TableOids(sql, registered_names));
  RETURN_IF_ERROR(CheckTablesUnchanged(registered, oids_now,
                                       RebuildAdvice(coordinator.schema(), coordinator.group())));
  ASSIGN_OR_RETURN(prepared.catalog, CatalogWatch::Load(target.publication,
                                                        Watched(registered_oids, registered_names),
                                                        sql, coordinator, log));
  std::vector<pg::TableName> added;
  for (const pg::TableName& name : target.tables) {
    if (Registered(registered, name) == nullptr) added.push_back(name);
  }
  if (!added.empty()) {
    ASSIGN_OR_RETURN(std::vector<stage::TableState> joined,
                     AddTables(target, added, sql, coordinator, log));
    registered.insert(registered.end(), joined.begin(), joined.end());
  }
  for (const pg::TableName& name : target.tables)
    prepared.tables.push_back(*Registered(registered, name));
  if (!added.empty()) {
    std::vector<uint32_t> oids;
    for (const stage::TableState& table : prepared.tables) oids.push_back(table.relid);
    ASSIGN_OR_RETURN(
        prepared.catalog,
        CatalogWatch::Record(target.publication, Watched(oids, target.tables), sql, coordinator));
  }
  return prepared;
}

}  // namespace

Result<PreparedCapture> PrepareCapture(const CaptureTarget& target, PgConnection& sql,
                                       PgConnection& replication, stage::Coordinator& coordinator,
                                       const stage::GroupLock& lock, Logger& log,
                                       FailPoints& fail_points) {
  CHECK_MSG(lock.group() == coordinator.group(), "the lock of another group");
  ASSIGN_OR_RETURN(pg::SystemIdentity identity, pg::IdentifySystem(replication));
  ASSIGN_OR_RETURN(std::optional<stage::CaptureState> recorded, coordinator.LoadCapture());
  if (!recorded) return FirstRun(target, sql, replication, coordinator, identity, log, fail_points);
  const std::string advice = RebuildAdvice(coordinator.schema(), coordinator.group());
  RETURN_IF_ERROR(CheckSameCluster(*recorded, identity, advice));
  if (recorded->slot_name != target.slot_name) {
    return Status::InvalidArgument("source.logical.slot_name is \"" + target.slot_name +
                                   "\", but group \"" + coordinator.group() +
                                   "\" streams from slot \"" + recorded->slot_name +
                                   "\"; restore the setting, or use another state.group");
  }
  if (recorded->slot_pending()) {
    RETURN_IF_ERROR(CreatePendingSlot(*recorded, sql, replication, coordinator, log, fail_points));
    ASSIGN_OR_RETURN(recorded, coordinator.LoadCapture());
    CHECK_MSG(recorded && !recorded->slot_pending(), "capture state completed");
  }
  ASSIGN_OR_RETURN(
      PreparedCapture prepared,
      RegisteredTables(target, PreparedCapture{.state = *recorded}, sql, coordinator, log));
  RETURN_IF_ERROR(CheckWhileStreaming(target, prepared, sql, coordinator));
  return prepared;
}

std::vector<MirroredTable> MirroredTablesOf(const std::vector<stage::TableState>& tables) {
  std::vector<MirroredTable> mirrored;
  for (const stage::TableState& table : tables) {
    mirrored.push_back({table.relid, table.schema_name, table.table_name});
  }
  return mirrored;
}

Status CheckNewestSegment(stage::Coordinator& coordinator, ObjectStore& staging) {
  ASSIGN_OR_RETURN(std::optional<stage::IndexedSegment> newest, coordinator.NewestSegment());
  if (!newest) return Status::Ok();
  ASSIGN_OR_RETURN(std::vector<stage::IndexedBlock> blocks,
                   coordinator.BlocksOfSegment(newest->segment_id));
  return stage::VerifySegment(staging, *newest, blocks);
}

Status CheckWhileStreaming(const CaptureTarget& target, const PreparedCapture& prepared,
                           PgConnection& sql, stage::Coordinator& coordinator) {
  const std::string advice = RebuildAdvice(coordinator.schema(), coordinator.group());
  ASSIGN_OR_RETURN(stage::RecordedLsn recorded, coordinator.RecordedFlushed());
  stage::CaptureState state = prepared.state;
  state.flushed_lsn = recorded.lsn();
  ASSIGN_OR_RETURN(std::optional<pg::SlotInfo> slot, pg::LoadSlot(sql, state.slot_name));
  RETURN_IF_ERROR(CheckSlot(state, slot, advice));
  std::vector<pg::TableName> names;
  for (const stage::TableState& table : prepared.tables)
    names.push_back({table.schema_name, table.table_name});
  ASSIGN_OR_RETURN(std::vector<uint32_t> oids, pg::TableOids(sql, names));
  RETURN_IF_ERROR(CheckTablesUnchanged(prepared.tables, oids, advice));
  ASSIGN_OR_RETURN(std::vector<pg::TableName> published,
                   pg::PublishedTables(sql, target.publication));
  RETURN_IF_ERROR(CheckPublished(target.publication, target.tables, published));
  return prepared.catalog ? prepared.catalog->Check(sql) : Status::Ok();
}

}  // namespace pg2iceberg::capture
