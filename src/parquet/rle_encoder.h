// The Parquet RLE / bit-packing hybrid encoding, used for definition (and later repetition)
// levels and for the indices of dictionary-encoded data pages.
//
//   encoded  := run*
//   run      := rle-run | bit-packed-run
//   rle-run  := varint(count << 1), then the value in ceil(bit_width / 8) bytes little-endian
//   bit-packed-run := varint(groups << 1 | 1), then groups * 8 values packed LSB first,
//                     bit_width bits each
//
// A run of 8 or more equal values becomes an RLE run; other values are bit-packed in groups
// of 8. Only the last group of the data may be padded (with zeros): readers stop at the
// page's value count. The caller adds the 4-byte length prefix data pages v1 require for
// levels, or the 1-byte bit width that precedes dictionary indices.
#pragma once

#include <cstdint>
#include <span>

#include "base/bytes.h"

namespace pg2iceberg::parquet {

// Bits needed to store values 0..max_level (0 for max_level 0).
int BitWidthForMaxLevel(int max_level);

// Appends the hybrid encoding of `levels` to `out`. `bit_width` is 1..8 and every level must
// fit in it (a bug otherwise: CHECK).
void EncodeRleHybrid(std::span<const uint8_t> levels, int bit_width, ByteWriter* out);

// The same encoding for wider values (dictionary indices): `bit_width` is 1..32 and every
// value must fit in it (CHECK).
void EncodeRleHybrid(std::span<const uint32_t> values, int bit_width, ByteWriter* out);

}  // namespace pg2iceberg::parquet
