// How a caller describes the columns of a Parquet file: a flat list of leaf columns under the
// root group "table", each with its Iceberg field id, nullability, physical type and logical
// annotation. Nested types (lists) will add a tree above these leaves; a leaf keeps this shape.
#pragma once

#include <cstdint>
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

struct ColumnSpec {
  std::string name;
  int32_t field_id = 0;  // Iceberg field id, written as SchemaElement.field_id
  bool required = false;
  PhysicalType physical_type = PhysicalType::kInt64;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY only: bytes per value
  Annotation annotation;
};

// Bytes of the smallest two's complement integer holding every unscaled value of `precision`
// decimal digits (e.g. 9 → 4, 18 → 8, 38 → 16). `precision` in 1..38 (CHECK).
int32_t DecimalMinBytes(int32_t precision);

// kInvalidArgument when a name is empty or repeated, a FIXED_LEN_BYTE_ARRAY has no length,
// or an annotation does not fit its physical type.
Status ValidateColumnSpecs(const std::vector<ColumnSpec>& columns);

// The file's schema: the root group "table" followed by one leaf element per column.
std::vector<format::SchemaElement> ToSchemaElements(const std::vector<ColumnSpec>& columns);

format::Type ToFormatType(PhysicalType type);

}  // namespace pg2iceberg::parquet
