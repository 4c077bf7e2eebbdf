// MemoryCoordinator: the materializer's cursors and segment retirement.
#include "base/check.h"
#include "sim/memory_coordinator.h"
#include "stage/coordinator_checksums.h"

namespace pg2iceberg::sim {

using stage::IndexedSegment;

bool MemoryCoordinator::InGroup(const Rows& rows, int64_t table_id) const {
  auto table = rows.tables.find(table_id);
  return table != rows.tables.end() && table->second.group == group_;
}

Result<int64_t> MemoryCoordinator::VerifiedCursor(
    const std::pair<int64_t, std::string>& key,
    const MemoryCoordinatorState::StoredCursor& stored) const {
  const auto& [table_id, consumer] = key;
  if (stage::CursorChecksum(table_id, consumer, stored.next_offset) != stored.checksum) {
    return FailsChecksum("cursors (table_id " + std::to_string(table_id) + ", consumer " +
                         consumer + ")");
  }
  return stored.next_offset;
}

// PgCoordinator's INSERT into cursors: the table must exist (a foreign key) and the offset not be
// negative (a CHECK); Postgres refuses either as an error kInternal stands for.
Status MemoryCoordinator::InsertCursor(Rows& rows, int64_t table_id, const std::string& consumer,
                                       int64_t next_offset) {
  if (!rows.tables.contains(table_id)) {
    return Status::Internal("cursors.table_id " + std::to_string(table_id) +
                            " is no registered table (a foreign key)");
  }
  if (next_offset < 0) return Status::Internal("cursors.next_offset must not be negative");
  rows.cursors[{table_id, consumer}] = {
      .next_offset = next_offset,
      .checksum = stage::CursorChecksum(table_id, consumer, next_offset)};
  return Status::Ok();
}

Status MemoryCoordinator::SetCursor(int64_t table_id, const std::string& consumer,
                                    int64_t next_offset) {
  return Transact([&](Rows& rows) -> Status {
    auto row = rows.cursors.find({table_id, consumer});
    if (row != rows.cursors.end() && row->second.next_offset > next_offset) {
      return Status::Conflict("cursor of " + consumer + " on table_id " + std::to_string(table_id) +
                              " is past offset " + std::to_string(next_offset) +
                              "; cursors never move backwards");
    }
    return InsertCursor(rows, table_id, consumer, next_offset);
  });
}

Result<std::map<int64_t, int64_t>> MemoryCoordinator::LoadCursors(const std::string& consumer) {
  std::map<int64_t, int64_t> cursors;
  for (const auto& [key, stored] : state_.rows_.cursors) {
    if (key.second != consumer || !InGroup(state_.rows_, key.first)) continue;
    ASSIGN_OR_RETURN(cursors[key.first], VerifiedCursor(key, stored));
  }
  return cursors;
}

// Each move is PgCoordinator's conditional UPDATE (value and checksum as expected) or its
// INSERT … ON CONFLICT DO NOTHING (the cursor must not exist).
Status MemoryCoordinator::AdvanceCursors(const std::string& consumer,
                                         const std::vector<stage::CursorAdvance>& advances) {
  return Transact([&](Rows& rows) -> Status {
    for (const stage::CursorAdvance& advance : advances) {
      CHECK_MSG(!advance.expected || *advance.expected <= advance.next_offset,
                "cursors never move backwards");
      auto row = rows.cursors.find({advance.table_id, consumer});
      const bool as_expected =
          advance.expected
              ? row != rows.cursors.end() && row->second.next_offset == *advance.expected &&
                    row->second.checksum ==
                        stage::CursorChecksum(advance.table_id, consumer, *advance.expected)
              : row == rows.cursors.end();
      if (!as_expected) {
        return Status::Conflict(
            "cursor of " + consumer + " on table_id " + std::to_string(advance.table_id) +
            " is no longer at " +
            (advance.expected ? std::to_string(*advance.expected) : std::string("(none)")) +
            ": another materializer of this group moved it");
      }
      RETURN_IF_ERROR(InsertCursor(rows, advance.table_id, consumer, advance.next_offset));
    }
    return Status::Ok();
  });
}

bool MemoryCoordinator::PassedByCursors(int64_t segment_id) const {
  for (const auto& [key, block] : state_.rows_.blocks) {
    if (block.segment_id != segment_id) continue;
    const auto& [table_id, first_offset] = key;
    bool has_cursor = false;
    for (auto it = state_.rows_.cursors.lower_bound({table_id, std::string()});
         it != state_.rows_.cursors.end() && it->first.first == table_id; ++it) {
      has_cursor = true;
      if (it->second.next_offset < first_offset + block.fields.change_count) return false;
    }
    if (!has_cursor) return false;
  }
  return true;
}

Result<std::vector<IndexedSegment>> MemoryCoordinator::SegmentsPassedByCursors() {
  for (const auto& [key, stored] : state_.rows_.cursors) {
    if (InGroup(state_.rows_, key.first)) RETURN_IF_ERROR(VerifiedCursor(key, stored).status());
  }
  std::vector<IndexedSegment> passed;
  for (const auto& [segment_id, stored] : state_.rows_.segments) {
    if (stored.group != group_ || !PassedByCursors(segment_id)) continue;
    ASSIGN_OR_RETURN(IndexedSegment segment, VerifiedSegment(segment_id, stored));
    passed.push_back(std::move(segment));
  }
  return passed;
}

Status MemoryCoordinator::ForgetSegments(const std::vector<int64_t>& segment_ids) {
  return Transact([&](Rows& rows) {
    for (int64_t id : segment_ids) {
      auto segment = rows.segments.find(id);
      if (segment == rows.segments.end() || segment->second.group != group_) continue;
      rows.segments.erase(segment);
      std::erase_if(rows.blocks, [&](const auto& row) { return row.second.segment_id == id; });
    }
    return Status::Ok();
  });
}

}  // namespace pg2iceberg::sim
