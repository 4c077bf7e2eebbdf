// MemoryCoordinator: block and segment lookups, watched fingerprints, recorded types and
// DeleteGroup. Every row returned is verified against its checksum first.
#include <algorithm>

#include "sim/memory_coordinator.h"
#include "stage/coordinator_checksums.h"

namespace pg2iceberg::sim {

using stage::IndexedBlock;
using stage::IndexedSegment;
using stage::RecordedType;

Result<IndexedBlock> MemoryCoordinator::VerifiedBlock(
    const std::pair<int64_t, int64_t>& key,
    const MemoryCoordinatorState::StoredBlock& stored) const {
  const auto& [table_id, first_offset] = key;
  if (stage::BlockChecksum(stored.segment_id, first_offset, stored.fields) != stored.checksum) {
    return FailsChecksum("segment_blocks (table_id " + std::to_string(table_id) +
                         ", first_offset " + std::to_string(first_offset) + ")");
  }
  const stage::BlockToIndex& b = stored.fields;
  const auto& segments = state_.rows_.segments;
  const std::string& object_key =
      segments.at(stored.segment_id).fields.object_key;  // at-ok: erased with its blocks
  return IndexedBlock{.segment_id = stored.segment_id,
                      .object_key = object_key,
                      .table_id = table_id,
                      .first_offset = first_offset,
                      .change_count = b.change_count,
                      .block_offset = b.block_offset,
                      .block_length = b.block_length,
                      .first_commit_lsn = b.first_commit_lsn,
                      .last_commit_lsn = b.last_commit_lsn};
}

Result<IndexedSegment> MemoryCoordinator::VerifiedSegment(
    int64_t segment_id, const MemoryCoordinatorState::StoredSegment& stored) const {
  if (stage::SegmentChecksum(stored.group, stored.fields) != stored.checksum)
    return FailsChecksum("segments (segment " + stored.fields.object_key + ")");
  return IndexedSegment{.segment_id = segment_id,
                        .object_key = stored.fields.object_key,
                        .size_bytes = stored.fields.size_bytes};
}

Result<std::vector<IndexedBlock>> MemoryCoordinator::BlocksFrom(int64_t table_id,
                                                                int64_t from_offset, int limit) {
  if (limit < 0) return Status::InvalidArgument("LIMIT must not be negative");
  std::vector<IndexedBlock> blocks;
  const auto& all = state_.rows_.blocks;
  for (auto it = all.lower_bound({table_id, INT64_MIN});
       it != all.end() && it->first.first == table_id && std::ssize(blocks) < limit; ++it) {
    if (it->first.second + it->second.fields.change_count <= from_offset) continue;
    ASSIGN_OR_RETURN(IndexedBlock block, VerifiedBlock(it->first, it->second));
    blocks.push_back(std::move(block));
  }
  return blocks;
}

Result<std::vector<IndexedBlock>> MemoryCoordinator::BlocksOfSegment(int64_t segment_id) {
  std::vector<IndexedBlock> blocks;
  for (const auto& [key, stored] : state_.rows_.blocks) {
    if (stored.segment_id != segment_id) continue;
    ASSIGN_OR_RETURN(IndexedBlock block, VerifiedBlock(key, stored));
    blocks.push_back(std::move(block));
  }
  std::stable_sort(blocks.begin(), blocks.end(), [](const IndexedBlock& a, const IndexedBlock& b) {
    return a.block_offset < b.block_offset;
  });
  return blocks;
}

Result<std::vector<IndexedSegment>> MemoryCoordinator::Segments() {
  std::vector<IndexedSegment> segments;
  for (const auto& [segment_id, stored] : state_.rows_.segments) {
    if (stored.group != group_) continue;
    ASSIGN_OR_RETURN(IndexedSegment segment, VerifiedSegment(segment_id, stored));
    segments.push_back(std::move(segment));
  }
  return segments;
}

Result<std::optional<IndexedSegment>> MemoryCoordinator::NewestSegment() {
  const auto& all = state_.rows_.segments;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (it->second.group != group_) continue;
    ASSIGN_OR_RETURN(IndexedSegment segment, VerifiedSegment(it->first, it->second));
    return std::optional<IndexedSegment>(std::move(segment));
  }
  return std::optional<IndexedSegment>();
}

Result<std::optional<std::string>> MemoryCoordinator::LoadWatched(const std::string& name) {
  auto row = state_.rows_.watched.find({group_, name});
  if (row == state_.rows_.watched.end()) return std::optional<std::string>();
  if (stage::WatchedChecksum(group_, name, row->second.fingerprint) != row->second.checksum)
    return FailsChecksum("watched_catalog (group " + group_ + ", " + name + ")");
  return std::optional<std::string>(row->second.fingerprint);
}

Status MemoryCoordinator::RecordWatched(const std::string& name, const std::string& fingerprint) {
  return Transact([&](Rows& rows) {
    rows.watched[{group_, name}] = {.fingerprint = fingerprint,
                                    .checksum = stage::WatchedChecksum(group_, name, fingerprint)};
    return Status::Ok();
  });
}

Result<RecordedType> MemoryCoordinator::VerifiedType(
    const MemoryCoordinatorState::StoredType& stored) const {
  if (stage::TypeChecksum(group_, stored.fields) != stored.checksum) {
    return FailsChecksum("types (group " + group_ + ", type oid " +
                         std::to_string(stored.fields.type_oid) + ")");
  }
  return stored.fields;
}

Result<std::vector<RecordedType>> MemoryCoordinator::LoadTypes() {
  std::vector<RecordedType> types;
  for (const auto& [key, stored] : state_.rows_.types) {
    if (key.first != group_) continue;
    ASSIGN_OR_RETURN(RecordedType type, VerifiedType(stored));
    types.push_back(std::move(type));
  }
  return types;
}

Result<RecordedType> MemoryCoordinator::RecordType(const RecordedType& type) {
  auto row = state_.rows_.types.find({group_, type.type_oid});
  if (row != state_.rows_.types.end()) return VerifiedType(row->second);
  RETURN_IF_ERROR(Transact([&](Rows& rows) {
    rows.types[{group_, type.type_oid}] = {.fields = type,
                                           .checksum = stage::TypeChecksum(group_, type)};
    return Status::Ok();
  }));
  return type;
}

// PgCoordinator's DELETEs: the group's cursors and blocks (by its tables), its segments (and
// their blocks), tables, watched fingerprints, types and capture row.
Result<std::vector<std::string>> MemoryCoordinator::DeleteGroup() {
  ASSIGN_OR_RETURN(std::vector<IndexedSegment> segments, Segments());
  RETURN_IF_ERROR(Transact([&](Rows& rows) {
    std::erase_if(rows.cursors, [&](const auto& row) { return InGroup(rows, row.first.first); });
    std::erase_if(rows.blocks, [&](const auto& row) {
      return InGroup(rows, row.first.first) ||
             rows.segments.at(row.second.segment_id).group == group_;  // at-ok: as above
    });
    std::erase_if(rows.segments, [&](const auto& row) { return row.second.group == group_; });
    std::erase_if(rows.tables, [&](const auto& row) { return row.second.group == group_; });
    std::erase_if(rows.watched, [&](const auto& row) { return row.first.first == group_; });
    std::erase_if(rows.types, [&](const auto& row) { return row.first.first == group_; });
    rows.captures.erase(group_);
    return Status::Ok();
  }));
  std::vector<std::string> keys;
  for (const IndexedSegment& segment : segments) keys.push_back(segment.object_key);
  return keys;
}

}  // namespace pg2iceberg::sim
