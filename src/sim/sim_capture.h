// SimCaptureProcess: one life of the capture half of a pg2iceberg process in the simulator —
// the real ChangeAssembler, Streamer, StagingFlusher, SlotFeedback, GroupLock, staging-log
// checks and janitor, composed as mirror/capture_session.cc composes them, over the simulated
// world: the SimWal's slot instead of a replication connection, a MemoryCoordinator instead of
// the `_pg2iceberg` schema, a memory object store (with faults) instead of the warehouse.
//
// Start rebuilds every in-memory state from durable state only (the coordinator rows, the
// staging objects, the slot), as a restarted process must; destroying the object is a crash
// (nothing is flushed; the lock's session ends). What it does not run, because it speaks SQL to
// the source: PrepareCapture's slot and publication set-up (the world creates the slot and the
// first start registers the tables as PrepareCapture does), the running guards and the catalog
// watch, and type resolution (the simulated tables use built-in types only).
//
// Not thread-safe. The world must outlive the process.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/log.h"
#include "capture/change_assembler.h"
#include "capture/slot_feedback.h"
#include "capture/staging_flusher.h"
#include "capture/streamer.h"
#include "capture/transaction_buffer.h"
#include "env/fail_points.h"
#include "env/manual_clock.h"
#include "env/memory_object_store.h"
#include "env/random.h"
#include "sim/memory_coordinator.h"
#include "sim/sim_locks.h"
#include "sim/sim_wal_sender.h"
#include "sim/sim_workload.h"
#include "stage/group_lock.h"

namespace pg2iceberg::sim {

inline constexpr const char* kSimGroup = "default";
inline constexpr const char* kSimStagingPrefix = "_pg2iceberg/stage/default/";

// What a capture process stands on: everything that survives a crash, and the seams the
// simulator controls.
struct SimCaptureWorld {
  ManualClock& clock;
  const SimWal& wal;
  SimSlot& slot;
  MemoryCoordinatorState& coordinator;
  SimAdvisoryLocks& locks;
  std::vector<uint32_t> relids;
  Logger& log;
};

// What one life uses that the simulator chooses per start.
struct SimCaptureSeams {
  ObjectStore& staging;  // the warehouse, possibly faulty
  Random& random;        // the process's Env random (object names, ids)
  SimStreamOptions stream;
  capture::StreamerOptions streamer;
  capture::FlushOptions flush;
  capture::TransactionBufferOptions buffer;
};

class SimCaptureProcess {
 public:
  // Takes the group lock, registers the tables on the first start, checks and tidies the
  // staging log, and opens the slot's stream at the recorded position.
  static Result<std::unique_ptr<SimCaptureProcess>> Start(const SimCaptureWorld& world,
                                                          const SimCaptureSeams& seams);

  // One Streamer step (see capture/streamer.h), waiting no later than `deadline_micros`.
  Status Step(int64_t deadline_micros);

  const capture::StreamerStats& streamer_stats() const { return streamer_->stats(); }
  const capture::FlushStats& flush_stats() const { return flusher_->stats(); }
  uint64_t spilled_bytes() const { return buffer_->spilled_bytes(); }
  int64_t resent_changes() const { return stream_->resent_changes(); }

 private:
  SimCaptureProcess() = default;
  Status Open(const SimCaptureWorld& world, const SimCaptureSeams& seams);

  std::unique_ptr<PgConnection> session_;
  std::optional<stage::GroupLock> lock_;
  std::unique_ptr<MemoryCoordinator> coordinator_;
  std::unique_ptr<MemoryObjectStore> spill_;
  std::unique_ptr<capture::TransactionBuffer> buffer_;
  std::unique_ptr<pg::TypeResolver> types_;
  std::unique_ptr<SimReplicationStream> stream_;
  std::unique_ptr<capture::SlotFeedback> feedback_;
  std::unique_ptr<capture::StagingFlusher> flusher_;
  std::unique_ptr<capture::Streamer> streamer_;
  std::unique_ptr<capture::ChangeAssembler> assembler_;
  NoFailPoints fail_points_;
};

}  // namespace pg2iceberg::sim
