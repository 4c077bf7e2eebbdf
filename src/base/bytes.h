// Byte buffers and the integer encodings shared by the file formats we write:
// little/big-endian fixed width, unsigned LEB128 varints and zigzag (Thrift compact, Avro).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pg2iceberg {

using Bytes = std::vector<std::byte>;
using ByteSpan = std::span<const std::byte>;

inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline std::string_view AsStringView(ByteSpan b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// An append-only byte buffer with typed writers. Owns its storage.
class ByteWriter {
 public:
  void Append(ByteSpan data) { buffer_.insert(buffer_.end(), data.begin(), data.end()); }
  void Append(std::string_view data) { Append(AsBytes(data)); }
  void AppendByte(uint8_t b) { buffer_.push_back(static_cast<std::byte>(b)); }

  template <typename T>
  void AppendLittleEndian(T value) {
    static_assert(std::is_integral_v<T>);
    for (size_t i = 0; i < sizeof(T); ++i)
      AppendByte(static_cast<uint8_t>(uint64_t(value) >> (8 * i)));
  }
  template <typename T>
  void AppendBigEndian(T value) {
    static_assert(std::is_integral_v<T>);
    for (size_t i = sizeof(T); i > 0; --i)
      AppendByte(static_cast<uint8_t>(uint64_t(value) >> (8 * (i - 1))));
  }
  void AppendFloatLittleEndian(float value) {
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    AppendLittleEndian(bits);
  }
  void AppendDoubleLittleEndian(double value) {
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    AppendLittleEndian(bits);
  }
  // Unsigned LEB128.
  void AppendVarint(uint64_t value) {
    while (value >= 0x80) {
      AppendByte(static_cast<uint8_t>(value | 0x80));
      value >>= 7;
    }
    AppendByte(static_cast<uint8_t>(value));
  }
  void AppendZigZag(int64_t value) {
    AppendVarint((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
  }

  size_t size() const { return buffer_.size(); }
  const Bytes& bytes() const { return buffer_; }
  Bytes& mutable_bytes() { return buffer_; }
  Bytes Release() { return std::move(buffer_); }
  void Clear() { buffer_.clear(); }

 private:
  Bytes buffer_;
};

// Reads big-endian integers from a span without bounds surprises: callers check remaining().
class ByteReader {
 public:
  explicit ByteReader(ByteSpan data) : data_(data) {}
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  // Each reader returns false when fewer bytes remain than requested.
  bool ReadBigEndian16(int16_t* out);
  bool ReadBigEndian32(int32_t* out);
  bool ReadBigEndian64(int64_t* out);
  bool ReadBytes(size_t n, ByteSpan* out);

 private:
  ByteSpan data_;
  size_t pos_ = 0;
};

inline bool ByteReader::ReadBytes(size_t n, ByteSpan* out) {
  if (remaining() < n) return false;
  *out = data_.subspan(pos_, n);
  pos_ += n;
  return true;
}
inline bool ByteReader::ReadBigEndian16(int16_t* out) {
  ByteSpan b;
  if (!ReadBytes(2, &b)) return false;
  *out = static_cast<int16_t>((uint16_t(b[0]) << 8) | uint16_t(b[1]));
  return true;
}
inline bool ByteReader::ReadBigEndian32(int32_t* out) {
  ByteSpan b;
  if (!ReadBytes(4, &b)) return false;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | uint32_t(b[i]);
  *out = static_cast<int32_t>(v);
  return true;
}
inline bool ByteReader::ReadBigEndian64(int64_t* out) {
  ByteSpan b;
  if (!ReadBytes(8, &b)) return false;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | uint64_t(b[i]);
  *out = static_cast<int64_t>(v);
  return true;
}

}  // namespace pg2iceberg
