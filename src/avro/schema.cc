#include "avro/schema.h"

#include <algorithm>
#include <utility>

#include "base/check.h"

namespace pg2iceberg::avro {

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBoolean:
      return "boolean";
    case Kind::kInt:
      return "int";
    case Kind::kLong:
      return "long";
    case Kind::kFloat:
      return "float";
    case Kind::kDouble:
      return "double";
    case Kind::kBytes:
      return "bytes";
    case Kind::kString:
      return "string";
    case Kind::kRecord:
      return "record";
    case Kind::kEnum:
      return "enum";
    case Kind::kArray:
      return "array";
    case Kind::kMap:
      return "map";
    case Kind::kUnion:
      return "union";
    case Kind::kFixed:
      return "fixed";
  }
  CHECK_MSG(false, "unknown avro kind");
  return "";
}

Schema Schema::Primitive(Kind kind) {
  Schema schema;
  schema.kind = kind;
  return schema;
}

Schema Schema::Record(std::string name, std::vector<Field> fields) {
  Schema schema = Primitive(Kind::kRecord);
  schema.name = std::move(name);
  schema.fields = std::move(fields);
  return schema;
}

Schema Schema::Array(Schema items) {
  Schema schema = Primitive(Kind::kArray);
  schema.children.push_back(std::move(items));
  return schema;
}

Schema Schema::Map(Schema values) {
  Schema schema = Primitive(Kind::kMap);
  schema.children.push_back(std::move(values));
  return schema;
}

Schema Schema::Union(std::vector<Schema> branches) {
  Schema schema = Primitive(Kind::kUnion);
  schema.children = std::move(branches);
  return schema;
}

Schema Schema::Fixed(std::string name, int64_t size) {
  Schema schema = Primitive(Kind::kFixed);
  schema.name = std::move(name);
  schema.fixed_size = size;
  return schema;
}

Schema Schema::Enum(std::string name, std::vector<std::string> symbols) {
  Schema schema = Primitive(Kind::kEnum);
  schema.name = std::move(name);
  schema.symbols = std::move(symbols);
  return schema;
}

Schema Schema::Optional(Schema schema) {
  return Union({Primitive(Kind::kNull), std::move(schema)});
}

bool Schema::CanEncodeEmpty() const {
  switch (kind) {
    case Kind::kNull:
      return true;
    case Kind::kFixed:
      return fixed_size == 0;
    case Kind::kRecord:
      return std::all_of(fields.begin(), fields.end(),
                         [](const Field& f) { return f.type.CanEncodeEmpty(); });
    default:
      return false;  // every other encoding carries at least one byte
  }
}

Field OptionalField(std::string name, Schema type, int field_id, std::string doc) {
  return Field{std::move(name), Schema::Optional(std::move(type)), field_id, std::move(doc), true};
}

Field RequiredField(std::string name, Schema type, int field_id, std::string doc) {
  return Field{std::move(name), std::move(type), field_id, std::move(doc), false};
}

}  // namespace pg2iceberg::avro
