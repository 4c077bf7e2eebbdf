// The staging-log index: flush commits, block lookups, cursors and segment retirement.
#include <algorithm>

#include "stage/coordinator_checksums.h"
#include "stage/coordinator_fields.h"
#include "stage/pg_coordinator.h"
#include "stage/segment_upload.h"

namespace pg2iceberg::stage {
namespace {

using change::FormatLsn;

// The columns ToSegments reads, in order (prefix `s.` for joins).
constexpr char kSegmentColumns[] =
    "s.segment_id, s.object_key, s.size_bytes, s.first_commit_lsn, s.last_commit_lsn, "
    "s.checksum";

// The segments of a `SELECT kSegmentColumns` query of group `group`'s rows, each row's checksum
// verified (a row edited outside pg2iceberg is kDataLoss).
Result<std::vector<IndexedSegment>> ToSegments(const PgRows& rows, const std::string& group,
                                               const std::string& table) {
  std::vector<IndexedSegment> segments;
  for (const auto& row : rows.rows) {
    if (row.size() != 6) return Status::Internal("segment query returned a malformed row");
    IndexedSegment segment;
    ASSIGN_OR_RETURN(segment.segment_id, IntField(row[0], "segments.segment_id"));
    ASSIGN_OR_RETURN(segment.object_key, TextField(row[1], "segments.object_key"));
    ASSIGN_OR_RETURN(segment.size_bytes, UnsignedField(row[2], "segments.size_bytes"));
    SegmentToIndex fields{.object_key = segment.object_key, .size_bytes = segment.size_bytes};
    ASSIGN_OR_RETURN(fields.first_commit_lsn, LsnField(row[3], "segments.first_commit_lsn"));
    ASSIGN_OR_RETURN(fields.last_commit_lsn, LsnField(row[4], "segments.last_commit_lsn"));
    if (row[5].value_or("") != SegmentChecksum(group, fields)) {
      return Status::DataLoss("coordinator row " + table + " (segment " + segment.object_key +
                              ") fails its checksum: it was changed outside pg2iceberg; "
                              "restore the coordinator schema from a backup or mirror afresh");
    }
    segments.push_back(std::move(segment));
  }
  return segments;
}

}  // namespace

Result<RecordedLsn> PgCoordinator::CommitFlush(const std::vector<DurableSegment>& segments,
                                               const RecordedLsn& expected_flushed,
                                               change::Lsn new_flushed,
                                               std::vector<TableState>& tables) {
  std::vector<TableState> working = tables;
  RETURN_IF_ERROR(InTransaction([&]() -> Status {
    for (const DurableSegment& segment : segments)
      RETURN_IF_ERROR(IndexSegment(segment.index(), working));
    return UpdateFlushed(expected_flushed.lsn(), new_flushed);
  }));
  tables = std::move(working);
  return MakeRecorded(new_flushed);
}

Status PgCoordinator::IndexSegment(const SegmentToIndex& segment, std::vector<TableState>& tables) {
  ASSIGN_OR_RETURN(
      PgRows inserted,
      connection_.ExecParams(
          "INSERT INTO " + Table("segments") +
              " (group_name, object_key, size_bytes, first_commit_lsn, last_commit_lsn,"
              " checksum) VALUES ($1, $2, $3, $4, $5, $6) RETURNING segment_id",
          {group_, segment.object_key, std::to_string(segment.size_bytes),
           FormatLsn(segment.first_commit_lsn), FormatLsn(segment.last_commit_lsn),
           SegmentChecksum(group_, segment)}));
  if (inserted.rows.size() != 1)
    return Status::Internal("INSERT … RETURNING segment_id returned no row");
  ASSIGN_OR_RETURN(const int64_t segment_id,
                   IntField(inserted.rows[0][0], "segments.segment_id (its sequence)"));
  for (const BlockToIndex& block : segment.blocks) {
    auto table = std::find_if(tables.begin(), tables.end(),
                              [&](const TableState& t) { return t.table_id == block.table_id; });
    CHECK_MSG(table != tables.end(), "block of an unregistered table");
    const int64_t first_offset = table->next_offset;
    RETURN_IF_ERROR(ClaimOffsets(*table, block.change_count));
    RETURN_IF_ERROR(
        connection_
            .ExecParams("INSERT INTO " + Table("segment_blocks") +
                            " (segment_id, table_id, first_offset, change_count, block_offset, "
                            "block_length,"
                            " first_commit_lsn, last_commit_lsn, checksum)"
                            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        {std::to_string(segment_id), std::to_string(block.table_id),
                         std::to_string(first_offset), std::to_string(block.change_count),
                         std::to_string(block.block_offset), std::to_string(block.block_length),
                         FormatLsn(block.first_commit_lsn), FormatLsn(block.last_commit_lsn),
                         BlockChecksum(segment_id, first_offset, block)})
            .status());
  }
  return Status::Ok();
}

Result<std::vector<IndexedBlock>> PgCoordinator::BlocksFrom(int64_t table_id, int64_t from_offset,
                                                            int limit) {
  return QueryBlocks(
      "b.table_id = $1 AND b.first_offset + b.change_count > $2 ORDER BY b.first_offset LIMIT $3",
      {std::to_string(table_id), std::to_string(from_offset), std::to_string(limit)});
}

Result<std::vector<IndexedBlock>> PgCoordinator::BlocksOfSegment(int64_t segment_id) {
  return QueryBlocks("b.segment_id = $1 ORDER BY b.block_offset", {std::to_string(segment_id)});
}

Result<std::vector<IndexedBlock>> PgCoordinator::QueryBlocks(
    const std::string& condition, const std::vector<std::optional<std::string>>& params) {
  ASSIGN_OR_RETURN(PgRows rows,
                   connection_.ExecParams(
                       "SELECT b.segment_id, s.object_key, b.table_id, b.first_offset, "
                       "b.change_count, b.block_offset,"
                       " b.block_length, b.first_commit_lsn, b.last_commit_lsn, b.checksum FROM " +
                           Table("segment_blocks") + " b JOIN " + Table("segments") +
                           " s USING (segment_id) WHERE " + condition,
                       params));
  std::vector<IndexedBlock> blocks;
  for (const auto& row : rows.rows) {
    IndexedBlock b;
    ASSIGN_OR_RETURN(b.segment_id, IntField(row[0], "segment_blocks.segment_id"));
    ASSIGN_OR_RETURN(b.object_key, TextField(row[1], "segments.object_key"));
    ASSIGN_OR_RETURN(b.table_id, IntField(row[2], "segment_blocks.table_id"));
    ASSIGN_OR_RETURN(b.first_offset, IntField(row[3], "segment_blocks.first_offset"));
    ASSIGN_OR_RETURN(b.change_count, IntField(row[4], "segment_blocks.change_count"));
    ASSIGN_OR_RETURN(b.block_offset, UnsignedField(row[5], "segment_blocks.block_offset"));
    ASSIGN_OR_RETURN(b.block_length, UnsignedField(row[6], "segment_blocks.block_length"));
    ASSIGN_OR_RETURN(b.first_commit_lsn, LsnField(row[7], "segment_blocks.first_commit_lsn"));
    ASSIGN_OR_RETURN(b.last_commit_lsn, LsnField(row[8], "segment_blocks.last_commit_lsn"));
    BlockToIndex as_indexed{.table_id = b.table_id,
                            .block_offset = b.block_offset,
                            .block_length = b.block_length,
                            .change_count = b.change_count,
                            .first_commit_lsn = b.first_commit_lsn,
                            .last_commit_lsn = b.last_commit_lsn};
    if (row[9].value_or("") != BlockChecksum(b.segment_id, b.first_offset, as_indexed)) {
      return Status::DataLoss(
          "coordinator row " + Table("segment_blocks") + " (table_id " +
          std::to_string(b.table_id) + ", first_offset " + std::to_string(b.first_offset) +
          ") fails its checksum: it was changed outside pg2iceberg; restore the coordinator "
          "schema from a backup or mirror afresh (pg2iceberg cleanup)");
    }
    blocks.push_back(std::move(b));
  }
  return blocks;
}

Result<std::vector<IndexedSegment>> PgCoordinator::Segments() {
  ASSIGN_OR_RETURN(PgRows rows, connection_.ExecParams(std::string("SELECT ") + kSegmentColumns +
                                                           " FROM " + Table("segments") +
                                                           " s WHERE s.group_name = $1 ORDER BY 1",
                                                       {group_}));
  return ToSegments(rows, group_, Table("segments"));
}

Result<std::optional<IndexedSegment>> PgCoordinator::NewestSegment() {
  ASSIGN_OR_RETURN(PgRows rows,
                   connection_.ExecParams(std::string("SELECT ") + kSegmentColumns + " FROM " +
                                              Table("segments") +
                                              " s WHERE s.group_name = $1 ORDER BY 1 DESC LIMIT 1",
                                          {group_}));
  ASSIGN_OR_RETURN(std::vector<IndexedSegment> segments,
                   ToSegments(rows, group_, Table("segments")));
  if (segments.empty()) return std::optional<IndexedSegment>();
  return std::optional<IndexedSegment>(std::move(segments[0]));
}

Status PgCoordinator::SetCursor(int64_t table_id, const std::string& consumer,
                                int64_t next_offset) {
  ASSIGN_OR_RETURN(
      PgRows rows,
      connection_.ExecParams(
          "INSERT INTO " + Table("cursors") +
              " AS c (table_id, consumer, next_offset, checksum) VALUES ($1, $2, $3, $4)"
              " ON CONFLICT (table_id, consumer) DO UPDATE SET next_offset = EXCLUDED.next_offset,"
              " checksum = EXCLUDED.checksum, updated_at = now()"
              " WHERE c.next_offset <= EXCLUDED.next_offset RETURNING 1",
          {std::to_string(table_id), consumer, std::to_string(next_offset),
           CursorChecksum(table_id, consumer, next_offset)}));
  if (rows.rows.empty()) {
    return Status::Conflict("cursor of " + consumer + " on table_id " + std::to_string(table_id) +
                            " is past offset " + std::to_string(next_offset) +
                            "; cursors never move backwards");
  }
  return Status::Ok();
}

Result<std::vector<IndexedSegment>> PgCoordinator::SegmentsPassedByCursors() {
  ASSIGN_OR_RETURN(
      PgRows cursors,
      connection_.ExecParams("SELECT c.table_id, c.consumer, c.next_offset, c.checksum FROM " +
                                 Table("cursors") + " c JOIN " + Table("tables") +
                                 " t USING (table_id) WHERE t.group_name = $1",
                             {group_}));
  for (const auto& row : cursors.rows) {
    ASSIGN_OR_RETURN(int64_t table_id, IntField(row[0], "cursors.table_id"));
    ASSIGN_OR_RETURN(int64_t next_offset, IntField(row[2], "cursors.next_offset"));
    if (row[3].value_or("") != CursorChecksum(table_id, row[1].value_or(""), next_offset)) {
      return Status::DataLoss(
          "coordinator row " + Table("cursors") + " (table_id " + row[0].value_or("") +
          ", consumer " + row[1].value_or("") +
          ") fails its checksum: it was changed outside "
          "pg2iceberg; restore the coordinator schema from a backup or mirror afresh");
    }
  }
  // A segment is passed when no block of it has a table without cursors or a cursor short of its
  // end.
  ASSIGN_OR_RETURN(
      PgRows rows,
      connection_.ExecParams(
          std::string("SELECT ") + kSegmentColumns + " FROM " + Table("segments") +
              " s WHERE s.group_name = $1 AND NOT EXISTS (SELECT 1 FROM " +
              Table("segment_blocks") +
              " b WHERE b.segment_id = s.segment_id AND (NOT EXISTS (SELECT 1 FROM " +
              Table("cursors") + " c WHERE c.table_id = b.table_id) OR EXISTS (SELECT 1 FROM " +
              Table("cursors") +
              " c WHERE c.table_id = b.table_id AND c.next_offset < b.first_offset + "
              "b.change_count)))"
              " ORDER BY s.segment_id",
          {group_}));
  return ToSegments(rows, group_, Table("segments"));
}

Result<std::vector<std::string>> PgCoordinator::DeleteGroup() {
  ASSIGN_OR_RETURN(std::vector<IndexedSegment> segments, Segments());
  RETURN_IF_ERROR(InTransaction([&]() -> Status {
    const std::string group_tables =
        "(SELECT table_id FROM " + Table("tables") + " WHERE group_name = $1)";
    for (const std::string& sql :
         {"DELETE FROM " + Table("cursors") + " WHERE table_id IN " + group_tables,
          "DELETE FROM " + Table("segment_blocks") + " WHERE table_id IN " + group_tables,
          "DELETE FROM " + Table("segments") + " WHERE group_name = $1",
          "DELETE FROM " + Table("tables") + " WHERE group_name = $1",
          "DELETE FROM " + Table("watched_catalog") + " WHERE group_name = $1",
          "DELETE FROM " + Table("types") + " WHERE group_name = $1",
          "DELETE FROM " + Table("capture") + " WHERE group_name = $1"}) {
      RETURN_IF_ERROR(connection_.ExecParams(sql, {group_}).status());
    }
    return Status::Ok();
  }));
  std::vector<std::string> keys;
  for (const IndexedSegment& segment : segments) keys.push_back(segment.object_key);
  return keys;
}

Status PgCoordinator::ForgetSegments(const std::vector<int64_t>& segment_ids) {
  return InTransaction([&]() -> Status {
    for (int64_t id : segment_ids) {
      RETURN_IF_ERROR(connection_
                          .ExecParams("DELETE FROM " + Table("segments") +
                                          " WHERE segment_id = $1 AND group_name = $2",
                                      {std::to_string(id), group_})
                          .status());
    }
    return Status::Ok();
  });
}

}  // namespace pg2iceberg::stage
