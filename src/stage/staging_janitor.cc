#include "stage/staging_janitor.h"

#include <set>

namespace pg2iceberg::stage {

Result<int> RetirePassedSegments(Coordinator& coordinator, ObjectStore& store) {
  ASSIGN_OR_RETURN(std::vector<IndexedSegment> passed, coordinator.SegmentsPassedByCursors());
  if (passed.empty()) return 0;
  std::vector<int64_t> ids;
  std::vector<std::string> keys;
  for (const IndexedSegment& segment : passed) {
    ids.push_back(segment.segment_id);
    keys.push_back(segment.object_key);
  }
  RETURN_IF_ERROR(coordinator.ForgetSegments(ids));
  RETURN_IF_ERROR(store.Delete(keys).WithContext("deleting retired staging segments"));
  return static_cast<int>(passed.size());
}

Result<int> RemoveUnindexedSegments(Coordinator& coordinator, ObjectStore& store, const std::string& prefix) {
  ASSIGN_OR_RETURN(std::vector<IndexedSegment> indexed, coordinator.Segments());
  std::set<std::string> known;
  for (const IndexedSegment& segment : indexed) known.insert(segment.object_key);
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, store.List(prefix));
  std::vector<std::string> orphans;
  for (const ObjectInfo& object : objects) {
    if (!known.contains(object.key)) orphans.push_back(object.key);
  }
  if (orphans.empty()) return 0;
  RETURN_IF_ERROR(store.Delete(orphans).WithContext("deleting unindexed staging segments"));
  return static_cast<int>(orphans.size());
}

}  // namespace pg2iceberg::stage
