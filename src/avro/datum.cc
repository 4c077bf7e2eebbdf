#include "avro/datum.h"

#include <utility>

namespace pg2iceberg::avro {
namespace {

Datum Scalar(Kind kind) {
  Datum datum;
  datum.kind = kind;
  return datum;
}

Datum WithInteger(Kind kind, int64_t value) {
  Datum datum = Scalar(kind);
  datum.integer = value;
  return datum;
}

Datum WithBytes(Kind kind, std::string value) {
  Datum datum = Scalar(kind);
  datum.bytes = std::move(value);
  return datum;
}

Datum WithChildren(Kind kind, std::vector<Datum> children) {
  Datum datum = Scalar(kind);
  datum.children = std::move(children);
  return datum;
}

}  // namespace

Datum Datum::Boolean(bool value) {
  Datum datum = Scalar(Kind::kBoolean);
  datum.boolean = value;
  return datum;
}

Datum Datum::Int(int32_t value) { return WithInteger(Kind::kInt, value); }
Datum Datum::Long(int64_t value) { return WithInteger(Kind::kLong, value); }
Datum Datum::Enum(int32_t index) { return WithInteger(Kind::kEnum, index); }

Datum Datum::Float(float value) {
  Datum datum = Scalar(Kind::kFloat);
  datum.real = value;
  return datum;
}

Datum Datum::Double(double value) {
  Datum datum = Scalar(Kind::kDouble);
  datum.real = value;
  return datum;
}

Datum Datum::String(std::string_view value) { return WithBytes(Kind::kString, std::string(value)); }
Datum Datum::Bytes(ByteSpan value) {
  return WithBytes(Kind::kBytes, std::string(AsStringView(value)));
}
Datum Datum::Fixed(ByteSpan value) {
  return WithBytes(Kind::kFixed, std::string(AsStringView(value)));
}

Datum Datum::Record(std::vector<Datum> fields) {
  return WithChildren(Kind::kRecord, std::move(fields));
}
Datum Datum::Array(std::vector<Datum> items) {
  return WithChildren(Kind::kArray, std::move(items));
}

Datum Datum::Map(std::vector<std::string> keys, std::vector<Datum> values) {
  Datum datum = WithChildren(Kind::kMap, std::move(values));
  datum.keys = std::move(keys);
  return datum;
}

Datum Datum::Union(int64_t branch, Datum value) {
  Datum datum = WithInteger(Kind::kUnion, branch);
  datum.children.push_back(std::move(value));
  return datum;
}

const Datum* Datum::NonNull() const {
  const Datum* value = this;
  if (kind == Kind::kUnion) value = children.empty() ? nullptr : &children[0];
  return value == nullptr || value->kind == Kind::kNull ? nullptr : value;
}

}  // namespace pg2iceberg::avro
