// The manifests of one commit's new snapshot (internal to table_commit.cc): the added files in
// new manifests, every manifest holding a removed file rewritten (its removed entries DELETED,
// the others EXISTING), every other manifest with live files reused unchanged, manifests
// without live files dropped. Built over the caller's LiveFiles, which it reads only as it
// must.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "env/clock.h"
#include "env/object_store.h"
#include "env/random.h"
#include "iceberg/catalog.h"
#include "iceberg/commit_summary.h"
#include "iceberg/live_files.h"
#include "iceberg/manifest.h"
#include "iceberg/table_commit.h"

namespace pg2iceberg::iceberg {

// Collects what one commit writes, so a failed commit can remove it.
struct CommitWriter final : MetadataWriter {
  CommitWriter(CommitServices services, std::string metadata_key_prefix)
      : services(services), metadata_key_prefix(std::move(metadata_key_prefix)) {}

  Result<std::string> Put(const std::string& name, ByteSpan bytes);
  void RemoveWritten();
  // Metadata files go where the table's manifests go: <table location>/metadata/.
  Result<std::string> WriteMetadataFile(int64_t version, const TableMetadata& metadata) override;
  Result<TableMetadata> ReadMetadataFile(const std::string& location) override;

  CommitServices services;
  std::string metadata_key_prefix;  // "<table key>/metadata/"
  std::vector<std::string> written_keys;
};

struct SnapshotDraft {
  int64_t snapshot_id = 0;
  int64_t sequence_number = 0;
  std::vector<ManifestFile> manifests;
  std::map<std::string, std::string> summary;
  std::string operation;
  // Format version 3: the snapshot's first-row-id and the row ids its manifests take.
  std::optional<int64_t> first_row_id;
  std::optional<int64_t> added_rows;
  // The live entries of each manifest written, inheritance applied: the LiveFiles update.
  std::map<std::string, std::vector<ManifestEntry>> written;
};

avro::SyncMarker NewSyncMarker(Random& random);

// Fills draft.manifests, summary (the standard keys), operation, row ids and `written` for
// `input` on `base` (input.table.metadata as the commit changes it), syncing `live` to
// input.table first. Errors: the store's; kInvalidArgument for a removed file that is not
// live in input.table's current snapshot, delete files the table cannot take, or a manifest
// to rewrite that was written for another partition spec.
Status DraftManifests(CommitWriter& writer, const TableMetadata& base,
                      const TableCommitInput& input, LiveFiles& live, SnapshotDraft& draft);

}  // namespace pg2iceberg::iceberg
