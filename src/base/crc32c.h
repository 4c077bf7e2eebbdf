// CRC-32C (Castagnoli): the checksum of the staging segment format and of spill chunks.
// Reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF (as in iSCSI,
// ext4 and LevelDB), computed with slicing-by-8 tables in portable C++.
#pragma once

#include <cstdint>

#include "base/bytes.h"

namespace pg2iceberg {

// The CRC-32C of `data`, continuing from `crc`, the CRC of the bytes before it (0 for none):
// Crc32c(b, Crc32c(a)) == Crc32c(a followed by b). Crc32c("123456789") == 0xE3069283.
uint32_t Crc32c(ByteSpan data, uint32_t crc = 0);

}  // namespace pg2iceberg
