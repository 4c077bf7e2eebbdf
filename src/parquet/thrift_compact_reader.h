// A Thrift compact-protocol decoder (the reading side of thrift_compact.h, whose header
// describes the wire format) over untrusted bytes.
//
// Every read is bounds-checked: running past the end, a varint longer than its type, a list
// or binary longer than the bytes that remain, or structs nested deeper than kMaxDepth yield
// kDataLoss naming `what` (the file part being decoded, e.g. "parquet footer"), never a crash.
// Unknown fields are skipped with Skip, so files from writers that set more fields than
// pg2iceberg does decode the same.
//
// Usage: mirror the IDL by hand:
//   ThriftCompactReader r(bytes, "parquet footer");
//   r.BeginStruct();
//   for (;;) {
//     ASSIGN_OR_RETURN(ThriftField f, r.ReadFieldHeader());
//     if (f.stop) break;
//     switch (f.id) { case 1: ASSIGN_OR_RETURN(x, r.ReadI32()); break; default: r.Skip(f.type) }
//   }
//   r.EndStruct();
// Borrows the bytes, which must outlive the reader. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "parquet/thrift_compact.h"

namespace pg2iceberg::parquet {

struct ThriftField {
  bool stop = false;
  int16_t id = 0;
  ThriftType type = ThriftType::kStruct;  // kBoolTrue/kBoolFalse carry a bool field's value
};

struct ThriftList {
  ThriftType element_type = ThriftType::kStruct;
  uint32_t size = 0;  // at most the bytes remaining (every element takes at least one)
};

class ThriftCompactReader {
 public:
  static constexpr int kMaxDepth = 32;

  ThriftCompactReader(ByteSpan data, std::string what) : data_(data), what_(std::move(what)) {}

  // Bytes consumed so far.
  size_t position() const { return pos_; }

  // Opens a struct (top level, struct field or list element); pair with EndStruct after the
  // stop field. kDataLoss beyond kMaxDepth.
  Status BeginStruct();
  void EndStruct();

  Result<ThriftField> ReadFieldHeader();
  Result<ThriftList> ReadListHeader();
  // A bool field's value is in its header; a bool list element is one byte.
  static bool FieldBool(const ThriftField& field) { return field.type == ThriftType::kBoolTrue; }
  Result<int8_t> ReadByte();
  Result<int16_t> ReadI16();
  Result<int32_t> ReadI32();
  Result<int64_t> ReadI64();
  Result<double> ReadDouble();
  // The bytes of a binary/string, borrowed from the input.
  Result<ByteSpan> ReadBinary();
  Result<std::string> ReadString();

  // Skips one value of `type` (a whole struct or list included).
  Status Skip(ThriftType type);

  // kDataLoss "<what>: <problem> at byte N".
  Status Corrupt(std::string_view problem) const;

 private:
  Result<uint64_t> ReadVarint(int max_bytes);
  Status SkipStructFields();

  ByteSpan data_;
  std::string what_;
  size_t pos_ = 0;
  std::vector<int16_t> last_field_ids_;
};

}  // namespace pg2iceberg::parquet
