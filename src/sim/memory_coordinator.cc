// MemoryCoordinator: the outside edits of its state, transactions, the capture row, tables and
// flush commits. Each method follows the statement of PgCoordinator it stands for (named in
// comments where the correspondence is not plain).
#include "sim/memory_coordinator.h"

#include <algorithm>

#include "base/check.h"
#include "stage/coordinator_checksums.h"
#include "stage/segment_upload.h"

namespace pg2iceberg::sim {

using change::FormatLsn;
using stage::CaptureState;
using stage::RecordedLsn;
using stage::TableState;

bool MemoryCoordinatorState::EditCapture(const std::string& group,
                                         const std::function<void(CaptureState&)>& edit) {
  auto row = rows_.captures.find(group);
  if (row == rows_.captures.end()) return false;
  edit(row->second.fields);
  return true;
}

bool MemoryCoordinatorState::EditTable(int64_t table_id,
                                       const std::function<void(TableState&)>& edit) {
  auto row = rows_.tables.find(table_id);
  if (row == rows_.tables.end()) return false;
  edit(row->second.fields);
  CHECK_MSG(row->second.fields.table_id == table_id, "an edit may not move a row's key");
  return true;
}

bool MemoryCoordinatorState::EditBlock(int64_t table_id, int64_t first_offset,
                                       const std::function<void(stage::BlockToIndex&)>& edit) {
  auto row = rows_.blocks.find({table_id, first_offset});
  if (row == rows_.blocks.end()) return false;
  edit(row->second.fields);
  CHECK_MSG(row->second.fields.table_id == table_id, "an edit may not move a row's key");
  return true;
}

bool MemoryCoordinatorState::EditCursor(int64_t table_id, const std::string& consumer,
                                        int64_t next_offset) {
  auto row = rows_.cursors.find({table_id, consumer});
  if (row == rows_.cursors.end()) return false;
  row->second.next_offset = next_offset;
  return true;
}

Status MemoryCoordinator::Transact(const std::function<Status(Rows&)>& body) {
  Rows working = state_.rows_;
  RETURN_IF_ERROR(body(working));
  state_.rows_ = std::move(working);
  return Status::Ok();
}

Status MemoryCoordinator::FailsChecksum(const std::string& row) const {
  return Status::DataLoss("coordinator row " + state_.schema() + "." + row +
                          " fails its checksum: it was changed outside pg2iceberg, so the "
                          "capture state cannot be trusted. Restore the state from a backup, or "
                          "mirror afresh (pg2iceberg cleanup)");
}

Result<std::optional<CaptureState>> MemoryCoordinator::VerifiedCapture(const Rows& rows) const {
  auto row = rows.captures.find(group_);
  if (row == rows.captures.end()) return std::optional<CaptureState>();
  if (stage::CaptureChecksum(group_, row->second.fields) != row->second.checksum)
    return FailsChecksum("capture (group " + group_ + ")");
  return std::optional<CaptureState>(row->second.fields);
}

Result<std::optional<CaptureState>> MemoryCoordinator::LoadCapture() {
  return VerifiedCapture(state_.rows_);
}

Status MemoryCoordinator::InsertCapture(Rows& rows, const CaptureState& state) {
  if (rows.captures.contains(group_))
    return Status::Conflict("group " + group_ + " already has capture state");
  rows.captures[group_] = {.fields = state, .checksum = stage::CaptureChecksum(group_, state)};
  return Status::Ok();
}

Status MemoryCoordinator::CreateCapture(const CaptureState& state) {
  return Transact([&](Rows& rows) { return InsertCapture(rows, state); });
}

Result<std::vector<TableState>> MemoryCoordinator::BeginCapture(
    const CaptureState& state, const std::vector<stage::TableToRegister>& tables) {
  CHECK_MSG(state.slot_pending() && state.flushed_lsn == 0,
            "BeginCapture records a pending capture");
  std::vector<TableState> registered;
  RETURN_IF_ERROR(Transact([&](Rows& rows) -> Status {
    for (const stage::TableToRegister& table : tables) {
      ASSIGN_OR_RETURN(TableState t, InsertTable(rows, {.schema_name = table.schema_name,
                                                        .table_name = table.table_name,
                                                        .relid = table.relid}));
      registered.push_back(std::move(t));
    }
    return InsertCapture(rows, state);
  }));
  return registered;
}

Status MemoryCoordinator::CompleteCapture(change::Lsn consistent_point) {
  CHECK_MSG(consistent_point != 0, "a slot's consistent point is never 0/0");
  return Transact([&](Rows& rows) -> Status {
    ASSIGN_OR_RETURN(std::optional<CaptureState> current, VerifiedCapture(rows));
    if (!current || !current->slot_pending())
      return Status::Conflict("group " + group_ + " has no pending capture state to complete");
    current->slot_created_lsn = current->flushed_lsn = consistent_point;
    rows.captures[group_] = {.fields = *current,
                             .checksum = stage::CaptureChecksum(group_, *current)};
    return Status::Ok();
  });
}

Result<std::vector<TableState>> MemoryCoordinator::LoadTables() {
  std::vector<TableState> tables;
  for (const auto& [table_id, row] : state_.rows_.tables) {
    if (row.group != group_) continue;
    if (stage::TableChecksum(group_, row.fields) != row.checksum)
      return FailsChecksum("tables (table " + row.fields.QualifiedName() + ")");
    tables.push_back(row.fields);
  }
  return tables;
}

// Like PgCoordinator::RegisterTable: the id is drawn before the insert, and used up by a
// conflict too.
Result<TableState> MemoryCoordinator::InsertTable(Rows& rows, const stage::TableToRegister& table) {
  const TableState t{.table_id = ++state_.last_table_id_,
                     .schema_name = table.schema_name,
                     .table_name = table.table_name,
                     .relid = table.relid,
                     .next_offset = 0,
                     .added_lsn = table.added_lsn};
  for (const auto& [id, row] : rows.tables) {
    if (row.group == group_ && row.fields.schema_name == t.schema_name &&
        row.fields.table_name == t.table_name) {
      return Status::Conflict("table " + t.QualifiedName() + " is registered already");
    }
  }
  rows.tables[t.table_id] = {
      .group = group_, .fields = t, .checksum = stage::TableChecksum(group_, t)};
  return t;
}

Result<TableState> MemoryCoordinator::RegisterTable(const std::string& schema_name,
                                                    const std::string& table_name, uint32_t relid,
                                                    change::Lsn added_lsn) {
  TableState registered;
  RETURN_IF_ERROR(Transact([&](Rows& rows) -> Status {
    ASSIGN_OR_RETURN(registered, InsertTable(rows, {schema_name, table_name, relid, added_lsn}));
    return Status::Ok();
  }));
  return registered;
}

Result<std::vector<TableState>> MemoryCoordinator::RegisterTables(
    const std::vector<stage::TableToRegister>& tables) {
  std::vector<TableState> registered;
  RETURN_IF_ERROR(Transact([&](Rows& rows) -> Status {
    for (const stage::TableToRegister& table : tables) {
      ASSIGN_OR_RETURN(TableState t, InsertTable(rows, table));
      registered.push_back(std::move(t));
    }
    return Status::Ok();
  }));
  return registered;
}

Result<RecordedLsn> MemoryCoordinator::CommitFlush(
    const std::vector<stage::DurableSegment>& segments, const RecordedLsn& expected_flushed,
    change::Lsn new_flushed, std::vector<TableState>& tables) {
  std::vector<TableState> working = tables;
  RETURN_IF_ERROR(Transact([&](Rows& rows) -> Status {
    for (const stage::DurableSegment& segment : segments)
      RETURN_IF_ERROR(IndexSegment(rows, segment.index(), working));
    return UpdateFlushed(rows, expected_flushed.lsn(), new_flushed);
  }));
  tables = std::move(working);
  return MakeRecorded(new_flushed);
}

Result<RecordedLsn> MemoryCoordinator::AdvanceFlushed(const RecordedLsn& expected_flushed,
                                                      change::Lsn new_flushed) {
  RETURN_IF_ERROR(Transact(
      [&](Rows& rows) { return UpdateFlushed(rows, expected_flushed.lsn(), new_flushed); }));
  return MakeRecorded(new_flushed);
}

Result<RecordedLsn> MemoryCoordinator::RecordedFlushed() {
  ASSIGN_OR_RETURN(std::optional<CaptureState> state, LoadCapture());
  if (!state) return Status::NotFound("group " + group_ + " has no capture state");
  return MakeRecorded(state->flushed_lsn);
}

Status MemoryCoordinator::UpdateFlushed(Rows& rows, change::Lsn expected_flushed,
                                        change::Lsn new_flushed) {
  CHECK_MSG(new_flushed >= expected_flushed, "flushed LSN moving backwards");
  ASSIGN_OR_RETURN(std::optional<CaptureState> current, VerifiedCapture(rows));
  if (!current)
    return Status::Conflict("group " + group_ + " has no capture state (dropped while running?)");
  if (current->flushed_lsn != expected_flushed) {
    return Status::Conflict("coordinator flushed_lsn is " + FormatLsn(current->flushed_lsn) +
                            ", expected " + FormatLsn(expected_flushed) +
                            ": another pg2iceberg streams group " + group_ + " (stop it)");
  }
  current->flushed_lsn = new_flushed;
  rows.captures[group_] = {.fields = *current,
                           .checksum = stage::CaptureChecksum(group_, *current)};
  return Status::Ok();
}

// PgCoordinator's INSERT into segments (its object_key UNIQUE, the id drawn first), then per
// block the claim and the INSERT into segment_blocks.
Status MemoryCoordinator::IndexSegment(Rows& rows, const stage::SegmentToIndex& segment,
                                       std::vector<TableState>& tables) {
  const int64_t segment_id = ++state_.last_segment_id_;
  for (const auto& [id, row] : rows.segments) {
    if (row.fields.object_key == segment.object_key) {
      return Status::Internal("segment " + segment.object_key +
                              " is indexed already (segments.object_key is unique)");
    }
  }
  stage::SegmentToIndex fields = segment;
  fields.blocks.clear();
  rows.segments[segment_id] = {
      .group = group_, .fields = fields, .checksum = stage::SegmentChecksum(group_, segment)};
  for (const stage::BlockToIndex& block : segment.blocks) {
    auto table = std::find_if(tables.begin(), tables.end(),
                              [&](const TableState& t) { return t.table_id == block.table_id; });
    CHECK_MSG(table != tables.end(), "block of an unregistered table");
    const int64_t first_offset = table->next_offset;
    RETURN_IF_ERROR(ClaimOffsets(rows, *table, block.change_count));
    RETURN_IF_ERROR(InsertBlock(rows, segment_id, first_offset, block));
  }
  return Status::Ok();
}

// The stored row must be as `table` says, checksum included: PgCoordinator's UPDATE names both.
Status MemoryCoordinator::ClaimOffsets(Rows& rows, TableState& table, int64_t count) {
  auto row = rows.tables.find(table.table_id);
  if (row == rows.tables.end() || row->second.fields.next_offset != table.next_offset ||
      row->second.checksum != stage::TableChecksum(group_, table)) {
    return Status::Conflict("coordinator row of table " + table.QualifiedName() +
                            " no longer has next_offset " + std::to_string(table.next_offset) +
                            " and the checksum pg2iceberg wrote: another pg2iceberg streams "
                            "group " +
                            group_ + " (stop it), or the row was edited outside pg2iceberg");
  }
  TableState next = table;
  next.next_offset += count;
  if (next.next_offset < 0) return Status::Internal("tables.next_offset would be negative");
  row->second.fields.next_offset = next.next_offset;
  row->second.checksum = stage::TableChecksum(group_, next);
  table = next;
  return Status::Ok();
}

Status MemoryCoordinator::InsertBlock(Rows& rows, int64_t segment_id, int64_t first_offset,
                                      const stage::BlockToIndex& block) {
  if (block.change_count <= 0)
    return Status::Internal("segment_blocks.change_count must be positive");
  const std::pair<int64_t, int64_t> key{block.table_id, first_offset};
  if (rows.blocks.contains(key)) {
    return Status::Internal("table_id " + std::to_string(block.table_id) +
                            " has a block at first_offset " + std::to_string(first_offset) +
                            " already (segment_blocks' primary key)");
  }
  rows.blocks[key] = {.segment_id = segment_id,
                      .fields = block,
                      .checksum = stage::BlockChecksum(segment_id, first_offset, block)};
  return Status::Ok();
}

}  // namespace pg2iceberg::sim
