// The Iceberg table schema model: primitive types, lists of a primitive type, fields with ids,
// and schemas. Values only; serialised to and from the metadata JSON form in schema_json.h.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pg2iceberg::iceberg {

enum class TypeId {
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kDecimal,
  kDate,
  kTime,
  kTimestamp,    // without zone, microseconds
  kTimestampTz,  // UTC-adjusted, microseconds
  kString,
  kUuid,
  kBinary,
  kList,  // list<element>: the element is a field of its own (ListElement)
};

struct ListElement;

struct Type {
  TypeId id = TypeId::kString;
  int precision = 0;  // kDecimal only, 1..38
  int scale = 0;      // kDecimal only, 0..precision
  // kList only, never null there: the element, a primitive type (lists of lists, structs and
  // maps are not modelled). Immutable once built, so copies of the Type share it.
  std::shared_ptr<const ListElement> element;

  static Type Primitive(TypeId id) { return Type{id, 0, 0, nullptr}; }
  static Type Decimal(int precision, int scale) {
    return Type{TypeId::kDecimal, precision, scale, nullptr};
  }
  // list<element_type>; `element_type` must be primitive (CHECK).
  static Type List(int element_id, bool element_required, Type element_type);

  bool is_list() const { return id == TypeId::kList; }
  // The spec's name: "int", "decimal(10,2)", "timestamptz", …; a list prints as "list<int>"
  // (for messages: its JSON form is an object, see schema_json.h).
  std::string ToString() const;
  // Lists compare by element (id, requiredness and type), not by pointer.
  bool operator==(const Type& other) const;
};

// The element field of a list: its own field id, whether it may hold null, and its type.
struct ListElement {
  int id = 0;
  bool required = false;
  Type type;
  bool operator==(const ListElement&) const = default;
};

// Parses the spec's primitive type names; kInvalidArgument for anything else.
Result<Type> ParseType(std::string_view name);

struct Field {
  int id = 0;
  std::string name;
  bool required = false;
  Type type;
  std::string doc;

  bool operator==(const Field&) const = default;
};

struct Schema {
  int schema_id = 0;
  std::vector<Field> fields;
  std::vector<int> identifier_field_ids;

  // The highest field id, list element ids included (a table's last-column-id).
  int HighestFieldId() const;
  // A top-level field by its id (list element ids name no Field).
  const Field* FindById(int id) const;
  const Field* FindByName(std::string_view name) const;
  bool operator==(const Schema&) const = default;
};

}  // namespace pg2iceberg::iceberg
