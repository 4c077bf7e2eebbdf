// The JSON form of Avro schemas (Avro 1.11 "Schema Declaration"), with Iceberg's id attributes.
#pragma once

#include <string>
#include <string_view>

#include "avro/schema.h"
#include "base/status.h"

namespace pg2iceberg::avro {

// Compact JSON. A named type (record, enum, fixed) is declared in full where it first appears
// and referenced by its name after that, as the spec requires. Field attributes are written in
// the order name, type, doc, default, field-id.
std::string RenderSchemaJson(const Schema& schema);

// Parses a schema declaration: primitive names, named-type references, unions, and the object
// forms of every type (namespaces resolved to full names; unknown attributes ignored; defaults
// are not interpreted beyond "default": null). kInvalidArgument for malformed JSON, unknown
// types, undefined or redefined names, nested unions, a bad id attribute, nesting deeper
// than 64 levels, or a tree of more than 100,000 types once named references are expanded.
Result<Schema> ParseSchemaJson(std::string_view json);

}  // namespace pg2iceberg::avro
