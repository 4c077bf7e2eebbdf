// DecodeDatum of datum.h: reads one value with the writer's schema, bounds-checked throughout.
#include <string>

#include "avro/datum.h"

namespace pg2iceberg::avro {
namespace {

// Items that may encode to zero bytes are not bounded by the remaining input; cap them so a
// corrupt count cannot make us loop or allocate without end.
constexpr uint64_t kMaxEmptyItems = uint64_t{1} << 20;

// `count` more items after `decoded` ones: each item of at least one byte must fit in what
// remains, and items that may be empty are capped in total.
Status CheckBlockCount(const Schema& item, uint64_t count, uint64_t decoded,
                       const Decoder& decoder) {
  const bool fits =
      item.CanEncodeEmpty() ? count <= kMaxEmptyItems - decoded : count <= decoder.remaining();
  if (fits) return Status::Ok();
  return Status::DataLoss("avro: block count " + std::to_string(count) +
                          " exceeds what the remaining bytes can hold");
}

Result<Datum> DecodeItems(const Schema& schema, Decoder& decoder) {
  Datum datum;
  datum.kind = schema.kind;
  const Schema& item = schema.children[0];
  while (true) {
    ASSIGN_OR_RETURN(const int64_t count, decoder.ReadBlockCount());
    if (count == 0) return datum;
    RETURN_IF_ERROR(CheckBlockCount(item, uint64_t(count), datum.children.size(), decoder));
    for (int64_t i = 0; i < count; ++i) {
      if (schema.kind == Kind::kMap) {
        ASSIGN_OR_RETURN(std::string_view key, decoder.ReadString());
        datum.keys.emplace_back(key);
      }
      ASSIGN_OR_RETURN(Datum value, DecodeDatum(item, decoder));
      datum.children.push_back(std::move(value));
    }
  }
}

Result<Datum> DecodeRecord(const Schema& schema, Decoder& decoder) {
  std::vector<Datum> fields;
  fields.reserve(schema.fields.size());
  for (const Field& field : schema.fields) {
    Result<Datum> value = DecodeDatum(field.type, decoder);
    if (!value.ok()) return value.status().WithContext("field " + field.name);
    fields.push_back(std::move(value).value());
  }
  return Datum::Record(std::move(fields));
}

Result<Datum> DecodeUnion(const Schema& schema, Decoder& decoder) {
  ASSIGN_OR_RETURN(const int64_t branch, decoder.ReadUnionIndex());
  if (branch < 0 || branch >= int64_t(schema.children.size())) {
    return Status::DataLoss("avro: union branch " + std::to_string(branch) + " out of range");
  }
  ASSIGN_OR_RETURN(Datum value, DecodeDatum(schema.children[branch], decoder));
  return Datum::Union(branch, std::move(value));
}

Result<Datum> DecodeEnum(const Schema& schema, Decoder& decoder) {
  ASSIGN_OR_RETURN(const int32_t index, decoder.ReadEnum());
  if (index < 0 || index >= int64_t(schema.symbols.size())) {
    return Status::DataLoss("avro: enum index " + std::to_string(index) + " out of range");
  }
  return Datum::Enum(index);
}

}  // namespace

Result<Datum> DecodeDatum(const Schema& schema, Decoder& decoder) {
  switch (schema.kind) {
    case Kind::kNull:
      return Datum::Null();
    case Kind::kBoolean: {
      ASSIGN_OR_RETURN(const bool value, decoder.ReadBoolean());
      return Datum::Boolean(value);
    }
    case Kind::kInt: {
      ASSIGN_OR_RETURN(const int32_t value, decoder.ReadInt());
      return Datum::Int(value);
    }
    case Kind::kLong: {
      ASSIGN_OR_RETURN(const int64_t value, decoder.ReadLong());
      return Datum::Long(value);
    }
    case Kind::kFloat: {
      ASSIGN_OR_RETURN(const float value, decoder.ReadFloat());
      return Datum::Float(value);
    }
    case Kind::kDouble: {
      ASSIGN_OR_RETURN(const double value, decoder.ReadDouble());
      return Datum::Double(value);
    }
    case Kind::kString: {
      ASSIGN_OR_RETURN(const std::string_view value, decoder.ReadString());
      return Datum::String(value);
    }
    case Kind::kBytes: {
      ASSIGN_OR_RETURN(const ByteSpan value, decoder.ReadBytes());
      return Datum::Bytes(value);
    }
    case Kind::kFixed: {
      ASSIGN_OR_RETURN(const ByteSpan value, decoder.ReadFixed(size_t(schema.fixed_size)));
      return Datum::Fixed(value);
    }
    case Kind::kEnum:
      return DecodeEnum(schema, decoder);
    case Kind::kRecord:
      return DecodeRecord(schema, decoder);
    case Kind::kArray:
    case Kind::kMap:
      return DecodeItems(schema, decoder);
    case Kind::kUnion:
      return DecodeUnion(schema, decoder);
  }
  return Status::Internal("avro: unknown schema kind");
}

}  // namespace pg2iceberg::avro
