#include "sim/sim_wal_sender.h"

#include <algorithm>

#include "base/bytes.h"
#include "base/check.h"
#include "pg/pgoutput_encode.h"
#include "pg/replication_protocol.h"

namespace pg2iceberg::sim {
namespace {

constexpr size_t kStandbyStatusUpdateBytes = 34;  // 'r', three LSNs, a time, reply_requested

pg::TupleData Tuple(const SimTuple& tuple) {
  pg::TupleData data;
  data.reserve(tuple.size());
  for (const SimColumn& column : tuple) data.push_back({column.kind, AsBytes(column.text)});
  return data;
}

uint64_t ReadBigEndian64(ByteSpan bytes, size_t at) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value = value << 8 | static_cast<uint8_t>(bytes[at + i]);
  return value;
}

}  // namespace

void SimSlot::Confirm(change::Lsn flush_lsn) {
  if (flush_lsn > wal_.end()) {
    violations_.push_back("confirmed " + change::FormatLsn(flush_lsn) +
                          ", beyond the end of the WAL " + change::FormatLsn(wal_.end()));
  }
  confirmed_flush_ = std::max(confirmed_flush_, flush_lsn);
}

SimReplicationStream::SimReplicationStream(const SimWal& wal, SimSlot& slot,
                                           change::Lsn requested_start, ManualClock& clock,
                                           Random& random, SimStreamOptions options)
    : wal_(wal),
      slot_(slot),
      clock_(clock),
      random_(random),
      options_(options),
      start_(std::max(requested_start, slot.confirmed_flush())) {}

Status SimReplicationStream::Broken() const {
  return Status::Unavailable("simulated replication connection lost");
}

Result<std::optional<Bytes>> SimReplicationStream::Receive(int64_t timeout_micros) {
  if (broken_) return Broken();
  if (DrawWithProbability(random_, options_.break_probability)) {
    broken_ = true;
    return Broken();
  }
  if (queue_.empty() && reply_pending_) {
    reply_pending_ = false;
    return std::optional<Bytes>(Keepalive());
  }
  if (!Fill()) {
    if (DrawWithProbability(random_, options_.idle_keepalive_probability)) {
      return std::optional<Bytes>(Keepalive());
    }
    clock_.Advance(timeout_micros);
    return std::optional<Bytes>();
  }
  Bytes next = std::move(queue_.front());
  queue_.pop_front();
  return std::optional<Bytes>(std::move(next));
}

Status SimReplicationStream::Send(ByteSpan message) {
  if (broken_) return Broken();
  if (DrawWithProbability(random_, options_.break_probability)) {
    broken_ = true;
    return Broken();
  }
  if (message.size() != kStandbyStatusUpdateBytes || static_cast<char>(message[0]) != 'r') {
    return Status::InvalidArgument(
        "the simulated walsender got a message that is not a standby "
        "status update");
  }
  slot_.Confirm(ReadBigEndian64(message, 1 + 8));
  if (message[kStandbyStatusUpdateBytes - 1] != std::byte{0}) reply_pending_ = true;
  return Status::Ok();
}

Bytes SimReplicationStream::Keepalive() {
  const bool reply = DrawWithProbability(random_, options_.reply_requested_probability);
  return pg::EncodeReplicationMessage(
      pg::PrimaryKeepalive{SentPtr(), pg::PgMicrosFromUnixMicros(clock_.NowMicros()), reply});
}

change::Lsn SimReplicationStream::SentPtr() const {
  const std::vector<SimEvent>& events = wal_.events();
  return next_event_ < events.size() ? events[next_event_].lsn : wal_.end();
}

bool SimReplicationStream::Fill() {
  const std::vector<SimEvent>& events = wal_.events();
  while (queue_.empty() && next_event_ < events.size()) RenderEvent(events[next_event_++]);
  return !queue_.empty();
}

void SimReplicationStream::RenderEvent(const SimEvent& event) {
  if (event.kind == SimEventKind::kRelation) {
    current_shape_[wal_.relations()[event.relation].relid] = event.relation;
    return;
  }
  const SimTransaction& transaction = wal_.transactions()[event.transaction];
  // Ended before the start: decoded again, but never sent.
  if (transaction.ended && transaction.commit_lsn < start_) return;
  switch (event.kind) {
    case SimEventKind::kCommit: {
      std::vector<SimChange> surviving;
      for (const SimChange& change : transaction.changes) {
        if (transaction.Survives(change)) surviving.push_back(change);
      }
      RenderCommitted(transaction, surviving, event.lsn);
      return;
    }
    case SimEventKind::kChunk: {
      std::vector<SimChange> chunk(transaction.changes.begin() + event.first_change,
                                   transaction.changes.begin() + event.end_change);
      if (event.lsn < start_) {
        std::vector<SimChange>& held = held_[event.transaction];
        held.insert(held.end(), chunk.begin(), chunk.end());
        return;
      }
      RenderChunk(event.transaction, TakeHeld(event.transaction, std::move(chunk)), event.lsn);
      return;
    }
    case SimEventKind::kSubAbort:
      std::erase_if(held_[event.transaction],
                    [&](const SimChange& change) { return change.subxid == event.subxid; });
      if (event.lsn >= start_ && streaming_.contains(event.transaction)) {
        Queue(pg::StreamAbortMessage{transaction.xid, event.subxid}, false, event.lsn);
      }
      return;
    case SimEventKind::kStreamCommit:
    case SimEventKind::kStreamAbort:
      RenderStreamEnd(event);
      return;
    case SimEventKind::kRelation:
      return;
  }
}

