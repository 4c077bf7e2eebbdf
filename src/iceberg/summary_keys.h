// The snapshot summary keys pg2iceberg writes: the standard ones of the Iceberg spec ("Snapshot
// summary", "Optional snapshot summary fields"), spelled as Java's SnapshotSummary spells them
// so every engine reads our counts, and the project's own keys (prefix "pg2iceberg.").
//
// Standard counts are written as decimal strings. added-* / removed-* / deleted-* describe the
// one commit and are written only when non-zero (as Java does); total-* describe the whole
// snapshot and are computed from the parent snapshot's totals plus this commit's changes (a
// total the parent lacks — a foreign writer that did not write it — is not written).
// Delete-file sizes count towards the *-files-size keys; a deletion vector counts with its
// blob's length (content_size_in_bytes), not the whole Puffin file.
#pragma once

#include <string_view>

namespace pg2iceberg::iceberg::summary {

// The snapshot's operation, also written as the summary's "operation" key.
inline constexpr std::string_view kOperation = "operation";
inline constexpr std::string_view kOperationAppend = "append";        // data files added only
inline constexpr std::string_view kOperationReplace = "replace";      // same rows, new files
inline constexpr std::string_view kOperationOverwrite = "overwrite";  // rows added and removed
inline constexpr std::string_view kOperationDelete = "delete";        // rows removed only

// Data files.
inline constexpr std::string_view kAddedDataFiles = "added-data-files";
inline constexpr std::string_view kDeletedDataFiles = "deleted-data-files";
inline constexpr std::string_view kTotalDataFiles = "total-data-files";
inline constexpr std::string_view kAddedRecords = "added-records";
inline constexpr std::string_view kDeletedRecords = "deleted-records";
inline constexpr std::string_view kTotalRecords = "total-records";

// Delete files: every kind, then by kind (a deletion vector is not a position delete file).
inline constexpr std::string_view kAddedDeleteFiles = "added-delete-files";
inline constexpr std::string_view kRemovedDeleteFiles = "removed-delete-files";
inline constexpr std::string_view kTotalDeleteFiles = "total-delete-files";
inline constexpr std::string_view kAddedPositionDeleteFiles = "added-position-delete-files";
inline constexpr std::string_view kRemovedPositionDeleteFiles = "removed-position-delete-files";
inline constexpr std::string_view kAddedEqualityDeleteFiles = "added-equality-delete-files";
inline constexpr std::string_view kRemovedEqualityDeleteFiles = "removed-equality-delete-files";
inline constexpr std::string_view kAddedDvs = "added-dvs";
inline constexpr std::string_view kRemovedDvs = "removed-dvs";

// Deleted rows, as the delete files count them (position deletes include deletion vectors).
inline constexpr std::string_view kAddedPositionDeletes = "added-position-deletes";
inline constexpr std::string_view kRemovedPositionDeletes = "removed-position-deletes";
inline constexpr std::string_view kTotalPositionDeletes = "total-position-deletes";
inline constexpr std::string_view kAddedEqualityDeletes = "added-equality-deletes";
inline constexpr std::string_view kRemovedEqualityDeletes = "removed-equality-deletes";
inline constexpr std::string_view kTotalEqualityDeletes = "total-equality-deletes";

// Bytes of data and delete files.
inline constexpr std::string_view kAddedFilesSize = "added-files-size";
inline constexpr std::string_view kRemovedFilesSize = "removed-files-size";
inline constexpr std::string_view kTotalFilesSize = "total-files-size";

// Distinct partitions of the files added or removed.
inline constexpr std::string_view kChangedPartitionCount = "changed-partition-count";

// pg2iceberg's own keys (docs/materializer.md, "Snapshot summary keys").
//
// Which of our commands wrote the snapshot: the initial load, changes merged from the staging
// log, or a compaction.
inline constexpr std::string_view kPgOperation = "pg2iceberg.operation";
inline constexpr std::string_view kPgOperationSnapshot = "snapshot";
inline constexpr std::string_view kPgOperationMaterialize = "materialize";
inline constexpr std::string_view kPgOperationCompact = "compact";
// The source LSN the snapshot reflects ("X/Y" as Postgres prints it): the table equals its
// Postgres table as of this LSN (once its initial load is complete).
inline constexpr std::string_view kCommitLsn = "pg2iceberg.commit-lsn";
// The table's cursor after this snapshot: the staging log offset of the first change not in it.
// Read on restart to recognise a commit whose cursor update was lost.
inline constexpr std::string_view kLogOffset = "pg2iceberg.log-offset";
// The state of the table's initial load (a reader must not treat the table as a mirror before
// "complete"): "in-progress" on the checkpoints of a load (some key ranges copied);
// "replaying" once every range is copied but ranges were read at different points (a load
// resumed after a crash), until the materializer has applied the changes up to
// pg2iceberg.replay-to; "complete" from then on, and on every snapshot of a table that is a
// mirror.
inline constexpr std::string_view kInitialLoad = "pg2iceberg.initial-load";
inline constexpr std::string_view kInitialLoadComplete = "complete";
inline constexpr std::string_view kInitialLoadInProgress = "in-progress";
inline constexpr std::string_view kInitialLoadReplaying = "replaying";
// While "replaying": the LSN of the last point a range was read at. The table equals its
// source once every change committed below it is applied.
inline constexpr std::string_view kReplayTo = "pg2iceberg.replay-to";
// On "in-progress" checkpoints: the object-store key of the load's plan (its key ranges,
// docs/materializer.md "Resuming a load") and the ranges copied so far ("0-4,7": indexes and
// inclusive index ranges).
inline constexpr std::string_view kLoadPlan = "pg2iceberg.load-plan";
inline constexpr std::string_view kLoadRangesDone = "pg2iceberg.load-ranges-done";

}  // namespace pg2iceberg::iceberg::summary
