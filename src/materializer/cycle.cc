#include "materializer/cycle.h"

#include <algorithm>
#include <map>

#include "base/check.h"
#include "materializer/log_reader.h"

namespace pg2iceberg::materializer {
namespace {

// Whether rows staged under `a` and `b` have the same columns (names and types, in order).
bool SameColumns(const change::TableSchema& a, const change::TableSchema& b) {
  if (&a == &b) return true;
  if (a.columns.size() != b.columns.size()) return false;
  for (size_t i = 0; i < a.columns.size(); ++i) {
    const change::ColumnSchema& x = a.columns[i];
    const change::ColumnSchema& y = b.columns[i];
    if (x.name != y.name || x.type_oid != y.type_oid || x.type_modifier != y.type_modifier) {
      return false;
    }
  }
  return true;
}

}  // namespace

struct Materializer::TableRead {
  size_t table = 0;  // index into tables_
  LogRead read;
  bool produced_input = false;
  change::Lsn replay_to = 0;  // the replay_to its commit records
};

Materializer::Materializer(stage::Coordinator& coordinator, ObjectStore& staging,
                           iceberg::CommitServices commit, std::vector<TableTarget*> tables,
                           MaterializerOptions options, Logger& log)
    : coordinator_(coordinator),
      staging_(staging),
      commit_(commit),
      tables_(std::move(tables)),
      options_(std::move(options)),
      log_(log) {
  CHECK(options_.batch_changes_max > 0);
}

Status Materializer::Recover() {
  ASSIGN_OR_RETURN(auto cursors, coordinator_.LoadCursors(options_.consumer));
  std::vector<stage::CursorAdvance> advances;
  cursors_.clear();
  applied_below_.clear();
  replay_to_.clear();
  for (TableTarget* table : tables_) {
    std::optional<int64_t> cursor;
    if (auto it = cursors.find(table->table_id()); it != cursors.end()) cursor = it->second;
    std::optional<CommittedProgress> committed;
    if (const iceberg::Snapshot* current = table->state().metadata.CurrentSnapshot()) {
      ASSIGN_OR_RETURN(committed, ProgressOf(current->summary, table->name()));
    }
    ASSIGN_OR_RETURN(int64_t resume, ResumeOffset(table->name(), cursor.value_or(0), committed));
    if (cursor != resume) {
      if (cursor) {
        log_.Info("table " + table->name() + ": its last commit covers the log up to change " +
                  std::to_string(resume) + ", past the cursor " + std::to_string(*cursor) +
                  " (a crash after the commit); resuming there");
      }
      advances.push_back(
          {.table_id = table->table_id(), .expected = cursor, .next_offset = resume});
    }
    cursors_.push_back(resume);
    applied_below_.push_back(committed ? committed->commit_lsn : 0);
    replay_to_.push_back(committed ? committed->replay_to : 0);
  }
  if (!advances.empty()) {
    RETURN_IF_ERROR(coordinator_.AdvanceCursors(options_.consumer, advances));
  }
  recovered_ = true;
  return Status::Ok();
}

Result<std::vector<Materializer::TableRead>> Materializer::ReadLogs(change::Lsn flushed) {
  std::vector<TableRead> reads;
  for (size_t i = 0; i < tables_.size(); ++i) {
    LogReadOptions options{.table_id = tables_[i]->table_id(),
                           .table_name = tables_[i]->name(),
                           .from_offset = cursors_[i],
                           .bound = flushed,
                           .changes_max = options_.batch_changes_max,
                           .bytes_max = options_.batch_bytes_max};
    ASSIGN_OR_RETURN(LogRead read, ReadTableLog(coordinator_, staging_, options));
    // A read that stopped inside its first transaction is read on until that transaction is
    // whole: a transaction is never split across snapshots.
    while (!CompleteThrough(read, flushed) && !read.complete) {
      options.changes_max = std::max<int64_t>(options.changes_max * 2, read.changes.size() + 1);
      options.bytes_max *= 2;
      ASSIGN_OR_RETURN(read, ReadTableLog(coordinator_, staging_, options));
    }
    reads.push_back(TableRead{.table = i, .read = std::move(read)});
  }
  return reads;
}

Result<std::vector<iceberg::TableCommitInput>> Materializer::Apply(std::vector<TableRead>& reads,
                                                                   change::Lsn bound,
                                                                   CycleResult& result) {
  std::vector<iceberg::TableCommitInput> inputs;
  for (TableRead& read : reads) {
    // A table replaying a resumed load is committed once the bound passes its replay point,
    // changes or not: from that commit on it is a consistent mirror.
    const bool replay_ends = replay_to_[read.table] != 0 && bound >= replay_to_[read.table];
    if (read.read.changes.empty() && !replay_ends) continue;
    TableTarget& table = *tables_[read.table];
    // Schema changes at the source are followed, in order, before the batch is written: it is
    // written under the last columns its changes carry (docs/materializer.md, "Schema
    // changes"), and every change is then named as those columns are.
    const change::TableSchema* last = nullptr;
    for (const LoggedChange& logged : read.read.changes) {
      if (logged.staged.commit.commit_lsn < applied_below_[read.table]) continue;
      const change::TableSchema& schema = *logged.staged.change.table;
      if (last != nullptr && SameColumns(*last, schema)) continue;
      last = &schema;
      ASSIGN_OR_RETURN(bool same, table.Describes(schema));
      if (same) continue;
      Result<std::vector<std::string>> changes = table.Evolve(schema);
      RETURN_IF_ERROR(changes.status().WithContext(
          "following the schema change of change " + std::to_string(logged.offset) +
          " (commit LSN " + change::FormatLsn(logged.staged.commit.commit_lsn) + ")"));
      for (const std::string& line : *changes) {
        log_.Info("table " + table.name() + ": schema change at commit LSN " +
                  change::FormatLsn(logged.staged.commit.commit_lsn) + ": " + line);
      }
    }
    std::map<const change::TableSchema*, std::shared_ptr<const change::TableSchema>> named;
    ASSIGN_OR_RETURN(std::unique_ptr<BatchFiles> files, table.BeginBatch());
    TableBatch batch(table.key_columns(), table.index(), *files, table.rows(), options_.batch);
    int64_t expected = cursors_[read.table];
    for (const LoggedChange& logged : read.read.changes) {
      CHECK_MSG(logged.offset == expected, "the log reader returns gapless offsets");
      CHECK_MSG(logged.staged.commit.end_lsn <= bound, "a batch holds changes up to its bound");
      ++expected;
      // Committed before the point the table's contents already reflect: its initial load read
      // the source after this transaction (docs/materializer.md, "Initial load").
      if (logged.staged.commit.commit_lsn < applied_below_[read.table]) {
        ++result.changes_skipped;
        continue;
      }
      const change::TableSchema* schema = logged.staged.change.table.get();
      auto translated = named.find(schema);
      if (translated == named.end()) {
        ASSIGN_OR_RETURN(std::shared_ptr<const change::TableSchema> as_named,
                         table.Translate(*schema));
        translated = named.emplace(schema, std::move(as_named)).first;
      }
      batch.SetReplaying(logged.staged.commit.commit_lsn < replay_to_[read.table]);
      const change::RowChange* change = &logged.staged.change;
      change::RowChange renamed;
      if (translated->second != nullptr) {
        renamed = *change;
        renamed.table = translated->second;
        change = &renamed;
      }
      RETURN_IF_ERROR(batch.Apply(*change).WithContext(
          "table " + table.name() + ", change " + std::to_string(logged.offset) + " (commit LSN " +
          change::FormatLsn(logged.staged.commit.commit_lsn) + ")"));
    }
    // A batch below the table's load point (every change skipped) still records the load
    // point: the table reflects the source there, never earlier.
    CommittedProgress progress{.commit_lsn = std::max(bound, applied_below_[read.table]),
                               .log_offset = expected,
                               .replay_to = replay_ends ? 0 : replay_to_[read.table]};
    if (batch.stats().replay_dropped > 0) {
      log_.Info("table " + table.name() + ": " + std::to_string(batch.stats().replay_dropped) +
                " update(s) of rows deleted before their key range was loaded were dropped "
                "while replaying the resumed initial load");
    }
    read.replay_to = progress.replay_to;
    ASSIGN_OR_RETURN(iceberg::TableCommitInput input, files->Finish(batch, progress));
    inputs.push_back(std::move(input));
    read.produced_input = true;
    result.changes += static_cast<int64_t>(read.read.changes.size());
  }
  return inputs;
}

Status Materializer::CommitAndAdvance(std::vector<TableRead>& reads,
                                      std::vector<iceberg::TableCommitInput> inputs) {
  std::vector<Result<iceberg::TableState>> results =
      iceberg::CommitSnapshots(commit_, std::move(inputs));
  std::vector<stage::CursorAdvance> advances;
  std::vector<std::pair<const TableRead*, iceberg::TableState>> committed;
  size_t next_result = 0;
  for (const TableRead& read : reads) {
    if (!read.produced_input) continue;
    CHECK(next_result < results.size());
    Result<iceberg::TableState>& outcome = results[next_result++];
    TableTarget& table = *tables_[read.table];
    RETURN_IF_ERROR(outcome.status().WithContext("committing table " + table.name()));
    // A commit without changes (a replay's end) leaves the cursor where it is.
    if (!read.read.changes.empty()) {
      advances.push_back({.table_id = table.table_id(),
                          .expected = cursors_[read.table],
                          .next_offset = read.read.changes.back().offset + 1});
    }
    committed.emplace_back(&read, std::move(*outcome));
  }
  RETURN_IF_ERROR(coordinator_.AdvanceCursors(options_.consumer, advances));
  for (auto& [read, state] : committed) {
    if (!read->read.changes.empty()) cursors_[read->table] = read->read.changes.back().offset + 1;
    if (replay_to_[read->table] != 0 && read->replay_to == 0) {
      log_.Info("table " + tables_[read->table]->name() +
                ": the changes behind its resumed initial load are applied; it is a consistent "
                "mirror from this commit on");
    }
    replay_to_[read->table] = read->replay_to;
    tables_[read->table]->Committed(std::move(state));
  }
  return Status::Ok();
}

Result<CycleResult> Materializer::RunCycle() {
  CHECK_MSG(recovered_, "Recover runs before the first cycle");
  CHECK_MSG(!failed_, "a Materializer whose cycle failed is not used again");
  failed_ = true;  // until this cycle succeeds
  ASSIGN_OR_RETURN(stage::RecordedLsn flushed, coordinator_.RecordedFlushed());
  ASSIGN_OR_RETURN(std::vector<TableRead> reads, ReadLogs(flushed.lsn()));
  change::Lsn bound = flushed.lsn();
  for (const TableRead& read : reads) {
    std::optional<change::Lsn> through = CompleteThrough(read.read, flushed.lsn());
    CHECK(through.has_value());  // ReadLogs reads on until it has one
    bound = std::min(bound, *through);
  }
  for (TableRead& read : reads) TrimToBound(read.read, bound);
  CycleResult result{.bound = bound, .caught_up = bound == flushed.lsn()};
  ASSIGN_OR_RETURN(std::vector<iceberg::TableCommitInput> inputs, Apply(reads, bound, result));
  result.tables_committed = static_cast<int>(inputs.size());
  if (!inputs.empty()) {
    RETURN_IF_ERROR(CommitAndAdvance(reads, std::move(inputs)));
    log_.Info("materialized " + std::to_string(result.changes) + " change(s) into " +
              std::to_string(result.tables_committed) + " table(s) up to commit LSN " +
              change::FormatLsn(bound));
  }
  failed_ = false;
  return result;
}

}  // namespace pg2iceberg::materializer
