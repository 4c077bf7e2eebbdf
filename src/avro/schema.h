// The Avro schema model: the types of the Avro 1.11 specification plus the attributes Iceberg
// puts on them ("field-id" on record fields, "element-id" on arrays, "key-id"/"value-id" on
// maps, "logicalType"). Values only; rendered to and parsed from JSON in schema_declaration.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg2iceberg::avro {

enum class Kind {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed,
};

// The spec's name of a kind: "null", "long", "record", … ("union" for unions).
std::string_view KindName(Kind kind);

struct Field;

struct Schema {
  Kind kind = Kind::kNull;
  std::string name;                  // record, enum, fixed: the full name
  std::vector<Field> fields;         // record
  std::vector<std::string> symbols;  // enum
  int64_t fixed_size = 0;            // fixed
  // array: one item type; map: one value type; union: the branches in order.
  std::vector<Schema> children;
  std::string logical_type;  // empty when none
  // Attributes of some logical types: "precision" and "scale" (decimal), "adjust-to-utc"
  // (Iceberg's mark on timestamp-micros).
  std::optional<int> precision;
  std::optional<int> scale;
  std::optional<bool> adjust_to_utc;
  std::optional<int> element_id;  // array (Iceberg list element id)
  std::optional<int> key_id;      // map (Iceberg map key id)
  std::optional<int> value_id;    // map (Iceberg map value id)

  bool operator==(const Schema&) const = default;

  static Schema Primitive(Kind kind);
  static Schema Record(std::string name, std::vector<Field> fields);
  static Schema Array(Schema items);
  static Schema Map(Schema values);
  static Schema Union(std::vector<Schema> branches);
  static Schema Fixed(std::string name, int64_t size);
  static Schema Enum(std::string name, std::vector<std::string> symbols);
  // ["null", schema]: Iceberg's optional value.
  static Schema Optional(Schema schema);

  // True when a value of this schema may encode to zero bytes (null, an empty record, …).
  bool CanEncodeEmpty() const;
};

struct Field {
  std::string name;
  Schema type;
  std::optional<int> field_id;  // Iceberg "field-id"
  std::string doc;
  // Renders "default": null. Only meaningful when `type` is a union whose first branch is null.
  bool default_null = false;

  bool operator==(const Field&) const = default;
};

// A field whose type is Schema::Optional(type), with a null default, as Iceberg writes optional
// fields.
Field OptionalField(std::string name, Schema type, int field_id, std::string doc = "");
// A required field with an Iceberg field id.
Field RequiredField(std::string name, Schema type, int field_id, std::string doc = "");

}  // namespace pg2iceberg::avro
