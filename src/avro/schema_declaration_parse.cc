// ParseSchemaJson: the JSON schema declaration parser of schema_declaration.h.
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "avro/schema_declaration.h"

namespace pg2iceberg::avro {
namespace {

using Json = nlohmann::json;

constexpr int kMaxDepth = 64;
// Named-type references copy their definition, so a small declaration can describe a huge
// tree (each type using the previous one twice). Cap the size of the parsed tree.
constexpr int64_t kMaxNodes = 100000;

constexpr std::pair<std::string_view, Kind> kPrimitives[] = {
    {"null", Kind::kNull},   {"boolean", Kind::kBoolean}, {"int", Kind::kInt},
    {"long", Kind::kLong},   {"float", Kind::kFloat},     {"double", Kind::kDouble},
    {"bytes", Kind::kBytes}, {"string", Kind::kString},
};

std::optional<Kind> PrimitiveKind(std::string_view name) {
  for (const auto& [primitive, kind] : kPrimitives) {
    if (primitive == name) return kind;
  }
  return std::nullopt;
}

Status Invalid(std::string message) { return Status::InvalidArgument("avro schema: " + message); }

// The value of an integral JSON number that fits in [min, max].
std::optional<int64_t> IntegerIn(const Json& json, int64_t min, int64_t max) {
  if (json.is_number_unsigned()) {
    if (json.get<uint64_t>() > static_cast<uint64_t>(max)) return std::nullopt;
    return static_cast<int64_t>(json.get<uint64_t>());
  }
  if (!json.is_number_integer() || json.get<int64_t>() < min || json.get<int64_t>() > max) {
    return std::nullopt;
  }
  return json.get<int64_t>();
}

// Reads an optional integer attribute such as "field-id".
Result<std::optional<int>> IdAttribute(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return std::optional<int>();
  std::optional<int64_t> value =
      IntegerIn(*it, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
  if (!value) return Invalid(std::string("attribute \"") + key + "\" is not an int");
  return std::optional<int>(static_cast<int>(*value));
}

std::string StringAttribute(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

class Parser {
 public:
  Result<Schema> Parse(const Json& json, const std::string& ns, int depth) {
    if (depth > kMaxDepth) return Invalid("nested deeper than " + std::to_string(kMaxDepth));
    RETURN_IF_ERROR(CountNodes(1));
    if (json.is_string()) return ParseName(json.get<std::string>(), ns);
    if (json.is_array()) return ParseUnion(json, ns, depth);
    if (json.is_object()) return ParseObject(json, ns, depth);
    return Invalid("a schema must be a string, array or object");
  }

 private:
  struct Named {
    Schema schema;
    int64_t nodes;  // size of the tree a reference copies
  };

  Status CountNodes(int64_t added) {
    nodes_ += added;
    if (nodes_ > kMaxNodes) return Invalid("more than " + std::to_string(kMaxNodes) + " types");
    return Status::Ok();
  }

  // Registers a finished named type whose declaration began when nodes_ was `start`.
  void Define(const Schema& schema, int64_t start) {
    named_[schema.name] = Named{schema, nodes_ - start + 1};
  }

  Result<Schema> ParseName(const std::string& name, const std::string& ns) {
    if (std::optional<Kind> kind = PrimitiveKind(name)) return Schema::Primitive(*kind);
    auto it = name.find('.') == std::string::npos && !ns.empty() ? named_.find(ns + "." + name)
                                                                 : named_.end();
    if (it == named_.end()) it = named_.find(name);
    if (it == named_.end()) return Invalid("undefined type \"" + name + "\"");
    RETURN_IF_ERROR(CountNodes(it->second.nodes));
    return it->second.schema;
  }

  Result<Schema> ParseUnion(const Json& json, const std::string& ns, int depth) {
    std::vector<Schema> branches;
    for (const Json& item : json) {
      ASSIGN_OR_RETURN(Schema branch, Parse(item, ns, depth + 1));
      if (branch.kind == Kind::kUnion) return Invalid("a union may not contain a union");
      branches.push_back(std::move(branch));
    }
    return Schema::Union(std::move(branches));
  }

  Result<Schema> ParseObject(const Json& json, const std::string& ns, int depth) {
    auto type = json.find("type");
    if (type == json.end()) return Invalid("object without \"type\"");
    if (!type->is_string()) return Parse(*type, ns, depth + 1);  // {"type": {...}} or a union
    const std::string name = type->get<std::string>();
    Result<Schema> parsed = Invalid("unknown type \"" + name + "\"");
    if (PrimitiveKind(name)) {
      parsed = Schema::Primitive(*PrimitiveKind(name));
    } else if (name == "record" || name == "error") {
      return ParseRecord(json, ns, depth);
    } else if (name == "enum" || name == "fixed") {
      return ParseEnumOrFixed(json, ns, name == "enum" ? Kind::kEnum : Kind::kFixed);
    } else if (name == "array" || name == "map") {
      parsed = ParseContainer(json, ns, depth, name == "array" ? Kind::kArray : Kind::kMap);
    } else {
      parsed = ParseName(name, ns);
    }
    if (parsed.ok()) parsed->logical_type = StringAttribute(json, "logicalType");
    if (parsed.ok()) RETURN_IF_ERROR(ParseLogicalAttributes(json, *parsed));
    return parsed;
  }

  Result<Schema> ParseContainer(const Json& json, const std::string& ns, int depth, Kind kind) {
    auto child = json.find(kind == Kind::kArray ? "items" : "values");
    if (child == json.end()) return Invalid(std::string(KindName(kind)) + " without item type");
    ASSIGN_OR_RETURN(Schema item, Parse(*child, ns, depth + 1));
    Schema schema =
        kind == Kind::kArray ? Schema::Array(std::move(item)) : Schema::Map(std::move(item));
    ASSIGN_OR_RETURN(schema.element_id, IdAttribute(json, "element-id"));
    ASSIGN_OR_RETURN(schema.key_id, IdAttribute(json, "key-id"));
    ASSIGN_OR_RETURN(schema.value_id, IdAttribute(json, "value-id"));
    return schema;
  }

  // Resolves the full name of a named type declaration and reserves it.
  Result<std::pair<std::string, std::string>> DeclareName(const Json& json, const std::string& ns) {
    const std::string name = StringAttribute(json, "name");
    if (name.empty()) return Invalid("named type without \"name\"");
    std::string space = json.contains("namespace") ? StringAttribute(json, "namespace") : ns;
    std::string full = name;
    if (name.find('.') != std::string::npos) {
      space = name.substr(0, name.rfind('.'));
    } else if (!space.empty()) {
      full = space + "." + name;
    }
    if (PrimitiveKind(name) || named_.count(full) > 0 || !declaring_.insert(full).second) {
      return Invalid("type name \"" + full + "\" redefined");
    }
    return std::make_pair(full, space);
  }

  Result<Schema> ParseEnumOrFixed(const Json& json, const std::string& ns, Kind kind) {
    const int64_t start = nodes_;
    ASSIGN_OR_RETURN(auto names, DeclareName(json, ns));
    Schema schema = Schema::Primitive(kind);
    schema.name = names.first;
    if (kind == Kind::kEnum) {
      auto symbols = json.find("symbols");
      if (symbols == json.end() || !symbols->is_array()) return Invalid("enum without symbols");
      for (const Json& symbol : *symbols) {
        if (!symbol.is_string()) return Invalid("enum symbol is not a string");
        schema.symbols.push_back(symbol.get<std::string>());
      }
    } else {
      auto size = json.find("size");
      std::optional<int64_t> value;
      if (size != json.end()) value = IntegerIn(*size, 0, std::numeric_limits<int32_t>::max());
      if (!value) return Invalid("fixed without a valid size");
      schema.fixed_size = *value;
    }
    schema.logical_type = StringAttribute(json, "logicalType");
    RETURN_IF_ERROR(ParseLogicalAttributes(json, schema));
    Define(schema, start);
    return schema;
  }

  static Status ParseLogicalAttributes(const Json& json, Schema& schema) {
    ASSIGN_OR_RETURN(schema.precision, IdAttribute(json, "precision"));
    ASSIGN_OR_RETURN(schema.scale, IdAttribute(json, "scale"));
    auto adjust = json.find("adjust-to-utc");
    if (adjust != json.end() && adjust->is_boolean()) schema.adjust_to_utc = adjust->get<bool>();
    return Status::Ok();
  }

  Result<Schema> ParseRecord(const Json& json, const std::string& ns, int depth) {
    const int64_t start = nodes_;
    ASSIGN_OR_RETURN(auto names, DeclareName(json, ns));
    auto fields = json.find("fields");
    if (fields == json.end() || !fields->is_array()) return Invalid("record without fields");
    std::vector<Field> parsed;
    for (const Json& field : *fields) {
      ASSIGN_OR_RETURN(Field f, ParseField(field, names.second, depth + 1));
      parsed.push_back(std::move(f));
    }
    Schema schema = Schema::Record(names.first, std::move(parsed));
    schema.logical_type = StringAttribute(json, "logicalType");
    Define(schema, start);
    return schema;
  }

  Result<Field> ParseField(const Json& json, const std::string& ns, int depth) {
    if (!json.is_object() || !json.contains("type")) return Invalid("malformed record field");
    Field field;
    field.name = StringAttribute(json, "name");
    if (field.name.empty()) return Invalid("record field without a name");
    ASSIGN_OR_RETURN(field.type, Parse(json["type"], ns, depth));
    ASSIGN_OR_RETURN(field.field_id, IdAttribute(json, "field-id"));
    field.doc = StringAttribute(json, "doc");
    auto def = json.find("default");
    field.default_null = def != json.end() && def->is_null();
    return field;
  }

  std::map<std::string, Named> named_;
  std::set<std::string> declaring_;
  int64_t nodes_ = 0;
};

}  // namespace

Result<Schema> ParseSchemaJson(std::string_view json) {
  Json parsed = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Invalid("malformed JSON");
  return Parser().Parse(parsed, "", 0);
}

}  // namespace pg2iceberg::avro
