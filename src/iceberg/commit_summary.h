// The standard part of a snapshot summary (summary_keys.h) and the snapshot's operation, from
// the files one commit adds and removes and the parent snapshot's totals. Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "iceberg/data_file.h"
#include "iceberg/metadata.h"

namespace pg2iceberg::iceberg {

// What one commit changes in a table's set of live files.
struct FileChanges {
  std::vector<DataFile> added_data;
  std::vector<DataFile> removed_data;
  std::vector<DataFile> added_deletes;
  std::vector<DataFile> removed_deletes;
};

// The spec's operation for `changes`:
//   - "replace" when `rewrite` (files rewritten with the same rows: readers' incremental scans
//     skip it as no change of data);
//   - "append" when only data files are added;
//   - "delete" when no data file is added (delete files added and/or files removed);
//   - "overwrite" otherwise (data files added, and delete files added or files removed).
std::string SnapshotOperation(const FileChanges& changes, bool rewrite);

// The added-*, removed-*/deleted-* (only when non-zero), total-* and changed-partition-count
// keys of `changes`. Totals are `parent`'s totals plus the changes (zero when there is no
// parent); a total the parent's summary lacks, or holds as something other than a
// non-negative integer, is left out.
std::map<std::string, std::string> ChangeSummary(const FileChanges& changes,
                                                 const Snapshot* parent);

}  // namespace pg2iceberg::iceberg
