#include "mirror/stream_only.h"

#include "mirror/capture_session.h"
#include "pg/source_connection.h"

namespace pg2iceberg {

std::string StagingPrefix(const std::string& group) { return "_pg2iceberg/stage/" + group + "/"; }

Status RunStreamOnly(const Config& config, Env& env, const std::atomic<bool>& stop) {
  if (config.source.mode != "logical") {
    return Status::InvalidArgument("stream-only needs source.mode: logical (got \"" +
                                   config.source.mode + "\")");
  }
  {
    ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> source,
                     ConnectSource(config.source.postgres, env));
    std::vector<pg::SourceTable> tables;
    for (const TableConfig& table : config.tables) {
      Result<pg::SourceTable> described =
          pg::DescribeTable(*source, table.schema_name, table.table_name);
      // A missing table is reported by capture itself, with its own words.
      if (described.ok()) tables.push_back(std::move(*described));
    }
    RETURN_IF_ERROR(pg::CheckPrivileges(*source, CapturePrivileges(config, tables)));
  }
  return RunRetryingSessions("capture", env, stop, [&]() -> Status {
    ASSIGN_OR_RETURN(std::unique_ptr<CaptureSession> session, OpenCaptureSession(config, env));
    return StreamChanges(*session, config, env, stop);
  });
}

}  // namespace pg2iceberg
