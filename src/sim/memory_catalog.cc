#include "sim/memory_catalog.h"

#include "base/check.h"

namespace pg2iceberg::sim {
namespace {

using iceberg::LoadedTable;
using iceberg::MetadataWriter;
using iceberg::Namespace;
using iceberg::Snapshot;
using iceberg::SnapshotCommit;
using iceberg::TableIdentifier;
using iceberg::TableMetadata;
using iceberg::TableState;

// The SQL catalog's column widths (characters there; bytes here, which is stricter).
constexpr size_t kNameMaxBytes = 255;
constexpr size_t kLocationMaxBytes = 1000;

Status CheckLength(std::string_view what, std::string_view value, size_t max_bytes) {
  if (value.size() <= max_bytes) return Status::Ok();
  return Status::InvalidArgument(std::string(what) + " is longer than " +
                                 std::to_string(max_bytes) + " bytes");
}

Status CheckNamespace(const Namespace& ns) {
  if (ns.empty()) return Status::InvalidArgument("a namespace needs at least one level");
  for (const std::string& level : ns) {
    if (level.empty() || level.find('.') != std::string::npos) {
      return Status::InvalidArgument("namespace level \"" + level +
                                     "\" must be non-empty and contain no '.'");
    }
  }
  return CheckLength("namespace", iceberg::NamespaceToString(ns), kNameMaxBytes);
}

Status CheckIdent(const TableIdentifier& ident) {
  RETURN_IF_ERROR(CheckNamespace(ident.table_namespace));
  if (ident.name.empty()) return Status::InvalidArgument("a table name must not be empty");
  return CheckLength("table name", ident.name, kNameMaxBytes);
}

Status Refuse(const TableIdentifier& ident, const std::string& why) {
  return Status::InvalidArgument("memory catalog: commit to " + ident.ToString() + ": " + why);
}

// Whether `next` is `base` plus `snapshot` made head of main (AddSnapshot's shape); cheap
// structural checks only, so a committer that builds metadata wrongly fails here.
Status CheckFollows(const TableIdentifier& ident, const TableMetadata& base,
                    const TableMetadata& next, const Snapshot& snapshot) {
  if (next.table_uuid != base.table_uuid || next.location != base.location) {
    return Refuse(ident, "new metadata changes the table uuid or location");
  }
  if (base.SnapshotById(snapshot.snapshot_id) != nullptr) {
    return Refuse(ident, "snapshot " + std::to_string(snapshot.snapshot_id) + " is in the base");
  }
  if (snapshot.parent_snapshot_id != base.current_snapshot_id) {
    return Refuse(ident, "the snapshot's parent is not the base's current snapshot");
  }
  const iceberg::Snapshot* added = next.SnapshotById(snapshot.snapshot_id);
  if (added == nullptr || *added != snapshot ||
      next.snapshots.size() != base.snapshots.size() + 1) {
    return Refuse(ident, "new metadata is not the base plus the snapshot");
  }
  const auto main = next.refs.find(std::string(iceberg::kMainBranch));
  if (next.current_snapshot_id != snapshot.snapshot_id || main == next.refs.end() ||
      main->second.snapshot_id != snapshot.snapshot_id) {
    return Refuse(ident, "the snapshot is not the head of main");
  }
  return Status::Ok();
}

// The checks a commit passes before anything is written.
Status CheckCommit(const SnapshotCommit& commit) {
  RETURN_IF_ERROR(CheckIdent(commit.base.ident));
  return CheckFollows(commit.base.ident, commit.base.metadata, commit.new_metadata,
                      commit.snapshot);
}

// Writes the new metadata file as version 0 (a create) or the base's version + 1.
Result<std::string> WriteMetadata(const SnapshotCommit& commit) {
  int64_t version = 0;
  if (!commit.base.metadata_location.empty()) {
    ASSIGN_OR_RETURN(const int64_t base_version,
                     iceberg::ParseMetadataFileVersion(commit.base.metadata_location));
    version = base_version + 1;
  }
  ASSIGN_OR_RETURN(std::string location,
                   commit.writer->WriteMetadataFile(version, commit.new_metadata));
  RETURN_IF_ERROR(CheckLength("metadata location", location, kLocationMaxBytes));
  return location;
}

}  // namespace

Status MemoryCatalog::EnsureNamespace(const Namespace& ns) {
  RETURN_IF_ERROR(CheckNamespace(ns));
  std::lock_guard<std::mutex> lock(state_.mu_);
  state_.namespaces_.insert(ns);
  return Status::Ok();
}

Result<std::vector<Namespace>> MemoryCatalog::ListNamespaces() {
  std::lock_guard<std::mutex> lock(state_.mu_);
  return std::vector<Namespace>(state_.namespaces_.begin(), state_.namespaces_.end());
}

Result<std::vector<TableIdentifier>> MemoryCatalog::ListTables(const Namespace& ns) {
  RETURN_IF_ERROR(CheckNamespace(ns));
  std::lock_guard<std::mutex> lock(state_.mu_);
  std::vector<TableIdentifier> tables;
  for (auto it = state_.tables_.lower_bound(TableIdentifier{ns, ""});
       it != state_.tables_.end() && it->first.table_namespace == ns; ++it) {
    tables.push_back(it->first);
  }
  return tables;
}

Result<LoadedTable> MemoryCatalog::LoadTable(const TableIdentifier& ident) {
  RETURN_IF_ERROR(CheckIdent(ident));
  std::lock_guard<std::mutex> lock(state_.mu_);
  const auto it = state_.tables_.find(ident);
  if (it == state_.tables_.end()) {
    return Status::NotFound("table " + ident.ToString() + " is not in the memory catalog");
  }
  LoadedTable loaded{it->second.metadata_location, std::nullopt};
  if (options_.serve_metadata) loaded.metadata = it->second.metadata;
  return loaded;
}

Result<TableState> MemoryCatalog::CommitSnapshot(const TableState& base,
                                                 const TableMetadata& new_metadata,
                                                 const Snapshot& snapshot, MetadataWriter& writer) {
  ASSIGN_OR_RETURN(std::vector<TableState> states,
                   CommitSnapshots({SnapshotCommit{base, new_metadata, snapshot, &writer}}));
  return std::move(states.front());
}

bool MemoryCatalog::CanCommitAtomically(const std::vector<SnapshotCommit>& commits) const {
  return iceberg::NamesDistinctTables(commits);
}

Result<std::vector<TableState>> MemoryCatalog::CommitSnapshots(
    const std::vector<SnapshotCommit>& commits) {
  if (!CanCommitAtomically(commits)) {
    return Status::InvalidArgument("memory catalog: a multi-table commit names a table twice");
  }
  for (const SnapshotCommit& commit : commits) {
    CHECK(commit.writer != nullptr);
    RETURN_IF_ERROR(CheckCommit(commit));
  }
  // Files first, outside the lock (the writer may do I/O); then every pointer in one step.
  std::vector<TableState> states;
  for (const SnapshotCommit& commit : commits) {
    ASSIGN_OR_RETURN(std::string location, WriteMetadata(commit));
    states.push_back(TableState{commit.base.ident, commit.new_metadata, std::move(location)});
  }
  std::lock_guard<std::mutex> lock(state_.mu_);
  for (const SnapshotCommit& commit : commits) RETURN_IF_ERROR(CheckSwapLocked(commit));
  for (const TableState& state : states) {
    state_.tables_[state.ident] = MemoryCatalogEntry{state.metadata_location, state.metadata};
  }
  return states;
}

Status MemoryCatalog::CheckSwapLocked(const SnapshotCommit& commit) const {
  const TableState& base = commit.base;
  const auto it = state_.tables_.find(base.ident);
  if (base.metadata_location.empty()) {
    if (!state_.namespaces_.contains(base.ident.table_namespace)) {
      return Status::NotFound("namespace " +
                              iceberg::NamespaceToString(base.ident.table_namespace) +
                              " does not exist in the memory catalog");
    }
    if (it == state_.tables_.end()) return Status::Ok();
    return Status::Conflict("table " + base.ident.ToString() + " already exists");
  }
  if (it == state_.tables_.end()) {
    return Status::NotFound("table " + base.ident.ToString() + " is not in the memory catalog");
  }
  const MemoryCatalogEntry& held = it->second;
  if (held.metadata_location != base.metadata_location) {
    return Status::Conflict("table " + base.ident.ToString() + " points at " +
                            held.metadata_location + ", not the expected " +
                            base.metadata_location);
  }
  if (held.metadata.table_uuid != base.metadata.table_uuid ||
      held.metadata.current_snapshot_id != base.metadata.current_snapshot_id) {
    return Refuse(base.ident, "the base metadata is not the metadata at its location");
  }
  return Status::Ok();
}

Status MemoryCatalog::DropTable(const TableIdentifier& ident) {
  RETURN_IF_ERROR(CheckIdent(ident));
  std::lock_guard<std::mutex> lock(state_.mu_);
  if (state_.tables_.erase(ident) == 0) {
    return Status::NotFound("table " + ident.ToString() + " is not in the memory catalog");
  }
  return Status::Ok();
}

}  // namespace pg2iceberg::sim
