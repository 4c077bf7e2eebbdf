#include "mirror/connect_check.h"

#include "pg/source_connection.h"
#include "pg/table_discovery.h"

namespace pg2iceberg {

Result<std::string> CheckPostgresConnection(const Config& config, Env& env) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection,
                   ConnectSource(config.source.postgres, env));
  ASSIGN_OR_RETURN(
      PgRows info,
      connection->Exec(
          "SELECT version(), current_setting('wal_level'), current_database(), current_user"));
  if (info.rows.size() != 1 || info.rows[0].size() != 4) {
    return Status::Internal("unexpected answer to SELECT version(), … from the source (" +
                            std::to_string(info.rows.size()) + " rows)");
  }
  const auto& row = info.rows[0];
  std::string report = "connected: " + row[0].value_or("") + "\n" +
                       "database=" + row[2].value_or("") + " user=" + row[3].value_or("") +
                       " wal_level=" + row[1].value_or("") + "\n";
  int missing = 0;
  StatusCode missing_code = StatusCode::kNotFound;
  for (const TableConfig& table : config.tables) {
    Result<pg::SourceTable> found =
        pg::DescribeTable(*connection, table.schema_name, table.table_name);
    if (found.ok()) {
      report += "table " + found->QualifiedName() + ": " + std::to_string(found->columns.size()) +
                " columns, oid " + std::to_string(found->oid) + "\n";
    } else {
      report += "table " + table.schema_name + "." + table.table_name + ": " +
                found.status().message() + "\n";
      ++missing;
      missing_code = found.status().code();
    }
  }
  if (row[1].value_or("") != "logical") {
    report += "warning: wal_level is not logical; streaming (run, stream-only) will need it\n";
  }
  if (missing > 0) {
    return Status(missing_code, report + std::to_string(missing) + " of " +
                                    std::to_string(config.tables.size()) +
                                    " configured tables cannot be mirrored");
  }
  return report;
}

}  // namespace pg2iceberg
