// The Avro schemas of Iceberg format-version-2 and -3 manifests (manifest_entry records) and
// manifest lists (manifest_file records), with the field ids, names, nullability and record names
// of the Iceberg table spec ("Manifests", "Manifest Lists") as Java Iceberg writes them.
#pragma once

#include <vector>

#include "avro/schema.h"
#include "iceberg/schema.h"

namespace pg2iceberg::iceberg {

// Field ids of manifest_entry and its data_file struct.
namespace manifest_id {
inline constexpr int kStatus = 0;
inline constexpr int kSnapshotId = 1;
inline constexpr int kDataFile = 2;
inline constexpr int kSequenceNumber = 3;
inline constexpr int kFileSequenceNumber = 4;
inline constexpr int kFilePath = 100;
inline constexpr int kFileFormat = 101;
inline constexpr int kPartition = 102;
inline constexpr int kRecordCount = 103;
inline constexpr int kFileSizeInBytes = 104;
inline constexpr int kColumnSizes = 108;
inline constexpr int kValueCounts = 109;
inline constexpr int kNullValueCounts = 110;
inline constexpr int kLowerBounds = 125;
inline constexpr int kUpperBounds = 128;
inline constexpr int kKeyMetadata = 131;
inline constexpr int kSplitOffsets = 132;
inline constexpr int kContent = 134;
inline constexpr int kEqualityIds = 135;
inline constexpr int kNanValueCounts = 137;
inline constexpr int kSortOrderId = 140;
inline constexpr int kFirstRowId = 142;
inline constexpr int kReferencedDataFile = 143;
inline constexpr int kContentOffset = 144;
inline constexpr int kContentSizeInBytes = 145;
}  // namespace manifest_id

// Field ids of manifest_file and its field_summary struct.
namespace manifest_list_id {
inline constexpr int kManifestPath = 500;
inline constexpr int kManifestLength = 501;
inline constexpr int kPartitionSpecId = 502;
inline constexpr int kAddedSnapshotId = 503;
inline constexpr int kAddedFilesCount = 504;
inline constexpr int kExistingFilesCount = 505;
inline constexpr int kDeletedFilesCount = 506;
inline constexpr int kPartitions = 507;
inline constexpr int kFieldSummary = 508;
inline constexpr int kContainsNull = 509;
inline constexpr int kLowerBound = 510;
inline constexpr int kUpperBound = 511;
inline constexpr int kAddedRowsCount = 512;
inline constexpr int kExistingRowsCount = 513;
inline constexpr int kDeletedRowsCount = 514;
inline constexpr int kSequenceNumber = 515;
inline constexpr int kMinSequenceNumber = 516;
inline constexpr int kContent = 517;
inline constexpr int kContainsNan = 518;
inline constexpr int kKeyMetadata = 519;
inline constexpr int kFirstRowId = 520;
}  // namespace manifest_list_id

// manifest_entry with data_file.partition the record "r102" of `partition_type` (one optional
// field per partition field, in spec order; empty for an unpartitioned spec).
// `format_version` 2 or 3: version 2 data_file records carry referenced_data_file after
// sort_order_id; version 3 adds first_row_id before it and content_offset and
// content_size_in_bytes after it (the spec's writer requirements: fields not in a version are
// omitted).
avro::Schema ManifestEntrySchema(const std::vector<Field>& partition_type = {},
                                 int format_version = 2);

// The Avro form of a value of Iceberg type `type`, as Java writes it: date, time and
// timestamps as int/long with their logical types, uuid as fixed[16], decimal as the fixed of
// the fewest bytes for its precision.
avro::Schema AvroTypeFor(const Type& type);

// manifest_file, the record of a manifest list; version 3 adds first_row_id at the end.
avro::Schema ManifestFileSchema(int format_version = 2);

}  // namespace pg2iceberg::iceberg
