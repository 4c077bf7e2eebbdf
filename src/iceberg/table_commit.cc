#include "iceberg/table_commit.h"

#include <memory>

#include "iceberg/commit_draft.h"
#include "iceberg/schema_update.h"

namespace pg2iceberg::iceberg {
namespace {

int64_t NewSnapshotId(Random& random, const TableMetadata& metadata) {
  while (true) {
    int64_t id = static_cast<int64_t>(random.Next64() >> 1);
    if (id > 0 && metadata.SnapshotById(id) == nullptr) return id;
  }
}

Result<std::string> WriteManifestListFile(CommitWriter& writer, const TableMetadata& base,
                                          const SnapshotDraft& draft) {
  ManifestListWriterOptions options;
  options.format_version = base.format_version;
  options.first_row_id = draft.first_row_id;
  options.snapshot_id = draft.snapshot_id;
  options.parent_snapshot_id = base.current_snapshot_id;
  options.sequence_number = draft.sequence_number;
  options.sync_marker = NewSyncMarker(writer.services.random);
  ASSIGN_OR_RETURN(Bytes bytes, WriteManifestList(options, draft.manifests));
  std::string name = "snap-" + std::to_string(draft.snapshot_id) + "-1-" +
                     writer.services.random.UuidV4String() + ".avro";
  return writer.Put(name, bytes);
}

// A table's commit with everything written but the catalog step. `writer` lives on the heap so
// commit.writer stays valid when the Prepared moves.
struct Prepared {
  std::unique_ptr<CommitWriter> writer;
  SnapshotCommit commit;
  // The model of the table's live files the commit was built on (the input's, or `own_live`),
  // and what it becomes when the commit is accepted.
  LiveFiles* live = nullptr;
  std::unique_ptr<LiveFiles> own_live;
  std::vector<ManifestFile> manifests;
  std::map<std::string, std::vector<ManifestEntry>> written;

