#include "iceberg/json_util.h"

#include <limits>

namespace pg2iceberg::iceberg {
namespace {

Status MissingField(std::string_view key) {
  return Status::InvalidArgument("missing required field \"" + std::string(key) + "\"");
}

Status WrongType(std::string_view key, std::string_view type) {
  return Status::InvalidArgument("field \"" + std::string(key) + "\" must be " + std::string(type));
}

// The member `key`, or nullptr when absent or null. `object` must be an object.
const Json* FindMember(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

// Integers only (no 1.0, no "1"), within [min, max].
Result<int64_t> IntegerInRange(const Json& value, std::string_view what, int64_t min, int64_t max) {
  if (!value.is_number_integer()) return WrongType(what, "an integer");
  if (value.is_number_unsigned()) {
    const uint64_t unsigned_value = value.get<uint64_t>();
    if (unsigned_value > static_cast<uint64_t>(max)) return WrongType(what, "in range");
    return static_cast<int64_t>(unsigned_value);
  }
  const int64_t signed_value = value.get<int64_t>();
  if (signed_value < min || signed_value > max) return WrongType(what, "in range");
  return signed_value;
}

}  // namespace

Result<Json> ParseJson(std::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(std::string("malformed JSON: ") + e.what());
  }
}

std::string DumpJson(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Status ExpectObject(const Json& json, std::string_view what) {
  if (!json.is_object())
    return Status::InvalidArgument(std::string(what) + " must be a JSON object");
  return Status::Ok();
}

Result<int32_t> AsInt32(const Json& value, std::string_view what) {
  ASSIGN_OR_RETURN(const int64_t v, IntegerInRange(value, what, std::numeric_limits<int32_t>::min(),
                                                   std::numeric_limits<int32_t>::max()));
  return static_cast<int32_t>(v);
}

Result<std::optional<std::string>> GetOptionalString(const Json& object, std::string_view key) {
  const Json* member = FindMember(object, key);
  if (member == nullptr) return std::optional<std::string>();
  if (!member->is_string()) return WrongType(key, "a string");
  return std::optional<std::string>(member->get<std::string>());
}

Result<std::optional<int64_t>> GetOptionalInt64(const Json& object, std::string_view key) {
  const Json* member = FindMember(object, key);
  if (member == nullptr) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(const int64_t v,
                   IntegerInRange(*member, key, std::numeric_limits<int64_t>::min(),
                                  std::numeric_limits<int64_t>::max()));
  return std::optional<int64_t>(v);
}

Result<std::optional<int32_t>> GetOptionalInt32(const Json& object, std::string_view key) {
  const Json* member = FindMember(object, key);
  if (member == nullptr) return std::optional<int32_t>();
  ASSIGN_OR_RETURN(const int32_t v, AsInt32(*member, key));
  return std::optional<int32_t>(v);
}

Result<const Json*> GetOptionalArray(const Json& object, std::string_view key) {
  const Json* member = FindMember(object, key);
  if (member != nullptr && !member->is_array()) return WrongType(key, "an array");
  return member;
}

Result<std::string> GetString(const Json& object, std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, GetOptionalString(object, key));
  if (!value) return MissingField(key);
  return std::move(*value);
}

Result<int64_t> GetInt64(const Json& object, std::string_view key) {
  ASSIGN_OR_RETURN(const std::optional<int64_t> value, GetOptionalInt64(object, key));
  if (!value) return MissingField(key);
  return *value;
}

Result<int32_t> GetInt32(const Json& object, std::string_view key) {
  ASSIGN_OR_RETURN(const std::optional<int32_t> value, GetOptionalInt32(object, key));
  if (!value) return MissingField(key);
  return *value;
}

Result<bool> GetBool(const Json& object, std::string_view key) {
  const Json* member = FindMember(object, key);
  if (member == nullptr) return MissingField(key);
  if (!member->is_boolean()) return WrongType(key, "a boolean");
  return member->get<bool>();
}

Result<const Json*> GetArray(const Json& object, std::string_view key) {
  ASSIGN_OR_RETURN(const Json* member, GetOptionalArray(object, key));
  if (member == nullptr) return MissingField(key);
  return member;
}

Result<const Json*> GetObject(const Json& object, std::string_view key) {
  const Json* member = FindMember(object, key);
  if (member == nullptr) return MissingField(key);
  if (!member->is_object()) return WrongType(key, "an object");
  return member;
}

Result<std::map<std::string, std::string>> GetOptionalStringMap(const Json& object,
                                                                std::string_view key) {
  std::map<std::string, std::string> result;
  const Json* member = FindMember(object, key);
  if (member == nullptr) return result;
  if (!member->is_object()) return WrongType(key, "an object");
  for (const auto& [name, value] : member->items()) {
    if (!value.is_string()) {
      return WrongType(std::string(key) + "." + name, "a string");
    }
    result.emplace(name, value.get<std::string>());
  }
  return result;
}

}  // namespace pg2iceberg::iceberg
