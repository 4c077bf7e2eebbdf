#include "capture/streamer.h"

#include <algorithm>
#include <limits>

#include "pg/pgoutput.h"
#include "pg/replication_protocol.h"

namespace pg2iceberg::capture {

Streamer::Streamer(StreamerOptions options, ReplicationStream& stream, StagingFlusher& flusher,
                   SlotFeedback& feedback, Clock& clock, Logger& log,
                   std::function<Status()> periodic_check, std::function<Status()> flush_check)
    : options_(options),
      stream_(stream),
      flusher_(flusher),
      feedback_(feedback),
      clock_(clock),
      log_(log),
      periodic_check_(std::move(periodic_check)),
      flush_check_(std::move(flush_check)) {}

Status Streamer::Run(ChangeAssembler& assembler, const std::atomic<bool>& stop) {
  RETURN_IF_ERROR(Start());
  while (!stop.load()) {
    RETURN_IF_ERROR(Step(assembler, std::numeric_limits<int64_t>::max()));
  }
  return Finish(assembler);
}

Status Streamer::Start() {
  next_check_micros_ = clock_.MonotonicMicros() + options_.standby_interval_ms * 1000;
  return feedback_.Send();
}

Status Streamer::Step(ChangeAssembler& assembler, int64_t deadline_micros) {
  ASSIGN_OR_RETURN(std::optional<Bytes> message, stream_.Receive(WaitMicros(deadline_micros)));
  if (message) RETURN_IF_ERROR(HandleMessage(assembler, *message));
  RETURN_IF_ERROR(FlushIfDue(assembler));
  if (clock_.MonotonicMicros() >= next_check_micros_) RETURN_IF_ERROR(OnTimer(assembler));
  return Status::Ok();
}

Status Streamer::Finish(ChangeAssembler& assembler) {
  if (!assembler.in_transaction() && flusher_.HasWaiting()) RETURN_IF_ERROR(FlushAndConfirm());
  log_.Info("capture stopped at " + change::FormatLsn(feedback_.confirmed()));
  return Status::Ok();
}

int64_t Streamer::WaitMicros(int64_t deadline_micros) const {
  const int64_t now = clock_.MonotonicMicros();
  const int64_t until = std::min({next_check_micros_, flusher_.DeadlineMicros(), deadline_micros});
  return std::clamp<int64_t>(until - now, 0, options_.max_wait_ms * 1000);
}

Status Streamer::HandleMessage(ChangeAssembler& assembler, ByteSpan bytes) {
  ASSIGN_OR_RETURN(pg::ReplicationMessage framed, pg::ParseReplicationMessage(bytes));
  ++stats_.messages;
  if (auto* keepalive = std::get_if<pg::PrimaryKeepalive>(&framed)) {
    feedback_.NoteReceived(keepalive->wal_end);
    if (!assembler.in_transaction() && !assembler.in_stream()) idle_candidate_ = keepalive->wal_end;
    return keepalive->reply_requested ? feedback_.Send() : Status::Ok();
  }
  const auto& data = std::get<pg::XLogData>(framed);
  feedback_.NoteReceived(data.data_start);
  ASSIGN_OR_RETURN(pg::PgoutputMessage decoded,
                   pg::DecodePgoutputMessage(data.payload, assembler.in_stream()));
  return assembler.Handle(decoded);
}

Status Streamer::FlushIfDue(ChangeAssembler& assembler) {
  if (assembler.in_transaction() || !flusher_.Due()) return Status::Ok();
  return FlushAndConfirm();
}

Status Streamer::FlushAndConfirm() {
  RETURN_IF_ERROR(flush_check_());
  ASSIGN_OR_RETURN(stage::RecordedLsn recorded, flusher_.Flush());
  return feedback_.Confirm(recorded);
}

Status Streamer::OnTimer(ChangeAssembler& assembler) {
  next_check_micros_ = clock_.MonotonicMicros() + options_.standby_interval_ms * 1000;
  RETURN_IF_ERROR(periodic_check_());
  const bool idle = !assembler.in_transaction() && !assembler.in_stream() && !flusher_.HasWaiting();
  if (idle && idle_candidate_ > feedback_.confirmed()) {
    // Nothing of ours is pending below the last keepalive: the slot may move up to it, so WAL
    // written to other tables does not pile up on the source.
    RETURN_IF_ERROR(flush_check_());
    ASSIGN_OR_RETURN(stage::RecordedLsn recorded, flusher_.AdvanceIdle(idle_candidate_));
    ++stats_.idle_advances;
    return feedback_.Confirm(recorded);
  }
  // Ask for a keepalive, whose WAL end is the next idle candidate.
  return feedback_.Send(/*reply_requested=*/true);
}

Status Streamer::Change(const change::CommitInfo& commit, const change::RowChange& change) {
  if (commit.end_lsn <= flusher_.recorded().lsn()) return Status::Ok();
  return flusher_.Append(commit, change);
}

Status Streamer::Commit(const change::CommitInfo& commit, int64_t change_count) {
  if (commit.end_lsn <= flusher_.recorded().lsn()) {
    ++stats_.transactions_skipped;
    return Status::Ok();
  }
  if (change_count > 0) flusher_.EndTransaction(commit);
  return Status::Ok();
}

}  // namespace pg2iceberg::capture
