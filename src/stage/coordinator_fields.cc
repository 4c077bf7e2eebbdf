#include "stage/coordinator_fields.h"

#include "base/parse_number.h"

namespace pg2iceberg::stage {
namespace {

constexpr std::string_view kWayOut =
    ": the coordinator schema was changed outside pg2iceberg, so the capture state cannot be "
    "trusted. Restore the schema from a backup, or drop the coordinator schema, the replication "
    "slot and the mirrored Iceberg tables and mirror afresh (pg2iceberg cleanup)";

std::string What(std::string_view column) { return "coordinator column " + std::string(column); }

// `parsed` failed: the same message with the way out appended, as kDataLoss.
Status Corrupt(const Status& parsed) {
  return Status::DataLoss(parsed.message() + std::string(kWayOut));
}

}  // namespace

Result<std::string> TextField(const Cell& cell, std::string_view column) {
  if (!cell) return Status::DataLoss(What(column) + " is NULL" + std::string(kWayOut));
  return *cell;
}

Result<int64_t> IntField(const Cell& cell, std::string_view column) {
  ASSIGN_OR_RETURN(const std::string text, TextField(cell, column));
  Result<int64_t> value = ParseInt64(text, What(column), StatusCode::kDataLoss);
  if (!value.ok()) return Corrupt(value.status());
  return *value;
}

Result<uint64_t> UnsignedField(const Cell& cell, std::string_view column) {
  ASSIGN_OR_RETURN(const std::string text, TextField(cell, column));
  Result<uint64_t> value = ParseUint64(text, What(column), StatusCode::kDataLoss);
  if (!value.ok()) return Corrupt(value.status());
  return *value;
}

Result<uint32_t> OidField(const Cell& cell, std::string_view column) {
  ASSIGN_OR_RETURN(const std::string text, TextField(cell, column));
  Result<uint32_t> value = ParseUint32(text, What(column), StatusCode::kDataLoss);
  if (!value.ok()) return Corrupt(value.status());
  return *value;
}

Result<change::Lsn> LsnField(const Cell& cell, std::string_view column) {
  ASSIGN_OR_RETURN(const std::string text, TextField(cell, column));
  Result<change::Lsn> value = change::ParseLsn(text);
  if (!value.ok()) return Corrupt(value.status().WithContext(What(column)));
  return *value;
}

}  // namespace pg2iceberg::stage
