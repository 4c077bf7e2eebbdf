// How a caller describes the columns of a Parquet file: a list of columns under the root group
// "table", each with its Iceberg field id, nullability, physical type and logical annotation.
// A column is a leaf of its own, or a list of such leaves in the standard 3-level layout:
//   <optional|required> group <name> (LIST) {          field_id = the list's field id
//     repeated group list {
//       <optional|required> <type> element;            field_id = the element's field id
//     }
//   }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "parquet/parquet_format.h"

namespace pg2iceberg::parquet {

enum class PhysicalType {
  kBoolean,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kByteArray,
  kFixedLenByteArray,
};

// The logical meaning of a physical type, written both as LogicalType and, where common
// writers do, as the legacy converted_type.
struct Annotation {
  enum class Kind {
    kNone,
    kString,     // BYTE_ARRAY, UTF-8
    kDate,       // INT32, days since 1970-01-01
    kTimestamp,  // INT64, microseconds since 1970-01-01 00:00:00 (UTC when adjusted)
    kTime,       // INT64, microseconds since midnight, not UTC-adjusted
    kDecimal,    // INT32 (precision <= 9), INT64 (<= 18) or FIXED_LEN_BYTE_ARRAY big-endian
                 // two's complement of the unscaled value
    kUuid,       // FIXED_LEN_BYTE_ARRAY(16), the UUID's bytes in RFC 4122 order
  };
  Kind kind = Kind::kNone;
  bool timestamp_is_adjusted_to_utc = false;  // kTimestamp only
  int32_t decimal_precision = 0;              // kDecimal only, >= 1
  int32_t decimal_scale = 0;                  // kDecimal only, 0..precision

  static Annotation None() { return {}; }
  static Annotation String() { return {Kind::kString}; }
  static Annotation Date() { return {Kind::kDate}; }
  static Annotation Timestamp(bool adjusted_to_utc) { return {Kind::kTimestamp, adjusted_to_utc}; }
  static Annotation Time() { return {Kind::kTime}; }
  static Annotation Decimal(int32_t precision, int32_t scale) {
    return {Kind::kDecimal, false, precision, scale};
  }
  static Annotation Uuid() { return {Kind::kUuid}; }
};

// The element of a list column: the leaf named "element" inside the list's groups.
struct ListElementSpec {
  int32_t field_id = 0;  // Iceberg field id of the element
  bool required = false;
};

struct ColumnSpec {
  std::string name;
  int32_t field_id = 0;  // Iceberg field id, written as SchemaElement.field_id
  bool required = false;
  // The leaf's type (for a list, the element's type).
  PhysicalType physical_type = PhysicalType::kInt64;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY only: bytes per value
  Annotation annotation;
  // Set for a list column; `name`, `field_id` and `required` then describe the list.
  std::optional<ListElementSpec> list_element;

  // The leaf's field id: the element's for a list, else field_id.
  int32_t leaf_field_id() const { return list_element ? list_element->field_id : field_id; }
  // Dremel levels of the leaf: a list is repeated once; each optional level adds a definition.
  int max_repetition_level() const { return list_element ? 1 : 0; }
  int max_definition_level() const {
    if (!list_element) return required ? 0 : 1;
    return (required ? 0 : 1) + 1 + (list_element->required ? 0 : 1);
  }
};

// Bytes of the smallest two's complement integer holding every unscaled value of `precision`
// decimal digits (e.g. 9 → 4, 18 → 8, 38 → 16). `precision` in 1..38 (CHECK).
int32_t DecimalMinBytes(int32_t precision);

// kInvalidArgument when a name is empty or repeated, a FIXED_LEN_BYTE_ARRAY has no length,
// or an annotation does not fit its physical type.
Status ValidateColumnSpecs(const std::vector<ColumnSpec>& columns);
// The per-column part of ValidateColumnSpecs: the fixed length and the annotation's fit.
Status ValidateColumnType(const ColumnSpec& column);

// The file's schema: the root group "table", then per column its leaf, or for a list its two
// groups and the element leaf (depth first).
std::vector<format::SchemaElement> ToSchemaElements(const std::vector<ColumnSpec>& columns);

format::Type ToFormatType(PhysicalType type);

// The leaf's path from the root's child: {name}, or {name, "list", "element"} for a list.
std::vector<std::string> LeafPath(const ColumnSpec& column);

}  // namespace pg2iceberg::parquet
