#include "mirror/capture_session.h"

#include <algorithm>

#include "capture/change_assembler.h"
#include "capture/recorded_type_resolver.h"
#include "capture/slot_feedback.h"
#include "capture/staging_flusher.h"
#include "capture/streamer.h"
#include "capture/transaction_buffer.h"
#include "mirror/stream_only.h"
#include "pg/source_connection.h"
#include "stage/pg_coordinator.h"
#include "stage/staging_janitor.h"
#include "table/warehouse.h"

namespace pg2iceberg {
namespace {

capture::CaptureTarget TargetOf(const Config& config) {
  capture::CaptureTarget target{.publication = config.source.publication_name,
                                .slot_name = config.source.slot_name};
  for (const TableConfig& table : config.tables)
    target.tables.push_back({table.schema_name, table.table_name});
  return target;
}

capture::FlushOptions FlushOptionsOf(const Config& config) {
  return {.flush_interval_ms = config.sink.flush_interval_ms,
          .flush_rows = config.sink.flush_rows,
          .flush_bytes = config.sink.flush_bytes,
          .key_prefix = StagingPrefix(config.state.group)};
}

std::vector<uint32_t> Relids(const std::vector<stage::TableState>& tables) {
  std::vector<uint32_t> relids;
  for (const stage::TableState& table : tables) relids.push_back(table.relid);
  return relids;
}

// Sleeps `micros` in short steps, returning early when `stop` is set.
void SleepUnlessStopped(Env& env, int64_t micros, const std::atomic<bool>& stop) {
  const int64_t until = env.clock.MonotonicMicros() + micros;
  while (!stop.load() && env.clock.MonotonicMicros() < until) env.clock.SleepMicros(100'000);
}

}  // namespace

int64_t CaptureSession::TableId(const std::string& qualified_name) const {
  for (const stage::TableState& table : prepared.tables) {
    if (table.QualifiedName() == qualified_name) return table.table_id;
  }
  return 0;
}

pg::PrivilegeNeeds CapturePrivileges(const Config& config,
                                     const std::vector<pg::SourceTable>& tables) {
  pg::PrivilegeNeeds needs;
  needs.replication = true;
  needs.publication = config.source.publication_name;
  needs.published = tables;
  if (config.state.postgres_url.empty()) needs.coordinator_schema = config.state.coordinator_schema;
  return needs;
}

Result<std::unique_ptr<PgConnection>> ConnectState(const Config& config, Env& env) {
  if (config.state.postgres_url.empty()) return ConnectSource(config.source.postgres, env);
  PgConnectParams params;
  params.conninfo = config.state.postgres_url;
  Result<std::unique_ptr<PgConnection>> connection = env.pg.Connect(params);
  if (!connection.ok()) return connection.status().WithContext("state.postgres_url");
  return connection;
}

Result<std::unique_ptr<CaptureSession>> OpenCaptureSession(const Config& config, Env& env) {
  auto session = std::make_unique<CaptureSession>();
  ASSIGN_OR_RETURN(session->sql, ConnectSource(config.source.postgres, env));
  ASSIGN_OR_RETURN(session->state_connection, ConnectState(config, env));
  ASSIGN_OR_RETURN(session->replication,
                   ConnectReplication(config.source.postgres, "pg2iceberg-capture", env));
  RETURN_IF_ERROR(pg::CheckServerVersion(session->replication->ServerVersion()));
  // Ownership first: nothing of the group's (slot, state, staging log, spill directory) is
  // touched, not even cleaned up, before this process holds it.
  ASSIGN_OR_RETURN(
      stage::GroupLock lock,
      stage::GroupLock::Acquire(*session->state_connection, config.state.coordinator_schema,
                                config.state.group, {}, env.clock, env.log));
  session->lock.emplace(std::move(lock));
  ASSIGN_OR_RETURN(session->coordinator,
                   stage::PgCoordinator::Open(*session->state_connection,
                                              config.state.coordinator_schema, config.state.group));
  session->target = TargetOf(config);
  ASSIGN_OR_RETURN(
      session->prepared,
      capture::PrepareCapture(session->target, *session->sql, *session->replication,
                              *session->coordinator, *session->lock, env.log, env.fail_points));
  ASSIGN_OR_RETURN(session->staging, OpenWarehouse(config.sink, env));
  RETURN_IF_ERROR(capture::CheckNewestSegment(*session->coordinator, *session->staging));
  ASSIGN_OR_RETURN(
      stage::StagingLogCheck checked,
      stage::CheckAndTidyStagingLog(*session->coordinator, *session->staging,
                                    StagingPrefix(config.state.group), *session->lock));
  if (checked.removed_orphans > 0) {
    env.log.Info("deleted " + std::to_string(checked.removed_orphans) +
                 " unindexed staging segment(s) left by a crash");
  }
  return session;
}

Status StreamChanges(CaptureSession& session, const Config& config, Env& env,
                     const std::atomic<bool>& stop) {
  PgConnection& sql = *session.sql;
  stage::Coordinator& coordinator = *session.coordinator;
  const capture::PreparedCapture& prepared = session.prepared;
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> spill_store,
                   env.object_stores.Open("file://" + config.source.spill_dir));
  capture::TransactionBuffer buffer(
      {.memory_budget_bytes = static_cast<uint64_t>(config.source.transaction_buffer_bytes)},
      *spill_store);
  RETURN_IF_ERROR(
      buffer.DiscardAll().WithContext("clearing spill directory " + config.source.spill_dir));
  // Column types resolve as recorded when first seen: record those in use now, before any is
  // dropped.
  ASSIGN_OR_RETURN(std::unique_ptr<capture::RecordedTypeResolver> types,
                   capture::RecordedTypeResolver::Load(sql, coordinator, env.log));
  const std::vector<uint32_t> relids = Relids(prepared.tables);
  RETURN_IF_ERROR(types->RecordColumnTypes(relids));
  ASSIGN_OR_RETURN(stage::RecordedLsn recorded, coordinator.RecordedFlushed());
  env.log.Info("capturing " + std::to_string(prepared.tables.size()) + " table(s) from slot " +
               prepared.state.slot_name + " at " + change::FormatLsn(recorded.lsn()));
  ASSIGN_OR_RETURN(std::unique_ptr<ReplicationStream> stream,
                   session.replication->StartReplication(pg::StartReplicationCommand(
                       prepared.state.slot_name, recorded.lsn(), prepared.state.publication_name,
                       config.source.binary)));
  capture::SlotFeedback feedback(*stream, env.clock, recorded, env.fail_points);
  capture::StagingFlusher flusher(FlushOptionsOf(config), *session.staging, env.clock, env.random,
                                  coordinator, prepared.tables, recorded, env.fail_points);
  capture::Streamer streamer(
      {.standby_interval_ms = config.source.standby_interval_ms}, *stream, flusher, feedback,
      env.clock, env.log,
      [&]() -> Status {
        RETURN_IF_ERROR(capture::CheckWhileStreaming(session.target, prepared, sql, coordinator));
        RETURN_IF_ERROR(types->RecordColumnTypes(relids));
        return stage::RetirePassedSegments(coordinator, *session.staging).status();
      },
      [&]() -> Status { return prepared.catalog ? prepared.catalog->Check(sql) : Status::Ok(); });
  capture::ChangeAssembler assembler(capture::MirroredTablesOf(prepared.tables), *types, buffer,
                                     streamer, env.log);
  Status status = streamer.Run(assembler, stop);
  const capture::FlushStats& stats = flusher.stats();
  env.log.Info("staged " + std::to_string(stats.changes) + " change(s) of " +
               std::to_string(stats.transactions) + " transaction(s) in " +
               std::to_string(stats.segments) + " segment(s), " +
               std::to_string(stats.segment_bytes) + " bytes");
  return status;
}

bool RetryableSessionError(const Status& status) {
  return status.code() == StatusCode::kUnavailable || status.code() == StatusCode::kOutcomeUnknown;
}

Status RunRetryingSessions(const std::string& what, Env& env, const std::atomic<bool>& stop,
                           const std::function<Status()>& session) {
  constexpr int kMaxConsecutiveFailures = 10;
  constexpr int64_t kMaxBackoffMicros = 30'000'000;
  constexpr int64_t kHealthySessionMicros = 60'000'000;  // a session this long resets the count
  int failures = 0;
  while (true) {
    const int64_t started = env.clock.MonotonicMicros();
    Status status = session();
    if (status.ok() || stop.load() || !RetryableSessionError(status)) return status;
    if (env.clock.MonotonicMicros() - started >= kHealthySessionMicros) failures = 0;
    if (++failures > kMaxConsecutiveFailures) {
      return status.WithContext("giving up after " + std::to_string(kMaxConsecutiveFailures) +
                                " attempts");
    }
    const int64_t backoff =
        std::min<int64_t>(kMaxBackoffMicros, 1'000'000LL << std::min(failures - 1, 5));
    const int64_t sleep =
        backoff / 2 + static_cast<int64_t>(env.random.Uniform(static_cast<uint64_t>(backoff / 2)));
    env.log.Warn(what + " interrupted (" + status.ToString() +
                 "); resuming from the recorded position in " + std::to_string(sleep / 1000) +
                 " ms (attempt " + std::to_string(failures) + " of " +
                 std::to_string(kMaxConsecutiveFailures) + ")");
    SleepUnlessStopped(env, sleep, stop);
    if (stop.load()) return Status::Ok();
  }
}

}  // namespace pg2iceberg
