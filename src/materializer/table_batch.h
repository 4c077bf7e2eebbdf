// TableBatch: applies one table's changes of a batch, in offset order, to the mirror's rows —
// the rules of docs/materializer.md, "Applying changes to a table batch" and "Unchanged TOAST".
//
// Every row image it appends goes to a RowSink (the batch's data files) and is located in the
// table's PrimaryKeyIndex; every row it replaces or deletes is recorded as a deleted location
// (a position delete or deletion-vector bit to write, in a file live before the batch or in one
// of the batch's own files). Inserts are upserts and deletes of keys the mirror does not hold
// are no-ops, so applying a change twice leaves the same rows. A truncate empties the table at
// its place in the order: files live before the batch are to be removed by the commit, rows the
// batch wrote so far are deleted, later changes apply to an empty table.
//
// Unchanged-TOAST values are resolved from the newest earlier image of the row in the pipeline:
// the image this batch holds (kept up to `images_bytes_max`; past it the batch's images are
// dropped and rows are read back instead), else the row the mirror holds, read through a
// RowSource at the index's location. Never from live Postgres, never NULL: a value that cannot
// be found is kDataLoss naming the table, the key and the column.
//
// Borrows the index, the sink and the source, which must outlive it. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "change/change.h"
#include "materializer/pk_index.h"
#include "materializer/row_location.h"

namespace pg2iceberg::materializer {

// Where the batch's row images go.
class RowSink {
 public:
  virtual ~RowSink() = default;
  // Appends `row` (complete: no unchanged-TOAST value), an image under `schema`, and returns
  // where it went; the file is registered in the table's index (numbered at or above the
  // index's next_file() when the batch began).
  virtual Result<RowLocation> Append(const change::TableSchema& schema, const change::Row& row) = 0;
};

// Reads rows the mirror holds (in files live before the batch, or the batch's own).
class RowSource {
 public:
  virtual ~RowSource() = default;
  // The row at `location`, as an image under `schema` (columns matched by name; a column the
  // stored row lacks is kNull). kNotFound when no such row exists.
  virtual Result<change::Row> ReadRow(RowLocation location, const change::TableSchema& schema) = 0;
};

struct TableBatchOptions {
  // Bound on the row images the batch keeps to resolve unchanged TOAST (value bytes plus
  // per-value overhead).
  int64_t images_bytes_max = 256 << 20;
};

struct TableBatchStats {
  int64_t inserts = 0;
  int64_t updates = 0;
  int64_t deletes = 0;
  int64_t truncates = 0;
  int64_t rows_appended = 0;
  int64_t toast_from_batch = 0;  // unchanged-TOAST values taken from the batch's images
  int64_t toast_from_table = 0;  // ... read back from the mirror's data files
  int64_t images_dropped = 0;    // times the image bound was reached
  int64_t replay_dropped = 0;    // updates of absent rows dropped while replaying (below)
};

class TableBatch {
 public:
  // `key_columns`: the table's primary-key column names, in key order.
  TableBatch(std::vector<std::string> key_columns, PrimaryKeyIndex& index, RowSink& sink,
             RowSource& mirror, TableBatchOptions options = {});

  // Applies one change. Errors: kInvalidArgument for a change that cannot be placed (a NULL
  // or unsent key, a key column gone); kDataLoss for an unchanged-TOAST value the pipeline does
  // not hold; the sink's, source's and index's errors. After an error the batch is unusable.
  Status Apply(const change::RowChange& change);

  // Whether the changes applied next lie in the replay window of a resumed initial load
  // (docs/materializer.md, "Resuming a load"): there the mirror may lack a row the source
  // held, because the row's key range was read after the change and the row was gone by then.
  // An update of such an absent row whose unchanged-TOAST value cannot be found is dropped
  // (a later change of the window deletes the row); a primary-key change of one to a key the
  // mirror does not hold either is kDataLoss (the load must start over), as the new key's
  // range may have been read before the change.
  void SetReplaying(bool replaying) { replaying_ = replaying; }

  // Whether a truncate was applied: every data and delete file live before the batch is to be
  // removed by the commit.
  bool truncated() const { return truncated_; }
  // The deleted rows: in files live before the batch (none once truncated()) and in the
  // batch's own files, in the order they were deleted.
  const std::vector<RowLocation>& deleted() const { return deleted_; }
  // The key (primary_key.h bytes) of each row of deleted(), at the same index.
  const std::vector<std::string>& deleted_keys() const { return deleted_keys_; }
  // Files numbered from here on are the batch's own.
  uint32_t first_batch_file() const { return first_batch_file_; }
  const TableBatchStats& stats() const { return stats_; }

 private:
  struct Image {
    std::shared_ptr<const change::TableSchema> schema;
    change::Row row;
    int64_t bytes = 0;
  };

  using SchemaPtr = std::shared_ptr<const change::TableSchema>;

  Result<const std::vector<int>*> KeyIndexes(const SchemaPtr& schema);
  Result<std::string> Key(const SchemaPtr& schema, const change::Row& row);
  Status Upsert(const SchemaPtr& schema, change::Row row, const std::string* old_key);
  // Whether the mirror holds an image of the row at `key` (in the batch or in its files).
  bool Holds(const std::string& key) const;
  // `key_indexes`: those of `schema`, to name the row's key in errors.
  Status ResolveToast(const SchemaPtr& schema, const std::vector<int>& key_indexes,
                      change::Row& row, const std::string& lookup_key);
  Result<const Image*> EarlierImage(const SchemaPtr& schema, const std::vector<int>& key_indexes,
                                    const change::Row& row, const std::string& key, int column);
  void DeleteKey(const std::string& key);
  void Deleted(RowLocation location, const std::string& key);
  void Truncate();
  void KeepImage(const std::string& key, Image image);

  std::vector<std::string> key_columns_;
  PrimaryKeyIndex& index_;
  RowSink& sink_;
  RowSource& mirror_;
  TableBatchOptions options_;
  uint32_t first_batch_file_;
  bool truncated_ = false;
  bool replaying_ = false;
  std::vector<RowLocation> deleted_;
  std::vector<std::string> deleted_keys_;  // deleted_'s keys
  // By schema; the pointer is pinned so its address cannot be reused by another schema.
  std::map<const change::TableSchema*, std::pair<SchemaPtr, std::vector<int>>> key_indexes_;
  std::unordered_map<std::string, Image> images_;
  int64_t images_bytes_ = 0;
  Image read_back_;  // the last row read from the mirror (EarlierImage points into it)
  TableBatchStats stats_;
};

}  // namespace pg2iceberg::materializer
