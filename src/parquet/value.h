// Values as ParquetWriter takes them and ParquetReader returns them, so that writing and
// reading back round-trip exactly.
//
// A Scalar is what one Append call takes: std::monostate for AppendNull, bool for AppendBool,
// int32_t/int64_t/float/double for AppendInt32/Int64/Float/Double, Bytes for AppendBytes
// (BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY alike). A Value is a column's value in one row: a
// Scalar, or for a list column a List (BeginList, one Append per element, EndList), with
// std::monostate for a NULL list. Logical meaning (dates, decimals...) stays with the column's
// ColumnSpec; values are physical.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::parquet {

class ParquetWriter;

using Scalar = std::variant<std::monostate, bool, int32_t, int64_t, float, double, Bytes>;
using List = std::vector<Scalar>;
using Value = std::variant<std::monostate, bool, int32_t, int64_t, float, double, Bytes, List>;

inline bool IsNull(const Value& value) { return std::holds_alternative<std::monostate>(value); }

// Appends `value` to `column` of the open row with the matching Append calls; their errors.
Status AppendValue(ParquetWriter& writer, size_t column, const Value& value);

// Equality that compares floats and doubles by their bits (NaN equals the same NaN; -0.0 and
// +0.0 differ), as a reader returning what was written must.
bool SameValue(const Value& a, const Value& b);

// A short printable form for test failures and error messages: "NULL", "42", "3.5f",
// "0x6869", "[1, NULL]".
std::string DebugString(const Value& value);

}  // namespace pg2iceberg::parquet
