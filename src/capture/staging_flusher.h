// StagingFlusher: turns committed transactions into durable, indexed staging-log segments.
//
// Changes are appended to a segment in memory; a segment that reaches flush_bytes is written to
// the object store at once (a large transaction continues in the next segment), but segments
// are only indexed — and flushed_lsn only moves — in Flush(), between transactions, so the
// index only ever holds whole transactions. Order, enforced by types: UploadSegment yields
// DurableSegments → Coordinator::CommitFlush indexes them and yields a RecordedLsn → the
// caller confirms that to the slot. The failpoints kAfterSegmentUpload and kAfterIndexCommit
// (env/fail_points.h) sit between those steps.
//
// Not thread-safe. Borrows every reference, which must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "env/clock.h"
#include "env/fail_points.h"
#include "env/object_store.h"
#include "env/random.h"
#include "stage/coordinator.h"
#include "stage/segment.h"
#include "stage/segment_upload.h"

namespace pg2iceberg::capture {

struct FlushOptions {
  int64_t flush_interval_ms = 1'000;
  int64_t flush_rows = 100'000;
  int64_t flush_bytes = 16LL * 1024 * 1024;
  int zstd_level = 3;
  std::string key_prefix;  // where segments go in the store, e.g. "_pg2iceberg/stage/default/"
};

struct FlushStats {
  int64_t segments = 0;
  int64_t changes = 0;
  int64_t transactions = 0;
  int64_t segment_bytes = 0;
  int64_t flushes = 0;
};

class StagingFlusher {
 public:
  StagingFlusher(FlushOptions options, ObjectStore& store, Clock& clock, Random& random,
                 stage::Coordinator& coordinator, std::vector<stage::TableState> tables,
                 stage::RecordedLsn recorded, FailPoints& fail_points);

  // Adds one change of the transaction `commit`. The changes of a transaction come together,
  // in order, followed by EndTransaction(commit).
  Status Append(const change::CommitInfo& commit, const change::RowChange& change);
  // Marks the transaction complete; it is indexed by the next Flush.
  void EndTransaction(const change::CommitInfo& commit);

  // Whether complete transactions wait and a flush limit is reached (or `force`).
  bool Due() const;
  // Monotonic time at which the oldest waiting transaction reaches flush_interval (INT64_MAX
  // when none waits).
  int64_t DeadlineMicros() const;
  // Writes what is buffered, indexes every complete transaction and records the end LSN of the
  // last one. Only between transactions. Returns the recorded LSN (unchanged when nothing waits).
  Result<stage::RecordedLsn> Flush();
  // Records `lsn` (past every indexed transaction) with nothing to index: the slot's idle
  // advancement. Only when nothing waits.
  Result<stage::RecordedLsn> AdvanceIdle(change::Lsn lsn);

  // Complete transactions not yet indexed.
  bool HasWaiting() const { return waiting_end_lsn_ != 0; }
  const stage::RecordedLsn& recorded() const { return recorded_; }
  const FlushStats& stats() const { return stats_; }
  uint64_t buffered_bytes() const { return writer_.buffered_bytes(); }

 private:
  Status UploadBuffered();
  int64_t TableId(uint32_t relid) const;

  FlushOptions options_;
  ObjectStore& store_;
  Clock& clock_;
  Random& random_;
  stage::Coordinator& coordinator_;
  FailPoints& fail_points_;
  std::vector<stage::TableState> tables_;
  stage::RecordedLsn recorded_;
  stage::SegmentWriter writer_;
  std::vector<stage::DurableSegment> durable_;  // written, not yet indexed
  bool in_transaction_ = false;
  change::Lsn waiting_end_lsn_ = 0;   // end LSN of the last complete transaction not indexed
  int64_t waiting_since_micros_ = 0;  // when the oldest waiting transaction completed
  int64_t waiting_changes_ = 0;
  FlushStats stats_;
};

}  // namespace pg2iceberg::capture
