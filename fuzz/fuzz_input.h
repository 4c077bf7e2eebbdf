// The fuzz input as the project's byte types, and a cursor that takes structure (a selector, a
// length-prefixed part) off its front. Every target reads its input through it, so the input
// layouts in docs/fuzzing.md are the whole contract between a target and its corpus.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"

namespace pg2iceberg::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : bytes_(reinterpret_cast<const std::byte*>(data), size) {}

  bool empty() const { return position_ == bytes_.size(); }

  // The next byte; 0 once the input is used up.
  uint8_t Byte() { return empty() ? 0 : static_cast<uint8_t>(bytes_[position_++]); }
  // The next two bytes, big-endian; missing bytes read as 0.
  uint16_t U16() { return static_cast<uint16_t>(Byte() << 8 | Byte()); }
  uint32_t U32() { return static_cast<uint32_t>(U16()) << 16 | U16(); }

  // The next `n` bytes, or fewer when the input ends first.
  ByteSpan Take(size_t n) {
    n = std::min(n, bytes_.size() - position_);
    ByteSpan part = bytes_.subspan(position_, n);
    position_ += n;
    return part;
  }
  // A part preceded by its length as two big-endian bytes.
  ByteSpan Part() { return Take(U16()); }
  std::string_view PartText() { return Text(Part()); }
  // Everything not taken yet.
  ByteSpan Rest() { return Take(bytes_.size() - position_); }
  std::string_view RestText() { return Text(Rest()); }

  static std::string_view Text(ByteSpan bytes) {
    return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }

 private:
  ByteSpan bytes_;
  size_t position_ = 0;
};

}  // namespace pg2iceberg::fuzz
