#include "stage/segment_upload.h"

#include <algorithm>

namespace pg2iceberg::stage {

Result<DurableSegment> UploadSegment(ObjectStore& store, const std::string& key,
                                     const SegmentWriter::Finished& segment,
                                     const std::function<int64_t(uint32_t relid)>& table_id) {
  CHECK_MSG(!segment.blocks.empty(), "uploading an empty segment");
  RETURN_IF_ERROR(store.Put(key, segment.bytes, PutOptions{.if_none_match = true})
                      .WithContext("writing staging segment " + store.Location(key)));
  SegmentToIndex index{.object_key = key, .size_bytes = segment.bytes.size()};
  index.first_commit_lsn = segment.blocks.front().first_commit_lsn;
  for (const BlockInfo& block : segment.blocks) {
    index.first_commit_lsn = std::min(index.first_commit_lsn, block.first_commit_lsn);
    index.last_commit_lsn = std::max(index.last_commit_lsn, block.last_commit_lsn);
    index.blocks.push_back({.table_id = table_id(block.relid),
                            .block_offset = block.offset,
                            .block_length = block.length,
                            .change_count = static_cast<int64_t>(block.change_count),
                            .first_commit_lsn = block.first_commit_lsn,
                            .last_commit_lsn = block.last_commit_lsn});
  }
  return DurableSegment(std::move(index));
}

}  // namespace pg2iceberg::stage
