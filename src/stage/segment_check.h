// Checking a staged segment against its index: the object exists, passes every checksum of the
// segment format, and holds exactly the blocks the coordinator indexed for it.
#pragma once

#include "base/status.h"
#include "env/object_store.h"
#include "stage/coordinator.h"

namespace pg2iceberg::stage {

// kDataLoss naming the segment and what did not match (missing object, failed checksum,
// blocks differing from the index), with the way out.
Status VerifySegment(ObjectStore& store, const IndexedSegment& segment,
                     const std::vector<IndexedBlock>& blocks);

}  // namespace pg2iceberg::stage
