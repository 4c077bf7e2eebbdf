#include "table/type_mapping.h"

#include "pg/array_values.h"
#include "pg/mapped_values.h"

namespace pg2iceberg {
namespace {

using iceberg::Type;
using iceberg::TypeId;
using pg::PgColumn;
using pg::TypeOid;

Status Unsupported(const std::string& table, const PgColumn& column, const std::string& why) {
  return Status::InvalidArgument("table " + table + ", column \"" + column.name + "\": type " +
                                 column.type_name + " " + why);
}

Result<Type> MapNumeric(const std::string& table, const PgColumn& column,
                        const MappingPolicy& policy) {
  constexpr std::string_view kWayOut =
      "; declare a precision of at most 38 (ALTER TABLE … ALTER COLUMN … TYPE numeric(p,s)), or "
      "set "
      "the table's iceberg.wide_numeric: string to store its exact text";
  if (column.type_modifier < 4) {
    return Type::Decimal(pg::kUnconstrainedNumericPrecision, pg::kUnconstrainedNumericScale);
  }
  int32_t packed = column.type_modifier - 4;
  int precision = (packed >> 16) & 0xffff;
  int scale = packed & 0x7ff;
  if (scale & 0x400) scale -= 0x800;  // 11-bit two's complement (negative scales, PG 15+)
  const bool fits = precision <= 38 && scale >= 0 && scale <= precision;
  if (!fits && policy.wide_numeric_as_string) return Type::Primitive(TypeId::kString);
  if (precision > 38) {
    return Unsupported(table, column,
                       "exceeds Iceberg's maximum decimal precision 38" + std::string(kWayOut));
  }
  if (scale < 0 || scale > precision) {
    return Unsupported(table, column,
                       "has a scale Iceberg decimals cannot represent" + std::string(kWayOut));
  }
  return Type::Decimal(precision, scale);
}

// T[] → list<T>: the element is mapped as a column of type T with the array's type modifier
// (numeric(10,2)[] has numeric(10,2)'s), so errors name the column and its declared type.
// No policy applies to elements: array elements are decoded as capture decodes them, which
// has no string form for numeric beyond decimal(38).
Result<MappedColumn> MapArray(const std::string& table, const PgColumn& column,
                              uint32_t element_oid) {
  PgColumn element = column;
  element.type_oid = element_oid;
  Result<MappedColumn> mapped = MapColumn(table, element, MappingPolicy{});
  if (!mapped.ok() && static_cast<TypeOid>(element_oid) == TypeOid::kNumeric) {
    return Unsupported(table, column,
                       "has elements beyond Iceberg's decimal(38); "
                       "iceberg.wide_numeric applies to numeric columns, not arrays");
  }
  if (!mapped.ok()) return mapped.status();
  return MappedColumn{column, static_cast<TypeOid>(column.type_oid),
                      Type::List(0, /*element_required=*/false, mapped->iceberg_type)};
}

}  // namespace

Result<MappedColumn> MapColumn(const std::string& table, const PgColumn& column,
                               const MappingPolicy& policy) {
  if (const std::optional<uint32_t> element = pg::ArrayElementTypeOid(column.type_oid)) {
    return MapArray(table, column, *element);
  }
  TypeOid oid = static_cast<TypeOid>(column.type_oid);
  TypeId id;
  switch (oid) {
    case TypeOid::kBool:
      id = TypeId::kBoolean;
      break;
    case TypeOid::kInt2:
    case TypeOid::kInt4:
      id = TypeId::kInt;
      break;
    case TypeOid::kInt8:
    case TypeOid::kOid:
      id = TypeId::kLong;
      break;  // unsigned 32-bit: only long holds it exactly
    case TypeOid::kFloat4:
      id = TypeId::kFloat;
      break;
    case TypeOid::kFloat8:
      id = TypeId::kDouble;
      break;
    case TypeOid::kText:
    case TypeOid::kName:
    case TypeOid::kVarchar:
    case TypeOid::kBpchar:
    case TypeOid::kJson:
    case TypeOid::kJsonb:
      id = TypeId::kString;
      break;
    case TypeOid::kBytea:
      id = TypeId::kBinary;
      break;
    case TypeOid::kDate:
      id = TypeId::kDate;
      break;
    case TypeOid::kTime:
    case TypeOid::kTimeTz:
      id = TypeId::kTime;
      break;  // timetz: the time in UTC
    case TypeOid::kTimestamp:
      id = TypeId::kTimestamp;
      break;
    case TypeOid::kTimestampTz:
      id = TypeId::kTimestampTz;
      break;
    case TypeOid::kUuid:
      id = TypeId::kUuid;
      break;
    case TypeOid::kNumeric: {
      ASSIGN_OR_RETURN(Type type, MapNumeric(table, column, policy));
      return MappedColumn{column, oid, type};
    }
    default:
      // interval, money, inet, cidr, macaddr(8), bit, varbit, xml, pg_lsn and ranges: the text
      // capture stages for them (pg/mapped_values.h), so both paths write the same string.
      if (pg::IsMappedType(column.type_oid)) {
        id = TypeId::kString;
        break;
      }
      return Unsupported(table, column, "is not supported yet");
  }
  return MappedColumn{column, oid, Type::Primitive(id)};
}

std::vector<change::ColumnSchema> SourceColumnsOf(const std::vector<MappedColumn>& columns) {
  std::vector<change::ColumnSchema> out;
  out.reserve(columns.size());
  for (const MappedColumn& column : columns) {
    out.push_back({.name = column.pg.name,
                   .type_oid = column.pg.type_oid,
                   .type_modifier = column.pg.type_modifier});
  }
  return out;
}

pg::DecodeOptions DecodeOptionsOf(const std::vector<MappedColumn>& columns) {
  pg::DecodeOptions options;
  for (const MappedColumn& column : columns) {
    if (column.oid == TypeOid::kNumeric && column.iceberg_type.id == TypeId::kString) {
      options.wide_numeric_as_string = true;  // MapNumeric's policy.wide_numeric_as_string
    }
  }
  return options;
}

}  // namespace pg2iceberg