  // The commit's outcome is known: advance the model to the new snapshot when it applied,
  // forget it when it may have (the table's next load decides).
  void Settle(const Result<TableState>& result) {
    if (result.ok()) {
      live->Advance(commit.snapshot.snapshot_id, std::move(manifests), std::move(written));
    } else if (CommitMayHaveApplied(result.status())) {
      live->Invalidate();
    }
  }
};

// `base` is table.metadata as the commit changes it (StagedMetadata): at the format version
// the commit is made at, with the input's schema and properties applied.
Result<SnapshotCommit> WriteSnapshot(CommitWriter& writer, const TableState& table,
                                     const TableMetadata& base, const SnapshotDraft& draft) {
  ASSIGN_OR_RETURN(std::string manifest_list, WriteManifestListFile(writer, base, draft));
  int64_t now_ms = MonotonicTimestampMs(base, writer.services.clock.NowMicros() / 1000);
  Snapshot snapshot{
      draft.snapshot_id,  base.current_snapshot_id, draft.sequence_number, now_ms,
      manifest_list,      draft.operation,          draft.summary,         base.current_schema_id,
      draft.first_row_id, draft.added_rows};
  ASSIGN_OR_RETURN(TableMetadata metadata,
                   AddSnapshot(base, snapshot, table.metadata_location, now_ms));
  return SnapshotCommit{table, std::move(metadata), std::move(snapshot), &writer};
}

// The table's metadata upgraded to `input`'s format version (when asked), with its schema made
// current and its properties set: what the new snapshot is built on.
Result<TableMetadata> StagedMetadata(const TableCommitInput& input) {
  TableMetadata staged = input.table.metadata;
  if (input.format_version != 0) RETURN_IF_ERROR(SetFormatVersion(staged, input.format_version));
  if (input.schema.has_value()) {
    ASSIGN_OR_RETURN(staged, WithCurrentSchema(staged, *input.schema));
  }
  for (const auto& [key, value] : input.properties) staged.properties[key] = value;
  return staged;
}

// Writes the manifests and manifest list of `input`'s new snapshot; on error removes them.
Result<Prepared> Prepare(CommitServices shared, const TableCommitInput& input) {
  const CommitServices services{input.store != nullptr ? *input.store : shared.warehouse,
                                shared.catalog, shared.random, shared.clock};
  const TableState& table = input.table;
  ASSIGN_OR_RETURN(std::string table_key,
                   services.warehouse.KeyForLocation(table.metadata.location));
  auto writer = std::make_unique<CommitWriter>(services, table_key + "/metadata/");
  Prepared prepared;
  prepared.live = input.live_files;
  if (prepared.live == nullptr) {
    prepared.own_live = std::make_unique<LiveFiles>();
    prepared.live = prepared.own_live.get();
  }
  SnapshotDraft draft;
  draft.snapshot_id = NewSnapshotId(services.random, table.metadata);
  draft.sequence_number = table.metadata.NextSequenceNumber();
  Result<SnapshotCommit> commit = [&]() -> Result<SnapshotCommit> {
    ASSIGN_OR_RETURN(const TableMetadata base, StagedMetadata(input));
    RETURN_IF_ERROR(DraftManifests(*writer, base, input, *prepared.live, draft));
    for (const auto& [key, value] : input.summary) draft.summary[key] = value;
    return WriteSnapshot(*writer, table, base, draft);
  }();
  if (!commit.ok()) {
    writer->RemoveWritten();
    return commit.status().WithContext("commit to " + table.ident.ToString());
  }
  prepared.writer = std::move(writer);
  prepared.commit = std::move(*commit);
  prepared.manifests = std::move(draft.manifests);
  prepared.written = std::move(draft.written);
  return prepared;
}

Result<TableState> CommitOne(Catalog& catalog, const Prepared& prepared) {
  const SnapshotCommit& c = prepared.commit;
  return catalog.CommitSnapshot(c.base, c.new_metadata, c.snapshot, *prepared.writer);
}

// Commits prepared[i] for every i in `indexes` atomically when the catalog can (and there are
// several), else one at a time until one fails; the rest are then not attempted.
void CommitGroup(Catalog& catalog, const std::vector<Prepared>& prepared,
                 const std::vector<size_t>& indexes, std::vector<Result<TableState>>& results) {
  std::vector<SnapshotCommit> commits;
  for (size_t i : indexes) commits.push_back(prepared[i].commit);
  if (indexes.size() > 1 && catalog.CanCommitAtomically(commits)) {
    Result<std::vector<TableState>> states = catalog.CommitSnapshots(commits);
    for (size_t k = 0; k < indexes.size(); ++k) {
      results[indexes[k]] = states.ok() ? Result<TableState>(std::move((*states)[k]))
                                        : Result<TableState>(states.status());
    }
    return;
  }
  Status failed = Status::Ok();
  for (size_t i : indexes) {
    if (!failed.ok()) {
      results[i] = Status::Unavailable("not attempted: an earlier table's commit failed: " +
                                       failed.message());
      continue;
    }
    results[i] = CommitOne(catalog, prepared[i]);
    failed = results[i].status();
  }
}

}  // namespace

Result<TableState> CommitSnapshot(CommitServices services, const TableState& table,
                                  const std::vector<DataFile>& files, CommitMode mode,
                                  const std::map<std::string, std::string>& summary) {
  std::vector<Result<TableState>> results =
      CommitSnapshots(services, {TableCommitInput{table, files, mode, summary}});
  return std::move(results.front());
}

std::vector<Result<TableState>> CommitSnapshots(CommitServices services,
                                                const std::vector<TableCommitInput>& inputs) {
  std::vector<Prepared> prepared;
  for (const TableCommitInput& input : inputs) {
    Result<Prepared> one = Prepare(services, input);
    if (!one.ok()) {
      for (Prepared& p : prepared) p.writer->RemoveWritten();
      return std::vector<Result<TableState>>(inputs.size(), one.status());
    }
    prepared.push_back(std::move(*one));
  }
  std::vector<Result<TableState>> results(inputs.size(), Status::Internal("not committed"));
  std::vector<size_t> all(inputs.size()), created, existing;
  for (size_t i = 0; i < inputs.size(); ++i) {
    all[i] = i;
    (inputs[i].table.metadata_location.empty() ? created : existing).push_back(i);
  }
  std::vector<SnapshotCommit> commits;
  for (const Prepared& p : prepared) commits.push_back(p.commit);
  if (inputs.size() > 1 && services.catalog.CanCommitAtomically(commits)) {
    CommitGroup(services.catalog, prepared, all, results);
  } else {
    // New tables first, one at a time (a catalog may not take them in a transaction), then the
    // existing ones together when the catalog can.
    CommitGroup(services.catalog, prepared, created, results);
    CommitGroup(services.catalog, prepared, existing, results);
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    prepared[i].Settle(results[i]);
    if (results[i].ok()) continue;
    // A lost catalog reply may still have committed (and a half-committed transaction has):
    // the files must stay. Any other error proves the commit is not visible and never will be.
    if (!CommitMayHaveApplied(results[i].status())) prepared[i].writer->RemoveWritten();
    results[i] = results[i].status().WithContext("commit to " + inputs[i].table.ident.ToString());
  }
  return results;
}

std::vector<Result<TableState>> CommitSnapshotsRetryingConflicts(
    CommitServices services, std::vector<TableCommitInput> inputs, int attempts_max,
    const RebaseCommit& rebase, Logger& log) {
  std::vector<Result<TableState>> results(inputs.size(), Status::Internal("not committed"));
  std::vector<size_t> pending;
  for (size_t i = 0; i < inputs.size(); ++i) pending.push_back(i);
  for (int attempt = 1; !pending.empty(); ++attempt) {
    std::vector<TableCommitInput> round;
    for (size_t i : pending) round.push_back(inputs[i]);
    std::vector<Result<TableState>> outcomes = CommitSnapshots(services, round);
    std::vector<size_t> retry;
    for (size_t k = 0; k < pending.size(); ++k) {
      const size_t i = pending[k];
      results[i] = std::move(outcomes[k]);
      if (results[i].status().code() != StatusCode::kConflict || attempt >= attempts_max) continue;
      log.Warn(results[i].status().message() + " (attempt " + std::to_string(attempt) + " of " +
               std::to_string(attempts_max) +
               "): reloading the table and committing again on "
               "top of what it holds now");
      Status rebased = rebase(i, inputs[i]);
      if (!rebased.ok()) {
        results[i] = rebased.WithContext("commit to " + inputs[i].table.ident.ToString());
        continue;
      }
      retry.push_back(i);
    }
    pending = std::move(retry);
  }
  return results;
}

}  // namespace pg2iceberg::iceberg
