// Typed access to the JSON documents of the Iceberg spec (table metadata, schemas, REST
// bodies) without exceptions: every getter checks presence and type and returns
// kInvalidArgument naming the field, so malformed input never reaches a CHECK or a throw.
//
// Json is nlohmann's ordered_json: objects keep insertion order, so documents we write list
// their fields in the order the spec and the Java implementation use.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace pg2iceberg::iceberg {

using Json = nlohmann::ordered_json;

// Parses a whole document; kInvalidArgument with the parser's position on malformed text.
Result<Json> ParseJson(std::string_view text);

// Compact serialisation (no whitespace), UTF-8; invalid UTF-8 in strings is replaced by
// U+FFFD rather than throwing.
std::string DumpJson(const Json& json);

// Getters for a member `key` of `object` (which must be a JSON object). Required getters fail
// with `missing required field "key"` when absent (or null); all fail with `field "key" must
// be <type>` on a type mismatch. Integers must be JSON integers within the target's range.
Result<std::string> GetString(const Json& object, std::string_view key);
Result<int64_t> GetInt64(const Json& object, std::string_view key);
Result<int32_t> GetInt32(const Json& object, std::string_view key);
Result<bool> GetBool(const Json& object, std::string_view key);
// The member itself, which must be an array / object.
Result<const Json*> GetArray(const Json& object, std::string_view key);
Result<const Json*> GetObject(const Json& object, std::string_view key);

// Optional variants: std::nullopt when the member is absent or null.
Result<std::optional<std::string>> GetOptionalString(const Json& object, std::string_view key);
Result<std::optional<int64_t>> GetOptionalInt64(const Json& object, std::string_view key);
Result<std::optional<int32_t>> GetOptionalInt32(const Json& object, std::string_view key);
// nullptr when absent or null.
Result<const Json*> GetOptionalArray(const Json& object, std::string_view key);

// An object whose values are all strings (table properties, snapshot summaries). Absent or
// null → empty map.
Result<std::map<std::string, std::string>> GetOptionalStringMap(const Json& object,
                                                                std::string_view key);

// Checks that `json` is an object; `what` names it in the error ("table metadata").
Status ExpectObject(const Json& json, std::string_view what);

// A JSON value that must be an integer within int32 (array elements such as field ids).
Result<int32_t> AsInt32(const Json& value, std::string_view what);

}  // namespace pg2iceberg::iceberg
