// The simulated source's replication slot and walsender: what a START_REPLICATION on a SimWal
// sends, byte for byte in the real framing (XLogData and keepalives around pgoutput messages,
// pg/replication_protocol.h, pg/pgoutput_encode.h), so capture runs its real decoders on it.
//
// Postgres semantics it keeps (docs/simulation.md, "The simulated source"):
//   - SimSlot::confirmed_flush only moves forward, to the flush position of a standby status
//     update; a new connection starts there (or later, if the client asks for later).
//   - A transaction whose commit record sits before the start is not sent again; every other
//     committed one is sent whole at its commit (Begin, Relation where this connection has not
//     sent the table's current shape, changes, Commit) — so a reconnect re-sends what was sent
//     but not confirmed. Changes of aborted subtransactions and aborted transactions are never
//     sent.
//   - A streamed transaction is sent in Stream Start … Stop chunks as its changes are logged,
//     interleaved with other transactions, then Stream Commit or Stream Abort; a subtransaction's
//     abort is a Stream Abort (xid, subxid). Chunks logged before the start of a connection are
//     decoded again but streamed only with the next chunk after it (or, when none comes, sent as
//     an ordinary transaction at its commit), as Postgres' reorder buffer does after a restart.
//   - Keepalives carry the position up to which everything is decoded (sentPtr), never more.
//
// Stricter than Postgres: a standby status update that confirms a position beyond the end of the
// WAL is recorded as a violation (Postgres would accept it silently).
//
// Not thread-safe. The SimWal, slot, clock and random must outlive the stream.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "env/manual_clock.h"
#include "env/random.h"
#include "env/replication_stream.h"
#include "sim/sim_wal.h"

namespace pg2iceberg::sim {

class SimSlot {
 public:
  // A slot created at `consistent_point`: transactions committing from there on are decoded.
  SimSlot(const SimWal& wal, change::Lsn consistent_point)
      : wal_(wal), consistent_point_(consistent_point), confirmed_flush_(consistent_point) {}

  change::Lsn consistent_point() const { return consistent_point_; }
  change::Lsn confirmed_flush() const { return confirmed_flush_; }
  // A client's flush position (standby status update): the slot moves to it if it is ahead.
  void Confirm(change::Lsn flush_lsn);
  // Confirmations beyond the end of the WAL, each described.
  const std::vector<std::string>& violations() const { return violations_; }

 private:
  const SimWal& wal_;
  const change::Lsn consistent_point_;
  change::Lsn confirmed_flush_;
  std::vector<std::string> violations_;
};

struct SimStreamOptions {
  // Chance that a Receive with nothing left to send answers with a keepalive (else it waits
  // out its timeout on the clock and returns nothing).
  double idle_keepalive_probability = 0.5;
  // Chance that a keepalive asks for a reply.
  double reply_requested_probability = 0.3;
  // Chance per Receive or Send that the connection breaks (kUnavailable from then on).
  double break_probability = 0;
};

class SimReplicationStream final : public ReplicationStream {
 public:
  // START_REPLICATION at `requested_start` on `slot`: streams from the later of that and the
  // slot's confirmed_flush.
  SimReplicationStream(const SimWal& wal, SimSlot& slot, change::Lsn requested_start,
                       ManualClock& clock, Random& random, SimStreamOptions options = {});

  Result<std::optional<Bytes>> Receive(int64_t timeout_micros) override;
  Status Send(ByteSpan message) override;

  change::Lsn start() const { return start_; }
  // Changes of streamed transactions that this connection sends again: logged (and maybe sent
  // to an earlier connection) before its start.
  int64_t resent_changes() const { return resent_changes_; }
  bool broken() const { return broken_; }
  // Ends the connection: every later call fails (the simulator's "connection dropped").
  void Break() { broken_ = true; }

 private:
  // Renders events until a message is queued or the WAL has no more; false when caught up.
  bool Fill();
  void RenderEvent(const SimEvent& event);
  void RenderCommitted(const SimTransaction& transaction, const std::vector<SimChange>& changes,
                       change::Lsn lsn);
  void RenderChunk(size_t index, const std::vector<SimChange>& changes, change::Lsn lsn);
  void RenderStreamEnd(const SimEvent& event);
  void RenderChange(const SimChange& change, uint32_t stream_xid, change::Lsn lsn);
  // A Relation message for `relid` unless this connection (or, inside a stream, this streamed
  // transaction) has sent its current shape.
  void MaybeRelation(uint32_t relid, uint32_t stream_xid, size_t transaction, change::Lsn lsn);
  void Queue(const pg::PgoutputMessage& message, bool in_stream, change::Lsn lsn);
  // The changes of `index` that were logged before the start and are not sent yet, plus `more`.
  std::vector<SimChange> TakeHeld(size_t index, std::vector<SimChange> more);
  Bytes Keepalive();
  Status Broken() const;
  // Everything decoded so far: the position of the next event, or the end of the WAL.
  change::Lsn SentPtr() const;

  const SimWal& wal_;
  SimSlot& slot_;
  ManualClock& clock_;
  Random& random_;
  SimStreamOptions options_;
  change::Lsn start_;
  size_t next_event_ = 0;
  bool broken_ = false;
  bool reply_pending_ = false;
  std::deque<Bytes> queue_;
  std::map<uint32_t, size_t> current_shape_;  // relid → index into wal.relations()
  std::map<uint32_t, size_t> sent_shape_;     // relid → what this connection sent
  std::map<size_t, std::map<uint32_t, size_t>> stream_sent_shape_;  // per streamed transaction
  std::set<size_t> streaming_;                     // streamed transactions started here
  std::map<size_t, std::vector<SimChange>> held_;  // logged before the start, not yet sent
  int64_t resent_changes_ = 0;
};

}  // namespace pg2iceberg::sim
