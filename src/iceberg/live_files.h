// LiveFiles: an in-memory model of one table's current snapshot — its manifests, and, read
// lazily, the live entries of each — so a commit need not re-read the table's manifests.
//
// The committer (table_commit.h) syncs the model to the base its commit is built on, asks it
// which manifests hold the files the commit removes (reading only the manifests it must), and,
// once the catalog accepted the commit, advances it to the new snapshot from what the commit
// wrote (no read). A commit that only appends reads nothing once the model is built; a commit
// that removes files reads each manifest holding them at most once over the model's life.
//
// Owner: the caller, who keeps one LiveFiles per table between commits (e.g. the materializer
// across its cycles: the tool is the only writer of its tables). The model is rebuilt from the
// manifest list whenever the base is not the snapshot it describes (table uuid and snapshot
// id): another writer committed, a lost commit was reconciled, or a commit failed.
//
// Memory: the manifest list (about 200 bytes per manifest) plus the cached entries. A cached
// entry holds its DataFile: about 250 bytes plus the path, plus about 60 bytes per column with
// metrics (six maps keyed by field id), so roughly 1 KB for a 10-column table. When more than
// LiveFilesOptions::cached_entries_max entries are cached after a commit, every manifest's
// entries are dropped (and read again when needed): the bound holds between commits; within
// one commit the entries it needs are held.
//
// Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "env/object_store.h"
#include "iceberg/data_file.h"
#include "iceberg/metadata.h"

namespace pg2iceberg::iceberg {

struct LiveFilesOptions {
  // Live entries kept in memory between commits (see the header comment). Default: 1,000,000
  // (about 1 GB for a 10-column table).
  int64_t cached_entries_max = 1'000'000;
};

// Reads done by a LiveFiles over its life: how tests prove "no re-read".
struct LiveFilesStats {
  int64_t manifest_lists_read = 0;
  int64_t manifests_read = 0;
  int64_t rebuilds = 0;  // times the model was (re)built from a manifest list
};

// Where a live file is: the manifest (by path) and the entry (read, inheritance applied).
struct LiveFile {
  std::string manifest_path;
  ManifestEntry entry;
};

class LiveFiles {
 public:
  explicit LiveFiles(LiveFilesOptions options = {}) : options_(options) {}

  // Makes the model describe `metadata`'s current snapshot, read through `store`: nothing is
  // read when it already does; otherwise the model is dropped and the manifest list read (no
  // manifest). Errors: those of the store; kDataLoss for a corrupt manifest list.
  Status SyncTo(ObjectStore& store, const TableMetadata& metadata);

  // The manifests of the snapshot the model describes (after SyncTo), in manifest-list order.
  const std::vector<ManifestFile>& manifests() const { return manifests_; }

  // The live entries (added or existing; inheritance applied) of manifests()[index], read once.
  Result<const std::vector<ManifestEntry>*> Entries(ObjectStore& store, size_t index);

  // The live entries of manifests()[index] when read already, else null (reads nothing).
  const std::vector<ManifestEntry>* CachedEntries(size_t index) const;

  // Reads every delete manifest (once): needed to find the deletion vectors of a data file.
  Status LoadDeleteManifests(ObjectStore& store);
  // Reads every manifest (once).
  Status LoadAll(ObjectStore& store);

  // Finds each of `paths` among the live files, reading unread manifests (data manifests
  // first for data files is not known in advance: in list order) until all are found.
  // kInvalidArgument naming the first path that is not live in the snapshot.
  Result<std::vector<LiveFile>> Find(ObjectStore& store, const std::set<std::string>& paths);

  // The live delete files (of the read delete manifests) that reference `data_file_path`
  // (deletion vectors and single-file position deletes). Call LoadDeleteManifests first.
  std::vector<LiveFile> DeletesReferencing(const std::string& data_file_path) const;

  // After a commit of the described snapshot was accepted: the model now describes snapshot
  // `snapshot_id` of the table, made of `manifests`; `written` holds the live entries
  // (inheritance applied) of the manifests the commit wrote, keyed by manifest path. Entries
  // of kept manifests stay cached; then the bound is applied.
  void Advance(int64_t snapshot_id, std::vector<ManifestFile> manifests,
               std::map<std::string, std::vector<ManifestEntry>> written);

  // Forgets everything: the next SyncTo rebuilds.
  void Invalidate();

  // Whether the model describes `metadata`'s current snapshot.
  bool Describes(const TableMetadata& metadata) const;

  const LiveFilesStats& stats() const { return stats_; }
  int64_t cached_entries() const { return cached_entries_; }

 private:
  Status Load(ObjectStore& store, size_t index);
  void Cache(const std::string& manifest_path, std::vector<ManifestEntry> entries);
  void Uncache(const std::string& manifest_path);
  void DropContents();

  LiveFilesOptions options_;
  LiveFilesStats stats_;
  bool valid_ = false;
  std::string table_uuid_;
  std::optional<int64_t> snapshot_id_;
  std::vector<ManifestFile> manifests_;
  // Read manifests: path → live entries.
  std::map<std::string, std::vector<ManifestEntry>> entries_;
  // Every cached live file: file path → manifest path.
  std::unordered_map<std::string, std::string> manifest_of_;
  // Cached live delete files referencing a data file: data file path → delete file paths.
  std::unordered_map<std::string, std::set<std::string>> deletes_of_;
  int64_t cached_entries_ = 0;
};

}  // namespace pg2iceberg::iceberg
