// Deletion vectors (Iceberg format version 3): the deleted row positions of one data file as a
// Puffin `deletion-vector-v1` blob.
//
// Blob layout (Puffin spec, "deletion-vector-v1"):
//   4 bytes  big-endian length of magic + vector
//   4 bytes  magic D1 D3 39 64
//   vector   64-bit Roaring bitmap, "portable" serialisation: 8-byte little-endian count of
//            32-bit bitmaps, then for each (ascending key = the position's high 32 bits) the
//            4-byte little-endian key and a 32-bit Roaring bitmap of the low 32 bits
//   4 bytes  big-endian CRC-32 (zlib's) of magic + vector
//
// Each 32-bit Roaring bitmap uses the RoaringFormatSpec layout. Its containers (one per high
// 16 bits) are written in the smallest form a reader can take: a run container when that is
// smaller, otherwise an array (at most 4096 values) or a 8 KiB bitmap, as the cardinality
// dictates.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::iceberg {

// The Puffin blob type and the property names its footer entry carries.
inline constexpr char kDeletionVectorBlobType[] = "deletion-vector-v1";
inline constexpr char kReferencedDataFileProperty[] = "referenced-data-file";
inline constexpr char kCardinalityProperty[] = "cardinality";

// The serialised blob for `positions`. kInvalidArgument unless the positions are strictly
// ascending, non-negative, and there is at least one.
Result<Bytes> SerializeDeletionVector(std::span<const int64_t> positions);

// The 32-bit Roaring bitmap ("portable" layout) of strictly ascending `values`; exposed for
// golden-byte tests.
Bytes SerializeRoaring32(std::span<const uint32_t> values);

// The positions of a serialised `deletion-vector-v1` blob, strictly ascending (reading side,
// deletion_vector_reader.cc). Checks the length prefix against the blob's size, the magic and
// the CRC, then the Roaring layout: cookies, container counts, keys and values in ascending
// order, header cardinalities matching the containers, offsets (where written) matching the
// containers' places, array, bitmap and run containers, no byte left over. `positions_max`
// bounds the cardinality (the referenced data file's record count, or the blob's cardinality
// property); it is checked from the headers before any container is expanded, so a small
// blob cannot make the reader allocate more than 8 bytes per allowed position.
// kDataLoss naming the part for any malformed blob, too many positions included.
Result<std::vector<int64_t>> DeserializeDeletionVector(ByteSpan blob, int64_t positions_max);

// The values of one 32-bit Roaring bitmap ("portable" layout) at the start of `bytes`;
// `*consumed` is set to its size. At most `values_max` values (kDataLoss beyond).
Result<std::vector<uint32_t>> DeserializeRoaring32(ByteSpan bytes, uint64_t values_max,
                                                   size_t* consumed);

}  // namespace pg2iceberg::iceberg
