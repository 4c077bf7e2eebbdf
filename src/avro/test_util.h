// Helpers shared by the avro tests: hex rendering and parsing of byte strings.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "base/bytes.h"

namespace pg2iceberg::avro::testing {

// "00 7f 80 01": lower-case hex, one space between bytes.
inline std::string Hex(ByteSpan bytes) {
  std::string out;
  char buffer[4];
  for (std::byte b : bytes) {
    std::snprintf(buffer, sizeof buffer, out.empty() ? "%02x" : " %02x", unsigned(b));
    out += buffer;
  }
  return out;
}

// Parses "00 7f 80 01" (spaces optional) back to bytes.
inline Bytes FromHex(std::string_view hex) {
  Bytes out;
  std::string digits;
  for (char c : hex) {
    if (c != ' ') digits += c;
  }
  for (size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<std::byte>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace pg2iceberg::avro::testing
