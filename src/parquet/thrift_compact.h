// A Thrift compact-protocol encoder: the wire format of Parquet's footer and page headers.
//
// Only writing is supported, and only the shapes Parquet uses: structs, unions (a struct with
// exactly one field set), lists, and the scalar types bool, i8, i16, i32, i64, double and
// binary/string. Maps and sets are absent.
//
// Wire format (Thrift compact protocol):
//   field header: one byte (delta << 4) | type when 0 < delta <= 15, where delta is the field
//                 id minus the previous field id of the same struct; else the type byte followed
//                 by the field id as a zigzag varint.
//   bool field:   no payload; the header's type is 1 (true) or 2 (false).
//   i8:           one byte.  i16/i32/i64: zigzag varint.  double: 8 bytes little-endian.
//   binary:       unsigned varint length, then the bytes.
//   list:         one byte (size << 4) | element type when size < 15; else 0xF0 | element type
//                 followed by the size as an unsigned varint. Elements follow without headers.
//   struct:       its fields, then a stop byte 0x00.
//
// Usage: the caller mirrors the Thrift IDL by hand, e.g.
//   ThriftCompactWriter w(&out);
//   w.BeginStruct();
//   w.FieldI32(1, version);
//   w.FieldListBegin(2, ThriftType::kStruct, n);
//   for (...) { w.BeginStruct(); ...; w.EndStruct(); }
//   w.EndStruct();
// Fields of one struct must be written in increasing id order (the encoding would still be
// valid otherwise, but Parquet readers expect it and deltas stay one byte). Misuse (unbalanced
// structs, ids out of order) is a bug and CHECK-fails.
//
// Not thread-safe. Borrows `out`, which must outlive the writer.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/bytes.h"

namespace pg2iceberg::parquet {

// Compact-protocol type codes as they appear on the wire.
enum class ThriftType : uint8_t {
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class ThriftCompactWriter {
 public:
  explicit ThriftCompactWriter(ByteWriter* out) : out_(out) {}
  ~ThriftCompactWriter();

  // Opens a struct at top level or as a list element. Pair with EndStruct.
  void BeginStruct();
  // Writes the stop byte and returns to the enclosing struct's field numbering.
  void EndStruct();

  void FieldBool(int16_t id, bool value);
  void FieldI8(int16_t id, int8_t value);
  void FieldI16(int16_t id, int16_t value);
  void FieldI32(int16_t id, int32_t value);
  void FieldI64(int16_t id, int64_t value);
  void FieldDouble(int16_t id, double value);
  void FieldBinary(int16_t id, ByteSpan value);
  void FieldString(int16_t id, std::string_view value) { FieldBinary(id, AsBytes(value)); }
  // Writes a struct-typed field's header and opens the struct. Pair with EndStruct.
  void FieldStructBegin(int16_t id);
  // Writes a list-typed field's header; the caller then writes exactly `size` elements with
  // the element writers below (or BeginStruct/EndStruct for struct elements).
  void FieldListBegin(int16_t id, ThriftType element_type, uint32_t size);

  // List elements (no field header).
  void ElementI32(int32_t value) { out_->AppendZigZag(value); }
  void ElementI64(int64_t value) { out_->AppendZigZag(value); }
  void ElementBinary(ByteSpan value);
  void ElementString(std::string_view value) { ElementBinary(AsBytes(value)); }

 private:
  void FieldHeader(int16_t id, ThriftType type);

  ByteWriter* out_;
  // Last field id written in each open struct; back() is the innermost.
  std::vector<int16_t> last_field_ids_;
};

}  // namespace pg2iceberg::parquet
