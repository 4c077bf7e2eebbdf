// Rebuilding a table's primary-key index from what the Iceberg table holds (docs/materializer.md,
// "The primary-key index"): every live data file's key columns are read with the project's
// Parquet reader, the positions its position delete files and deletion vectors remove are
// skipped, and every remaining row's key is placed at its (file, position).
//
// Files are read one at a time, each at most `file_bytes_max` bytes (a larger one is
// kInvalidArgument naming the file and the setting), so the rebuild's memory is the index itself
// plus one file. Errors: the store's; kDataLoss for an unreadable file, a deletion vector or
// position delete naming a position past its data file's rows, or one key live twice (the mirror
// is not a mirror of a keyed table any more); kInvalidArgument for equality deletes on other
// columns than the key (delete_mode: equality writes them on the key: a row whose key an
// equality delete of a later sequence number names, in its partition, is not live) or a key
// column the schema lacks.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "env/object_store.h"
#include "iceberg/live_files.h"
#include "iceberg/metadata.h"
#include "materializer/delete_plan.h"
#include "materializer/pk_index.h"

namespace pg2iceberg::materializer {

struct RebuildOptions {
  std::string table_name;                // "schema.table", for messages
  std::vector<std::string> key_columns;  // names in the table's current schema, in key order
  int64_t file_bytes_max = 1LL << 30;
};

// What the rebuild found besides the index.
struct LiveTableState {
  // Per index file number (as registered by the rebuild, 0, 1, ...): the live data files.
  std::vector<DataFileRef> data_files;
  // Format version 3: each data file's current deletion vector, by data file path.
  std::map<std::string, ExistingVector> vectors;
  int64_t rows = 0;          // live rows placed in the index
  int64_t deleted_rows = 0;  // rows of the data files their deletes remove
  int64_t bytes_read = 0;
};

// Rebuilds `index` (which must be empty, with no files registered) for the current snapshot of
// `metadata`, reading through `warehouse` and `live` (synced here).
Result<LiveTableState> RebuildIndex(ObjectStore& warehouse, iceberg::LiveFiles& live,
                                    const iceberg::TableMetadata& metadata,
                                    const RebuildOptions& options, PrimaryKeyIndex& index);

}  // namespace pg2iceberg::materializer
