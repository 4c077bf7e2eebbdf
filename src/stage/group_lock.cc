#include "stage/group_lock.h"

#include "base/crc32c.h"

namespace pg2iceberg::stage {
namespace {

// "p2ic": the class key of every group lock (the two-key advisory lock space, which the
// single-key locks of schema migrations never share).
constexpr int32_t kGroupLockClass = 0x70326963;

Result<bool> TryLock(PgConnection& state, const GroupLockKey& key) {
  ASSIGN_OR_RETURN(PgRows rows, state.ExecParams("SELECT pg_try_advisory_lock($1::int4, $2::int4)",
                                                 {std::to_string(key.class_key),
                                                  std::to_string(key.object_key)}));
  if (rows.rows.size() != 1 || !rows.rows[0][0])
    return Status::Internal("pg_try_advisory_lock returned no row");
  return *rows.rows[0][0] == "t";
}

// Who holds the lock, as far as pg_stat_activity tells (it may have gone in the meantime).
std::string Holder(PgConnection& state, const GroupLockKey& key) {
  Result<PgRows> rows = state.ExecParams(
      "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local "
      "socket'),"
      " a.backend_start FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = "
      "'advisory'"
      " AND l.granted AND l.classid = $1::int4::oid AND l.objid = $2::int4::oid AND l.objsubid = 2",
      {std::to_string(key.class_key), std::to_string(key.object_key)});
  if (!rows.ok() || rows->rows.empty()) return "another session";
  const auto& row = rows->rows[0];
  return "server process " + row[0].value_or("?") + " (application \"" + row[1].value_or("") +
         "\", client " + row[2].value_or("?") + ", connected since " + row[3].value_or("?") + ")";
}

}  // namespace

GroupLockKey GroupLockKeyOf(const std::string& schema, const std::string& group) {
  std::string text = schema;
  text.push_back('\0');
  text += group;
  return {kGroupLockClass, static_cast<int32_t>(Crc32c(AsBytes(text)))};
}

Result<GroupLock> GroupLock::Acquire(PgConnection& state, const std::string& schema,
                                     const std::string& group, const GroupLockOptions& options,
                                     Clock& clock, Logger& log) {
  const GroupLockKey key = GroupLockKeyOf(schema, group);
  const int64_t deadline = clock.MonotonicMicros() + options.wait_ms * 1000;
  bool announced = false;
  while (true) {
    ASSIGN_OR_RETURN(bool locked, TryLock(state, key));
    if (locked) return GroupLock(group);
    if (clock.MonotonicMicros() >= deadline) break;
    if (!announced) {
      log.Warn("coordinator group \"" + group + "\" is owned by " + Holder(state, key) +
               "; waiting up to " + std::to_string(options.wait_ms / 1000) + " s for it to stop");
      announced = true;
    }
    clock.SleepMicros(options.retry_interval_ms * 1000);
  }
  return Status::Conflict(
      "coordinator group \"" + group + "\" (schema " + schema + ") is owned by " +
      Holder(state, key) +
      ": another pg2iceberg is capturing with this configuration, and two would destroy each "
      "other's staging log. Stop the other process, or give this one its own state.group, "
      "source.logical.slot_name and publication");
}

}  // namespace pg2iceberg::stage
