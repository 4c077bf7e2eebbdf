// Datum: one Avro value as a tree, shaped by a Schema, and its schema-driven binary encoding.
// Used where values are few and structured (manifests, headers), not for bulk data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "avro/binary_decoder.h"
#include "avro/binary_encoder.h"
#include "avro/schema.h"
#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::avro {

struct Datum {
  // Which members hold the value:
  //   kNull: none             kBoolean: boolean        kInt, kLong, kEnum: integer
  //   kFloat, kDouble: real   kString, kBytes, kFixed: bytes (raw bytes in a std::string)
  //   kRecord: children, one per field, in field order
  //   kArray: children        kMap: keys[i] → children[i]
  //   kUnion: integer is the branch index, children[0] the branch's value
  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  std::string bytes;
  std::vector<std::string> keys;
  std::vector<Datum> children;

  bool operator==(const Datum&) const = default;

  static Datum Null() { return Datum{}; }
  static Datum Boolean(bool value);
  static Datum Int(int32_t value);
  static Datum Long(int64_t value);
  static Datum Float(float value);
  static Datum Double(double value);
  static Datum String(std::string_view value);
  static Datum Bytes(ByteSpan value);
  static Datum Fixed(ByteSpan value);
  static Datum Enum(int32_t index);
  static Datum Record(std::vector<Datum> fields);
  static Datum Array(std::vector<Datum> items);
  static Datum Map(std::vector<std::string> keys, std::vector<Datum> values);
  static Datum Union(int64_t branch, Datum value);

  // For a union: its value, or nullptr when the value is null. For anything else: itself, or
  // nullptr when it is null.
  const Datum* NonNull() const;
};

// Appends the binary encoding of `datum` as an instance of `schema`. Arrays and maps are
// written as one block. kInvalidArgument when the datum does not match the schema (kind,
// field count, enum symbol, union branch, fixed size, an int out of 32-bit range); nothing
// useful is left in `encoder` then.
Status EncodeDatum(const Schema& schema, const Datum& datum, Encoder& encoder);

// Reads one instance of `schema`. kDataLoss on malformed or truncated bytes, an enum or union
// index outside the schema, or an array/map block count that the remaining bytes cannot hold.
Result<Datum> DecodeDatum(const Schema& schema, Decoder& decoder);

}  // namespace pg2iceberg::avro
