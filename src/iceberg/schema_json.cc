#include "iceberg/schema_json.h"

#include <set>

namespace pg2iceberg::iceberg {
namespace {

Json FieldToJson(const Field& field) {
  Json json = Json::object();
  json["id"] = field.id;
  json["name"] = field.name;
  json["required"] = field.required;
  json["type"] = field.type.ToString();
  if (!field.doc.empty()) json["doc"] = field.doc;
  return json;
}

Result<Type> TypeFromJson(const Json& json) {
  const auto it = json.find("type");
  if (it == json.end() || it->is_null()) {
    return Status::InvalidArgument("missing required field \"type\"");
  }
  if (it->is_object()) {
    const auto kind = it->find("type");
    const std::string name =
        kind != it->end() && kind->is_string() ? kind->get<std::string>() : "?";
    return Status::InvalidArgument("nested type \"" + name + "\" is not supported");
  }
  if (!it->is_string()) return Status::InvalidArgument("field \"type\" must be a string");
  return ParseType(it->get<std::string>());
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

}  // namespace

Status ValidateSchema(const Schema& schema) {
  std::set<int> ids;
  std::set<std::string> names;
  for (const Field& field : schema.fields) {
    if (field.id <= 0) {
      return Status::InvalidArgument("field \"" + field.name + "\" has non-positive id " +
                                     std::to_string(field.id));
    }
    if (field.name.empty()) {
      return Status::InvalidArgument("field " + std::to_string(field.id) + " has an empty name");
    }
    if (!ids.insert(field.id).second) {
      return Status::InvalidArgument("duplicate field id " + std::to_string(field.id));
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
