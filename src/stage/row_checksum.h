// Checksums of coordinator rows: a CRC-32C over the row's fields, each as a varint length and
// its bytes (so field boundaries count). Stored beside the fields; docs/coordinator.md lists
// the fields of each table in checksum order.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace pg2iceberg::stage {

uint32_t RowChecksum(std::initializer_list<std::string_view> fields);

inline std::string ChecksumText(std::initializer_list<std::string_view> fields) {
  return std::to_string(RowChecksum(fields));
}

}  // namespace pg2iceberg::stage
