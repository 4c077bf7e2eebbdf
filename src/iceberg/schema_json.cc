#include "iceberg/schema_json.h"

#include <set>

namespace pg2iceberg::iceberg {
namespace {

Json TypeToJson(const Type& type) {
  if (!type.is_list()) return type.ToString();
  Json json = Json::object();
  json["type"] = "list";
  json["element-id"] = type.element->id;
  json["element"] = type.element->type.ToString();
  json["element-required"] = type.element->required;
  return json;
}

Json FieldToJson(const Field& field) {
  Json json = Json::object();
  json["id"] = field.id;
  json["name"] = field.name;
  json["required"] = field.required;
  json["type"] = TypeToJson(field.type);
  if (!field.doc.empty()) json["doc"] = field.doc;
  return json;
}

Status NestedUnsupported(const Json& type) {
  const auto kind = type.find("type");
  const std::string name = kind != type.end() && kind->is_string() ? kind->get<std::string>() : "?";
  return Status::InvalidArgument("nested type \"" + name + "\" is not supported");
}

// A primitive type name; objects (nested types) are refused.
Result<Type> PrimitiveTypeFromJson(const Json& type, std::string_view member) {
  if (type.is_object()) return NestedUnsupported(type);
  if (!type.is_string()) {
    return Status::InvalidArgument("field \"" + std::string(member) + "\" must be a string");
  }
  return ParseType(type.get<std::string>());
}

// {"type":"list","element-id":N,"element":<primitive>,"element-required":B}
Result<Type> ListTypeFromJson(const Json& json) {
  ASSIGN_OR_RETURN(const int element_id, GetInt32(json, "element-id"));
  ASSIGN_OR_RETURN(const bool element_required, GetBool(json, "element-required"));
  const auto element = json.find("element");
  if (element == json.end() || element->is_null()) {
    return Status::InvalidArgument("missing required field \"element\"");
  }
  Result<Type> element_type = PrimitiveTypeFromJson(*element, "element");
  if (!element_type.ok()) return element_type.status().WithContext("list element");
  return Type::List(element_id, element_required, std::move(element_type).value());
}

Result<Type> TypeFromJson(const Json& json) {
  const auto it = json.find("type");
  if (it == json.end() || it->is_null()) {
    return Status::InvalidArgument("missing required field \"type\"");
  }
  if (it->is_object()) {
    const auto kind = it->find("type");
    if (kind != it->end() && kind->is_string() && kind->get<std::string>() == "list") {
      return ListTypeFromJson(*it);
    }
    return NestedUnsupported(*it);
  }
  return PrimitiveTypeFromJson(*it, "type");
}

Result<Field> FieldFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "schema field"));
  Field field;
  ASSIGN_OR_RETURN(field.id, GetInt32(json, "id"));
  ASSIGN_OR_RETURN(field.name, GetString(json, "name"));
  ASSIGN_OR_RETURN(field.required, GetBool(json, "required"));
  ASSIGN_OR_RETURN(field.type, TypeFromJson(json));
  ASSIGN_OR_RETURN(std::optional<std::string> doc, GetOptionalString(json, "doc"));
  field.doc = doc.value_or("");
  return field;
}

Result<std::vector<int>> IdentifierFieldIdsFromJson(const Json& json) {
  std::vector<int> ids;
  ASSIGN_OR_RETURN(const Json* array, GetOptionalArray(json, "identifier-field-ids"));
  if (array == nullptr) return ids;
  for (const Json& element : *array) {
    ASSIGN_OR_RETURN(const int id, AsInt32(element, "identifier-field-ids[]"));
    ids.push_back(id);
  }
  return ids;
}

// Records `id` (a field's or a list element's) in `ids`: positive and not seen before.
Status ClaimId(int id, const std::string& owner, std::set<int>& ids) {
  if (id <= 0) {
    return Status::InvalidArgument(owner + " has non-positive id " + std::to_string(id));
  }
  if (!ids.insert(id).second) {
    return Status::InvalidArgument("duplicate field id " + std::to_string(id));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateSchema(const Schema& schema) {
  std::set<int> ids;
  std::set<std::string> names;
  for (const Field& field : schema.fields) {
    RETURN_IF_ERROR(ClaimId(field.id, "field \"" + field.name + "\"", ids));
    if (field.name.empty()) {
      return Status::InvalidArgument("field " + std::to_string(field.id) + " has an empty name");
    }
    if (field.type.is_list()) {
      RETURN_IF_ERROR(
          ClaimId(field.type.element->id, "the element of list field \"" + field.name + "\"", ids));
    }
    if (!names.insert(field.name).second) {
      return Status::InvalidArgument("duplicate field name \"" + field.name + "\"");
    }
  }
  for (const int id : schema.identifier_field_ids) {
    const Field* field = schema.FindById(id);
    if (field == nullptr) {
      return Status::InvalidArgument("identifier field id " + std::to_string(id) +
                                     " names no field");
    }
    if (!field->required) {
      return Status::InvalidArgument("identifier field \"" + field->name + "\" is not required");
    }
    if (field->type.is_list()) {
      return Status::InvalidArgument("identifier field \"" + field->name + "\" is a list");
    }
  }
  return Status::Ok();
}

Json SchemaToJson(const Schema& schema) {
  Json json = Json::object();
  json["type"] = "struct";
  json["schema-id"] = schema.schema_id;
  if (!schema.identifier_field_ids.empty()) {
    json["identifier-field-ids"] = schema.identifier_field_ids;
  }
  Json fields = Json::array();
  for (const Field& field : schema.fields) fields.push_back(FieldToJson(field));
  json["fields"] = std::move(fields);
  return json;
}

Result<Schema> SchemaFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "schema"));
  ASSIGN_OR_RETURN(const std::string type, GetString(json, "type"));
  if (type != "struct") {
    return Status::InvalidArgument("schema \"type\" must be \"struct\", not \"" + type + "\"");
  }
  Schema schema;
  ASSIGN_OR_RETURN(const std::optional<int32_t> schema_id, GetOptionalInt32(json, "schema-id"));
  schema.schema_id = schema_id.value_or(0);
  ASSIGN_OR_RETURN(schema.identifier_field_ids, IdentifierFieldIdsFromJson(json));
  ASSIGN_OR_RETURN(const Json* fields, GetArray(json, "fields"));
  for (size_t i = 0; i < fields->size(); ++i) {
    Result<Field> field = FieldFromJson((*fields)[i]);
    if (!field.ok()) {
      return field.status().WithContext("schema " + std::to_string(schema.schema_id) + " field #" +
                                        std::to_string(i));
    }
    schema.fields.push_back(std::move(field).value());
  }
  Status valid = ValidateSchema(schema);
  if (!valid.ok()) return valid.WithContext("schema " + std::to_string(schema.schema_id));
  return schema;
}

std::string SchemaToJsonString(const Schema& schema) { return DumpJson(SchemaToJson(schema)); }

Result<Schema> SchemaFromJsonString(std::string_view text) {
  ASSIGN_OR_RETURN(const Json json, ParseJson(text));
  return SchemaFromJson(json);
}

}  // namespace pg2iceberg::iceberg
