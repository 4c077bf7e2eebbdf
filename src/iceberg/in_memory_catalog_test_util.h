// InMemoryCatalog: a Catalog for committer tests, holding its tables in memory.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "iceberg/catalog.h"

namespace pg2iceberg::iceberg {

// A catalog holding its tables in memory, as strict as the real ones about the base: a commit
// whose base is not the table's current metadata location is refused with kConflict.
// `before_next_commit` runs once, at the start of the next commit: another writer's turn.
class InMemoryCatalog final : public Catalog {
 public:
  Status EnsureNamespace(const Namespace&) override { return Status::Ok(); }
  Result<std::vector<Namespace>> ListNamespaces() override { return std::vector<Namespace>{}; }
  Result<std::vector<TableIdentifier>> ListTables(const Namespace&) override {
    return std::vector<TableIdentifier>{};
  }
  Result<LoadedTable> LoadTable(const TableIdentifier& ident) override {
    const auto it = tables.find(ident);
    if (it == tables.end()) return Status::NotFound("no table " + ident.ToString());
    return LoadedTable{it->second.metadata_location, it->second.metadata, {}};
  }
  Result<TableState> CommitSnapshot(const TableState& base, const TableMetadata& new_metadata,
                                    const Snapshot&, MetadataWriter& writer) override {
    if (auto hook = std::exchange(before_next_commit, nullptr)) hook();
    ++commits;
    if (!fail_commits_with.ok()) return fail_commits_with;
    const auto it = tables.find(base.ident);
    const std::string current = it == tables.end() ? "" : it->second.metadata_location;
    if (current != base.metadata_location) {
      return Status::Conflict("table " + base.ident.ToString() + " is at " + current + ", not " +
                              base.metadata_location);
    }
    ASSIGN_OR_RETURN(std::string location, writer.WriteMetadataFile(commits, new_metadata));
    TableState state{base.ident, new_metadata, std::move(location)};
    tables[base.ident] = state;
    return state;
  }
  bool CanCommitAtomically(const std::vector<SnapshotCommit>&) const override { return false; }
  Result<std::vector<TableState>> CommitSnapshots(const std::vector<SnapshotCommit>&) override {
    return Status::InvalidArgument("not atomic");
  }
  Status DropTable(const TableIdentifier&) override { return Status::Ok(); }

  std::map<TableIdentifier, TableState> tables;
  std::function<void()> before_next_commit;
  Status fail_commits_with = Status::Ok();
  int commits = 0;
};

}  // namespace pg2iceberg::iceberg
