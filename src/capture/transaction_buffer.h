// TransactionBuffer: holds the row changes of in-progress transactions until they commit or
// abort. pgoutput delivers a large transaction in streamed chunks interleaved with others, so
// several transactions are open at once; they share one memory budget. Past the budget the
// largest open transaction's in-memory changes are written to spill objects (chunks) in a local
// ObjectStore, and Commit streams them back one chunk at a time, so a transaction many times
// the budget passes through with memory bounded by the budget plus about two chunks.
//
// Memory estimate (memory_bytes): per change sizeof(RowChange) + 32 (container slot and
// bookkeeping), per value of its rows sizeof(Value) plus the length of its string, binary or
// uuid payload, and for a list the same for each element, recursively. Table schemas are
// shared with the capture side and not counted.
//
// Spill objects live under kSpillPrefix in the store, named "<prefix><xid>-<sequence>.chunk"
// with a per-buffer counter, written if-none-match so a leftover of an earlier run is never
// silently replaced (call DiscardAll at start-up). A chunk is: u32 CRC-32C (little-endian) of
// the rest; the change codec's schema list of the schemas its changes reference; varint change
// count; that many RowChanges (change_codec.h). Spill objects are private to one process and
// deleted when their transaction ends; their format may change between versions.
//
// Errors: store failures come back as the store reports them; a spill chunk that does not
// decode is kDataLoss. Not thread-safe; the store must outlive the buffer.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "change/change.h"
#include "env/object_store.h"

namespace pg2iceberg::capture {

struct TransactionBufferOptions {
  // In-memory changes of all open transactions together. Default: 256 MiB.
  uint64_t memory_budget_bytes = 256 << 20;
  // Encoded size at which a spill chunk is closed (a chunk holds at least one change).
  // Default: 8 MiB.
  uint64_t spill_chunk_bytes = 8 << 20;
};

inline constexpr std::string_view kSpillPrefix = "txn-spill/";

// The memory estimate of one buffered change (see the file comment).
uint64_t EstimateChangeMemoryBytes(const change::RowChange& change);

class TransactionBuffer {
 public:
  using ChangeSink = std::function<Status(const change::RowChange&)>;

  // `spill_store` (a LocalObjectStore on a spill directory) must outlive the buffer.
  TransactionBuffer(TransactionBufferOptions options, ObjectStore& spill_store)
      : options_(options), store_(spill_store) {}
  TransactionBuffer(const TransactionBuffer&) = delete;
  TransactionBuffer& operator=(const TransactionBuffer&) = delete;

  // Appends `change` (change.table non-null) to transaction `xid`, opening it when new;
  // `subxid` is the subtransaction that made the change (== xid at top level). Spills when
  // the budget is exceeded; on a spill error the change stays buffered in memory.
  Status Add(uint32_t xid, uint32_t subxid, change::RowChange change);

  // Discards the changes of `subxid` and every change of `xid` after its first one, as
  // Postgres' apply worker does on a streamed subtransaction abort. subxid == xid aborts the
  // whole transaction. An unknown xid or subxid is OK (nothing to discard).
  Status AbortSubtransaction(uint32_t xid, uint32_t subxid);

  // Forgets `xid` and deletes its spill objects. Unknown xid → OK.
  Status Abort(uint32_t xid);

  // Hands every change of `xid` to `sink` in order, reading spilled chunks back one at a time,
  // then forgets `xid` and deletes its spill objects. Stops at the first sink error and
  // returns it; the transaction is forgotten either way. Unknown xid → OK, no changes.
  Status Commit(uint32_t xid, const ChangeSink& sink);

  // Forgets every open transaction and deletes every object under kSpillPrefix, including
  // leftovers of an earlier process: call it at start-up.
  Status DiscardAll();

  uint64_t memory_bytes() const { return memory_bytes_; }
  uint64_t spilled_bytes() const { return spilled_bytes_; }
  size_t open_transactions() const { return transactions_.size(); }

 private:
  struct SpillChunk {
    std::string key;
    uint64_t written_changes = 0;  // changes stored in the object
    uint64_t live_changes = 0;     // leading changes still part of the transaction
    uint64_t size_bytes = 0;
  };
  struct Transaction {
    std::vector<SpillChunk> chunks;         // the transaction's first changes, in order
    uint64_t spilled_changes = 0;           // sum of the chunks' live_changes
    std::deque<change::RowChange> changes;  // the changes after the spilled ones
    uint64_t memory_bytes = 0;
    std::map<uint32_t, uint64_t> subtransaction_starts;  // subxid → position of first change
  };

  Status SpillWhileOverBudget();
  Status Spill(uint32_t xid, Transaction& transaction);
  // Stores `chunk` (holding the transaction's next `change_count` changes) as a new object.
  Status WriteChunk(uint32_t xid, Transaction& transaction, const Bytes& chunk,
                    size_t change_count);
  Status Replay(const SpillChunk& chunk, const ChangeSink& sink);
  Status Deliver(const Transaction& transaction, const ChangeSink& sink);
  // Drops the changes from `position` on (spilled ones included).
  Status TruncateTo(Transaction& transaction, uint64_t position);
  void DropMemoryChangesFrom(Transaction& transaction, size_t index);
  // Deletes chunks [first, end) of `transaction` from the store and from its list (the caller
  // fixes spilled_changes).
  Status DeleteChunksFrom(Transaction& transaction, size_t first);

  const TransactionBufferOptions options_;
  ObjectStore& store_;
  std::map<uint32_t, Transaction> transactions_;  // ordered: deterministic spill choice
  uint64_t memory_bytes_ = 0;
  uint64_t spilled_bytes_ = 0;
  uint64_t next_chunk_sequence_ = 0;
};

}  // namespace pg2iceberg::capture
