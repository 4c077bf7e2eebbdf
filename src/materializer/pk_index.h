// PrimaryKeyIndex: where the one live copy of each row of a mirrored table is — key bytes
// (primary_key.h) → RowLocation — and the registry of the data files those locations name.
//
// Memory: each entry costs its key bytes plus kEntryOverheadBytes (hash node, string header,
// location), and each registered file its path plus kFileOverheadBytes. `memory_bytes_max`
// bounds the sum: an insertion that would pass it fails with kInvalidArgument naming the table,
// the entries held and the setting to raise (sink.materializer_index_memory), before any
// allocation can fail. Never swaps or dies by OOM on a large table; it stops.
//
// Not thread-safe. Owned by the table's materializer state; a TableBatch borrows it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "materializer/row_location.h"

namespace pg2iceberg::materializer {

class PrimaryKeyIndex {
 public:
  static constexpr int64_t kEntryOverheadBytes = 64;
  static constexpr int64_t kFileOverheadBytes = 64;

  PrimaryKeyIndex(std::string table_name, int64_t memory_bytes_max)
      : table_name_(std::move(table_name)), memory_bytes_max_(memory_bytes_max) {}

  // Registers a data file and returns its number (numbers grow from 0, never reused).
  Result<uint32_t> AddFile(std::string path);
  // The path of file number `file`; CHECKs that it was registered.
  const std::string& FilePath(uint32_t file) const;
  // Sets the path of file number `file` (registered before its path was known: a data file
  // still being written); CHECKs that it was registered.
  void SetFilePath(uint32_t file, std::string path);
  // The number the next AddFile returns: files numbered from here on are newer.
  uint32_t next_file() const { return static_cast<uint32_t>(files_.size()); }

  std::optional<RowLocation> Find(std::string_view key) const;
  // Places `key` at `location` (replacing where it was). kInvalidArgument past the bound.
  Status Put(const std::string& key, RowLocation location);
  // Forgets `key`; returns where it was.
  std::optional<RowLocation> Erase(const std::string& key);
  // Forgets every key (the files stay registered).
  void Clear();

  // Calls `visit(key, location)` for every entry, in no particular order.
  template <typename Visit>
  void ForEach(Visit&& visit) const {
    for (const auto& [key, location] : entries_) visit(key, location);
  }

  size_t size() const { return entries_.size(); }
  int64_t memory_bytes() const { return memory_bytes_; }
  int64_t memory_bytes_max() const { return memory_bytes_max_; }

 private:
  Status Reserve(int64_t bytes);

  std::string table_name_;
  int64_t memory_bytes_max_;
  int64_t memory_bytes_ = 0;
  std::unordered_map<std::string, RowLocation> entries_;
  std::vector<std::string> files_;
};

}  // namespace pg2iceberg::materializer
