// Comparing one mirrored table's rows in Postgres with its Iceberg table at one snapshot, key by
// key (docs/verify.md, "How rows are compared"): the part of `verify` that reads data.
//
// The Iceberg side is read first: the primary-key index is rebuilt from the snapshot's live data
// files (position deletes and deletion vectors applied; materializer/index_rebuild.h), then
// every live row is read back with the project's Parquet reader and reduced to a 64-bit hash of
// its values; the staged changes after the snapshot replace the rows they touch. The source side is
// then streamed with COPY (decoded as the copy decodes it) and each row is looked up by key: absent
// is "missing in Iceberg", another hash is "different values" (the Iceberg row is read back to name
// the columns), keys left over are "extra in Iceberg". Values are compared as the mirror stores
// them: int widened to long and float to double on both sides, floats by bit pattern.
//
// Memory: the index (key bytes + 64 bytes per row) plus the hashes (about 64 bytes per row) and
// one data file at a time, plus the changes folded; `memory_bytes_max` bounds index and hashes: a
// larger table stops with kInvalidArgument naming the table, the rows held and the setting to
// raise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "change/change.h"
#include "env/pg_connection.h"
#include "iceberg/metadata.h"
#include "table/table_plan.h"

namespace pg2iceberg {

struct RowDifference {
  enum class Kind { kMissingInIceberg, kExtraInIceberg, kDifferentValues };
  Kind kind = Kind::kMissingInIceberg;
  std::string key;                   // "id=42, region='eu'"
  std::vector<std::string> columns;  // kDifferentValues: the columns that differ
};

struct TableComparison {
  int64_t source_rows = 0;
  int64_t iceberg_rows = 0;
  int64_t differences = 0;           // every differing key
  std::vector<RowDifference> first;  // the first differences_max of them
  bool equal() const { return differences == 0; }
};

struct CompareOptions {
  std::vector<std::string> key_columns;  // the mirrored key, in key order
  int64_t memory_bytes_max = 1LL << 30;
  int differences_max = 10;
  int64_t file_bytes_max = 1LL << 30;  // the largest data file read at once
};

// Compares the rows of plan.source that `source` sees (inside the caller's transaction) with the
// live rows of `at`'s current snapshot, read through plan.store, with `after` (staged changes
// the snapshot does not hold, in log order) applied to them (mirror/verify_overlay.h). Errors:
// the store's, the reader's (kDataLoss for a damaged file or a key live twice), the overlay's,
// the COPY's, the memory bound's.
Result<TableComparison> CompareTable(const TablePlan& plan, const iceberg::TableMetadata& at,
                                     const std::vector<change::RowChange>& after,
                                     PgConnection& source, const CompareOptions& options);

// One line per difference, for the report: "missing in Iceberg: id=4".
std::string DescribeDifference(const RowDifference& difference);

}  // namespace pg2iceberg
