// SlotFeedback: the only code that tells the server how far capture has got (standby status
// updates). The flush position it reports can only be set from a stage::RecordedLsn, which
// only the Coordinator makes after committing it, so the slot is never acknowledged ahead of
// the durable, indexed staging log.
#pragma once

#include "base/status.h"
#include "change/change.h"
#include "env/clock.h"
#include "env/fail_points.h"
#include "env/replication_stream.h"
#include "stage/coordinator.h"

namespace pg2iceberg::capture {

class SlotFeedback {
 public:
  // Borrows `stream`, `clock` and `fail_points`, which must outlive it. `recorded` is the flushed
  // LSN the coordinator held when streaming started.
  SlotFeedback(ReplicationStream& stream, Clock& clock, const stage::RecordedLsn& recorded,
               FailPoints& fail_points);

  // Notes WAL received from the server (the "write" position of status updates).
  void NoteReceived(change::Lsn wal_end);
  // Raises the acknowledged position to `recorded` and tells the server at once; then passes the
  // failpoint kAfterSlotAck.
  Status Confirm(const stage::RecordedLsn& recorded);
  // Sends a status update with the current positions (keepalive replies and the timer).
  Status Send(bool reply_requested = false);

  change::Lsn confirmed() const { return confirmed_.lsn(); }
  change::Lsn received() const { return received_; }
  int64_t last_sent_micros() const { return last_sent_micros_; }

 private:
  ReplicationStream& stream_;
  Clock& clock_;
  FailPoints& fail_points_;
  stage::RecordedLsn confirmed_;
  change::Lsn received_ = 0;
  int64_t last_sent_micros_ = 0;
};

}  // namespace pg2iceberg::capture
