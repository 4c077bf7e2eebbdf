// SimAdvisoryLocks: the session-level advisory locks of the simulated state database, so the
// real GroupLock (stage/group_lock.h) fences simulated processes as Postgres fences real ones.
//
// Each Connect() is one database session. The session answers exactly the statement GroupLock
// sends to take its lock (pg_try_advisory_lock on two int4 keys): a free key is granted, a key the
// session holds is granted again (advisory locks are re-entrant), a key another session holds is
// refused. The query naming the holder answers no row ("another session"). Every other statement
// is refused with kInternal naming it: the simulator runs no other SQL on this session. Ending
// the session (destroying it: a process that crashed or stopped) releases its locks, as Postgres
// does when a backend exits.
//
// Not thread-safe. The SimAdvisoryLocks must outlive its sessions.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <utility>

#include "env/pg_connection.h"

namespace pg2iceberg::sim {

class SimAdvisoryLocks {
 public:
  std::unique_ptr<PgConnection> Connect();
  // The session holding the two-key lock, 0 when it is free.
  int Holder(int32_t class_key, int32_t object_key) const;

 private:
  friend class SimLockSession;
  std::map<std::pair<int32_t, int32_t>, int> holders_;
  int next_session_ = 1;
};

}  // namespace pg2iceberg::sim