void SimReplicationStream::RenderCommitted(const SimTransaction& transaction,
                                           const std::vector<SimChange>& changes, change::Lsn lsn) {
  if (changes.empty()) return;  // Postgres 15 skips transactions with nothing published
  Queue(pg::BeginMessage{transaction.commit_lsn, transaction.commit_time_micros, transaction.xid},
        false, lsn);
  for (const SimChange& change : changes) RenderChange(change, 0, lsn);
  Queue(pg::CommitMessage{transaction.commit_lsn, transaction.end_lsn,
                          transaction.commit_time_micros},
        false, lsn);
}

void SimReplicationStream::RenderChunk(size_t index, const std::vector<SimChange>& changes,
                                       change::Lsn lsn) {
  if (changes.empty()) return;
  const SimTransaction& transaction = wal_.transactions()[index];
  const bool first = streaming_.insert(index).second;
  Queue(pg::StreamStartMessage{transaction.xid, first}, false, lsn);
  for (const SimChange& change : changes) {
    const uint32_t stream_xid = change.subxid != 0 ? change.subxid : transaction.xid;
    for (uint32_t relid : change.kind == change::ChangeKind::kTruncate
                              ? change.truncated
                              : std::vector<uint32_t>{change.relid}) {
      MaybeRelation(relid, transaction.xid, index, lsn);
    }
    RenderChange(change, stream_xid, lsn);
  }
  Queue(pg::StreamStopMessage{}, true, lsn);
}

void SimReplicationStream::RenderStreamEnd(const SimEvent& event) {
  const SimTransaction& transaction = wal_.transactions()[event.transaction];
  if (!streaming_.contains(event.transaction)) {
    // Nothing of it was streamed on this connection: an abort sends nothing, a commit sends
    // the whole transaction as an ordinary one.
    std::vector<SimChange> held = TakeHeld(event.transaction, {});
    if (!transaction.aborted) RenderCommitted(transaction, held, event.lsn);
    return;
  }
  streaming_.erase(event.transaction);
  stream_sent_shape_.erase(event.transaction);
  if (transaction.aborted) {
    Queue(pg::StreamAbortMessage{transaction.xid, transaction.xid}, false, event.lsn);
    return;
  }
  Queue(pg::StreamCommitMessage{transaction.xid, transaction.commit_lsn, transaction.end_lsn,
                                transaction.commit_time_micros},
        false, event.lsn);
}

void SimReplicationStream::RenderChange(const SimChange& change, uint32_t stream_xid,
                                        change::Lsn lsn) {
  const bool in_stream = stream_xid != 0;
  switch (change.kind) {
    case change::ChangeKind::kInsert:
      if (!in_stream) MaybeRelation(change.relid, 0, 0, lsn);
      Queue(pg::InsertMessage{stream_xid, change.relid, Tuple(change.new_tuple)}, in_stream, lsn);
      return;
    case change::ChangeKind::kUpdate:
      if (!in_stream) MaybeRelation(change.relid, 0, 0, lsn);
      Queue(pg::UpdateMessage{stream_xid, change.relid, change.old_kind, Tuple(change.old_tuple),
                              Tuple(change.new_tuple)},
            in_stream, lsn);
      return;
    case change::ChangeKind::kDelete:
      if (!in_stream) MaybeRelation(change.relid, 0, 0, lsn);
      Queue(pg::DeleteMessage{stream_xid, change.relid, change.old_kind, Tuple(change.old_tuple)},
            in_stream, lsn);
      return;
    case change::ChangeKind::kTruncate:
      if (!in_stream) {
        for (uint32_t relid : change.truncated) MaybeRelation(relid, 0, 0, lsn);
      }
      Queue(pg::TruncateMessage{stream_xid, change.cascade, change.restart_identity,
                                change.truncated},
            in_stream, lsn);
      return;
  }
}

void SimReplicationStream::MaybeRelation(uint32_t relid, uint32_t stream_xid, size_t transaction,
                                         change::Lsn lsn) {
  const auto current = current_shape_.find(relid);
  CHECK_MSG(current != current_shape_.end(), "a change of a relation the WAL never defined");
  std::map<uint32_t, size_t>& sent =
      stream_xid == 0 ? sent_shape_ : stream_sent_shape_[transaction];
  const auto it = sent.find(relid);
  if (it != sent.end() && it->second == current->second) return;
  sent[relid] = current->second;
  pg::RelationMessage relation = wal_.relations()[current->second];
  relation.stream_xid = stream_xid;
  Queue(relation, stream_xid != 0, lsn);
}

void SimReplicationStream::Queue(const pg::PgoutputMessage& message, bool in_stream,
                                 change::Lsn lsn) {
  const Bytes payload = pg::EncodePgoutputMessage(message, in_stream);
  queue_.push_back(pg::EncodeReplicationMessage(
      pg::XLogData{lsn, lsn, pg::PgMicrosFromUnixMicros(clock_.NowMicros()), ByteSpan(payload)}));
}

std::vector<SimChange> SimReplicationStream::TakeHeld(size_t index, std::vector<SimChange> more) {
  std::vector<SimChange> changes;
  if (auto it = held_.find(index); it != held_.end()) {
    changes = std::move(it->second);
    held_.erase(it);
    resent_changes_ += static_cast<int64_t>(changes.size());
  }
  changes.insert(changes.end(), std::make_move_iterator(more.begin()),
                 std::make_move_iterator(more.end()));
  return changes;
}

}  // namespace pg2iceberg::sim
