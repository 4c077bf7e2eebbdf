// Catalog: where an Iceberg table's current metadata is recorded, and the one place a table
// changes. A commit hands the catalog the metadata it built (the base plus one new snapshot);
// how that becomes current depends on the catalog:
//   - SqlCatalog (sql_catalog.h) stores only a pointer: it writes the new metadata file through
//     the commit's MetadataWriter under a fresh name, then swaps the pointer (INSERT for a new
//     table, compare-and-swap UPDATE otherwise).
//   - RestCatalog (rest_catalog.h) sends requirements and updates to an Iceberg REST catalog,
//     which writes the metadata file itself.
// Either way nothing of a commit is visible to readers before the catalog step succeeds.
//
// Not thread-safe: one thread uses a catalog at a time.
//
// Error codes common to all methods: kUnavailable (the backing service is unreachable; retry),
// kInvalidArgument (an identifier or location the catalog cannot store; credentials refused),
// kInternal.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "iceberg/metadata.h"

namespace pg2iceberg::iceberg {

// Namespace levels, outermost first: {"analytics", "pg"}. At least one level for tables;
// levels are non-empty and, for the SQL catalog (which joins them with '.'), contain no '.'.
using Namespace = std::vector<std::string>;

struct TableIdentifier {
  Namespace table_namespace;
  std::string name;

  // "analytics.pg.orders".
  std::string ToString() const;
  bool operator==(const TableIdentifier&) const = default;
  auto operator<=>(const TableIdentifier&) const = default;
};

// "a.b" for {"a", "b"}.
std::string NamespaceToString(const Namespace& ns);
// The inverse of NamespaceToString ("" → no levels).
Namespace NamespaceFromString(std::string_view text);

// A table as last read from the catalog, or as about to be created.
struct TableState {
  TableIdentifier ident;
  TableMetadata metadata;
  // Where `metadata` is stored; empty for a table that is not in the catalog yet.
  std::string metadata_location;
};

// Storage settings a catalog hands out for a table's files ("vended credentials" of a REST
// catalog), in the Iceberg property names: s3.access-key-id, s3.secret-access-key,
// s3.session-token, s3.endpoint, s3.path-style-access, client.region, …
using StorageConfig = std::map<std::string, std::string>;

// What LoadTable knows of a table.
struct LoadedTable {
  std::string metadata_location;  // never empty
  // The current metadata when the catalog serves it (REST); nullopt when the caller reads
  // metadata_location from the warehouse itself (SQL).
  std::optional<TableMetadata> metadata;
  // What the catalog hands out for the table's location (REST with access delegation);
  // empty otherwise.
  StorageConfig storage_config = {};
};

// The warehouse side of a commit, for catalogs that store only a pointer. Implemented by the
// committer (table_commit.cc), which removes what it wrote when the commit fails.
class MetadataWriter {
 public:
  virtual ~MetadataWriter() = default;
  // Writes `metadata` as <metadata.location>/metadata/MetadataFileName(version, <fresh uuid>)
  // without ever replacing an object; returns the file's location.
  virtual Result<std::string> WriteMetadataFile(int64_t version, const TableMetadata& metadata) = 0;
  // Reads the metadata file at `location` (the table's, as a catalog points at it): how a
  // pointer catalog reconciles a lost commit (commit_reconcile.h). kNotFound when absent.
  virtual Result<TableMetadata> ReadMetadataFile(const std::string& location) = 0;
};

// One table's part of a multi-table commit (Catalog::CommitSnapshots): the arguments of
// CommitSnapshot. `writer` is borrowed for the call.
struct SnapshotCommit {
  TableState base;
  TableMetadata new_metadata;
  Snapshot snapshot;
  MetadataWriter* writer = nullptr;
};

// Whether no table appears twice in `commits` (a condition of every CanCommitAtomically).
bool NamesDistinctTables(const std::vector<SnapshotCommit>& commits);

// Whether a commit that ended in `status` may be (or become) visible in the catalog, so that
// nothing it references may be removed: kOutcomeUnknown and kDataLoss. Any other error is
// proof that it is not and never will be (the promise of Catalog::CommitSnapshot).
bool CommitMayHaveApplied(const Status& status);

class Catalog {
 public:
  virtual ~Catalog() = default;

