#include "stage/coordinator_checksums.h"

#include "stage/row_checksum.h"

namespace pg2iceberg::stage {

using change::FormatLsn;

std::string CaptureChecksum(const std::string& group, const CaptureState& s) {
  return ChecksumText({group, s.system_identifier, s.database, s.slot_name, s.publication_name,
                       FormatLsn(s.slot_created_lsn), FormatLsn(s.flushed_lsn)});
}

std::string TableChecksum(const std::string& group, const TableState& t) {
  const std::string id = std::to_string(t.table_id), relid = std::to_string(t.relid),
                    next = std::to_string(t.next_offset);
  if (t.added_lsn == 0) return ChecksumText({group, id, t.schema_name, t.table_name, relid, next});
  return ChecksumText(
      {group, id, t.schema_name, t.table_name, relid, next, FormatLsn(t.added_lsn)});
}

std::string SegmentChecksum(const std::string& group, const SegmentToIndex& s) {
  return ChecksumText({group, s.object_key, std::to_string(s.size_bytes),
                       FormatLsn(s.first_commit_lsn), FormatLsn(s.last_commit_lsn)});
}

std::string BlockChecksum(int64_t segment_id, int64_t first_offset, const BlockToIndex& b) {
  return ChecksumText({std::to_string(segment_id), std::to_string(b.table_id),
                       std::to_string(first_offset), std::to_string(b.change_count),
                       std::to_string(b.block_offset), std::to_string(b.block_length),
                       FormatLsn(b.first_commit_lsn), FormatLsn(b.last_commit_lsn)});
}

std::string CursorChecksum(int64_t table_id, const std::string& consumer, int64_t next_offset) {
  return ChecksumText({std::to_string(table_id), consumer, std::to_string(next_offset)});
}

std::string WatchedChecksum(const std::string& group, const std::string& name,
                            const std::string& fingerprint) {
  return ChecksumText({group, name, fingerprint});
}

std::string TypeChecksum(const std::string& group, const RecordedType& t) {
  return ChecksumText({group, std::to_string(t.type_oid), std::to_string(t.resolved_oid),
                       std::to_string(t.type_modifier), t.declared_name});
}

}  // namespace pg2iceberg::stage
