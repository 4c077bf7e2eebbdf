#include "iceberg/table_commit.h"

#include <bit>
#include <memory>
#include <set>

#include "iceberg/manifest.h"
#include "iceberg/metadata_json.h"
#include "iceberg/metadata_parts_json.h"
#include "iceberg/partition.h"
#include "iceberg/schema_json.h"
#include "iceberg/schema_update.h"

namespace pg2iceberg::iceberg {
namespace {

// Collects what one commit writes, so a failed commit can remove it.
struct CommitWriter final : MetadataWriter {
  CommitWriter(CommitServices services, std::string metadata_key_prefix)
      : services(services), metadata_key_prefix(std::move(metadata_key_prefix)) {}

  Result<std::string> Put(const std::string& name, ByteSpan bytes) {
    std::string key = metadata_key_prefix + name;
    written_keys.push_back(key);
    RETURN_IF_ERROR(services.warehouse.Put(key, bytes, PutOptions{.if_none_match = true}));
    return services.warehouse.Location(key);
  }
  void RemoveWritten() { services.warehouse.Delete(written_keys).IgnoreError(); }

  // Metadata files go where the table's manifests go: <table location>/metadata/.
  Result<std::string> WriteMetadataFile(int64_t version, const TableMetadata& metadata) override {
    std::string name = MetadataFileName(version, services.random.UuidV4String());
    return Put(name, AsBytes(TableMetadataToJsonString(metadata)));
  }

  CommitServices services;
  std::string metadata_key_prefix;  // "<table key>/metadata/"
  std::vector<std::string> written_keys;
};

avro::SyncMarker NewSyncMarker(Random& random) {
  avro::SyncMarker marker;
  for (size_t i = 0; i < marker.size(); i += 8) {
    uint64_t bits = random.Next64();
    for (size_t j = 0; j < 8; ++j) marker[i + j] = static_cast<uint8_t>(bits >> (8 * j));
  }
  return marker;
}

int64_t NewSnapshotId(Random& random, const TableMetadata& metadata) {
  while (true) {
    int64_t id = static_cast<int64_t>(random.Next64() >> 1);
    if (id > 0 && metadata.SnapshotById(id) == nullptr) return id;
  }
}

struct SnapshotDraft {
  int64_t snapshot_id = 0;
  int64_t sequence_number = 0;
  std::vector<ManifestFile> manifests;
  std::map<std::string, std::string> summary;
  std::string operation;
  // Format version 3: the snapshot's first-row-id and the row ids its manifests take.
  std::optional<int64_t> first_row_id;
  std::optional<int64_t> added_rows;
};

Result<ManifestFile> WriteEntries(CommitWriter& writer, const TableMetadata& base,
                                  const SnapshotDraft& draft,
                                  const std::vector<ManifestEntry>& entries,
                                  ManifestContent content, int index) {
  ManifestWriterOptions options;
  options.content = content;
  options.format_version = base.format_version;
  options.schema_json = SchemaToJsonString(*base.CurrentSchema());
  options.schema_id = base.current_schema_id;
  ASSIGN_OR_RETURN(const PartitionSpec* spec, DefaultPartitionSpec(base));
  ASSIGN_OR_RETURN(const std::vector<BoundPartitionField> fields,
                   BindPartitionSpec(*spec, *base.CurrentSchema()));
  options.partition_spec_id = spec->spec_id;
  options.partition_spec_json = PartitionSpecToJson(*spec)["fields"].dump();
  options.partition_type = PartitionType(fields);
  options.added_snapshot_id = draft.snapshot_id;
  options.sequence_number = draft.sequence_number;
  options.sync_marker = NewSyncMarker(writer.services.random);
  std::string name = writer.services.random.UuidV4String() + "-m" + std::to_string(index) + ".avro";
  options.manifest_path = writer.services.warehouse.Location(writer.metadata_key_prefix + name);
  ASSIGN_OR_RETURN(WrittenManifest manifest, WriteManifest(options, entries));
  RETURN_IF_ERROR(writer.Put(name, manifest.bytes).status());
  return manifest.file;
}

// The live entries of the table's current snapshot, with inherited fields filled.
struct LiveFiles {
  std::vector<ManifestEntry> data;
  std::vector<ManifestEntry> deletes;
};

Result<LiveFiles> LiveEntries(CommitWriter& writer, const TableMetadata& base,
                              std::vector<ManifestFile>* manifests) {
  LiveFiles live;
  const Snapshot* current = base.CurrentSnapshot();
  if (current == nullptr) return live;
  ObjectStore& store = writer.services.warehouse;
  ASSIGN_OR_RETURN(std::string list_key, store.KeyForLocation(current->manifest_list));
  ASSIGN_OR_RETURN(Bytes list_bytes, store.Get(list_key));
  ASSIGN_OR_RETURN(ManifestListContents list, ReadManifestList(list_bytes));
  for (const ManifestFile& manifest : list.manifests) {
    // Files are rewritten (as deleted) under the default spec: they must have been written
    // under it.
    if (manifest.partition_spec_id != base.default_spec_id) {
      return Status::InvalidArgument(
          "manifest " + manifest.manifest_path + " was written for partition spec " +
          std::to_string(manifest.partition_spec_id) + ", not the default spec " +
          std::to_string(base.default_spec_id) +
          "; tables with files of several partition specs are not supported");
    }
    manifests->push_back(manifest);
    ASSIGN_OR_RETURN(std::string key, store.KeyForLocation(manifest.manifest_path));
    ASSIGN_OR_RETURN(Bytes bytes, store.Get(key));
    ASSIGN_OR_RETURN(ManifestContents contents, ReadManifest(bytes));
    InheritFromManifestFile(manifest, contents.entries);
    for (ManifestEntry& entry : contents.entries) {
      if (entry.status == ManifestEntryStatus::kDeleted) continue;
      (manifest.content == ManifestContent::kData ? live.data : live.deletes)
          .push_back(std::move(entry));
    }
  }
  return live;
}

int64_t Sum(const std::vector<DataFile>& files, int64_t DataFile::*field) {
  int64_t total = 0;
  for (const DataFile& f : files) total += f.*field;
  return total;
}

// Delete files by kind, and the rows they delete.
struct DeleteCounts {
  int64_t files = 0, position_files = 0, dvs = 0, equality_files = 0;
  int64_t position_deletes = 0, equality_deletes = 0;

