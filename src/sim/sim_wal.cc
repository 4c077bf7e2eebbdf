#include "sim/sim_wal.h"

#include "base/check.h"

namespace pg2iceberg::sim {
namespace {

constexpr uint64_t kRecordHeaderBytes = 64;
constexpr uint64_t kCommitRecordBytes = 32;

uint64_t TupleBytes(const SimTuple& tuple) {
  uint64_t bytes = 0;
  for (const SimColumn& column : tuple) bytes += 4 + column.text.size();
  return bytes;
}

uint64_t ChangeBytes(const SimChange& change) {
  return kRecordHeaderBytes + TupleBytes(change.old_tuple) + TupleBytes(change.new_tuple) +
         4 * change.truncated.size();
}

}  // namespace

change::Lsn SimWal::Record(uint64_t bytes) {
  const change::Lsn at = end_;
  end_ += (bytes + 7) / 8 * 8;  // records are 8-byte aligned, as in Postgres
  return at;
}

void SimWal::DefineRelation(pg::RelationMessage relation) {
  relations_.push_back(std::move(relation));
  events_.push_back({.kind = SimEventKind::kRelation,
                     .lsn = Record(kRecordHeaderBytes),
                     .relation = relations_.size() - 1});
}

size_t SimWal::Commit(uint32_t xid, std::vector<SimChange> changes,
                      std::set<uint32_t> aborted_subxids, int64_t commit_time_micros) {
  SimTransaction transaction{
      .xid = xid, .changes = std::move(changes), .aborted_subxids = std::move(aborted_subxids)};
  for (const SimChange& change : transaction.changes) Record(ChangeBytes(change));
  transactions_.push_back(std::move(transaction));
  const size_t index = transactions_.size() - 1;
  End(index, /*aborted=*/false, commit_time_micros);
  events_.push_back({.kind = SimEventKind::kCommit,
                     .lsn = transactions_[index].commit_lsn,
                     .transaction = index});
  return index;
}

size_t SimWal::BeginStreamed(uint32_t xid) {
  transactions_.push_back(SimTransaction{.xid = xid, .streamed = true});
  return transactions_.size() - 1;
}

void SimWal::StreamChunk(size_t transaction, std::vector<SimChange> changes) {
  SimTransaction& streamed = transactions_.at(transaction);  // at-ok: an index this WAL returned
  CHECK_MSG(streamed.streamed && !streamed.ended, "a chunk of a transaction that is not streaming");
  const size_t first = streamed.changes.size();
  change::Lsn last = end_;
  for (SimChange& change : changes) {
    CHECK_MSG(change.subxid == 0 || !streamed.aborted_subxids.contains(change.subxid),
              "a change of an aborted subtransaction");
    last = Record(ChangeBytes(change));
    streamed.changes.push_back(std::move(change));
  }
  events_.push_back({.kind = SimEventKind::kChunk,
                     .lsn = last,
                     .transaction = transaction,
                     .first_change = first,
                     .end_change = streamed.changes.size()});
}

void SimWal::AbortSubtransaction(size_t transaction, uint32_t subxid) {
  SimTransaction& streamed = transactions_.at(transaction);  // at-ok: an index this WAL returned
  CHECK_MSG(streamed.streamed && !streamed.ended && subxid != 0 && subxid != streamed.xid,
            "aborting a subtransaction of a transaction that is not streaming");
  streamed.aborted_subxids.insert(subxid);
  events_.push_back({.kind = SimEventKind::kSubAbort,
                     .lsn = Record(kCommitRecordBytes),
                     .transaction = transaction,
                     .subxid = subxid});
}

void SimWal::CommitStreamed(size_t transaction, int64_t commit_time_micros) {
  End(transaction, /*aborted=*/false, commit_time_micros);
  events_.push_back({.kind = SimEventKind::kStreamCommit,
                     .lsn = transactions_[transaction].commit_lsn,
                     .transaction = transaction});
}

void SimWal::AbortStreamed(size_t transaction) {
  End(transaction, /*aborted=*/true, 0);
  events_.push_back({.kind = SimEventKind::kStreamAbort,
                     .lsn = transactions_[transaction].commit_lsn,
                     .transaction = transaction});
}

void SimWal::End(size_t transaction, bool aborted, int64_t commit_time_micros) {
  SimTransaction& ending = transactions_.at(transaction);  // at-ok: an index this WAL returned
  CHECK_MSG(!ending.ended, "a transaction ended twice");
  ending.ended = true;
  ending.aborted = aborted;
  ending.commit_lsn = Record(kCommitRecordBytes);
  ending.end_lsn = end_;
  ending.commit_time_micros = commit_time_micros;
}

void SimWal::AdvanceUnpublished(uint64_t bytes) { Record(bytes); }

std::vector<const SimTransaction*> SimWal::CommittedFrom(change::Lsn from) const {
  std::vector<const SimTransaction*> committed;
  for (const SimEvent& event : events_) {
    if (event.kind != SimEventKind::kCommit && event.kind != SimEventKind::kStreamCommit) continue;
    const SimTransaction& transaction = transactions_[event.transaction];
    if (transaction.commit_lsn >= from) committed.push_back(&transaction);
  }
  return committed;
}

}  // namespace pg2iceberg::sim
