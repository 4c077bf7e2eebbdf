// Keeping the staging log small: segments every consumer has read, and segments a crash left
// behind between their upload and their indexing, are deleted.
#pragma once

#include <string>

#include "base/status.h"
#include "env/object_store.h"
#include "stage/coordinator.h"
#include "stage/group_lock.h"

namespace pg2iceberg::stage {

// Deletes the segments every cursor has passed (Coordinator::SegmentsPassedByCursors): their
// index rows first, then their objects, so a crash in between leaves only unindexed objects
// (which CheckAndTidyStagingLog deletes), never an index row without its object. Returns how
// many segments were retired.
Result<int> RetirePassedSegments(Coordinator& coordinator, ObjectStore& store);

// What CheckAndTidyStagingLog found.
struct StagingLogCheck {
  int indexed = 0;          // indexed segments, every one present with its size
  int removed_orphans = 0;  // unindexed objects deleted
};

// Capture's start-up check of the staging log, from one listing of `prefix`: every segment the
// index names must be there with the size indexed (kDataLoss naming the first missing or
// damaged one and the way out: the log lost changes that were acknowledged to the slot), then
// every object no index row names is deleted (a crash left it between upload and index). Only
// the group's owner may delete, hence the `lock`.
Result<StagingLogCheck> CheckAndTidyStagingLog(Coordinator& coordinator, ObjectStore& store,
                                               const std::string& prefix, const GroupLock& lock);

}  // namespace pg2iceberg::stage
