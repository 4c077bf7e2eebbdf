#include "iceberg/table_commit.h"

#include "iceberg/manifest.h"
#include "iceberg/metadata_json.h"
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
  set("changed-partition-count", added.empty() && removed.empty() ? 0 : 1);
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

Result<TableState> WriteAndCommit(CommitWriter& writer, const TableState& table, const SnapshotDraft& draft,
                                  CommitMode mode) {
  const TableMetadata& base = table.metadata;
  ASSIGN_OR_RETURN(std::string manifest_list, WriteManifestListFile(writer, base, draft));
  int64_t now_ms = MonotonicTimestampMs(base, writer.services.clock.NowMicros() / 1000);
  Snapshot snapshot{draft.snapshot_id, base.current_snapshot_id, draft.sequence_number, now_ms,
                    manifest_list, mode == CommitMode::kAppend ? "append" : "overwrite",
                    draft.summary, base.current_schema_id};
  ASSIGN_OR_RETURN(TableMetadata metadata, AddSnapshot(base, snapshot, table.metadata_location, now_ms));
  return writer.services.catalog.CommitSnapshot(table, metadata, snapshot, writer);
}

}  // namespace

Result<TableState> CommitSnapshot(CommitServices services, const TableState& table,
                                  const std::vector<DataFile>& files, CommitMode mode,
                                  const std::map<std::string, std::string>& summary) {
  ASSIGN_OR_RETURN(std::string table_key, services.warehouse.KeyForLocation(table.metadata.location));
  CommitWriter writer(services, table_key + "/metadata/");
  SnapshotDraft draft;
  draft.snapshot_id = NewSnapshotId(services.random, table.metadata);
  draft.sequence_number = table.metadata.NextSequenceNumber();
  Result<TableState> committed = [&]() -> Result<TableState> {
    RETURN_IF_ERROR(DraftManifests(writer, table.metadata, files, mode, draft));
    for (const auto& [key, value] : summary) draft.summary[key] = value;
    return WriteAndCommit(writer, table, draft, mode);
  }();
  // A lost catalog reply may still have committed: the files must stay.
  if (!committed.ok() && committed.status().code() != StatusCode::kOutcomeUnknown) writer.RemoveWritten();
  if (!committed.ok()) return committed.status().WithContext("commit to " + table.ident.ToString());
  return committed;
}

}  // namespace pg2iceberg::iceberg
