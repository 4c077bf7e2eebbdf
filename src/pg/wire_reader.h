// WireReader: reads the big-endian fields of PostgreSQL protocol messages (the walsender
// framing, pgoutput). Every read past the end is kDataLoss naming the message, so decoders
// never index outside their input. Borrows the bytes it reads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::pg {

class WireReader {
 public:
  // `what` names the message in errors ("pgoutput Insert message"); it must outlive the reader.
  WireReader(ByteSpan data, std::string_view what) : data_(data), what_(what) {}

  Result<uint8_t> U8();
  Result<int16_t> I16();
  Result<int32_t> I32();
  Result<uint32_t> U32();
  Result<int64_t> I64();
  Result<uint64_t> U64();
  // A NUL-terminated string (the terminator is consumed, not returned).
  Result<std::string> CString();
  Result<ByteSpan> Take(size_t n);
  // Everything not read yet (which is then read).
  ByteSpan Rest();
  // kDataLoss when bytes are left over.
  Status ExpectEnd() const;
  // kDataLoss "malformed <what>: <detail>".
  Status Malformed(std::string_view detail) const;

  size_t remaining() const { return data_.size() - position_; }

 private:
  // The next `n` bytes as an unsigned big-endian integer; kDataLoss when fewer remain.
  Result<uint64_t> BigEndian(size_t n);

  ByteSpan data_;
  size_t position_ = 0;
  std::string_view what_;
};

// A message type byte for errors: 'w' when printable ASCII, else 0x1f.
std::string DescribeTypeByte(uint8_t type);

}  // namespace pg2iceberg::pg
