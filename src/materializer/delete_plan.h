// From a batch's deleted rows to the delete files that remove them (docs/materializer.md,
// "Delete files"):
//
//   - format version 2: position deletes, one group per partition (a position delete file
//     applies only within its partition), each group's (file, position) pairs sorted;
//   - format version 3: one deletion vector per data file. A data file that already has a
//     vector gets a new one holding the old positions and the new ones, and the old one is to
//     be removed by the same commit (at most one vector per data file per snapshot).
//
// Pure: the caller writes the files (iceberg/delete_files.h) and commits them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "iceberg/data_file.h"
#include "iceberg/delete_files.h"
#include "materializer/row_location.h"

namespace pg2iceberg::materializer {

// A data file a location can name.
struct DataFileRef {
  std::string path;                   // the data file's location, as its manifest entry has it
  iceberg::PartitionTuple partition;  // empty when unpartitioned
};

// The deletion vector a data file has in the table's current snapshot.
struct ExistingVector {
  iceberg::DataFile entry;         // the vector's own entry (to remove)
  std::vector<int64_t> positions;  // the positions it deletes
};

struct PositionDeleteGroup {
  iceberg::PartitionTuple partition;
  std::vector<iceberg::FilePosition> deletes;  // sorted by file, then position
};

struct VectorDeletes {
  iceberg::PartitionTuple partition;
  iceberg::DataFileDeletes deletes;  // all positions of the data file: old and new, sorted
};

struct DeletePlan {
  std::vector<PositionDeleteGroup> position_deletes;  // format version 2
  std::vector<VectorDeletes> vectors;                 // format version 3
  std::vector<iceberg::DataFile> removed_vectors;     // replaced by `vectors`
  int64_t rows_deleted = 0;
};

// Resolves a file number to its data file; CHECKs on an unknown number (a bug, not input).
using FileLookup = std::function<const DataFileRef&(uint32_t file)>;
// The current vector of a data file, if it has one; errors are the reader's (kDataLoss for an
// unreadable vector).
using VectorLookup = std::function<Result<std::optional<ExistingVector>>(const std::string& path)>;

// The plan for `deleted` (each location at most once: a repeat is kInternal, it would mean a
// row was deleted twice). `format_version` 2 or 3; `vectors` is consulted for version 3 only.
Result<DeletePlan> PlanDeletes(const std::vector<RowLocation>& deleted, int format_version,
                               const FileLookup& files, const VectorLookup& vectors);

}  // namespace pg2iceberg::materializer