  explicit DeleteCounts(const std::vector<DataFile>& deletes) {
    for (const DataFile& f : deletes) {
      ++files;
      if (f.content == FileContent::kEqualityDeletes) {
        ++equality_files;
        equality_deletes += f.record_count;
        continue;
      }
      ++(f.file_format == "PUFFIN" ? dvs : position_files);
      position_deletes += f.record_count;
    }
  }
};

// The summary fields Java writes for delete files: added-*, removed-* (when any) and total-*.
void AddDeleteSummary(SnapshotDraft& draft, const std::vector<DataFile>& added,
                      const std::vector<DataFile>& removed, const std::vector<DataFile>& kept) {
  auto set = [&](const std::string& key, int64_t value) {
    draft.summary[key] = std::to_string(value);
  };
  const DeleteCounts a(added), r(removed), k(kept);
  if (a.files > 0) {
    set("added-delete-files", a.files);
    if (a.position_files > 0) set("added-position-delete-files", a.position_files);
    if (a.dvs > 0) set("added-dvs", a.dvs);
    if (a.equality_files > 0) set("added-equality-delete-files", a.equality_files);
    if (a.position_deletes > 0) set("added-position-deletes", a.position_deletes);
    if (a.equality_deletes > 0) set("added-equality-deletes", a.equality_deletes);
  }
  if (r.files > 0) {
    set("removed-delete-files", r.files);
    if (r.position_deletes > 0) set("removed-position-deletes", r.position_deletes);
    if (r.equality_deletes > 0) set("removed-equality-deletes", r.equality_deletes);
  }
  set("total-delete-files", a.files + k.files);
  set("total-position-deletes", a.position_deletes + k.position_deletes);
  set("total-equality-deletes", a.equality_deletes + k.equality_deletes);
}

// A byte string equal for equal tuples (literal.h equality), to count distinct partitions.
std::string PartitionKey(const PartitionTuple& tuple) {
  std::string key;
  for (const std::optional<Literal>& value : tuple) {
    if (!value) {
      key += 'N';
      continue;
    }
    const uint64_t parts[] = {uint64_t(value->integer), std::bit_cast<uint64_t>(value->real),
                              uint64_t(value->unscaled), uint64_t(value->unscaled >> 64),
                              value->bytes.size()};
    key += 'V';
    key.append(reinterpret_cast<const char*>(parts), sizeof parts);
    key += value->bytes;
  }
  return key;
}

// Java's "changed-partition-count": the distinct partitions of the added and removed files.
int64_t ChangedPartitionCount(const std::vector<DataFile>& added,
                              const std::vector<DataFile>& removed) {
  std::set<std::string> partitions;
  for (const std::vector<DataFile>* files : {&added, &removed}) {
    for (const DataFile& file : *files) partitions.insert(PartitionKey(file.partition));
  }
  return static_cast<int64_t>(partitions.size());
}

void AddSummary(SnapshotDraft& draft, const std::vector<DataFile>& added,
                const std::vector<DataFile>& removed, const std::vector<DataFile>& kept) {
  auto set = [&](const char* key, int64_t value) { draft.summary[key] = std::to_string(value); };
  set("added-data-files", static_cast<int64_t>(added.size()));
  set("added-records", Sum(added, &DataFile::record_count));
  set("added-files-size", Sum(added, &DataFile::file_size_in_bytes));
  if (!removed.empty()) {
    set("deleted-data-files", static_cast<int64_t>(removed.size()));
    set("deleted-records", Sum(removed, &DataFile::record_count));
    set("removed-files-size", Sum(removed, &DataFile::file_size_in_bytes));
  }
  set("changed-partition-count", ChangedPartitionCount(added, removed));
  set("total-data-files", static_cast<int64_t>(added.size() + kept.size()));
  set("total-records", Sum(added, &DataFile::record_count) + Sum(kept, &DataFile::record_count));
  set("total-files-size",
      Sum(added, &DataFile::file_size_in_bytes) + Sum(kept, &DataFile::file_size_in_bytes));
}

std::vector<DataFile> FilesOf(const std::vector<ManifestEntry>& entries) {
  std::vector<DataFile> files;
  for (const ManifestEntry& entry : entries) files.push_back(entry.file);
  return files;
}

// Why `deletes` cannot be added to the table, or OK: delete files need format version 2, new
// position delete files are not allowed in version 3 (deletion vectors replace them), and a
// data file may have at most one deletion vector.
Status CheckDeleteFiles(const TableMetadata& base, const std::vector<DataFile>& deletes,
                        const std::vector<ManifestEntry>& live_deletes) {
  std::set<std::string> with_dv;
  for (const ManifestEntry& entry : live_deletes) {
    if (entry.file.file_format == "PUFFIN" && entry.file.referenced_data_file) {
      with_dv.insert(*entry.file.referenced_data_file);
    }
  }
  for (const DataFile& file : deletes) {
    if (file.content == FileContent::kData) {
      return Status::InvalidArgument("data file " + file.file_path + " given as a delete file");
    }
    const bool dv = file.file_format == "PUFFIN";
    if (base.format_version >= kFormatVersion3 && file.content == FileContent::kPositionDeletes &&
        !dv) {
      return Status::InvalidArgument(
          "a format-version 3 table takes deletion vectors, not position delete files (" +
          file.file_path + ")");
    }
    if (dv && !with_dv.insert(file.referenced_data_file.value_or("")).second) {
      return Status::InvalidArgument("data file " + file.referenced_data_file.value_or("") +
                                     " already has a deletion vector; merge the deletes into one");
    }
  }
  return Status::Ok();
}

// Format version 3: gives every data manifest without a first_row_id one, in order from the
// table's next-row-id, each advancing by the manifest's added and existing rows (the spec's
// recommended assignment); the snapshot's first-row-id and added-rows follow.
void AssignRowIds(const TableMetadata& base, SnapshotDraft& draft) {
  if (base.format_version < kFormatVersion3) return;
  const int64_t first = base.next_row_id.value_or(0);
  int64_t next = first;
  for (ManifestFile& manifest : draft.manifests) {
    if (manifest.content != ManifestContent::kData || manifest.first_row_id) continue;
    manifest.first_row_id = next;
    next += manifest.added_rows_count + manifest.existing_rows_count;
  }
  draft.first_row_id = first;
  draft.added_rows = next - first;
}

// Writes one manifest of `files` as entries of `status` (added, or deleted by this snapshot).
Status WriteFiles(CommitWriter& writer, const TableMetadata& base, SnapshotDraft& draft,
                  std::vector<ManifestEntry> entries, ManifestContent content, int index) {
  if (entries.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(ManifestFile manifest,
                   WriteEntries(writer, base, draft, entries, content, index));
  draft.manifests.push_back(manifest);
  return Status::Ok();
}

std::vector<ManifestEntry> Added(const std::vector<DataFile>& files, int64_t snapshot_id) {
  std::vector<ManifestEntry> entries;
  for (const DataFile& file : files)
    entries.push_back({ManifestEntryStatus::kAdded, snapshot_id, {}, {}, file});
  return entries;
}

std::vector<ManifestEntry> DeletedNow(std::vector<ManifestEntry> entries, int64_t snapshot_id) {
  for (ManifestEntry& entry : entries) {
    entry.status = ManifestEntryStatus::kDeleted;
    entry.snapshot_id = snapshot_id;
  }
  return entries;
}

// Builds the manifests of the new snapshot: the new data and delete files, plus (append) the
// current manifests or (replace) manifests marking every current data and delete file deleted.
Status DraftManifests(CommitWriter& writer, const TableMetadata& base,
                      const TableCommitInput& input, SnapshotDraft& draft) {
  std::vector<ManifestFile> current_manifests;
  ASSIGN_OR_RETURN(LiveFiles live, LiveEntries(writer, base, &current_manifests));
  const std::vector<DataFile>& files = input.files;
  const std::vector<DataFile>& deletes = input.delete_files;
  RETURN_IF_ERROR(CheckDeleteFiles(
      base, deletes,
      input.mode == CommitMode::kAppend ? live.deletes : std::vector<ManifestEntry>{}));
  RETURN_IF_ERROR(
      WriteFiles(writer, base, draft, Added(files, draft.snapshot_id), ManifestContent::kData, 0));
  RETURN_IF_ERROR(WriteFiles(writer, base, draft, Added(deletes, draft.snapshot_id),
                             ManifestContent::kDeletes, 1));
  const std::vector<DataFile> previous = FilesOf(live.data),
                              previous_deletes = FilesOf(live.deletes);
  if (input.mode == CommitMode::kAppend) {
    draft.manifests.insert(draft.manifests.end(), current_manifests.begin(),
                           current_manifests.end());
    AddSummary(draft, files, {}, previous);
    AddDeleteSummary(draft, deletes, {}, previous_deletes);
    draft.operation = deletes.empty() ? "append" : files.empty() ? "delete" : "overwrite";
  } else {
    RETURN_IF_ERROR(WriteFiles(writer, base, draft, DeletedNow(live.data, draft.snapshot_id),
                               ManifestContent::kData, 2));
    RETURN_IF_ERROR(WriteFiles(writer, base, draft, DeletedNow(live.deletes, draft.snapshot_id),
                               ManifestContent::kDeletes, 3));
    AddSummary(draft, files, previous, {});
    AddDeleteSummary(draft, deletes, previous_deletes, {});
    draft.operation = "overwrite";
  }
  AssignRowIds(base, draft);
  return Status::Ok();
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
  SnapshotDraft draft;
  draft.snapshot_id = NewSnapshotId(services.random, table.metadata);
  draft.sequence_number = table.metadata.NextSequenceNumber();
  Result<SnapshotCommit> commit = [&]() -> Result<SnapshotCommit> {
    ASSIGN_OR_RETURN(const TableMetadata base, StagedMetadata(input));
    RETURN_IF_ERROR(DraftManifests(*writer, base, input, draft));
    for (const auto& [key, value] : input.summary) draft.summary[key] = value;
    return WriteSnapshot(*writer, table, base, draft);
  }();
  if (!commit.ok()) {
    writer->RemoveWritten();
    return commit.status().WithContext("commit to " + table.ident.ToString());
  }
  return Prepared{std::move(writer), std::move(*commit)};
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
