// FailPoints: named places in production code where a test (or the simulator) can stop the
// process, to prove that recovery from a crash at exactly that place loses and duplicates
// nothing. Production code calls Hit(name) as it passes each place; unless something armed the
// point, Hit does nothing and returns OK (the cost is a check of an empty set).
//
// The real implementation (env/process_fail_points.h) is armed only by the environment variable
// PG2ICEBERG_FAILPOINTS (a test hook, not a user feature: docs/testing.md#failpoints); a
// simulator arms its own implementation through the same interface. Every name lives here, so
// the list of crash windows under test is in one place.
#pragma once

#include <string_view>

#include "base/status.h"

namespace pg2iceberg {

namespace failpoint {

// A staging segment is durable in the object store and not yet indexed: a crash here leaves an
// object no index row names, which the next start-up deletes (docs/capture.md).
inline constexpr std::string_view kAfterSegmentUpload = "after-segment-upload";
// The coordinator committed a flush (index rows and the new flushed_lsn); the slot has not been
// told: a crash here leaves flushed_lsn ahead of the slot's confirmed_flush_lsn.
inline constexpr std::string_view kAfterIndexCommit = "after-index-commit";
// A standby status update acknowledging a recorded flushed_lsn was handed to the server.
inline constexpr std::string_view kAfterSlotAck = "after-slot-ack";

// The first start created the replication slot and has not yet recorded its consistent point:
// a crash here leaves a pending capture row and a slot, which the next start recreates.
inline constexpr std::string_view kAfterSlotCreate = "after-slot-create";

inline constexpr std::string_view kAll[] = {kAfterSegmentUpload, kAfterIndexCommit, kAfterSlotAck,
                                            kAfterSlotCreate};

}  // namespace failpoint

class FailPoints {
 public:
  virtual ~FailPoints() = default;
  // Execution passes the place `name` (one of failpoint::kAll). OK unless the point is armed;
  // an armed point either ends the process here (never returns) or returns the error it was
  // armed with, which the caller propagates like any other failure at that place.
  [[nodiscard]] virtual Status Hit(std::string_view name) = 0;
};

// Never armed.
class NoFailPoints final : public FailPoints {
 public:
  Status Hit(std::string_view) override { return Status::Ok(); }
};

// A shared NoFailPoints (stateless), the Env's default so that code building an Env without
// failpoints keeps compiling and stays inert.
FailPoints& InertFailPoints();

}  // namespace pg2iceberg
