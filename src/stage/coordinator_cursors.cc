// The materializer's cursors: loading them (verified) and advancing several in one transaction,
// each from the value it replaces (docs/coordinator.md, "cursors").
#include <charconv>

#include "base/check.h"
#include "stage/coordinator_checksums.h"
#include "stage/pg_coordinator.h"

namespace pg2iceberg::stage {
namespace {

Result<int64_t> Integer(const std::optional<std::string>& cell, const std::string& row) {
  int64_t value = 0;
  if (cell) {
    const char* end = cell->data() + cell->size();
    auto [ptr, error] = std::from_chars(cell->data(), end, value);
    if (error == std::errc() && ptr == end) return value;
  }
  return Status::DataLoss("coordinator row " + row + " holds " +
                          (cell ? "\"" + *cell + "\"" : std::string("NULL")) +
                          " where a number belongs: it was changed outside pg2iceberg");
}

}  // namespace

Result<std::map<int64_t, int64_t>> PgCoordinator::LoadCursors(const std::string& consumer) {
  ASSIGN_OR_RETURN(PgRows rows,
                   connection_.ExecParams("SELECT c.table_id, c.next_offset, c.checksum FROM " +
                                              Table("cursors") + " c JOIN " + Table("tables") +
                                              " t USING (table_id) WHERE t.group_name = $1 AND "
                                              "c.consumer = $2",
                                          {group_, consumer}));
  std::map<int64_t, int64_t> cursors;
  for (const auto& row : rows.rows) {
    const std::string where = Table("cursors") + " (consumer " + consumer + ")";
    if (row.size() != 3) return Status::Internal("cursor query returned a malformed row");
    ASSIGN_OR_RETURN(int64_t table_id, Integer(row[0], where));
    ASSIGN_OR_RETURN(int64_t next_offset, Integer(row[1], where));
    if (row[2].value_or("") != CursorChecksum(table_id, consumer, next_offset)) {
      return Status::DataLoss("coordinator row " + where + " of table_id " +
                              std::to_string(table_id) +
                              " fails its checksum: it was changed outside pg2iceberg, so how "
                              "far the table is materialized is unknown. Mirror afresh: "
                              "`pg2iceberg cleanup`, then a fresh start");
    }
    cursors[table_id] = next_offset;
  }
  return cursors;
}

Status PgCoordinator::AdvanceCursors(const std::string& consumer,
                                     const std::vector<CursorAdvance>& advances) {
  return InTransaction([&]() -> Status {
    for (const CursorAdvance& advance : advances) {
      CHECK_MSG(!advance.expected || *advance.expected <= advance.next_offset,
                "cursors never move backwards");
      const std::string table_id = std::to_string(advance.table_id);
      const std::string next = std::to_string(advance.next_offset);
      const std::string checksum = CursorChecksum(advance.table_id, consumer, advance.next_offset);
      Result<PgRows> rows =
          advance.expected
              ? connection_.ExecParams(
                    "UPDATE " + Table("cursors") +
                        " SET next_offset = $3, checksum = $4, updated_at = now() WHERE "
                        "table_id = $1 AND consumer = $2 AND next_offset = $5 AND checksum = $6 "
                        "RETURNING 1",
                    {table_id, consumer, next, checksum, std::to_string(*advance.expected),
                     CursorChecksum(advance.table_id, consumer, *advance.expected)})
              : connection_.ExecParams("INSERT INTO " + Table("cursors") +
                                           " (table_id, consumer, next_offset, checksum) VALUES "
                                           "($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1",
                                       {table_id, consumer, next, checksum});
      RETURN_IF_ERROR(rows.status());
      if (rows->rows.empty()) {
        return Status::Conflict(
            "cursor of " + consumer + " on table_id " + table_id + " is no longer at " +
            (advance.expected ? std::to_string(*advance.expected) : std::string("(none)")) +
            ": another materializer of this group moved it");
      }
    }
    return Status::Ok();
  });
}

}  // namespace pg2iceberg::stage
