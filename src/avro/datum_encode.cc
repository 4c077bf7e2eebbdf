// EncodeDatum of datum.h: checks each value against its schema, then writes it.
#include <limits>
#include <string>

#include "avro/datum.h"

namespace pg2iceberg::avro {
namespace {

Status Mismatch(const Schema& schema, std::string_view what) {
  return Status::InvalidArgument("avro datum does not match " + std::string(KindName(schema.kind)) +
                                 (schema.name.empty() ? "" : " " + schema.name) + ": " +
                                 std::string(what));
}

Status EncodeInteger(const Schema& schema, const Datum& datum, Encoder& encoder) {
  if (schema.kind == Kind::kLong) {
    encoder.WriteLong(datum.integer);
    return Status::Ok();
  }
  const int64_t upper = schema.kind == Kind::kEnum ? int64_t(schema.symbols.size()) - 1
                                                   : std::numeric_limits<int32_t>::max();
  const int64_t lower = schema.kind == Kind::kEnum ? 0 : std::numeric_limits<int32_t>::min();
  if (datum.integer < lower || datum.integer > upper) {
    return Mismatch(schema, "value " + std::to_string(datum.integer) + " out of range");
  }
  encoder.WriteInt(static_cast<int32_t>(datum.integer));
  return Status::Ok();
}

Status EncodeRecord(const Schema& schema, const Datum& datum, Encoder& encoder) {
  if (datum.children.size() != schema.fields.size()) {
    return Mismatch(schema, std::to_string(datum.children.size()) + " values for " +
                                std::to_string(schema.fields.size()) + " fields");
  }
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    Status status = EncodeDatum(schema.fields[i].type, datum.children[i], encoder);
    if (!status.ok()) return status.WithContext("field " + schema.fields[i].name);
  }
  return Status::Ok();
}

Status EncodeItems(const Schema& schema, const Datum& datum, Encoder& encoder) {
  const bool is_map = schema.kind == Kind::kMap;
  if (is_map && datum.keys.size() != datum.children.size()) {
    return Mismatch(schema, "key and value counts differ");
  }
  if (!datum.children.empty()) encoder.WriteBlockCount(int64_t(datum.children.size()));
  for (size_t i = 0; i < datum.children.size(); ++i) {
    if (is_map) encoder.WriteString(datum.keys[i]);
    RETURN_IF_ERROR(EncodeDatum(schema.children[0], datum.children[i], encoder));
  }
  encoder.WriteEndOfBlocks();
  return Status::Ok();
}

Status EncodeUnion(const Schema& schema, const Datum& datum, Encoder& encoder) {
  if (datum.integer < 0 || datum.integer >= int64_t(schema.children.size()) ||
      datum.children.size() != 1) {
    return Mismatch(schema, "branch " + std::to_string(datum.integer) + " invalid");
  }
  encoder.WriteUnionIndex(datum.integer);
  return EncodeDatum(schema.children[datum.integer], datum.children[0], encoder);
}

}  // namespace

Status EncodeDatum(const Schema& schema, const Datum& datum, Encoder& encoder) {
  if (datum.kind != schema.kind) {
    return Mismatch(schema, "got a " + std::string(KindName(datum.kind)) + " value");
  }
  switch (schema.kind) {
    case Kind::kNull:
      encoder.WriteNull();
      return Status::Ok();
    case Kind::kBoolean:
      encoder.WriteBoolean(datum.boolean);
      return Status::Ok();
    case Kind::kInt:
    case Kind::kLong:
    case Kind::kEnum:
      return EncodeInteger(schema, datum, encoder);
    case Kind::kFloat:
      encoder.WriteFloat(static_cast<float>(datum.real));
      return Status::Ok();
    case Kind::kDouble:
      encoder.WriteDouble(datum.real);
      return Status::Ok();
    case Kind::kString:
      encoder.WriteString(datum.bytes);
      return Status::Ok();
    case Kind::kBytes:
      encoder.WriteBytes(AsBytes(datum.bytes));
      return Status::Ok();
    case Kind::kFixed:
      if (int64_t(datum.bytes.size()) != schema.fixed_size) return Mismatch(schema, "wrong size");
      encoder.WriteFixed(AsBytes(datum.bytes));
      return Status::Ok();
    case Kind::kRecord:
      return EncodeRecord(schema, datum, encoder);
    case Kind::kArray:
    case Kind::kMap:
      return EncodeItems(schema, datum, encoder);
    case Kind::kUnion:
      return EncodeUnion(schema, datum, encoder);
  }
  return Mismatch(schema, "unknown kind");
}

}  // namespace pg2iceberg::avro
