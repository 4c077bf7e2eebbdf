// Keeping the staging log small: segments every consumer has read, and segments a crash left
// behind between their upload and their indexing, are deleted.
#pragma once

#include <string>

#include "base/status.h"
#include "env/object_store.h"
#include "stage/coordinator.h"

namespace pg2iceberg::stage {

// Deletes the segments every cursor has passed (Coordinator::SegmentsPassedByCursors): their
// index rows first, then their objects, so a crash in between leaves only unindexed objects
// (which RemoveUnindexedSegments deletes), never an index row without its object. Returns how
// many segments were retired.
Result<int> RetirePassedSegments(Coordinator& coordinator, ObjectStore& store);

// Deletes objects under `prefix` that no index row of the group names. Only safe while no
// other process writes the group's staging log (capture start-up, before streaming).
Result<int> RemoveUnindexedSegments(Coordinator& coordinator, ObjectStore& store, const std::string& prefix);

}  // namespace pg2iceberg::stage
