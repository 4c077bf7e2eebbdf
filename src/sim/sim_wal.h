// SimWal: the simulated source's write-ahead log, as logical decoding sees it — the simulator's
// stand-in for what Postgres writes and a replication slot decodes.
//
// The simulator appends what happens on the source in WAL order: a relation's (new) shape, a
// transaction that commits (sent whole, at its commit, as pgoutput does), the chunks of a large
// transaction that is streamed before it ends (protocol 2), the abort of one of its
// subtransactions, its commit or abort, and WAL that no mirrored table wrote (other tables,
// vacuum), which only moves the end of the WAL. Every entry gets its position (LSN) here, so
// positions only grow and a commit's end_lsn is the position a client confirms.
//
// SimWalSender (sim_wal_sender.h) turns the log into the bytes a walsender sends from a start
// position. Values are kept as text (pgoutput's text format), so the decoders capture runs are
// the real ones.
//
// Not thread-safe. Pure data plus positions: no clock, randomness or I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "change/change.h"
#include "pg/pgoutput.h"

namespace pg2iceberg::sim {

// One column of a tuple: NULL, an unchanged TOASTed value ('u', not sent) or a value's text.
struct SimColumn {
  pg::TupleColumnKind kind = pg::TupleColumnKind::kNull;
  std::string text;  // kText only
  static SimColumn Null() { return {}; }
  static SimColumn UnchangedToast() { return {pg::TupleColumnKind::kUnchangedToast, ""}; }
  static SimColumn Text(std::string text) { return {pg::TupleColumnKind::kText, std::move(text)}; }
  bool operator==(const SimColumn&) const = default;
};

using SimTuple = std::vector<SimColumn>;

// One row-level change as the WAL records it, in pgoutput's terms (see change::RowChange).
struct SimChange {
  change::ChangeKind kind = change::ChangeKind::kInsert;
  uint32_t relid = 0;   // kInsert, kUpdate, kDelete
  uint32_t subxid = 0;  // the (sub)transaction that made it; 0 for the top level
  change::OldRow old_kind = change::OldRow::kNone;
  SimTuple old_tuple;               // when old_kind != kNone
  SimTuple new_tuple;               // kInsert, kUpdate
  std::vector<uint32_t> truncated;  // kTruncate: every table one TRUNCATE emptied
  bool cascade = false;             // kTruncate
  bool restart_identity = false;    // kTruncate
};

struct SimTransaction {
  uint32_t xid = 0;
  bool streamed = false;  // sent in chunks before it ended
  std::vector<SimChange> changes;
  std::set<uint32_t> aborted_subxids;
  // Set when the transaction ends.
  bool ended = false;
  bool aborted = false;
  change::Lsn commit_lsn = 0;  // of the commit (or abort) record
  change::Lsn end_lsn = 0;     // its end: the position to confirm
  int64_t commit_time_micros = 0;

  // Whether `change` survives (its subtransaction did not abort).
  bool Survives(const SimChange& change) const {
    return change.subxid == 0 || !aborted_subxids.contains(change.subxid);
  }
};

enum class SimEventKind {
  kRelation,      // a relation's shape from here on
  kCommit,        // a transaction that was not streamed committed (aborted ones leave none)
  kChunk,         // changes [first_change, end_change) of a streamed transaction
  kSubAbort,      // `subxid` of a streamed transaction aborted
  kStreamCommit,  // a streamed transaction committed
  kStreamAbort,   // a streamed transaction aborted as a whole
};

struct SimEvent {
  SimEventKind kind = SimEventKind::kCommit;
  change::Lsn lsn = 0;      // where the record that caused it sits
  size_t transaction = 0;   // every kind but kRelation
  size_t relation = 0;      // kRelation: index into relations()
  size_t first_change = 0;  // kChunk
  size_t end_change = 0;    // kChunk
  uint32_t subxid = 0;      // kSubAbort
};

class SimWal {
 public:
  // The first position; below it, nothing was ever decoded.
  static constexpr change::Lsn kStartLsn = 0x1000000;

  // A relation's shape from the current position on: its first definition or an ALTER TABLE.
  void DefineRelation(pg::RelationMessage relation);

  // A transaction made of `changes` that commits now, at `commit_time_micros`. Changes of
  // subtransactions in `aborted_subxids` are in the WAL but never decoded. Returns its index.
  size_t Commit(uint32_t xid, std::vector<SimChange> changes, std::set<uint32_t> aborted_subxids,
                int64_t commit_time_micros);

  // A transaction large enough to be streamed: begun now, its changes logged chunk by chunk,
  // ended by CommitStreamed or AbortStreamed. Returns its index.
  size_t BeginStreamed(uint32_t xid);
  void StreamChunk(size_t transaction, std::vector<SimChange> changes);
  // Subtransaction `subxid` (which made changes of an earlier chunk, or none) rolled back.
  void AbortSubtransaction(size_t transaction, uint32_t subxid);
  void CommitStreamed(size_t transaction, int64_t commit_time_micros);
  void AbortStreamed(size_t transaction);

  // WAL written by tables that are not published (or by the server itself).
  void AdvanceUnpublished(uint64_t bytes);

  change::Lsn end() const { return end_; }
  const std::vector<SimEvent>& events() const { return events_; }
  const std::vector<SimTransaction>& transactions() const { return transactions_; }
  const std::vector<pg::RelationMessage>& relations() const { return relations_; }

  // The committed transactions whose commit record sits at or after `from` (what a slot whose
  // confirmed_flush_lsn is `from` still sends), in commit order.
  std::vector<const SimTransaction*> CommittedFrom(change::Lsn from) const;

 private:
  // Reserves `bytes` of WAL for a record; returns its position.
  change::Lsn Record(uint64_t bytes);
  void End(size_t transaction, bool aborted, int64_t commit_time_micros);

  change::Lsn end_ = kStartLsn;
  std::vector<SimEvent> events_;
  std::vector<SimTransaction> transactions_;
  std::vector<pg::RelationMessage> relations_;
};

}  // namespace pg2iceberg::sim
