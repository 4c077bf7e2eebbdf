#include "iceberg/commit_draft.h"

#include <set>

#include "iceberg/metadata_json.h"
#include "iceberg/metadata_parts_json.h"
#include "iceberg/partition.h"
#include "iceberg/schema_json.h"

namespace pg2iceberg::iceberg {

Result<std::string> CommitWriter::Put(const std::string& name, ByteSpan bytes) {
  std::string key = metadata_key_prefix + name;
  written_keys.push_back(key);
  RETURN_IF_ERROR(services.warehouse.Put(key, bytes, PutOptions{.if_none_match = true}));
  return services.warehouse.Location(key);
}

void CommitWriter::RemoveWritten() { services.warehouse.Delete(written_keys).IgnoreError(); }

Result<std::string> CommitWriter::WriteMetadataFile(int64_t version,
                                                    const TableMetadata& metadata) {
  std::string name = MetadataFileName(version, services.random.UuidV4String());
  return Put(name, AsBytes(TableMetadataToJsonString(metadata)));
}

Result<TableMetadata> CommitWriter::ReadMetadataFile(const std::string& location) {
  ASSIGN_OR_RETURN(std::string key, services.warehouse.KeyForLocation(location));
  ASSIGN_OR_RETURN(Bytes bytes, services.warehouse.Get(key));
  return TableMetadataFromJsonString(AsStringView(bytes));
}

avro::SyncMarker NewSyncMarker(Random& random) {
  avro::SyncMarker marker;
  for (size_t i = 0; i < marker.size(); i += 8) {
    uint64_t bits = random.Next64();
    for (size_t j = 0; j < 8; ++j) marker[i + j] = static_cast<uint8_t>(bits >> (8 * j));
  }
  return marker;
}

namespace {

bool IsDv(const DataFile& file) { return file.file_format == "PUFFIN"; }

// Writes `entries` as one manifest of `content` under the table's default spec; records it.
Status WriteEntries(CommitWriter& writer, const TableMetadata& base, SnapshotDraft& draft,
                    std::vector<ManifestEntry> entries, ManifestContent content, size_t index) {
  if (entries.empty()) return Status::Ok();
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
  draft.manifests.push_back(manifest.file);
  draft.written[manifest.file.manifest_path] = std::move(entries);
  return Status::Ok();
}

std::vector<ManifestEntry> Added(const std::vector<DataFile>& files) {
  std::vector<ManifestEntry> entries;
  for (const DataFile& file : files)
    entries.push_back({ManifestEntryStatus::kAdded, std::nullopt, {}, {}, file});
  return entries;
}

// The live files the commit removes: those named, every live file for kReplaceAll, and the
// delete files referencing a removed data file.
Result<std::vector<LiveFile>> RemovedFiles(ObjectStore& store, const TableCommitInput& input,
                                           LiveFiles& live) {
  std::set<std::string> paths(input.removed_files.begin(), input.removed_files.end());
  if (input.mode == CommitMode::kReplaceAll) {
    for (size_t i = 0; i < live.manifests().size(); ++i) {
      ASSIGN_OR_RETURN(const std::vector<ManifestEntry>* entries, live.Entries(store, i));
      for (const ManifestEntry& entry : *entries) paths.insert(entry.file.file_path);
    }
  }
  ASSIGN_OR_RETURN(std::vector<LiveFile> removed, live.Find(store, paths));
  bool removes_data = false;
  for (const LiveFile& file : removed)
    removes_data |= file.entry.file.content == FileContent::kData;
  if (!removes_data) return removed;
  RETURN_IF_ERROR(live.LoadDeleteManifests(store));
  const size_t named = removed.size();
  for (size_t i = 0; i < named; ++i) {
    if (removed[i].entry.file.content != FileContent::kData) continue;
    for (LiveFile& dependent : live.DeletesReferencing(removed[i].entry.file.file_path)) {
      if (paths.insert(dependent.entry.file.file_path).second) removed.push_back(dependent);
    }
  }
  return removed;
}

// Why `deletes` cannot be added to the table, or OK: delete files need format version 2, new
// position delete files are not allowed in version 3 (deletion vectors replace them), and a
// data file may have at most one live deletion vector (one the commit removes does not count).
Status CheckDeleteFiles(ObjectStore& store, const TableMetadata& base,
                        const std::vector<DataFile>& deletes, LiveFiles& live,
                        const std::set<std::string>& removed) {
  std::set<std::string> with_dv;
  for (const DataFile& file : deletes) {
    if (file.content == FileContent::kData) {
      return Status::InvalidArgument("data file " + file.file_path + " given as a delete file");
    }
    const bool dv = IsDv(file);
    if (base.format_version >= kFormatVersion3 && file.content == FileContent::kPositionDeletes &&
        !dv) {
      return Status::InvalidArgument(
          "a format-version 3 table takes deletion vectors, not position delete files (" +
          file.file_path + ")");
    }
    if (!dv) continue;
    RETURN_IF_ERROR(live.LoadDeleteManifests(store));
    const std::string data_file = file.referenced_data_file.value_or("");
    bool has_dv = !with_dv.insert(data_file).second;
    for (const LiveFile& other : live.DeletesReferencing(data_file)) {
      has_dv |= IsDv(other.entry.file) && removed.count(other.entry.file.file_path) == 0;
    }
    if (has_dv) {
      return Status::InvalidArgument(
          "data file " + data_file +
          " already has a deletion vector; merge the deletes into one and remove the old one "
          "(TableCommitInput::removed_files)");
    }
  }
  return Status::Ok();
}

// Appends the current manifests to the draft: reused as they are, rewritten when they hold a
// removed file, dropped when they hold no live file.
Status CarryManifests(CommitWriter& writer, const TableMetadata& base, LiveFiles& live,
                      const std::set<std::string>& removed, SnapshotDraft& draft) {
  for (size_t i = 0; i < live.manifests().size(); ++i) {
    const ManifestFile manifest = live.manifests()[i];
    bool rewrite = false;
    if (!removed.empty()) {
      // Only manifests the model has read can hold a removed file (Find read them).
      if (const std::vector<ManifestEntry>* cached = live.CachedEntries(i)) {
        for (const ManifestEntry& e : *cached) rewrite |= removed.count(e.file.file_path) != 0;
      }
    }
    if (!rewrite) {
      if (manifest.added_files_count + manifest.existing_files_count > 0) {
        draft.manifests.push_back(manifest);
      }
      continue;
    }
    if (manifest.partition_spec_id != base.default_spec_id) {
      return Status::InvalidArgument(
          "manifest " + manifest.manifest_path + " was written for partition spec " +
          std::to_string(manifest.partition_spec_id) + ", not the default spec " +
          std::to_string(base.default_spec_id) +
          "; removing files of an older partition spec is not supported");
    }
    ASSIGN_OR_RETURN(const std::vector<ManifestEntry>* entries,
                     live.Entries(writer.services.warehouse, i));
    std::vector<ManifestEntry> rewritten = *entries;
    for (ManifestEntry& entry : rewritten) {
      const bool gone = removed.count(entry.file.file_path) != 0;
      entry.status = gone ? ManifestEntryStatus::kDeleted : ManifestEntryStatus::kExisting;
      if (gone) entry.snapshot_id = draft.snapshot_id;
    }
    RETURN_IF_ERROR(
        WriteEntries(writer, base, draft, std::move(rewritten), manifest.content, 2 + i));
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

// draft.written as a reader of the new snapshot would see it: inheritance applied, live only.
void InheritWritten(SnapshotDraft& draft) {
  for (const ManifestFile& manifest : draft.manifests) {
    auto it = draft.written.find(manifest.manifest_path);
    if (it == draft.written.end()) continue;
    InheritFromManifestFile(manifest, it->second);
    std::erase_if(it->second,
                  [](const ManifestEntry& e) { return e.status == ManifestEntryStatus::kDeleted; });
  }
}

FileChanges Changes(const TableCommitInput& input, const std::vector<LiveFile>& removed) {
  FileChanges changes{input.files, {}, input.delete_files, {}};
  for (const LiveFile& file : removed) {
    (file.entry.file.content == FileContent::kData ? changes.removed_data : changes.removed_deletes)
        .push_back(file.entry.file);
  }
  return changes;
}

}  // namespace

Status DraftManifests(CommitWriter& writer, const TableMetadata& base,
                      const TableCommitInput& input, LiveFiles& live, SnapshotDraft& draft) {
  ObjectStore& store = writer.services.warehouse;
  RETURN_IF_ERROR(live.SyncTo(store, input.table.metadata));
  ASSIGN_OR_RETURN(const std::vector<LiveFile> removed, RemovedFiles(store, input, live));
  std::set<std::string> removed_paths;
  for (const LiveFile& file : removed) removed_paths.insert(file.entry.file.file_path);
  RETURN_IF_ERROR(CheckDeleteFiles(store, base, input.delete_files, live, removed_paths));
  RETURN_IF_ERROR(WriteEntries(writer, base, draft, Added(input.files), ManifestContent::kData, 0));
  RETURN_IF_ERROR(
      WriteEntries(writer, base, draft, Added(input.delete_files), ManifestContent::kDeletes, 1));
  RETURN_IF_ERROR(CarryManifests(writer, base, live, removed_paths, draft));
  const FileChanges changes = Changes(input, removed);
  draft.summary = ChangeSummary(changes, input.table.metadata.CurrentSnapshot());
  draft.operation = SnapshotOperation(changes, input.rewrite);
  AssignRowIds(base, draft);
  InheritWritten(draft);
  return Status::Ok();
}

}  // namespace pg2iceberg::iceberg
