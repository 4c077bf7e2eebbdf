#include "capture/slot_feedback.h"

#include <algorithm>

#include "pg/replication_protocol.h"

namespace pg2iceberg::capture {

SlotFeedback::SlotFeedback(ReplicationStream& stream, Clock& clock,
                           const stage::RecordedLsn& recorded, FailPoints& fail_points)
    : stream_(stream),
      clock_(clock),
      fail_points_(fail_points),
      confirmed_(recorded),
      received_(recorded.lsn()) {}

void SlotFeedback::NoteReceived(change::Lsn wal_end) { received_ = std::max(received_, wal_end); }

Status SlotFeedback::Confirm(const stage::RecordedLsn& recorded) {
  // Assert on both sides of the boundary: the acknowledged LSN only moves forward.
  CHECK_MSG(recorded.lsn() >= confirmed_.lsn(),
            "acknowledging a slot position behind the last one");
  confirmed_ = recorded;
  RETURN_IF_ERROR(Send());
  return fail_points_.Hit(failpoint::kAfterSlotAck);
}

Status SlotFeedback::Send(bool reply_requested) {
  const change::Lsn flushed = confirmed_.lsn();
  last_sent_micros_ = clock_.MonotonicMicros();
  Bytes update = pg::EncodeStandbyStatusUpdate(std::max(received_, flushed), flushed, flushed,
                                               pg::PgMicrosFromUnixMicros(clock_.NowMicros()),
                                               reply_requested);
  return stream_.Send(update).WithContext("sending a standby status update");
}

}  // namespace pg2iceberg::capture
