// Committing a new snapshot of data files to a table: manifests and the manifest list are
// written under fresh names, then the catalog makes the new metadata current
// (Catalog::CommitSnapshot: the SQL catalog writes the metadata file through this commit and
// swaps its pointer; a REST catalog is sent the changes). Nothing becomes visible to readers
// before the catalog step.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "env/clock.h"
#include "env/object_store.h"
#include "env/random.h"
#include "iceberg/catalog.h"
#include "iceberg/data_file.h"
#include "iceberg/metadata.h"

namespace pg2iceberg::iceberg {

enum class CommitMode {
  kAppend,     // the new snapshot holds the current files plus the new ones
  kReplaceAll  // the new snapshot holds only the new files (a fresh copy of the source)
};

struct CommitServices {
  ObjectStore& warehouse;
  Catalog& catalog;
  Random& random;
  Clock& clock;
};

// Commits `files` as one new snapshot of `table`; `summary` entries are added to the
// snapshot summary. Returns the table's new state, as the catalog now holds it. Errors: those of the object store and the
// catalog (kConflict when another writer committed first: nothing of this commit is visible,
// and the files it wrote are removed; kOutcomeUnknown when the catalog's reply was lost).
Result<TableState> CommitSnapshot(CommitServices services, const TableState& table,
                                  const std::vector<DataFile>& files, CommitMode mode,
                                  const std::map<std::string, std::string>& summary);

}  // namespace pg2iceberg::iceberg
