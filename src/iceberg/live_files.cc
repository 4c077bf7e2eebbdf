#include "iceberg/live_files.h"

#include "iceberg/manifest.h"

namespace pg2iceberg::iceberg {
namespace {

bool IsLive(const ManifestEntry& entry) { return entry.status != ManifestEntryStatus::kDeleted; }

}  // namespace

bool LiveFiles::Describes(const TableMetadata& metadata) const {
  return valid_ && table_uuid_ == metadata.table_uuid &&
         snapshot_id_ == metadata.current_snapshot_id;
}

Status LiveFiles::SyncTo(ObjectStore& store, const TableMetadata& metadata) {
  if (Describes(metadata)) return Status::Ok();
  Invalidate();
  ++stats_.rebuilds;
  const Snapshot* current = metadata.CurrentSnapshot();
  if (current != nullptr) {
    ASSIGN_OR_RETURN(std::string key, store.KeyForLocation(current->manifest_list));
    ASSIGN_OR_RETURN(Bytes bytes, store.Get(key));
    ++stats_.manifest_lists_read;
    ASSIGN_OR_RETURN(ManifestListContents list, ReadManifestList(bytes));
    manifests_ = std::move(list.manifests);
  }
  table_uuid_ = metadata.table_uuid;
  snapshot_id_ = metadata.current_snapshot_id;
  valid_ = true;
  return Status::Ok();
}

Status LiveFiles::Load(ObjectStore& store, size_t index) {
  const ManifestFile& manifest = manifests_[index];
  if (entries_.count(manifest.manifest_path) != 0) return Status::Ok();
  ASSIGN_OR_RETURN(std::string key, store.KeyForLocation(manifest.manifest_path));
  ASSIGN_OR_RETURN(Bytes bytes, store.Get(key));
  ++stats_.manifests_read;
  ASSIGN_OR_RETURN(ManifestContents contents, ReadManifest(bytes));
  InheritFromManifestFile(manifest, contents.entries);
  std::vector<ManifestEntry> live;
  for (ManifestEntry& entry : contents.entries) {
    if (IsLive(entry)) live.push_back(std::move(entry));
  }
  Cache(manifest.manifest_path, std::move(live));
  return Status::Ok();
}

void LiveFiles::Cache(const std::string& manifest_path, std::vector<ManifestEntry> entries) {
  for (const ManifestEntry& entry : entries) {
    manifest_of_[entry.file.file_path] = manifest_path;
    if (entry.file.referenced_data_file.has_value()) {
      deletes_of_[*entry.file.referenced_data_file].insert(entry.file.file_path);
    }
  }
  cached_entries_ += static_cast<int64_t>(entries.size());
  entries_[manifest_path] = std::move(entries);
}

void LiveFiles::Uncache(const std::string& manifest_path) {
  const auto it = entries_.find(manifest_path);
  if (it == entries_.end()) return;
  for (const ManifestEntry& entry : it->second) {
    const auto where = manifest_of_.find(entry.file.file_path);
    if (where != manifest_of_.end() && where->second == manifest_path) manifest_of_.erase(where);
    if (!entry.file.referenced_data_file.has_value()) continue;
    const auto refs = deletes_of_.find(*entry.file.referenced_data_file);
    if (refs == deletes_of_.end()) continue;
    refs->second.erase(entry.file.file_path);
    if (refs->second.empty()) deletes_of_.erase(refs);
  }
  cached_entries_ -= static_cast<int64_t>(it->second.size());
  entries_.erase(it);
}

Result<const std::vector<ManifestEntry>*> LiveFiles::Entries(ObjectStore& store, size_t index) {
  RETURN_IF_ERROR(Load(store, index));
  return &entries_.at(manifests_[index].manifest_path);  // at-ok: Load just filled it
}

const std::vector<ManifestEntry>* LiveFiles::CachedEntries(size_t index) const {
  const auto it = entries_.find(manifests_[index].manifest_path);
  return it == entries_.end() ? nullptr : &it->second;
}

Status LiveFiles::LoadDeleteManifests(ObjectStore& store) {
  for (size_t i = 0; i < manifests_.size(); ++i) {
    if (manifests_[i].content == ManifestContent::kDeletes) RETURN_IF_ERROR(Load(store, i));
  }
  return Status::Ok();
}

Status LiveFiles::LoadAll(ObjectStore& store) {
  for (size_t i = 0; i < manifests_.size(); ++i) RETURN_IF_ERROR(Load(store, i));
  return Status::Ok();
}

Result<std::vector<LiveFile>> LiveFiles::Find(ObjectStore& store,
                                              const std::set<std::string>& paths) {
  auto all_found = [&] {
    for (const std::string& path : paths) {
      if (manifest_of_.count(path) == 0) return false;
    }
    return true;
  };
  for (size_t i = 0; i < manifests_.size() && !all_found(); ++i) RETURN_IF_ERROR(Load(store, i));
  std::map<std::string, std::set<std::string>> by_manifest;
  for (const std::string& path : paths) {
    const auto where = manifest_of_.find(path);
    if (where == manifest_of_.end()) {
      return Status::InvalidArgument(
          "file " + path + " is not live in snapshot " +
          (snapshot_id_ ? std::to_string(*snapshot_id_) : std::string("(none)")) +
          " of the table: it cannot be removed (already removed, or never added)");
    }
    by_manifest[where->second].insert(path);
  }
  std::vector<LiveFile> found;
  for (const auto& [manifest_path, wanted] : by_manifest) {
    const auto& entries = entries_.at(manifest_path);  // at-ok: holders of cached files are loaded
    for (const ManifestEntry& entry : entries) {
      if (wanted.count(entry.file.file_path) != 0) found.push_back({manifest_path, entry});
    }
  }
  return found;
}

std::vector<LiveFile> LiveFiles::DeletesReferencing(const std::string& data_file_path) const {
  std::vector<LiveFile> found;
  const auto refs = deletes_of_.find(data_file_path);
  if (refs == deletes_of_.end()) return found;
  for (const std::string& delete_path : refs->second) {
    const std::string& manifest_path = manifest_of_.at(delete_path);  // at-ok: filled together
    const auto& entries = entries_.at(manifest_path);  // at-ok: loaded when deletes_of_ names it
    for (const ManifestEntry& entry : entries) {
      if (entry.file.file_path == delete_path) found.push_back({manifest_path, entry});
    }
  }
  return found;
}

void LiveFiles::Advance(int64_t snapshot_id, std::vector<ManifestFile> manifests,
                        std::map<std::string, std::vector<ManifestEntry>> written) {
  std::set<std::string> kept;
  for (const ManifestFile& manifest : manifests) kept.insert(manifest.manifest_path);
  std::vector<std::string> gone;
  for (const auto& [path, entries] : entries_) {
    if (kept.count(path) == 0 || written.count(path) != 0) gone.push_back(path);
  }
  for (const std::string& path : gone) Uncache(path);
  for (auto& [path, entries] : written) Cache(path, std::move(entries));
  manifests_ = std::move(manifests);
  snapshot_id_ = snapshot_id;
  if (cached_entries_ > options_.cached_entries_max) DropContents();
}

void LiveFiles::DropContents() {
  entries_.clear();
  manifest_of_.clear();
  deletes_of_.clear();
  cached_entries_ = 0;
}

void LiveFiles::Invalidate() {
  DropContents();
  manifests_.clear();
  snapshot_id_.reset();
  table_uuid_.clear();
  valid_ = false;
}

}  // namespace pg2iceberg::iceberg
