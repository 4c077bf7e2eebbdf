// Decoding of a data page's value section into Scalars (value.h): PLAIN for every physical type
// the writer emits, dictionary indices (RLE_DICTIONARY, or PLAIN_DICTIONARY from older
// writers) into a chunk's dictionary, and RLE booleans (as data pages v2 from other writers
// may hold). Internal to the Parquet reader. Errors: kDataLoss naming `what` when the bytes run
// out, a length runs past them, or an index is outside the dictionary.
#pragma once

#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "parquet/column_spec.h"
#include "parquet/value.h"

namespace pg2iceberg::parquet {

// Appends `count` PLAIN values of `spec`'s physical type from `data` to `out`.
Status DecodePlain(ByteSpan data, const ColumnSpec& spec, size_t count, std::string_view what,
                   std::vector<Scalar>* out);

// Appends `count` values given as a bit-width byte and RLE/bit-packed indices into
// `dictionary`.
Status DecodeDictionaryIndices(ByteSpan data, const std::vector<Scalar>& dictionary, size_t count,
                               std::string_view what, std::vector<Scalar>* out);

// Appends `count` booleans stored RLE: a 4-byte little-endian length, then the hybrid at bit
// width 1.
Status DecodeRleBooleans(ByteSpan data, size_t count, std::string_view what,
                         std::vector<Scalar>* out);

}  // namespace pg2iceberg::parquet
