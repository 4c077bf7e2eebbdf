// Test helper: builds byte vectors from integer literals and prints them in hex on failure.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "base/bytes.h"

namespace pg2iceberg::parquet::testing {

inline Bytes B(std::initializer_list<int> values) {
  Bytes out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

inline std::string Hex(ByteSpan bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::byte b : bytes) {
    const auto v = static_cast<uint8_t>(b);
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[v >> 4]);
    out.push_back(kDigits[v & 15]);
  }
  return out;
}

}  // namespace pg2iceberg::parquet::testing
