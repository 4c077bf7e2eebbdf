// Postgres column types as pg2iceberg sees them: built-in type OIDs and column descriptions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pg2iceberg::pg {

// Built-in type OIDs (pg_type.h); stable across Postgres versions.
enum class TypeOid : uint32_t {
  kBool = 16,
  kBytea = 17,
  kChar = 18,  // "char": one byte
  kName = 19,
  kInt8 = 20,
  kInt2 = 21,
  kInt4 = 23,
  kText = 25,
  kOid = 26,
  kJson = 114,
  kFloat4 = 700,
  kFloat8 = 701,
  kBpchar = 1042,
  kVarchar = 1043,
  kDate = 1082,
  kTime = 1083,
  kTimestamp = 1114,
  kTimestampTz = 1184,
  kTimeTz = 1266,
  kNumeric = 1700,
  kUuid = 2950,
  kJsonb = 3802,
  // Mapped onto another Value kind by capture (pg/mapped_values.h): timetz → Time, the rest
  // → String holding Postgres' text output.
  kXml = 142,
  kCidr = 650,
  kMacaddr8 = 774,
  kMoney = 790,
  kMacaddr = 829,
  kInet = 869,
  kInterval = 1186,
  kBit = 1560,
  kVarbit = 1562,
  kPgLsn = 3220,
  kInt4Range = 3904,
  kNumRange = 3906,
  kTsRange = 3908,
  kTsTzRange = 3910,
  kDateRange = 3912,
  kInt8Range = 3926,
};

// numeric without a declared precision is mirrored as decimal(38,18), as the existing
// pg2iceberg does: up to 20 integer and 18 fractional digits. A value that does not fit exactly
// (more digits, NaN, ±Infinity) stops the mirror naming table, column and value; it is never
// rounded.
constexpr int kUnconstrainedNumericPrecision = 38;
constexpr int kUnconstrainedNumericScale = 18;

struct PgColumn {
  std::string name;
  uint32_t type_oid = 0;
  int32_t type_modifier = -1;
  bool not_null = false;
  std::string type_name;  // format_type(), e.g. "numeric(10,2)", for messages
  // pg_attribute.attnum: kept by RENAME and ALTER TYPE, new for every ADD COLUMN. 0 when the
  // column was not read from the catalogs (e.g. a pgoutput Relation message).
  int attnum = 0;
};

}  // namespace pg2iceberg::pg
