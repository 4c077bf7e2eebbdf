#include "avro/binary_decoder.h"

#include <cstring>
#include <limits>
#include <string>

namespace pg2iceberg::avro {
namespace {

constexpr int kMaxVarintBytes = 10;  // ceil(64 / 7)

Status Truncated(std::string_view what) {
  return Status::DataLoss("avro: truncated " + std::string(what));
}

}  // namespace

Result<ByteSpan> Decoder::Take(size_t n) {
  if (remaining() < n) return Truncated("value");
  ByteSpan out = data_.subspan(position_, n);
  position_ += n;
  return out;
}

Result<uint64_t> Decoder::ReadVarint() {
  uint64_t value = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (AtEnd()) return Truncated("varint");
    const uint8_t byte = static_cast<uint8_t>(data_[position_++]);
    // The tenth byte holds only the top bit of a 64-bit value.
    if (i == kMaxVarintBytes - 1 && byte > 1)
      return Status::DataLoss("avro: varint overflows 64 bits");
    value |= uint64_t(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return value;
  }
  return Status::DataLoss("avro: varint longer than 10 bytes");
}

Result<int64_t> Decoder::ReadLong() {
  ASSIGN_OR_RETURN(const uint64_t raw, ReadVarint());
  return static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
}

Result<int32_t> Decoder::ReadInt() {
  ASSIGN_OR_RETURN(const int64_t value, ReadLong());
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
    return Status::DataLoss("avro: int value " + std::to_string(value) + " out of range");
  }
  return static_cast<int32_t>(value);
}

Result<bool> Decoder::ReadBoolean() {
  ASSIGN_OR_RETURN(const ByteSpan b, Take(1));
  const uint8_t byte = static_cast<uint8_t>(b[0]);
  if (byte > 1) return Status::DataLoss("avro: boolean byte " + std::to_string(byte));
  return byte == 1;
}

Result<float> Decoder::ReadFloat() {
  ASSIGN_OR_RETURN(const ByteSpan b, Take(4));
  uint32_t bits = 0;
  for (int i = 3; i >= 0; --i) bits = (bits << 8) | uint32_t(b[i]);
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

Result<double> Decoder::ReadDouble() {
  ASSIGN_OR_RETURN(const ByteSpan b, Take(8));
  uint64_t bits = 0;
  for (int i = 7; i >= 0; --i) bits = (bits << 8) | uint64_t(b[i]);
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

Result<ByteSpan> Decoder::ReadBytes() {
  ASSIGN_OR_RETURN(const int64_t length, ReadLong());
  if (length < 0) return Status::DataLoss("avro: negative length " + std::to_string(length));
  if (static_cast<uint64_t>(length) > remaining()) return Truncated("bytes");
  return Take(static_cast<size_t>(length));
}

Result<std::string_view> Decoder::ReadString() {
  ASSIGN_OR_RETURN(const ByteSpan b, ReadBytes());
  return AsStringView(b);
}

Result<ByteSpan> Decoder::ReadFixed(size_t size) { return Take(size); }

Result<int64_t> Decoder::ReadBlockCount() {
  ASSIGN_OR_RETURN(const int64_t count, ReadLong());
  if (count >= 0) return count;
  if (count == std::numeric_limits<int64_t>::min()) {
    return Status::DataLoss("avro: block count out of range");
  }
  ASSIGN_OR_RETURN(const int64_t byte_size, ReadLong());
  if (byte_size < 0 || static_cast<uint64_t>(byte_size) > remaining()) {
    return Status::DataLoss("avro: block byte size " + std::to_string(byte_size) + " invalid");
  }
  return -count;
}

}  // namespace pg2iceberg::avro
