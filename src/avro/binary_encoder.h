// Avro binary encoding (Avro 1.11 specification, "Binary Encoding") of primitive values and of
// the framing of complex ones. The caller walks its schema and calls these in schema order; the
// encoder itself knows no schema. Not thread-safe; one per writer.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/bytes.h"

namespace pg2iceberg::avro {

class Encoder {
 public:
  // null is zero bytes.
  void WriteNull() {}
  void WriteBoolean(bool value) { out_.AppendByte(value ? 1 : 0); }
  // int and long: zigzag, then unsigned LEB128 varint.
  void WriteInt(int32_t value) { out_.AppendZigZag(value); }
  void WriteLong(int64_t value) { out_.AppendZigZag(value); }
  // IEEE 754, little-endian.
  void WriteFloat(float value) { out_.AppendFloatLittleEndian(value); }
  void WriteDouble(double value) { out_.AppendDoubleLittleEndian(value); }
  // bytes and string: a long length, then the bytes. Strings are UTF-8 (not validated here).
  void WriteBytes(ByteSpan value);
  void WriteString(std::string_view value) { WriteBytes(AsBytes(value)); }
  // fixed: the bytes alone; the schema carries the size.
  void WriteFixed(ByteSpan value) { out_.Append(value); }
  // enum: the zero-based symbol index as an int.
  void WriteEnum(int32_t index) { out_.AppendZigZag(index); }
  // union: the zero-based branch index as a long, then the value of that branch.
  void WriteUnionIndex(int64_t branch) { out_.AppendZigZag(branch); }
  // Arrays and maps are a series of blocks: a positive item count followed by that many items
  // (map items are a string key then the value), ended by a zero count. Writers of one block
  // call WriteBlockCount(n) (skipped when n == 0), the items, then WriteEndOfBlocks().
  void WriteBlockCount(int64_t count) { out_.AppendZigZag(count); }
  void WriteEndOfBlocks() { out_.AppendByte(0); }
  // A record is its fields' encodings concatenated, so it needs no call of its own.

  size_t size() const { return out_.size(); }
  const Bytes& bytes() const { return out_.bytes(); }
  Bytes Release() { return out_.Release(); }
  void Clear() { out_.Clear(); }

 private:
  ByteWriter out_;
};

}  // namespace pg2iceberg::avro