  // Creates the namespace if it does not exist; OK if it does.
  virtual Status EnsureNamespace(const Namespace& ns) = 0;
  // Every namespace that exists (created, or holding a table), sorted.
  virtual Result<std::vector<Namespace>> ListNamespaces() = 0;
  // The tables of `ns`, sorted by name; empty when there are none (or no such namespace).
  virtual Result<std::vector<TableIdentifier>> ListTables(const Namespace& ns) = 0;

  // The table's current metadata location (and metadata, when the catalog serves it).
  // kNotFound when the table is not registered; kDataLoss when it is registered without a
  // metadata location (a foreign writer's broken entry).
  virtual Result<LoadedTable> LoadTable(const TableIdentifier& ident) = 0;

  // Makes `new_metadata` current: `base.metadata` plus the one snapshot `snapshot` made head of
  // branch "main" (AddSnapshot). A base with an empty metadata_location creates the table
  // (its namespace must exist). Returns the table as the catalog now holds it (a REST catalog
  // answers with its own rendering of the metadata: server-side properties, metadata log).
  // Pointer catalogs write the metadata file through `writer`; others ignore it.
  // Errors: kConflict when the table moved on since `base` (or exists already, for a create):
  // nothing of this commit is visible; reload and redo. kNotFound when the table or its
  // namespace is gone. kOutcomeUnknown when the reply was lost and the catalog could not tell
  // (both catalogs reload the table first and decide: see rest_catalog.h, sql_catalog.h):
  // LoadTable tells whether the commit happened.
  // The promise callers build on (CommitMayHaveApplied): every error but kOutcomeUnknown and
  // kDataLoss means nothing of this commit is visible and it can never become visible, so the
  // files it references may be removed. A catalog that has sent a commit whose answer was lost
  // returns kConflict (or any such error) only when it has proved that; a refusal of a resend
  // after a lost answer is no proof by itself (the lost send may have applied).
  virtual Result<TableState> CommitSnapshot(const TableState& base,
                                            const TableMetadata& new_metadata,
                                            const Snapshot& snapshot, MetadataWriter& writer) = 0;

  // Whether CommitSnapshots can make `commits` visible as one atomic change (SQL: always; REST:
  // when the server offers POST /v1/{prefix}/transactions/commit and no commit creates a
  // table). Callers commit one table at a time otherwise.
  virtual bool CanCommitAtomically(const std::vector<SnapshotCommit>& commits) const = 0;

  // Commits every table of `commits` (distinct tables) at once: a reader sees all of them move
  // or none. Requires CanCommitAtomically(commits) (kInvalidArgument otherwise). Returns the
  // tables' new states, in order. Errors as for CommitSnapshot, for the whole set: kConflict
  // (any table moved on; nothing is visible), kOutcomeUnknown (the reply was lost and could
  // not be reconciled), kDataLoss (a reconciliation found some tables committed and others
  // not, which an atomic catalog must never show). The promise of CommitSnapshot holds for
  // the whole set: after any error but kOutcomeUnknown and kDataLoss no table shows the commit.
  virtual Result<std::vector<TableState>> CommitSnapshots(
      const std::vector<SnapshotCommit>& commits) = 0;

  // Unregisters the table; its files are left alone. kNotFound when it is not registered.
  virtual Status DropTable(const TableIdentifier& ident) = 0;

  // The storage settings the catalog would hand out for `new_table` (not in the catalog yet),
  // so its files can be written before it is created; creates nothing. Empty for catalogs
  // that hand out none (the default).
  virtual Result<StorageConfig> NewTableStorageConfig(const TableState& /*new_table*/) {
    return StorageConfig{};
  }
};

}  // namespace pg2iceberg::iceberg
