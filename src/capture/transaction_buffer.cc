#include "capture/transaction_buffer.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "base/check.h"
#include "base/crc32c.h"
#include "change/change_codec.h"

namespace pg2iceberg::capture {
namespace {

// The container slot and bookkeeping of one buffered change beyond sizeof(RowChange).
constexpr uint64_t kChangeOverheadBytes = 32;
constexpr size_t kChunkChecksumBytes = 4;
constexpr size_t kMinEncodedChangeBytes = 3;  // kind, schema index, old row kind

// A value's heap bytes beyond sizeof(Value): its string and, for a list, its elements.
uint64_t EstimateHeapBytes(const change::Value& value) {
  uint64_t bytes = value.bytes.size();
  for (const change::Value& element : value.elements) {
    bytes += sizeof(change::Value) + EstimateHeapBytes(element);
  }
  return bytes;
}

uint64_t EstimateRowBytes(const change::Row& row) {
  uint64_t bytes = 0;
  for (const change::Value& value : row) bytes += sizeof(change::Value) + EstimateHeapBytes(value);
  return bytes;
}

std::string SpillKey(uint32_t xid, uint64_t sequence) {
  char name[64];
  std::snprintf(name, sizeof name, "%" PRIu32 "-%020" PRIu64 ".chunk", xid, sequence);
  return std::string(kSpillPrefix) + name;
}

// A chunk object: checksum, schema list, change count, then the already encoded changes.
Bytes EncodeChunk(const change::SchemaDictionary& schemas, size_t change_count,
                  const ByteWriter& changes) {
  ByteWriter chunk;
  chunk.AppendLittleEndian(uint32_t{0});  // the checksum, filled in below
  change::EncodeSchemaList(schemas.schemas(), &chunk);
  chunk.AppendVarint(change_count);
  chunk.Append(changes.bytes());
  Bytes bytes = chunk.Release();
  const uint32_t checksum = Crc32c(ByteSpan(bytes).subspan(kChunkChecksumBytes));
  for (size_t i = 0; i < kChunkChecksumBytes; ++i) {
    bytes[i] = static_cast<std::byte>(checksum >> (8 * i));
  }
  return bytes;
}

}  // namespace

uint64_t EstimateChangeMemoryBytes(const change::RowChange& change) {
  return sizeof(change::RowChange) + kChangeOverheadBytes + EstimateRowBytes(change.old_row) +
         EstimateRowBytes(change.new_row);
}

Status TransactionBuffer::Add(uint32_t xid, uint32_t subxid, change::RowChange change) {
  CHECK_MSG(change.table != nullptr, "buffered change without a table schema");
  Transaction& transaction = transactions_[xid];
  if (subxid != xid) {
    const uint64_t position = transaction.spilled_changes + transaction.changes.size();
    transaction.subtransaction_starts.try_emplace(subxid, position);
  }
  const uint64_t bytes = EstimateChangeMemoryBytes(change);
  transaction.changes.push_back(std::move(change));
  transaction.memory_bytes += bytes;
  memory_bytes_ += bytes;
  return SpillWhileOverBudget();
}

Status TransactionBuffer::AbortSubtransaction(uint32_t xid, uint32_t subxid) {
  if (subxid == xid) return Abort(xid);
  auto it = transactions_.find(xid);
  if (it == transactions_.end()) return Status::Ok();
  auto start = it->second.subtransaction_starts.find(subxid);
  if (start == it->second.subtransaction_starts.end()) return Status::Ok();
  return TruncateTo(it->second, start->second);
}

Status TransactionBuffer::Abort(uint32_t xid) {
  auto it = transactions_.find(xid);
  if (it == transactions_.end()) return Status::Ok();
  memory_bytes_ -= it->second.memory_bytes;
  Status deleted = DeleteChunksFrom(it->second, 0);
  transactions_.erase(it);
  return deleted;
}

Status TransactionBuffer::Commit(uint32_t xid, const ChangeSink& sink) {
  auto it = transactions_.find(xid);
  if (it == transactions_.end()) return Status::Ok();
  Status delivered = Deliver(it->second, sink);
  Status forgotten = Abort(xid);
  return delivered.ok() ? forgotten : delivered;
}

Status TransactionBuffer::DiscardAll() {
  transactions_.clear();
  memory_bytes_ = 0;
  spilled_bytes_ = 0;
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, store_.List(kSpillPrefix));
  if (objects.empty()) return Status::Ok();
  std::vector<std::string> keys;
  keys.reserve(objects.size());
  for (ObjectInfo& object : objects) keys.push_back(std::move(object.key));
  return store_.Delete(keys);
}

Status TransactionBuffer::SpillWhileOverBudget() {
  while (memory_bytes_ > options_.memory_budget_bytes) {
    auto largest = transactions_.begin();
    for (auto it = transactions_.begin(); it != transactions_.end(); ++it) {
      if (it->second.memory_bytes > largest->second.memory_bytes) largest = it;
    }
    CHECK(largest != transactions_.end() && !largest->second.changes.empty());
    RETURN_IF_ERROR(Spill(largest->first, largest->second));
  }
  return Status::Ok();
}

