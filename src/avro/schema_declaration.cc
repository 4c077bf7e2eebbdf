#include "avro/schema_declaration.h"

#include <nlohmann/json.hpp>
#include <set>
#include <utility>

namespace pg2iceberg::avro {
namespace {

using Json = nlohmann::ordered_json;

// The item type of an array, the value type of a map: Schema::Array and Schema::Map make exactly
// one, so anything else is a bug in the code that built the schema.
const Schema& OnlyChild(const Schema& schema) {
  CHECK_MSG(schema.children.size() == 1, "an array or map schema has exactly one child type");
  return schema.children[0];
}

class Renderer {
 public:
  Json Render(const Schema& schema) {
    switch (schema.kind) {
      case Kind::kRecord:
      case Kind::kEnum:
      case Kind::kFixed:
        if (!declared_.insert(schema.name).second) return schema.name;
        return RenderNamed(schema);
      case Kind::kArray:
        return RenderArray(schema);
      case Kind::kMap:
        return RenderMap(schema);
      case Kind::kUnion:
        return RenderUnion(schema);
      default:
        return RenderPrimitive(schema);
    }
  }

 private:
  Json RenderPrimitive(const Schema& schema) {
    if (schema.logical_type.empty()) return std::string(KindName(schema.kind));
    Json out{{"type", KindName(schema.kind)}, {"logicalType", schema.logical_type}};
    RenderLogicalAttributes(schema, out);
    return out;
  }

  static void RenderLogicalAttributes(const Schema& schema, Json& out) {
    if (schema.precision) out["precision"] = *schema.precision;
    if (schema.scale) out["scale"] = *schema.scale;
    if (schema.adjust_to_utc) out["adjust-to-utc"] = *schema.adjust_to_utc;
  }

  Json RenderNamed(const Schema& schema) {
    Json out{{"type", KindName(schema.kind)}, {"name", schema.name}};
    if (schema.kind == Kind::kRecord) {
      out["fields"] = Json::array();
      for (const Field& field : schema.fields) out["fields"].push_back(RenderField(field));
    } else if (schema.kind == Kind::kEnum) {
      out["symbols"] = schema.symbols;
    } else {
      out["size"] = schema.fixed_size;
    }
    if (!schema.logical_type.empty()) out["logicalType"] = schema.logical_type;
    RenderLogicalAttributes(schema, out);
    return out;
  }

  Json RenderField(const Field& field) {
    Json out{{"name", field.name}, {"type", Render(field.type)}};
    if (!field.doc.empty()) out["doc"] = field.doc;
    if (field.default_null) out["default"] = nullptr;
    if (field.field_id) out["field-id"] = *field.field_id;
    return out;
  }

  Json RenderArray(const Schema& schema) {
    Json out{{"type", "array"}, {"items", Render(OnlyChild(schema))}};
    if (schema.element_id) out["element-id"] = *schema.element_id;
    if (!schema.logical_type.empty()) out["logicalType"] = schema.logical_type;
    return out;
  }

  Json RenderMap(const Schema& schema) {
    Json out{{"type", "map"}, {"values", Render(OnlyChild(schema))}};
    if (schema.key_id) out["key-id"] = *schema.key_id;
    if (schema.value_id) out["value-id"] = *schema.value_id;
    if (!schema.logical_type.empty()) out["logicalType"] = schema.logical_type;
    return out;
  }

  Json RenderUnion(const Schema& schema) {
    Json out = Json::array();
    for (const Schema& branch : schema.children) out.push_back(Render(branch));
    return out;
  }

  std::set<std::string> declared_;
};

}  // namespace

std::string RenderSchemaJson(const Schema& schema) { return Renderer().Render(schema).dump(); }

}  // namespace pg2iceberg::avro
