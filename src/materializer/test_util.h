// Test support: a mirrored table's rows held in memory, as a RowSink and a RowSource over the
// files a PrimaryKeyIndex registers.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "iceberg/catalog.h"
#include "materializer/pk_index.h"
#include "materializer/table_batch.h"

namespace pg2iceberg::materializer {

class MemoryFiles : public RowSink, public RowSource {
 public:
  explicit MemoryFiles(PrimaryKeyIndex& index) : index_(index) {}

  // A file live before the batch, with `rows`, located in the index under `keys`.
  void AddTableFile(const std::vector<change::Row>& rows, const std::vector<std::string>& keys) {
    uint32_t file = index_.AddFile("table-" + std::to_string(index_.next_file())).value();
    for (size_t i = 0; i < rows.size(); ++i) {
      files_[file].push_back(rows[i]);
      ASSERT_TRUE(index_.Put(keys[i], {file, static_cast<int64_t>(i)}).ok());
    }
  }

  // Rows appended from now on go to a new file.
  void StartFile() { batch_file_.reset(); }

  Result<RowLocation> Append(const change::TableSchema&, const change::Row& row) override {
    for (const change::Value& value : row) {
      EXPECT_NE(value.kind, change::ValueKind::kUnchangedToast);
    }
    if (!batch_file_)
      batch_file_ = index_.AddFile("batch-" + std::to_string(index_.next_file())).value();
    files_[*batch_file_].push_back(row);
    return RowLocation{*batch_file_, static_cast<int64_t>(files_[*batch_file_].size() - 1)};
  }

  Result<change::Row> ReadRow(RowLocation location, const change::TableSchema&) override {
    ++reads;
    auto it = files_.find(location.file);
    if (it == files_.end() || location.position >= static_cast<int64_t>(it->second.size())) {
      return Status::NotFound("no such row");
    }
    return it->second[location.position];
  }

  // Applies a batch's outcome: its deleted rows, and (truncated) the removal of every file
  // older than the batch.
  void Settle(const std::vector<RowLocation>& deleted, bool truncated, uint32_t first_batch_file) {
    if (truncated) removed_before_ = first_batch_file;
    deleted_.insert(deleted_.end(), deleted.begin(), deleted.end());
  }

  // The live rows of every file, in file and position order.
  std::vector<change::Row> LiveRows() const {
    std::vector<change::Row> out;
    for (const auto& [file, rows] : files_) {
      if (file < removed_before_) continue;
      for (size_t i = 0; i < rows.size(); ++i) {
        RowLocation here{file, static_cast<int64_t>(i)};
        if (std::find(deleted_.begin(), deleted_.end(), here) == deleted_.end()) {
          out.push_back(rows[i]);
        }
      }
    }
    return out;
  }

  int reads = 0;

 private:
  PrimaryKeyIndex& index_;
  std::optional<uint32_t> batch_file_;
  std::map<uint32_t, std::vector<change::Row>> files_;
  std::vector<RowLocation> deleted_;
  uint32_t removed_before_ = 0;
};

// Holds its tables in memory; commits several tables at once.
class MemoryCatalog final : public iceberg::Catalog {
 public:
  Status EnsureNamespace(const iceberg::Namespace&) override { return Status::Ok(); }
  Result<std::vector<iceberg::Namespace>> ListNamespaces() override {
    return std::vector<iceberg::Namespace>{};
  }
  Result<std::vector<iceberg::TableIdentifier>> ListTables(const iceberg::Namespace&) override {
    return std::vector<iceberg::TableIdentifier>{};
  }
  Result<iceberg::LoadedTable> LoadTable(const iceberg::TableIdentifier& ident) override {
    auto it = tables.find(ident);
    if (it == tables.end()) return Status::NotFound("no table " + ident.ToString());
    return iceberg::LoadedTable{it->second.metadata_location, it->second.metadata, {}};
  }
  Result<iceberg::TableState> CommitSnapshot(const iceberg::TableState& base,
                                             const iceberg::TableMetadata& next,
                                             const iceberg::Snapshot&,
                                             iceberg::MetadataWriter& writer) override {
    auto it = tables.find(base.ident);
    if ((it == tables.end() ? "" : it->second.metadata_location) != base.metadata_location) {
      return Status::Conflict("moved");
    }
    ASSIGN_OR_RETURN(std::string location, writer.WriteMetadataFile(++versions, next));
    return tables[base.ident] = iceberg::TableState{base.ident, next, location};
  }
  bool CanCommitAtomically(const std::vector<iceberg::SnapshotCommit>&) const override {
    return true;
  }
  Result<std::vector<iceberg::TableState>> CommitSnapshots(
      const std::vector<iceberg::SnapshotCommit>& commits) override {
    ++multi_table_commits;
    std::vector<iceberg::TableState> out;
    for (const auto& c : commits) {
      ASSIGN_OR_RETURN(iceberg::TableState s,
                       CommitSnapshot(c.base, c.new_metadata, c.snapshot, *c.writer));
      out.push_back(s);
    }
    return out;
  }
  Status DropTable(const iceberg::TableIdentifier&) override { return Status::Ok(); }

  std::map<iceberg::TableIdentifier, iceberg::TableState> tables;
  int versions = 0;
  int multi_table_commits = 0;
};

}  // namespace pg2iceberg::materializer
