// Committing a new snapshot of data files to a table: manifests and the manifest list are
// written under fresh names, then the catalog makes the new metadata current
// (Catalog::CommitSnapshot: the SQL catalog writes the metadata file through this commit and
// swaps its pointer; a REST catalog is sent the changes). Nothing becomes visible to readers
// before the catalog step.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/log.h"
#include "env/clock.h"
#include "env/object_store.h"
#include "env/random.h"
#include "iceberg/catalog.h"
#include "iceberg/data_file.h"
#include "iceberg/live_files.h"
#include "iceberg/metadata.h"

namespace pg2iceberg::iceberg {

enum class CommitMode {
  kAppend,     // the new snapshot holds the current files, less the removed ones, plus the new
  kReplaceAll  // the new snapshot holds only the new files (a fresh copy of the source): every
               // live file is removed
};
// The snapshot's operation (commit_summary.h SnapshotOperation): "append" when only data files
// are added; "delete" when no data file is added (delete files added and/or files removed);
// "overwrite" when data files are added and delete files added or files removed (a row delta,
// kReplaceAll, TRUNCATE then inserts); "replace" when TableCommitInput::rewrite says the new
// files hold exactly the rows of the removed ones (compaction).
//
// The new snapshot's manifest list: a manifest of the added data files, one of the added
// delete files, every current manifest holding a removed file rewritten (removed entries with
// status DELETED, the others EXISTING), and every other current manifest with live files
// reused as it is, unread. The standard summary keys (summary_keys.h) are computed from the
// parent snapshot's totals and the files added and removed; TableCommitInput::summary is
// added on top (the pg2iceberg.* keys).

struct CommitServices {
  ObjectStore& warehouse;
  Catalog& catalog;
  Random& random;
  Clock& clock;
};

// Commits `files` as one new snapshot of `table`; `summary` entries are added to the
// snapshot summary. Returns the table's new state, as the catalog now holds it. Errors: those
// of the object store and the catalog (kConflict when another writer committed first: nothing
// of this commit is visible, and the files it wrote are removed; kOutcomeUnknown when the
// catalog's reply was lost and reconciling could not tell: the files it wrote are kept).
// Files are removed only after an error for which !CommitMayHaveApplied (catalog.h).
Result<TableState> CommitSnapshot(CommitServices services, const TableState& table,
                                  const std::vector<DataFile>& files, CommitMode mode,
                                  const std::map<std::string, std::string>& summary);

// One table's part of CommitSnapshots: the arguments of CommitSnapshot.
struct TableCommitInput {
  TableState table;
  std::vector<DataFile> files;
  CommitMode mode = CommitMode::kAppend;
  std::map<std::string, std::string> summary;
  // Where this table's manifests and manifest list are written (e.g. a store opened with the
  // catalog's vended credentials for it); null: CommitServices::warehouse.
  ObjectStore* store = nullptr;
  // Delete files committed with `files` (a row delta): equality deletes, position delete files
  // (format version 2) and deletion vectors (format version 3, at most one live per data file).
  // Their rows are deleted from data files of earlier sequence numbers (position deletes and
  // deletion vectors: also of this one). kInvalidArgument for a kind the table cannot take.
  std::vector<DataFile> delete_files;
  // The format version the table is committed at: 0 keeps the table's; a higher one upgrades
  // it with this commit (SetFormatVersion), a lower one is kInvalidArgument.
  int format_version = 0;
  // The schema `files` were written with, made current by the same commit when the table's
  // current schema differs (WithCurrentSchema: added under a new schema id, older schemas
  // kept); the new snapshot and its manifests name it. Unset: the table's current schema.
  std::optional<Schema> schema;
  // Table properties set by the same commit (added or replaced; none removed).
  std::map<std::string, std::string> properties;
  // Files the commit removes, by location: data files and delete files live in the current
  // snapshot of `table` — e.g. a deletion vector replaced by a newer one for the same data
  // file, files rewritten by compaction, every live file on TRUNCATE. A file that is not live
  // there is kInvalidArgument: the commit is built on `table`, so this is the caller's error,
  // not a race; when the table has moved on in the catalog since `table` was loaded, the
  // catalog refuses the commit with kConflict whatever it removes. Removing a data file also
  // removes the live delete files that reference it alone (deletion vectors, position delete
  // files with referenced_data_file); position delete files spanning several data files and
  // equality delete files stay (they then match nothing of the removed file).
  std::vector<std::string> removed_files;
  // The added files hold exactly the rows of the removed ones (compaction): operation
  // "replace", which incremental readers skip as no change of data.
  bool rewrite = false;
  // The caller's model of the table's live files (live_files.h), kept between commits so a
  // commit reads no manifest it has read before; synced to `table` first (rebuilt when it
  // describes another snapshot), advanced to the new snapshot when the commit is accepted,
  // forgotten when its outcome is unknown. Null: a model for this commit only (it reads the
  // manifest list, plus the manifests holding removed files).
  LiveFiles* live_files = nullptr;
};

// Commits one new snapshot per table (distinct tables), together where the catalog can: first
// every table's manifests and manifest list are written, then
//   - when Catalog::CanCommitAtomically holds for all of them: one Catalog::CommitSnapshots, so
//     a reader sees every table move at once, or none;
//   - otherwise the new tables one at a time, then the existing ones in one CommitSnapshots
//     when the catalog can take them (and there are several), else one at a time.
// Committing one at a time stops at the first failure; tables committed before it stay
// committed, those after it are not attempted (kUnavailable "not attempted").
// Returns one entry per input, in order: the table's new state or why it is not committed.
// The files of a table whose commit failed are removed, unless CommitMayHaveApplied (outcome
// unknown, or a transaction reconciled half committed): those may be the table's now. When
// writing any table's files fails, nothing is committed and every entry carries that error.
std::vector<Result<TableState>> CommitSnapshots(CommitServices services,
                                                const std::vector<TableCommitInput>& inputs);

// Called after the commit of inputs[index] was refused with kConflict (another writer
// committed to the table since it was loaded): reloads `input.table` from the catalog, and
// whatever else the commit depends on, so the commit can be rebuilt on what the table holds
// now. An error ends the retries for that table and becomes its result.
using RebaseCommit = std::function<Status(size_t index, TableCommitInput& input)>;

// CommitSnapshots, retrying conflicts: every table refused with kConflict is rebased and
// committed again (together with the others refused in the same round), at most
// `attempts_max` commits per table in all; each retry is logged as a warning. Only right for
// commits that stay correct on any base: kReplaceAll (the new snapshot replaces whatever the
// table holds then; the rebuilt commit marks the new base's live files deleted). Results as
// for CommitSnapshots; a table still conflicting after `attempts_max` commits keeps kConflict.
// Nothing else is retried: after kOutcomeUnknown the commit may have applied (or may still
// apply), and a rebuilt commit on top of it would replace it — the result stays
// kOutcomeUnknown and its files are kept. A catalog answers kConflict only when the refused
// commit can never apply (Catalog::CommitSnapshot), so the retry cannot race it.
std::vector<Result<TableState>> CommitSnapshotsRetryingConflicts(
    CommitServices services, std::vector<TableCommitInput> inputs, int attempts_max,
    const RebaseCommit& rebase, Logger& log);

}  // namespace pg2iceberg::iceberg
