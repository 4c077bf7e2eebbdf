// Recorded type resolutions: one row per (group, type OID), written when capture first resolves
// a non-built-in column type and never replaced, so a Relation message decoded long after the
// type was dropped (or changed) still decodes as it did when the column was first seen.
#include "stage/coordinator_types.h"

#include <charconv>

#include "stage/coordinator_checksums.h"
#include "stage/pg_coordinator.h"

namespace pg2iceberg::stage {
namespace {

constexpr std::string_view kColumns =
    "type_oid, resolved_oid, type_modifier, declared_name, checksum";

template <typename T>
bool ParseCell(const std::optional<std::string>& cell, T* out) {
  if (!cell.has_value() || cell->empty()) return false;
  const auto [end, error] = std::from_chars(cell->data(), cell->data() + cell->size(), *out);
  return error == std::errc() && end == cell->data() + cell->size();
}

// One row of kColumns, verified against its checksum.
Result<RecordedType> ParseTypeRow(const std::vector<std::optional<std::string>>& row,
                                  const std::string& group, const std::string& table) {
  RecordedType t;
  if (row.size() != 5 || !ParseCell(row[0], &t.type_oid) || !ParseCell(row[1], &t.resolved_oid) ||
      !ParseCell(row[2], &t.type_modifier) || !row[3].has_value() || !row[4].has_value()) {
    return Status::DataLoss("coordinator row " + table + " (group " + group +
                            ") is malformed: it was changed outside pg2iceberg");
  }
  t.declared_name = *row[3];
  if (*row[4] != TypeChecksum(group, t)) {
    return Status::DataLoss(
        "coordinator row " + table + " (group " + group + ", type oid " +
        std::to_string(t.type_oid) +
        ") fails its checksum: it was changed outside pg2iceberg, so how capture decodes "
        "that type cannot be trusted. Restore the coordinator schema from a backup, or mirror "
        "afresh (pg2iceberg cleanup)");
  }
  return t;
}

}  // namespace

std::string TypesTableMigration() {
  return R"sql(
CREATE TABLE IF NOT EXISTS {s}.types (
  group_name     text NOT NULL,
  type_oid       oid NOT NULL,
  resolved_oid   oid NOT NULL,
  type_modifier  integer NOT NULL,
  declared_name  text NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  checksum       bigint NOT NULL,
  PRIMARY KEY (group_name, type_oid));
)sql";
}

Result<std::vector<RecordedType>> PgCoordinator::LoadTypes() {
  ASSIGN_OR_RETURN(PgRows rows, connection_.ExecParams(
                                    "SELECT " + std::string(kColumns) + " FROM " + Table("types") +
                                        " WHERE group_name = $1 ORDER BY type_oid",
                                    {group_}));
  std::vector<RecordedType> types;
  for (const auto& row : rows.rows) {
    ASSIGN_OR_RETURN(RecordedType type, ParseTypeRow(row, group_, Table("types")));
    types.push_back(std::move(type));
  }
  return types;
}

Result<RecordedType> PgCoordinator::RecordType(const RecordedType& type) {
  ASSIGN_OR_RETURN(
      PgRows inserted,
      connection_.ExecParams(
          "INSERT INTO " + Table("types") +
              " (group_name, type_oid, resolved_oid, type_modifier, declared_name,"
              " checksum) VALUES ($1, $2, $3, $4, $5, $6)"
              " ON CONFLICT (group_name, type_oid) DO NOTHING RETURNING 1",
          {group_, std::to_string(type.type_oid), std::to_string(type.resolved_oid),
           std::to_string(type.type_modifier), type.declared_name, TypeChecksum(group_, type)}));
  if (!inserted.rows.empty()) return type;
  // Recorded already (by an earlier session, or by another process of the group just now).
  ASSIGN_OR_RETURN(PgRows rows, connection_.ExecParams(
                                    "SELECT " + std::string(kColumns) + " FROM " + Table("types") +
                                        " WHERE group_name = $1 AND type_oid = $2",
                                    {group_, std::to_string(type.type_oid)}));
  if (rows.rows.size() != 1) {
    return Status::Conflict(
        "coordinator row " + Table("types") + " of type oid " + std::to_string(type.type_oid) +
        " was deleted while pg2iceberg recorded it (pg2iceberg cleanup running?)");
  }
  return ParseTypeRow(rows.rows[0], group_, Table("types"));
}

}  // namespace pg2iceberg::stage
