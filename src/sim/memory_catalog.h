// MemoryCatalog: an Iceberg catalog held in memory, for the simulator and tests. It behaves as
// a pointer catalog like SqlCatalog (iceberg/sql/sql_catalog.h): a commit writes the new
// metadata file through the commit's MetadataWriter (version 0 for a create, the base
// location's version + 1 otherwise), then swaps the table's pointer — an insert for a create
// (kConflict when the table exists), a compare-and-swap on the base's metadata location
// otherwise (kConflict when the table moved on). It passes the Catalog contract suite
// (iceberg/catalog_contract.h) with the real catalogs, and is stricter than they are where that
// is cheap:
//   - a commit's new_metadata must be the base plus `snapshot` made head of "main" (same uuid
//     and location, one snapshot more, current snapshot and main ref at it, its parent the
//     base's current snapshot), and for an existing table the base's metadata must be the one
//     the catalog holds (same uuid and current snapshot): kInvalidArgument otherwise, before
//     anything is written;
//   - namespaces exist only once EnsureNamespace made them (no implicit parents, as SqlCatalog);
//     levels must be non-empty and contain no '.', names fit the SQL catalog's columns
//     (255 bytes, which is stricter than their 255 characters; metadata locations 1000):
//     kInvalidArgument otherwise;
//   - LoadTable serves no metadata (as SqlCatalog): the caller reads the metadata file, unless
//     MemoryCatalogOptions::serve_metadata asks for the REST catalog's behaviour.
// CommitSnapshots writes every metadata file first, then checks and swaps all pointers in one
// step: all tables move or none. CanCommitAtomically is true unless a table appears twice.
//
// State and views: a MemoryCatalogState holds the namespaces and tables; each MemoryCatalog is
// one process's view of it (several may share one state, as several processes share one
// catalog database). The state must outlive its views. No clock, thread or randomness of its
// own: file names come from the MetadataWriter. The state is thread-safe (one lock, never held
// while the MetadataWriter runs); each view, like every Catalog, is used by one thread at a time.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "iceberg/catalog.h"

namespace pg2iceberg::sim {

// What the catalog stores of a table: the pointer, and the metadata it points at.
struct MemoryCatalogEntry {
  std::string metadata_location;
  iceberg::TableMetadata metadata;
};

// The shared catalog "database". Callers use it through MemoryCatalog views.
class MemoryCatalogState {
 public:
  MemoryCatalogState() = default;
  MemoryCatalogState(const MemoryCatalogState&) = delete;
  MemoryCatalogState& operator=(const MemoryCatalogState&) = delete;

 private:
  friend class MemoryCatalog;

  std::mutex mu_;
  std::set<iceberg::Namespace> namespaces_;
  std::map<iceberg::TableIdentifier, MemoryCatalogEntry> tables_;
};

struct MemoryCatalogOptions {
  // LoadTable returns the metadata too (as a REST catalog does). Default: only the location.
  bool serve_metadata = false;
};

class MemoryCatalog final : public iceberg::Catalog {
 public:
  // Borrows `state`, which must outlive the view.
  explicit MemoryCatalog(MemoryCatalogState& state, MemoryCatalogOptions options = {})
      : state_(state), options_(options) {}

  Status EnsureNamespace(const iceberg::Namespace& ns) override;
  Result<std::vector<iceberg::Namespace>> ListNamespaces() override;
  Result<std::vector<iceberg::TableIdentifier>> ListTables(const iceberg::Namespace& ns) override;
  Result<iceberg::LoadedTable> LoadTable(const iceberg::TableIdentifier& ident) override;
  Result<iceberg::TableState> CommitSnapshot(const iceberg::TableState& base,
                                             const iceberg::TableMetadata& new_metadata,
                                             const iceberg::Snapshot& snapshot,
                                             iceberg::MetadataWriter& writer) override;
  bool CanCommitAtomically(const std::vector<iceberg::SnapshotCommit>& commits) const override;
  Result<std::vector<iceberg::TableState>> CommitSnapshots(
      const std::vector<iceberg::SnapshotCommit>& commits) override;
  Status DropTable(const iceberg::TableIdentifier& ident) override;

 private:
  // The pointer step of every commit, under the state's lock: kNotFound (namespace or table
  // gone), kConflict (exists already, or moved on), kInvalidArgument (base metadata is not the
  // held one). Changes nothing.
  Status CheckSwapLocked(const iceberg::SnapshotCommit& commit) const;

  MemoryCatalogState& state_;
  const MemoryCatalogOptions options_;
};

}  // namespace pg2iceberg::sim
