#include "materializer/pk_index.h"

#include "base/check.h"

namespace pg2iceberg::materializer {

Status PrimaryKeyIndex::Reserve(int64_t bytes) {
  if (memory_bytes_ + bytes > memory_bytes_max_) {
    return Status::InvalidArgument(
        "table " + table_name_ + ": the primary-key index would need more than " +
        std::to_string(memory_bytes_max_) + " bytes (sink.materializer_index_memory) at " +
        std::to_string(entries_.size()) + " rows; raise sink.materializer_index_memory (about " +
        std::to_string(kEntryOverheadBytes) +
        " bytes plus the key's size per row) or use delete_mode: equality, which needs no index");
  }
  memory_bytes_ += bytes;
  return Status::Ok();
}

Result<uint32_t> PrimaryKeyIndex::AddFile(std::string path) {
  RETURN_IF_ERROR(Reserve(kFileOverheadBytes + static_cast<int64_t>(path.size())));
  files_.push_back(std::move(path));
  return static_cast<uint32_t>(files_.size() - 1);
}

const std::string& PrimaryKeyIndex::FilePath(uint32_t file) const {
  CHECK(file < files_.size());
  return files_[file];
}

void PrimaryKeyIndex::SetFilePath(uint32_t file, std::string path) {
  CHECK(file < files_.size());
  memory_bytes_ += static_cast<int64_t>(path.size()) - static_cast<int64_t>(files_[file].size());
  files_[file] = std::move(path);
}

std::optional<RowLocation> PrimaryKeyIndex::Find(std::string_view key) const {
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

Status PrimaryKeyIndex::Put(const std::string& key, RowLocation location) {
  CHECK(location.file < files_.size());
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    it->second = location;
    return Status::Ok();
  }
  RETURN_IF_ERROR(Reserve(kEntryOverheadBytes + static_cast<int64_t>(key.size())));
  entries_.emplace(key, location);
  return Status::Ok();
}

std::optional<RowLocation> PrimaryKeyIndex::Erase(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  RowLocation location = it->second;
  memory_bytes_ -= kEntryOverheadBytes + static_cast<int64_t>(key.size());
  entries_.erase(it);
  return location;
}

void PrimaryKeyIndex::Clear() {
  for (const auto& [key, location] : entries_) {
    memory_bytes_ -= kEntryOverheadBytes + static_cast<int64_t>(key.size());
  }
  entries_.clear();
}

}  // namespace pg2iceberg::materializer