Status TransactionBuffer::Spill(uint32_t xid, Transaction& transaction) {
  while (!transaction.changes.empty()) {
    change::SchemaDictionary schemas;
    ByteWriter encoded;
    size_t count = 0;
    while (count < transaction.changes.size() &&
           (count == 0 || encoded.size() < options_.spill_chunk_bytes)) {
      const change::RowChange& change = transaction.changes[count++];
      change::EncodeRowChange(change, schemas.IndexOf(change.table), &encoded);
    }
    RETURN_IF_ERROR(WriteChunk(xid, transaction, EncodeChunk(schemas, count, encoded), count));
    for (size_t i = 0; i < count; ++i) {
      const uint64_t bytes = EstimateChangeMemoryBytes(transaction.changes.front());
      transaction.memory_bytes -= bytes;
      memory_bytes_ -= bytes;
      transaction.changes.pop_front();
    }
  }
  return Status::Ok();
}

Status TransactionBuffer::WriteChunk(uint32_t xid, Transaction& transaction, const Bytes& chunk,
                                     size_t change_count) {
  std::string key = SpillKey(xid, next_chunk_sequence_++);
  Status put = store_.Put(key, chunk, PutOptions{.if_none_match = true});
  if (put.code() == StatusCode::kConflict) {
    return Status::Internal("spill object " + key +
                            " already exists: a leftover of an earlier run? (DiscardAll must run "
                            "at start-up)");
  }
  RETURN_IF_ERROR(put);
  transaction.chunks.push_back(SpillChunk{.key = std::move(key),
                                          .written_changes = change_count,
                                          .live_changes = change_count,
                                          .size_bytes = chunk.size()});
  transaction.spilled_changes += change_count;
  spilled_bytes_ += chunk.size();
  return Status::Ok();
}

Status TransactionBuffer::Replay(const SpillChunk& chunk, const ChangeSink& sink) {
  ASSIGN_OR_RETURN(Bytes bytes, store_.Get(chunk.key));
  change::CodecReader reader(bytes, "spill chunk " + chunk.key);
  ASSIGN_OR_RETURN(uint32_t checksum, reader.ReadU32("checksum"));
  if (Crc32c(ByteSpan(bytes).subspan(kChunkChecksumBytes)) != checksum) {
    return Status::DataLoss("spill chunk " + chunk.key + ": checksum mismatch");
  }
  ASSIGN_OR_RETURN(std::vector<change::SchemaPtr> schemas, change::DecodeSchemaList(reader));
  ASSIGN_OR_RETURN(uint64_t count, reader.ReadCount("change count", kMinEncodedChangeBytes));
  if (count != chunk.written_changes) {
    return reader.Corrupt("holds " + std::to_string(count) + " changes, not the " +
                          std::to_string(chunk.written_changes) + " written");
  }
  for (uint64_t i = 0; i < chunk.live_changes; ++i) {
    ASSIGN_OR_RETURN(change::RowChange change, change::DecodeRowChange(reader, schemas));
    RETURN_IF_ERROR(sink(change));
  }
  return Status::Ok();
}

Status TransactionBuffer::Deliver(const Transaction& transaction, const ChangeSink& sink) {
  for (const SpillChunk& chunk : transaction.chunks) RETURN_IF_ERROR(Replay(chunk, sink));
  for (const change::RowChange& change : transaction.changes) RETURN_IF_ERROR(sink(change));
  return Status::Ok();
}

Status TransactionBuffer::TruncateTo(Transaction& transaction, uint64_t position) {
  std::erase_if(transaction.subtransaction_starts,
                [position](const auto& start) { return start.second >= position; });
  if (position >= transaction.spilled_changes) {
    DropMemoryChangesFrom(transaction, position - transaction.spilled_changes);
    return Status::Ok();
  }
  DropMemoryChangesFrom(transaction, 0);
  uint64_t kept = 0;
  size_t chunk = 0;
  for (; chunk < transaction.chunks.size() && kept < position; ++chunk) {
    SpillChunk& spilled = transaction.chunks[chunk];
    spilled.live_changes = std::min(spilled.live_changes, position - kept);
    kept += spilled.live_changes;
  }
  transaction.spilled_changes = kept;
  return DeleteChunksFrom(transaction, chunk);
}

void TransactionBuffer::DropMemoryChangesFrom(Transaction& transaction, size_t index) {
  while (transaction.changes.size() > index) {
    const uint64_t bytes = EstimateChangeMemoryBytes(transaction.changes.back());
    transaction.memory_bytes -= bytes;
    memory_bytes_ -= bytes;
    transaction.changes.pop_back();
  }
}

Status TransactionBuffer::DeleteChunksFrom(Transaction& transaction, size_t first) {
  std::vector<std::string> keys;
  for (size_t i = first; i < transaction.chunks.size(); ++i) {
    keys.push_back(std::move(transaction.chunks[i].key));
    spilled_bytes_ -= transaction.chunks[i].size_bytes;
  }
  transaction.chunks.resize(first);
  if (keys.empty()) return Status::Ok();
  return store_.Delete(keys);
}

}  // namespace pg2iceberg::capture
