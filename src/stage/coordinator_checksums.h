// The checksum of each coordinator row (docs/coordinator.md lists the fields of each table in
// checksum order): what PgCoordinator stores beside a row's fields and verifies on every load,
// and what sim::MemoryCoordinator stores and verifies the same way, so an edited row is
// kDataLoss in both.
#pragma once

#include <cstdint>
#include <string>

#include "stage/coordinator.h"

namespace pg2iceberg::stage {

std::string CaptureChecksum(const std::string& group, const CaptureState& capture);
// Rows of schema version 1 (added_lsn 0) keep the checksum they had without added_lsn.
std::string TableChecksum(const std::string& group, const TableState& table);
std::string SegmentChecksum(const std::string& group, const SegmentToIndex& segment);
std::string BlockChecksum(int64_t segment_id, int64_t first_offset, const BlockToIndex& block);
std::string CursorChecksum(int64_t table_id, const std::string& consumer, int64_t next_offset);
std::string WatchedChecksum(const std::string& group, const std::string& name,
                            const std::string& fingerprint);
std::string TypeChecksum(const std::string& group, const RecordedType& type);

}  // namespace pg2iceberg::stage
