#include "capture/capture_start.h"

#include "capture/guards.h"
#include "stage/segment_check.h"

namespace pg2iceberg::capture {
namespace {

Result<std::vector<uint32_t>> ConfiguredOids(const CaptureTarget& target, PgConnection& sql) {
  ASSIGN_OR_RETURN(std::vector<uint32_t> oids, TableOids(sql, target.tables));
  for (size_t i = 0; i < oids.size(); ++i) {
    if (oids[i] == 0) {
      return Status::InvalidArgument("table " + target.tables[i].QualifiedName() + " does not exist in the source");
    }
  }
  return oids;
}

const stage::TableState* Registered(const std::vector<stage::TableState>& tables, const TableName& name) {
  for (const stage::TableState& table : tables) {
    if (table.schema_name == name.schema_name && table.table_name == name.table_name) return &table;
  }
  return nullptr;
}

Result<PreparedCapture> FirstRun(const CaptureTarget& target, PgConnection& sql, PgConnection& replication,
                                 stage::Coordinator& coordinator, const SystemIdentity& identity, Logger& log) {
  ASSIGN_OR_RETURN(std::vector<uint32_t> oids, ConfiguredOids(target, sql));
  ASSIGN_OR_RETURN(std::optional<SlotInfo> slot, LoadSlot(sql, target.slot_name));
  if (slot) {
    return Status::InvalidArgument(
        "replication slot \"" + target.slot_name + "\" already exists, but coordinator group \"" +
        coordinator.group() + "\" has no state: it is not pg2iceberg's, or a first start was interrupted. Drop it "
        "(SELECT pg_drop_replication_slot('" + target.slot_name + "')) if nothing else uses it, or set "
        "source.logical.slot_name to another name");
  }
  RETURN_IF_ERROR(EnsurePublication(sql, target.publication, target.tables));
  std::vector<WatchedTable> watched;
  for (size_t i = 0; i < target.tables.size(); ++i) watched.push_back({oids[i], target.tables[i]});
  ASSIGN_OR_RETURN(CatalogWatch catalog,
                   CatalogWatch::Record(target.publication, watched, sql, coordinator));
  ASSIGN_OR_RETURN(change::Lsn consistent_point, CreateSlot(replication, target.slot_name));
  log.Info("created replication slot " + target.slot_name + " at " + change::FormatLsn(consistent_point));
  stage::CaptureState state{.system_identifier = identity.system_identifier, .database = identity.database,
                            .slot_name = target.slot_name, .publication_name = target.publication,
                            .slot_created_lsn = consistent_point, .flushed_lsn = consistent_point};
  PreparedCapture prepared{.state = state, .catalog = std::move(catalog)};
  for (size_t i = 0; i < target.tables.size(); ++i) {
    ASSIGN_OR_RETURN(stage::TableState table, coordinator.RegisterTable(target.tables[i].schema_name,
                                                                        target.tables[i].table_name, oids[i]));
    prepared.tables.push_back(table);
  }
  RETURN_IF_ERROR(coordinator.CreateCapture(state));
  return prepared;
}

// Tables configured after the first run can join only while nothing has been streamed yet.
Result<std::vector<stage::TableState>> RegisteredTables(const CaptureTarget& target, PgConnection& sql,
                                                        stage::Coordinator& coordinator,
                                                        const stage::CaptureState& state) {
  ASSIGN_OR_RETURN(std::vector<stage::TableState> registered, coordinator.LoadTables());
  std::vector<stage::TableState> tables;
  for (const TableName& name : target.tables) {
    if (const stage::TableState* table = Registered(registered, name)) {
      tables.push_back(*table);
      continue;
    }
    if (state.flushed_lsn != state.slot_created_lsn) {
      return Status::InvalidArgument("table " + name.QualifiedName() + " was added to the config after capture "
                                     "started; adding a table to a running mirror is not supported yet. Remove it, "
                                     "or rebuild the mirror with `pg2iceberg cleanup`");
    }
    ASSIGN_OR_RETURN(std::vector<uint32_t> oid, ConfiguredOids({.tables = {name}}, sql));
    ASSIGN_OR_RETURN(stage::TableState added, coordinator.RegisterTable(name.schema_name, name.table_name, oid[0]));
    tables.push_back(added);
  }
  return tables;
}

// The catalog watch recorded when capture began, verified against the catalog now.
Result<CatalogWatch> LoadCatalogWatch(const CaptureTarget& target,
                                      const std::vector<stage::TableState>& tables,
                                      PgConnection& sql, stage::Coordinator& coordinator,
                                      Logger& log) {
  std::vector<WatchedTable> watched;
  for (const stage::TableState& table : tables)
    watched.push_back({table.relid, {table.schema_name, table.table_name}});
  return CatalogWatch::Load(target.publication, watched, sql, coordinator, log);
}

}  // namespace

Result<PreparedCapture> PrepareCapture(const CaptureTarget& target, PgConnection& sql, PgConnection& replication,
                                       stage::Coordinator& coordinator, Logger& log) {
  ASSIGN_OR_RETURN(SystemIdentity identity, IdentifySystem(replication));
  ASSIGN_OR_RETURN(std::optional<stage::CaptureState> recorded, coordinator.LoadCapture());
  if (!recorded) return FirstRun(target, sql, replication, coordinator, identity, log);
  const std::string advice = RebuildAdvice(coordinator.schema(), coordinator.group());
  RETURN_IF_ERROR(CheckSameCluster(*recorded, identity, advice));
  if (recorded->slot_name != target.slot_name) {
    return Status::InvalidArgument("source.logical.slot_name is \"" + target.slot_name + "\", but group \"" +
                                   coordinator.group() + "\" streams from slot \"" + recorded->slot_name +
                                   "\"; restore the setting, or use another state.group");
  }
  PreparedCapture prepared{.state = *recorded};
  ASSIGN_OR_RETURN(prepared.tables, RegisteredTables(target, sql, coordinator, *recorded));
  RETURN_IF_ERROR(CheckWhileStreaming(target, prepared, sql, coordinator));
  ASSIGN_OR_RETURN(prepared.catalog,
                   LoadCatalogWatch(target, prepared.tables, sql, coordinator, log));
  return prepared;
}

Status CheckNewestSegment(stage::Coordinator& coordinator, ObjectStore& staging) {
  ASSIGN_OR_RETURN(std::optional<stage::IndexedSegment> newest, coordinator.NewestSegment());
  if (!newest) return Status::Ok();
  ASSIGN_OR_RETURN(std::vector<stage::IndexedBlock> blocks, coordinator.BlocksOfSegment(newest->segment_id));
  return stage::VerifySegment(staging, *newest, blocks);
}

Status CheckWhileStreaming(const CaptureTarget& target, const PreparedCapture& prepared, PgConnection& sql,
                           stage::Coordinator& coordinator) {
  const std::string advice = RebuildAdvice(coordinator.schema(), coordinator.group());
  ASSIGN_OR_RETURN(stage::RecordedLsn recorded, coordinator.RecordedFlushed());
  stage::CaptureState state = prepared.state;
  state.flushed_lsn = recorded.lsn();
  ASSIGN_OR_RETURN(std::optional<SlotInfo> slot, LoadSlot(sql, state.slot_name));
  RETURN_IF_ERROR(CheckSlot(state, slot, advice));
  std::vector<TableName> names;
  for (const stage::TableState& table : prepared.tables) names.push_back({table.schema_name, table.table_name});
  ASSIGN_OR_RETURN(std::vector<uint32_t> oids, TableOids(sql, names));
  RETURN_IF_ERROR(CheckTablesUnchanged(prepared.tables, oids, advice));
  ASSIGN_OR_RETURN(std::vector<TableName> published, PublishedTables(sql, target.publication));
  RETURN_IF_ERROR(CheckPublished(target.publication, target.tables, published));
  return prepared.catalog ? prepared.catalog->Check(sql) : Status::Ok();
}

}  // namespace pg2iceberg::capture
