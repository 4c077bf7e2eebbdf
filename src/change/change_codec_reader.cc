// CodecReader: the primitives of change_codec.h's decoding half.
#include "change/change_codec.h"

namespace pg2iceberg::change {
namespace {

constexpr size_t kMaxVarintBytes = 10;

}  // namespace

Status CodecReader::Corrupt(std::string_view message) const {
  return Status::DataLoss(context_ + ": " + std::string(message) + " at byte " +
                          std::to_string(position_));
}

Result<ByteSpan> CodecReader::ReadBytes(size_t n, std::string_view what) {
  if (remaining() < n) {
    return Corrupt("truncated " + std::string(what) + " (needs " + std::to_string(n) + " bytes, " +
                   std::to_string(remaining()) + " left)");
  }
  ByteSpan out = data_.subspan(position_, n);
  position_ += n;
  return out;
}

Result<uint64_t> CodecReader::ReadLittleEndian(size_t width, std::string_view what) {
  ASSIGN_OR_RETURN(ByteSpan bytes, ReadBytes(width, what));
  uint64_t value = 0;
  for (size_t i = width; i > 0; --i) value = (value << 8) | static_cast<uint8_t>(bytes[i - 1]);
  return value;
}

Result<uint8_t> CodecReader::ReadU8(std::string_view what) {
  ASSIGN_OR_RETURN(uint64_t value, ReadLittleEndian(1, what));
  return static_cast<uint8_t>(value);
}
Result<uint16_t> CodecReader::ReadU16(std::string_view what) {
  ASSIGN_OR_RETURN(uint64_t value, ReadLittleEndian(2, what));
  return static_cast<uint16_t>(value);
}
Result<uint32_t> CodecReader::ReadU32(std::string_view what) {
  ASSIGN_OR_RETURN(uint64_t value, ReadLittleEndian(4, what));
  return static_cast<uint32_t>(value);
}
Result<uint64_t> CodecReader::ReadU64(std::string_view what) { return ReadLittleEndian(8, what); }

Result<uint64_t> CodecReader::ReadVarint(std::string_view what) {
  uint64_t value = 0;
  for (size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (position_ >= data_.size()) return Corrupt("truncated " + std::string(what));
    const auto byte = static_cast<uint8_t>(data_[position_++]);
    if (i == kMaxVarintBytes - 1 && byte > 1) {
      return Corrupt(std::string(what) + " varint overflows 64 bits");
    }
    value |= static_cast<uint64_t>(byte & 0x7F) << (7 * i);
    if ((byte & 0x80) == 0) return value;
  }
  return Corrupt(std::string(what) + " varint longer than 10 bytes");
}

Result<int64_t> CodecReader::ReadZigZag(std::string_view what) {
  ASSIGN_OR_RETURN(uint64_t encoded, ReadVarint(what));
  return static_cast<int64_t>((encoded >> 1) ^ (~(encoded & 1) + 1));
}

Result<std::string> CodecReader::ReadString(std::string_view what) {
  ASSIGN_OR_RETURN(uint64_t length, ReadCount(std::string(what) + " length", 1));
  ASSIGN_OR_RETURN(ByteSpan bytes, ReadBytes(length, what));
  return std::string(AsStringView(bytes));
}

Result<uint64_t> CodecReader::ReadCount(std::string_view what, size_t min_item_bytes) {
  ASSIGN_OR_RETURN(uint64_t count, ReadVarint(what));
  if (count > remaining() / min_item_bytes) {
    return Corrupt(std::string(what) + " " + std::to_string(count) + " exceeds the " +
                   std::to_string(remaining()) + " bytes left");
  }
  return count;
}

}  // namespace pg2iceberg::change
