#include "mirror/stream_only.h"

#include "capture/capture_start.h"
#include "capture/change_assembler.h"
#include "capture/slot_feedback.h"
#include "capture/staging_flusher.h"
#include "capture/streamer.h"
#include "capture/transaction_buffer.h"
#include "mirror/source_connection.h"
#include "mirror/warehouse.h"
#include "stage/coordinator.h"
#include "stage/staging_janitor.h"

namespace pg2iceberg {
namespace {

// Text values arrive in exactly the forms pg/text_values.h parses.
constexpr std::string_view kReplicationSessionSettings =
    "SET client_encoding = 'UTF8'; SET datestyle = 'ISO, YMD'; SET timezone = 'UTC';"
    " SET extra_float_digits = 3; SET bytea_output = 'hex'; SET intervalstyle = 'postgres'";

Result<std::unique_ptr<PgConnection>> ConnectReplication(const PostgresConfig& config, Env& env) {
  PgConnectParams params = SourceConnectParams(config);
  params.replication = true;
  params.application_name = "pg2iceberg-capture";
  const std::string where = "source postgres " + config.host + ":" + std::to_string(config.port) + "/" +
                            config.database + " (replication connection)";
  Result<std::unique_ptr<PgConnection>> connection = env.pg.Connect(params);
  if (!connection.ok()) return connection.status().WithContext(where);
  RETURN_IF_ERROR((*connection)->Exec(kReplicationSessionSettings).status().WithContext(where));
  return connection;
}

Result<std::unique_ptr<PgConnection>> ConnectState(const Config& config, Env& env) {
  if (config.state.postgres_url.empty()) return ConnectSource(config.source.postgres, env);
  PgConnectParams params;
  params.conninfo = config.state.postgres_url;
  Result<std::unique_ptr<PgConnection>> connection = env.pg.Connect(params);
  if (!connection.ok()) return connection.status().WithContext("state.postgres_url");
  return connection;
}

capture::CaptureTarget TargetOf(const Config& config) {
  capture::CaptureTarget target{.publication = config.source.publication_name,
                                .slot_name = config.source.slot_name};
  for (const TableConfig& table : config.tables) target.tables.push_back({table.schema_name, table.table_name});
  return target;
}

capture::FlushOptions FlushOptionsOf(const Config& config) {
  return {.flush_interval_ms = config.sink.flush_interval_ms,
          .flush_rows = config.sink.flush_rows,
          .flush_bytes = config.sink.flush_bytes,
          .key_prefix = StagingPrefix(config.state.group)};
}

std::vector<capture::MirroredTable> MirroredTables(const std::vector<stage::TableState>& tables) {
  std::vector<capture::MirroredTable> mirrored;
  for (const stage::TableState& table : tables) mirrored.push_back({table.relid, table.schema_name, table.table_name});
  return mirrored;
}

}  // namespace

std::string StagingPrefix(const std::string& group) { return "_pg2iceberg/stage/" + group + "/"; }

Status RunStreamOnly(const Config& config, Env& env, const std::atomic<bool>& stop) {
  if (config.source.mode != "logical") {
    return Status::InvalidArgument("stream-only needs source.mode: logical (got \"" + config.source.mode + "\")");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> sql, ConnectSource(config.source.postgres, env));
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> state_connection, ConnectState(config, env));
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> replication, ConnectReplication(config.source.postgres, env));
  ASSIGN_OR_RETURN(std::unique_ptr<stage::Coordinator> coordinator,
                   stage::Coordinator::Open(*state_connection, config.state.coordinator_schema, config.state.group));
  const capture::CaptureTarget target = TargetOf(config);
  ASSIGN_OR_RETURN(capture::PreparedCapture prepared,
                   capture::PrepareCapture(target, *sql, *replication, *coordinator, env.log));
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> warehouse, OpenWarehouse(config.sink, env));
  RETURN_IF_ERROR(capture::CheckNewestSegment(*coordinator, *warehouse));
  ASSIGN_OR_RETURN(int orphans, stage::RemoveUnindexedSegments(*coordinator, *warehouse, StagingPrefix(config.state.group)));
  if (orphans > 0) env.log.Info("deleted " + std::to_string(orphans) + " unindexed staging segment(s) left by a crash");
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> spill_store, env.object_stores.Open("file://" + config.source.spill_dir));
  capture::TransactionBuffer buffer({.memory_budget_bytes = static_cast<uint64_t>(config.source.transaction_buffer_bytes)},
                                    *spill_store);
  RETURN_IF_ERROR(buffer.DiscardAll().WithContext("clearing spill directory " + config.source.spill_dir));
  ASSIGN_OR_RETURN(stage::RecordedLsn recorded, coordinator->RecordedFlushed());
  env.log.Info("capturing " + std::to_string(prepared.tables.size()) + " table(s) from slot " +
               prepared.state.slot_name + " at " + change::FormatLsn(recorded.lsn()));
  ASSIGN_OR_RETURN(std::unique_ptr<ReplicationStream> stream,
                   replication->StartReplication(capture::StartReplicationCommand(
                       prepared.state.slot_name, recorded.lsn(), prepared.state.publication_name, config.source.binary)));
  capture::SlotFeedback feedback(*stream, env.clock, recorded);
  capture::StagingFlusher flusher(FlushOptionsOf(config), *warehouse, env.clock, env.random, *coordinator,
                                  prepared.tables, recorded);
  capture::Streamer streamer({.standby_interval_ms = config.source.standby_interval_ms}, *stream, flusher, feedback,
                             env.clock, env.log,
                             [&]() -> Status {
                               RETURN_IF_ERROR(capture::CheckWhileStreaming(target, prepared, *sql, *coordinator));
                               return stage::RetirePassedSegments(*coordinator, *warehouse).status();
                             });
  capture::ChangeAssembler assembler(MirroredTables(prepared.tables), buffer, streamer, env.log);
  Status status = streamer.Run(assembler, stop);
  const capture::FlushStats& stats = flusher.stats();
  env.log.Info("staged " + std::to_string(stats.changes) + " change(s) of " + std::to_string(stats.transactions) +
               " transaction(s) in " + std::to_string(stats.segments) + " segment(s), " +
               std::to_string(stats.segment_bytes) + " bytes");
  return status;
}

}  // namespace pg2iceberg
