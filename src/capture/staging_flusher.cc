#include "capture/staging_flusher.h"

#include <climits>
#include <cstdio>

namespace pg2iceberg::capture {

StagingFlusher::StagingFlusher(FlushOptions options, ObjectStore& store, Clock& clock,
                               Random& random, stage::Coordinator& coordinator,
                               std::vector<stage::TableState> tables, stage::RecordedLsn recorded,
                               FailPoints& fail_points)
    : options_(std::move(options)),
      store_(store),
      clock_(clock),
      random_(random),
      coordinator_(coordinator),
      fail_points_(fail_points),
      tables_(std::move(tables)),
      recorded_(recorded),
      writer_(options_.zstd_level) {}

Status StagingFlusher::Append(const change::CommitInfo& commit, const change::RowChange& change) {
  // The log holds a transaction once: anything at or below the recorded LSN is indexed already.
  CHECK_MSG(commit.end_lsn > recorded_.lsn(),
            "appending a transaction the staging log already holds");
  in_transaction_ = true;
  writer_.Append(commit, change);
  ++waiting_changes_;
  if (writer_.buffered_bytes() >= static_cast<uint64_t>(options_.flush_bytes))
    return UploadBuffered();
  return Status::Ok();
}

void StagingFlusher::EndTransaction(const change::CommitInfo& commit) {
  CHECK_MSG(commit.end_lsn > waiting_end_lsn_ && commit.end_lsn > recorded_.lsn(),
            "transactions out of order");
  in_transaction_ = false;
  if (waiting_end_lsn_ == 0) waiting_since_micros_ = clock_.MonotonicMicros();
  waiting_end_lsn_ = commit.end_lsn;
  ++stats_.transactions;
}

bool StagingFlusher::Due() const {
  if (!HasWaiting() || in_transaction_) return false;
  return waiting_changes_ >= options_.flush_rows || !durable_.empty() ||
         writer_.buffered_bytes() >= static_cast<uint64_t>(options_.flush_bytes) ||
         clock_.MonotonicMicros() >= DeadlineMicros();
}

int64_t StagingFlusher::DeadlineMicros() const {
  if (!HasWaiting()) return INT64_MAX;
  return waiting_since_micros_ + options_.flush_interval_ms * 1000;
}

Status StagingFlusher::UploadBuffered() {
  if (writer_.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(stage::SegmentWriter::Finished finished, writer_.Finish());
  char lsn_hex[17];
  std::snprintf(lsn_hex, sizeof lsn_hex, "%016llx",
                static_cast<unsigned long long>(finished.blocks.front().first_commit_lsn));
  const std::string key = options_.key_prefix + lsn_hex + "-" + random_.UuidV4String() + ".seg";
  ASSIGN_OR_RETURN(stage::DurableSegment durable,
                   stage::UploadSegment(store_, key, finished,
                                        [this](uint32_t relid) { return TableId(relid); }));
  stats_.segment_bytes += static_cast<int64_t>(finished.bytes.size());
  ++stats_.segments;
  durable_.push_back(std::move(durable));
  return fail_points_.Hit(failpoint::kAfterSegmentUpload);
}

Result<stage::RecordedLsn> StagingFlusher::Flush() {
  CHECK_MSG(!in_transaction_, "flushing in the middle of a transaction");
  if (!HasWaiting()) return recorded_;
  RETURN_IF_ERROR(UploadBuffered());
  ASSIGN_OR_RETURN(recorded_,
                   coordinator_.CommitFlush(durable_, recorded_, waiting_end_lsn_, tables_));
  durable_.clear();
  stats_.changes += waiting_changes_;
  ++stats_.flushes;
  waiting_changes_ = 0;
  waiting_end_lsn_ = 0;
  RETURN_IF_ERROR(fail_points_.Hit(failpoint::kAfterIndexCommit));
  return recorded_;
}

Result<stage::RecordedLsn> StagingFlusher::AdvanceIdle(change::Lsn lsn) {
  CHECK_MSG(!HasWaiting() && !in_transaction_, "idle advancement with transactions waiting");
  if (lsn <= recorded_.lsn()) return recorded_;
  ASSIGN_OR_RETURN(recorded_, coordinator_.AdvanceFlushed(recorded_, lsn));
  return recorded_;
}

int64_t StagingFlusher::TableId(uint32_t relid) const {
  for (const stage::TableState& table : tables_) {
    if (table.relid == relid) return table.table_id;
  }
  CHECK_MSG(false, "a change of a table that is not registered reached the staging log");
  return 0;
}

}  // namespace pg2iceberg::capture
