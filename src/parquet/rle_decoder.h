// Decoding of the Parquet RLE / bit-packing hybrid (rle_encoder.h describes the layout):
// definition and repetition levels, and the indices of dictionary-encoded pages.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::parquet {

// Appends the first `count` values of the hybrid encoding in `data` at `bit_width` (0..32) to
// `out`; bytes after them are ignored, and a final bit-packed run may stop short of its
// declared groups as long as it covers the values wanted. kDataLoss naming `what` when the data
// ends before `count` values or a run header is malformed. The caller bounds `count` (the
// output grows by it even when a short RLE run encodes it).
Status DecodeRleHybrid(ByteSpan data, int bit_width, size_t count, std::string_view what,
                       std::vector<uint32_t>* out);

}  // namespace pg2iceberg::parquet
