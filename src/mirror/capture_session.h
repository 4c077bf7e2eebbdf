// One capture session, split so that `run` can act between its two halves: OpenCaptureSession
// connects, takes the group's lock and proves the recorded state against the source (first
// run: creates publication, slot and state); StreamChanges then captures into the staging log
// until stopped. `stream-only` runs both back to back; `run` also loads and materializes
// tables between and beside them (mirror/run.h).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "capture/capture_start.h"
#include "config/config.h"
#include "env/env.h"
#include "pg/privileges.h"
#include "stage/coordinator.h"
#include "stage/group_lock.h"

namespace pg2iceberg {

struct CaptureSession {
  std::unique_ptr<PgConnection> sql;               // the source, plain SQL
  std::unique_ptr<PgConnection> state_connection;  // the coordinator's database
  std::unique_ptr<PgConnection> replication;       // the source, walsender commands
  std::optional<stage::GroupLock> lock;
  std::unique_ptr<stage::Coordinator> coordinator;
  capture::CaptureTarget target;
  capture::PreparedCapture prepared;
  std::unique_ptr<ObjectStore> staging;  // the warehouse, which holds the staging log

  // The registered table id of "schema.table"; 0 when it is not registered.
  int64_t TableId(const std::string& qualified_name) const;
};

// What capture needs of the source's role (pg/privileges.h): a replication connection, the
// publication holding `tables`, and the coordinator schema when it lives in the source.
pg::PrivilegeNeeds CapturePrivileges(const Config& config,
                                     const std::vector<pg::SourceTable>& tables);

// The coordinator's database: state.postgres_url, else the source.
Result<std::unique_ptr<PgConnection>> ConnectState(const Config& config, Env& env);

// Connects, owns the group, prepares capture (capture_start.h) and checks the staging log.
// Errors: the connections', the lock's (kConflict: another process owns the group), the checks'.
Result<std::unique_ptr<CaptureSession>> OpenCaptureSession(const Config& config, Env& env);

// Streams the slot into the staging log until `stop` (then flushes what is complete and returns
// OK) or an error. Uses the session's sql, replication, coordinator and staging store.
Status StreamChanges(CaptureSession& session, const Config& config, Env& env,
                     const std::atomic<bool>& stop);

// Whether a failed session may be retried: a lost connection, an unavailable service, or a
// commit whose outcome is unknown (the next session reloads the recorded state, so nothing is
// applied twice). Everything else needs a person. The simulator accepts exactly these.
bool RetryableSessionError(const Status& status);

// Runs `session` again after retryable failures (a lost connection, an unavailable service, an
// outcome-unknown coordinator commit), with jittered exponential back-off, until it returns OK,
// fails otherwise, `stop` is set, or 10 attempts in a row failed. `what` names it in the log.
Status RunRetryingSessions(const std::string& what, Env& env, const std::atomic<bool>& stop,
                           const std::function<Status()>& session);

}  // namespace pg2iceberg
