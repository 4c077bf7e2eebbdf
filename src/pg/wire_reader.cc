#include "pg/wire_reader.h"

namespace pg2iceberg::pg {

std::string DescribeTypeByte(uint8_t type) {
  if (type >= 0x20 && type < 0x7f) return std::string("'") + static_cast<char>(type) + "'";
  constexpr char kHex[] = "0123456789abcdef";
  return std::string("0x") + kHex[type >> 4] + kHex[type & 0xf];
}

Status WireReader::Malformed(std::string_view detail) const {
  return Status::DataLoss("malformed " + std::string(what_) + ": " + std::string(detail));
}

Result<uint64_t> WireReader::BigEndian(size_t n) {
  ASSIGN_OR_RETURN(const ByteSpan bytes, Take(n));
  uint64_t value = 0;
  for (std::byte b : bytes) value = (value << 8) | static_cast<uint8_t>(b);
  return value;
}

Result<uint8_t> WireReader::U8() {
  ASSIGN_OR_RETURN(const uint64_t value, BigEndian(1));
  return static_cast<uint8_t>(value);
}

Result<int16_t> WireReader::I16() {
  ASSIGN_OR_RETURN(const uint64_t value, BigEndian(2));
  return static_cast<int16_t>(static_cast<uint16_t>(value));
}

Result<int32_t> WireReader::I32() {
  ASSIGN_OR_RETURN(const uint64_t value, BigEndian(4));
  return static_cast<int32_t>(static_cast<uint32_t>(value));
}

Result<uint32_t> WireReader::U32() {
  ASSIGN_OR_RETURN(const uint64_t value, BigEndian(4));
  return static_cast<uint32_t>(value);
}

Result<int64_t> WireReader::I64() {
  ASSIGN_OR_RETURN(const uint64_t value, BigEndian(8));
  return static_cast<int64_t>(value);
}

Result<uint64_t> WireReader::U64() { return BigEndian(8); }

Result<std::string> WireReader::CString() {
  const std::string_view text = AsStringView(data_.subspan(position_));
  const size_t end = text.find('\0');
  if (end == std::string_view::npos) return Malformed("truncated (string without terminator)");
  position_ += end + 1;
  return std::string(text.substr(0, end));
}

Result<ByteSpan> WireReader::Take(size_t n) {
  if (remaining() < n) return Malformed("truncated");
  const ByteSpan out = data_.subspan(position_, n);
  position_ += n;
  return out;
}

ByteSpan WireReader::Rest() {
  const ByteSpan out = data_.subspan(position_);
  position_ = data_.size();
  return out;
}

Status WireReader::ExpectEnd() const {
  if (remaining() == 0) return Status::Ok();
  return Malformed(std::to_string(remaining()) + " unexpected trailing bytes");
}

}  // namespace pg2iceberg::pg
