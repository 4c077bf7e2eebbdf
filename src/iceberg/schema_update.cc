#include "iceberg/schema_update.h"

#include <algorithm>

#include "iceberg/schema_json.h"

namespace pg2iceberg::iceberg {

bool IsAllowedPromotion(const Type& from, const Type& to) {
  if (from == to) return true;
  if (from.id == TypeId::kInt) return to.id == TypeId::kLong;
  if (from.id == TypeId::kFloat) return to.id == TypeId::kDouble;
  if (from.id == TypeId::kDecimal && to.id == TypeId::kDecimal) {
    return to.scale == from.scale && to.precision > from.precision;
  }
  return false;
}

bool SameSchema(const Schema& a, const Schema& b) {
  return a.fields == b.fields && a.identifier_field_ids == b.identifier_field_ids;
}

Result<TableMetadata> WithCurrentSchema(const TableMetadata& metadata, const Schema& schema) {
  RETURN_IF_ERROR(ValidateSchema(schema));
  TableMetadata next = metadata;
  const auto existing = std::find_if(next.schemas.begin(), next.schemas.end(),
                                     [&](const Schema& s) { return SameSchema(s, schema); });
  if (existing != next.schemas.end()) {
    next.current_schema_id = existing->schema_id;
    return next;
  }
  int highest_schema_id = -1;
  for (const Schema& s : next.schemas) highest_schema_id = std::max(highest_schema_id, s.schema_id);
  next.schemas.push_back(schema);
  next.schemas.back().schema_id = highest_schema_id + 1;
  next.current_schema_id = highest_schema_id + 1;
  next.last_column_id = std::max(next.last_column_id, schema.HighestFieldId());
  return next;
}

}  // namespace pg2iceberg::iceberg
