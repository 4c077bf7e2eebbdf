#include "stage/segment_check.h"

#include "stage/segment.h"

namespace pg2iceberg::stage {
namespace {

Status Damaged(ObjectStore& store, const IndexedSegment& segment, const std::string& what) {
  return Status::DataLoss(
      "staging segment " + store.Location(segment.object_key) + " " + what +
      ": the staging log was damaged or modified outside pg2iceberg, and the changes it held "
      "cannot be recovered from it. Restore the object from a backup, or rebuild the mirror "
      "with `pg2iceberg cleanup`");
}

}  // namespace

Status VerifySegment(ObjectStore& store, const IndexedSegment& segment,
                     const std::vector<IndexedBlock>& blocks) {
  Result<Bytes> bytes = store.Get(segment.object_key);
  if (bytes.status().code() == StatusCode::kNotFound) return Damaged(store, segment, "is missing");
  RETURN_IF_ERROR(bytes.status());
  Result<std::vector<BlockInfo>> directory = ReadSegmentDirectory(*bytes);
  if (!directory.ok())
    return Damaged(store, segment, "fails verification (" + directory.status().message() + ")");
  if (directory->size() != blocks.size())
    return Damaged(store, segment, "holds other blocks than its index");
  for (size_t i = 0; i < blocks.size(); ++i) {
    const BlockInfo& found = (*directory)[i];
    const IndexedBlock& indexed = blocks[i];
    if (found.offset != indexed.block_offset || found.length != indexed.block_length ||
        static_cast<int64_t>(found.change_count) != indexed.change_count ||
        found.first_commit_lsn != indexed.first_commit_lsn ||
        found.last_commit_lsn != indexed.last_commit_lsn) {
      return Damaged(store, segment, "holds other blocks than its index");
    }
    Result<std::vector<StagedChange>> changes =
        DecodeBlock(ByteSpan(*bytes).subspan(found.offset, found.length));
    if (!changes.ok())
      return Damaged(store, segment, "fails verification (" + changes.status().message() + ")");
  }
  return Status::Ok();
}

}  // namespace pg2iceberg::stage
