// The Iceberg table schema model: primitive types, fields with ids, and schemas.
// Values only; serialised to and from the metadata JSON form in schema_json.h.
#pragma once

#include <cstdint>
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
};

struct Type {
  TypeId id = TypeId::kString;
  int precision = 0;  // kDecimal only, 1..38
  int scale = 0;      // kDecimal only, 0..precision

  static Type Primitive(TypeId id) { return Type{id, 0, 0}; }
  static Type Decimal(int precision, int scale) { return Type{TypeId::kDecimal, precision, scale}; }

  // The spec's name: "int", "decimal(10,2)", "timestamptz", …
  std::string ToString() const;
  bool operator==(const Type&) const = default;
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

  int HighestFieldId() const;
  const Field* FindById(int id) const;
  const Field* FindByName(std::string_view name) const;
  bool operator==(const Schema&) const = default;
};

}  // namespace pg2iceberg::iceberg
