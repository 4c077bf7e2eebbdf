// Schema ↔ the JSON form of the Iceberg spec (appendix C, "Schemas"):
//   {"type":"struct","schema-id":0,"identifier-field-ids":[1],
//    "fields":[{"id":1,"name":"a","required":true,"type":"long","doc":"…"}, …]}
// "identifier-field-ids" and "doc" are written only when non-empty. The types of schema.h are
// supported: primitive types as their name, a list of a primitive type as
//   {"type":"list","element-id":5,"element":"int","element-required":false};
// other nested types (struct, map, a list of lists), fixed[n] and v3-only types are rejected
// with kInvalidArgument. Unknown members (e.g. v3 "initial-default") are ignored.
//
// Parse errors are kInvalidArgument with a message naming the field; callers reading back a
// document they wrote (table metadata) may re-code them (e.g. to kDataLoss) with context.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "iceberg/json_util.h"
#include "iceberg/schema.h"

namespace pg2iceberg::iceberg {

Json SchemaToJson(const Schema& schema);
// Checks: "type" is "struct"; field and list element ids positive and unique together; names
// non-empty and unique; identifier field ids name existing required fields that are not
// lists. A missing "schema-id" reads as 0 (as in v1).
Result<Schema> SchemaFromJson(const Json& json);

// The checks SchemaFromJson applies (ids, names, identifier fields), for schemas built in code.
Status ValidateSchema(const Schema& schema);

// The same, as compact text.
std::string SchemaToJsonString(const Schema& schema);
Result<Schema> SchemaFromJsonString(std::string_view text);

}  // namespace pg2iceberg::iceberg
