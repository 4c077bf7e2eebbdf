#include "stage/staging_janitor.h"

#include <map>

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

namespace {

Status MissingSegment(const Coordinator& coordinator, const IndexedSegment& segment,
                      const std::string& what) {
  return Status::DataLoss(
      "staging segment " + segment.object_key + " of group " + coordinator.group() + " " + what +
      ": changes already acknowledged to the replication slot are gone from the staging log. "
      "Restore the object (from a backup or an earlier version of the bucket), or rebuild the "
      "mirror: pg2iceberg cleanup, then start again");
}

}  // namespace

Result<StagingLogCheck> CheckAndTidyStagingLog(Coordinator& coordinator, ObjectStore& store,
                                               const std::string& prefix, const GroupLock& lock) {
  CHECK_MSG(lock.group() == coordinator.group(), "the lock of another group");
  ASSIGN_OR_RETURN(std::vector<IndexedSegment> indexed, coordinator.Segments());
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, store.List(prefix));
  std::map<std::string, uint64_t> listed;
  for (const ObjectInfo& object : objects) listed[object.key] = object.size_bytes;
  for (const IndexedSegment& segment : indexed) {
    auto found = listed.find(segment.object_key);
    if (found == listed.end())
      return MissingSegment(coordinator, segment, "is indexed but missing");
    if (found->second != segment.size_bytes) {
      return MissingSegment(coordinator, segment,
                            "is " + std::to_string(found->second) +
                                " bytes, but was indexed with " +
                                std::to_string(segment.size_bytes));
    }
    listed.erase(found);
  }
  std::vector<std::string> orphans;
  for (const auto& [key, size] : listed) orphans.push_back(key);
  if (!orphans.empty()) {
    RETURN_IF_ERROR(store.Delete(orphans).WithContext("deleting unindexed staging segments"));
  }
  return StagingLogCheck{.indexed = static_cast<int>(indexed.size()),
                         .removed_orphans = static_cast<int>(orphans.size())};
}

}  // namespace pg2iceberg::stage
