// Streamer: the capture loop. Reads the replication stream, hands pgoutput messages to the
// ChangeAssembler, flushes committed transactions to the staging log when a flush limit is
// reached, acknowledges the slot only with recorded positions, answers keepalives, advances the
// slot while the mirrored tables are idle, and runs the fail-fast checks on a timer.
//
// Composes the parts; contains none of them. Not thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "base/log.h"
#include "capture/change_assembler.h"
#include "capture/slot_feedback.h"
#include "capture/staging_flusher.h"
#include "env/clock.h"
#include "env/replication_stream.h"

namespace pg2iceberg::capture {

struct StreamerOptions {
  int64_t standby_interval_ms = 10'000;
  // Longest single wait for the server, so a stop request is noticed promptly.
  int64_t max_wait_ms = 500;
};

struct StreamerStats {
  int64_t messages = 0;
  int64_t transactions_skipped = 0;  // already in the staging log (replayed after a restart)
  int64_t idle_advances = 0;
};

class Streamer final : public CommittedSink {
 public:
  // `periodic_check` runs every standby interval (the running fail-fast guards); a non-OK
  // result stops the loop. `flush_check` runs right before every flush or idle advancement,
  // i.e. before any new flushed_lsn is recorded (and so acknowledged): everything it covers was
  // received, hence committed, before the check, so a non-OK result — which stops the loop
  // before recording — keeps every position decoded after a change it detects unrecorded.
  // Every reference must outlive the Streamer.
  Streamer(StreamerOptions options, ReplicationStream& stream, StagingFlusher& flusher,
           SlotFeedback& feedback, Clock& clock, Logger& log,
           std::function<Status()> periodic_check, std::function<Status()> flush_check);

  // Runs until `stop` becomes true (then flushes what is complete and returns OK) or an error.
  // `assembler` must have been built with this Streamer as its sink. Exactly Start, then Step
  // until `stop`, then Finish.
  Status Run(ChangeAssembler& assembler, const std::atomic<bool>& stop);

  // Stepping, for a caller that shares its thread with other work (the simulator runs capture
  // and the materializer on one thread): Start once, Step as often as wanted, Finish at the
  // end. After an error the Streamer must not be stepped again (a restart builds a new one).
  // Start arms the timer and sends the first standby status update.
  Status Start();
  // One round: waits for at most one message, no later than `deadline_micros` (monotonic
  // clock; never longer than max_wait_ms or the next flush or timer deadline), handles it, then
  // flushes when a limit is reached and runs the periodic work when its time has come.
  Status Step(ChangeAssembler& assembler, int64_t deadline_micros);
  // Flushes what is complete (nothing while a transaction is open) and confirms it.
  Status Finish(ChangeAssembler& assembler);

  // CommittedSink: transactions at or below the recorded LSN are in the log already; skip them.
  Status Change(const change::CommitInfo& commit, const change::RowChange& change) override;
  Status Commit(const change::CommitInfo& commit, int64_t change_count) override;

  const StreamerStats& stats() const { return stats_; }

 private:
  Status HandleMessage(ChangeAssembler& assembler, ByteSpan bytes);
  Status OnTimer(ChangeAssembler& assembler);
  Status FlushIfDue(ChangeAssembler& assembler);
  // flush_check, then Flush and Confirm.
  Status FlushAndConfirm();
  // How long the next Receive may wait: until the earliest of `deadline_micros`, the timer and
  // the flush deadline, at most max_wait_ms.
  int64_t WaitMicros(int64_t deadline_micros) const;

  StreamerOptions options_;
  ReplicationStream& stream_;
  StagingFlusher& flusher_;
  SlotFeedback& feedback_;
  Clock& clock_;
  Logger& log_;
  std::function<Status()> periodic_check_;
  std::function<Status()> flush_check_;
  int64_t next_check_micros_ = 0;
  // The last keepalive's WAL end, taken while no transaction was open: safe to confirm once
  // everything received before it is indexed.
  change::Lsn idle_candidate_ = 0;
  StreamerStats stats_;
};

}  // namespace pg2iceberg::capture
