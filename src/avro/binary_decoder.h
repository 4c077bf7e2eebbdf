// Avro binary decoding of primitive values and of block framing, over a borrowed byte span.
// Every method checks the bytes it consumes: truncated or malformed input (an over-long varint,
// a boolean byte other than 0/1, a negative length, a length past the end) yields kDataLoss and
// never reads out of bounds. The span must outlive the decoder; returned string_views and spans
// point into it. Not thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::avro {

class Decoder {
 public:
  explicit Decoder(ByteSpan data) : data_(data) {}

  Result<bool> ReadBoolean();
  // kDataLoss when the value does not fit 32 bits.
  Result<int32_t> ReadInt();
  Result<int64_t> ReadLong();
  Result<float> ReadFloat();
  Result<double> ReadDouble();
  Result<ByteSpan> ReadBytes();
  Result<std::string_view> ReadString();
  Result<ByteSpan> ReadFixed(size_t size);
  Result<int32_t> ReadEnum() { return ReadInt(); }
  Result<int64_t> ReadUnionIndex() { return ReadLong(); }
  // The item count of the next array or map block; 0 marks the end. A negative count on the
  // wire (followed by the block's byte size) is returned as its absolute value.
  Result<int64_t> ReadBlockCount();

  size_t remaining() const { return data_.size() - position_; }
  size_t position() const { return position_; }
  bool AtEnd() const { return remaining() == 0; }

 private:
  Result<uint64_t> ReadVarint();
  Result<ByteSpan> Take(size_t n);

  ByteSpan data_;
  size_t position_ = 0;
};

}  // namespace pg2iceberg::avro
