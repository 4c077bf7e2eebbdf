// GroupLock: proof that this process owns a coordinator group — the only writer of its capture
// state, its staging log and its spill directory. Two processes started with one config (an
// operator's mistake, or an orchestrator restarting a process before the old one is dead) must
// never both write: the second would delete the first one's freshly uploaded segments as
// "unindexed" and empty its spill directory.
//
// The lock is a session-level advisory lock on the state connection, keyed by the coordinator
// schema and the group (docs/coordinator.md, "Ownership"). Postgres releases it when that
// session ends, also when the process dies, so a crashed owner never blocks a successor. Every
// coordinator write of the owner goes through the same connection, so a process whose session
// was ended (and whose lock was therefore released) can write nothing more there.
//
// Acquire before touching anything: clean-up at start-up included. Functions that are safe only
// for the owner take a `const GroupLock&` as their proof.
//
// Borrows the connection, which must outlive the lock. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/log.h"
#include "base/status.h"
#include "env/clock.h"
#include "env/pg_connection.h"

namespace pg2iceberg::stage {

struct GroupLockOptions {
  // How long to wait for another owner to go away before giving up. Default: 30 s, enough for
  // an orchestrator's restart to outlive the old process.
  int64_t wait_ms = 30'000;
  // How often to try again meanwhile. Default: 1 s.
  int64_t retry_interval_ms = 1'000;
};

// The two 32-bit keys of the group's advisory lock: a fixed class key and the CRC-32C of
// "schema\0group". Pure; documented in docs/coordinator.md.
struct GroupLockKey {
  int32_t class_key = 0;
  int32_t object_key = 0;
};
GroupLockKey GroupLockKeyOf(const std::string& schema, const std::string& group);

class GroupLock {
 public:
  // Takes the group's lock on `state`, waiting up to options.wait_ms while another session
  // holds it. kConflict naming the holder (its pid, application and client address) and the way
  // out when it is still held then; connection errors as the connection reports them.
  static Result<GroupLock> Acquire(PgConnection& state, const std::string& schema,
                                   const std::string& group, const GroupLockOptions& options,
                                   Clock& clock, Logger& log);

  const std::string& group() const { return group_; }

 private:
  explicit GroupLock(std::string group) : group_(std::move(group)) {}
  std::string group_;
};

}  // namespace pg2iceberg::stage
