// The watched_catalog table: fingerprints of the source catalog state capture watches.
#include "stage/coordinator_checksums.h"
#include "stage/pg_coordinator.h"

namespace pg2iceberg::stage {

Result<std::optional<std::string>> PgCoordinator::LoadWatched(const std::string& name) {
  ASSIGN_OR_RETURN(PgRows rows, connection_.ExecParams("SELECT fingerprint, checksum::text FROM " +
                                                           Table("watched_catalog") +
                                                           " WHERE group_name = $1 AND name = $2",
                                                       {group_, name}));
  if (rows.rows.empty()) return std::optional<std::string>();
  const auto& row = rows.rows[0];
  if (row.size() != 2 || !row[0] || !row[1] || *row[1] != WatchedChecksum(group_, name, *row[0])) {
    return Status::DataLoss(
        "coordinator row " + Table("watched_catalog") + " (group " + group_ + ", " + name +
        ") fails its checksum: it was changed outside pg2iceberg, so the capture state "
        "cannot be trusted. Rebuild the mirror (pg2iceberg cleanup, then a fresh start)");
  }
  return std::optional<std::string>(*row[0]);
}

Status PgCoordinator::RecordWatched(const std::string& name, const std::string& fingerprint) {
  return connection_
      .ExecParams(
          "INSERT INTO " + Table("watched_catalog") +
              " (group_name, name, fingerprint, checksum) VALUES ($1, $2, $3, $4)"
              " ON CONFLICT (group_name, name) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,"
              " checksum = EXCLUDED.checksum, recorded_at = now()",
          {group_, name, fingerprint, WatchedChecksum(group_, name, fingerprint)})
      .status();
}

}  // namespace pg2iceberg::stage
