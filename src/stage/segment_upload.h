// Writing a finished segment to the staging log's object store. The DurableSegment it returns
// is the only input the coordinator indexes, so a segment cannot be indexed before its object
// is durable (the first link of the acknowledgement order in docs/staging-log.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "env/object_store.h"
#include "stage/coordinator.h"
#include "stage/segment.h"

namespace pg2iceberg::stage {

class DurableSegment {
 public:
  const SegmentToIndex& index() const { return index_; }

 private:
  friend Result<DurableSegment> UploadSegment(ObjectStore&, const std::string&,
                                              const SegmentWriter::Finished&,
                                              const std::function<int64_t(uint32_t)>&);
  explicit DurableSegment(SegmentToIndex index) : index_(std::move(index)) {}
  SegmentToIndex index_;
};

// Writes `segment` at `key` (which must be new: kConflict if it exists) and describes it for
// the index; `table_id` maps a block's relid to its coordinator table id.
Result<DurableSegment> UploadSegment(ObjectStore& store, const std::string& key,
                                     const SegmentWriter::Finished& segment,
                                     const std::function<int64_t(uint32_t relid)>& table_id);

}  // namespace pg2iceberg::stage
