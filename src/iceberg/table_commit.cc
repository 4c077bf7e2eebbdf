#include "iceberg/table_commit.h"

#include <bit>
#include <memory>
#include <set>

#include "iceberg/manifest.h"
#include "iceberg/metadata_json.h"
#include "iceberg/metadata_parts_json.h"
#include "iceberg/partition.h"
#include "iceberg/schema_json.h"

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
};

Result<ManifestFile> WriteEntries(CommitWriter& writer, const TableMetadata& base,
                                  const SnapshotDraft& draft, const std::vector<ManifestEntry>& entries,
                                  int index) {
  ManifestWriterOptions options;
  options.schema_json = SchemaToJsonString(*base.CurrentSchema());
  options.schema_id = base.current_schema_id;
  ASSIGN_OR_RETURN(const PartitionSpec* spec, DefaultPartitionSpec(base));
  ASSIGN_OR_RETURN(const std::vector<BoundPartitionField> fields, BindPartitionSpec(*spec, *base.CurrentSchema()));
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

// The live data-file entries of the table's current snapshot, with inherited fields filled.
Result<std::vector<ManifestEntry>> LiveEntries(CommitWriter& writer, const TableMetadata& base,
                                               std::vector<ManifestFile>* manifests) {
  std::vector<ManifestEntry> live;
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
      return Status::InvalidArgument("manifest " + manifest.manifest_path + " was written for partition spec " +
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
      if (entry.status != ManifestEntryStatus::kDeleted) live.push_back(std::move(entry));
    }
  }
  return live;
}

int64_t Sum(const std::vector<DataFile>& files, int64_t DataFile::*field) {
  int64_t total = 0;
  for (const DataFile& f : files) total += f.*field;
  return total;
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
                              uint64_t(value->unscaled), uint64_t(value->unscaled >> 64), value->bytes.size()};
    key += 'V';
    key.append(reinterpret_cast<const char*>(parts), sizeof parts);
    key += value->bytes;
  }
  return key;
}

// Java's "changed-partition-count": the distinct partitions of the added and removed files.
int64_t ChangedPartitionCount(const std::vector<DataFile>& added, const std::vector<DataFile>& removed) {
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
  set("total-files-size", Sum(added, &DataFile::file_size_in_bytes) + Sum(kept, &DataFile::file_size_in_bytes));
  set("total-delete-files", 0);
  set("total-position-deletes", 0);
  set("total-equality-deletes", 0);
}

// Builds the manifests of the new snapshot: the new files, plus (append) the current
// manifests or (replace) a manifest marking every current file deleted.
Status DraftManifests(CommitWriter& writer, const TableMetadata& base, const std::vector<DataFile>& files,
                      CommitMode mode, SnapshotDraft& draft) {
  std::vector<ManifestFile> current_manifests;
  ASSIGN_OR_RETURN(std::vector<ManifestEntry> live, LiveEntries(writer, base, &current_manifests));
  std::vector<DataFile> previous;
  for (const ManifestEntry& entry : live) previous.push_back(entry.file);
  if (!files.empty()) {
    std::vector<ManifestEntry> added;
    for (const DataFile& file : files) added.push_back({ManifestEntryStatus::kAdded, draft.snapshot_id, {}, {}, file});
    ASSIGN_OR_RETURN(ManifestFile manifest, WriteEntries(writer, base, draft, added, 0));
    draft.manifests.push_back(manifest);
  }
  if (mode == CommitMode::kAppend) {
    draft.manifests.insert(draft.manifests.end(), current_manifests.begin(), current_manifests.end());
    AddSummary(draft, files, {}, previous);
    return Status::Ok();
  }
  if (!live.empty()) {
    for (ManifestEntry& entry : live) {
      entry.status = ManifestEntryStatus::kDeleted;
      entry.snapshot_id = draft.snapshot_id;
    }
    ASSIGN_OR_RETURN(ManifestFile manifest, WriteEntries(writer, base, draft, live, 1));
    draft.manifests.push_back(manifest);
  }
  AddSummary(draft, files, previous, {});
  return Status::Ok();
}

Result<std::string> WriteManifestListFile(CommitWriter& writer, const TableMetadata& base,
                                          const SnapshotDraft& draft) {
  ManifestListWriterOptions options;
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

Result<SnapshotCommit> WriteSnapshot(CommitWriter& writer, const TableState& table,
                                     const SnapshotDraft& draft, CommitMode mode) {
  const TableMetadata& base = table.metadata;
  ASSIGN_OR_RETURN(std::string manifest_list, WriteManifestListFile(writer, base, draft));
  int64_t now_ms = MonotonicTimestampMs(base, writer.services.clock.NowMicros() / 1000);
  Snapshot snapshot{draft.snapshot_id, base.current_snapshot_id, draft.sequence_number, now_ms,
                    manifest_list, mode == CommitMode::kAppend ? "append" : "overwrite",
                    draft.summary, base.current_schema_id};
  ASSIGN_OR_RETURN(TableMetadata metadata, AddSnapshot(base, snapshot, table.metadata_location, now_ms));
  return SnapshotCommit{table, std::move(metadata), std::move(snapshot), &writer};
}

// Writes the manifests and manifest list of `input`'s new snapshot; on error removes them.
Result<Prepared> Prepare(CommitServices shared, const TableCommitInput& input) {
  const CommitServices services{input.store != nullptr ? *input.store : shared.warehouse,
                                shared.catalog, shared.random, shared.clock};
  const TableState& table = input.table;
  ASSIGN_OR_RETURN(std::string table_key, services.warehouse.KeyForLocation(table.metadata.location));
  auto writer = std::make_unique<CommitWriter>(services, table_key + "/metadata/");
  SnapshotDraft draft;
  draft.snapshot_id = NewSnapshotId(services.random, table.metadata);
  draft.sequence_number = table.metadata.NextSequenceNumber();
  Result<SnapshotCommit> commit = [&]() -> Result<SnapshotCommit> {
    RETURN_IF_ERROR(DraftManifests(*writer, table.metadata, input.files, input.mode, draft));
    for (const auto& [key, value] : input.summary) draft.summary[key] = value;
    return WriteSnapshot(*writer, table, draft, input.mode);
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
    // A lost catalog reply may still have committed: the files must stay.
    if (results[i].status().code() != StatusCode::kOutcomeUnknown) {
      prepared[i].writer->RemoveWritten();
    }
    results[i] = results[i].status().WithContext("commit to " + inputs[i].table.ident.ToString());
  }
  return results;
}

}  // namespace pg2iceberg::iceberg
