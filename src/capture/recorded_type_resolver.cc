#include "capture/recorded_type_resolver.h"

#include <charconv>
#include <optional>
#include <string>

namespace pg2iceberg::capture {

using pg::ForColumn;
using pg::IsMoney;
using pg::kFirstGenbkiObjectId;
using pg::ResolvedType;

namespace {

template <typename T>
bool ParseNumber(const std::optional<std::string>& text, T* out) {
  if (!text.has_value() || text->empty()) return false;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), *out);
  return error == std::errc() && end == text->data() + text->size();
}

// The current (not dropped) columns' non-built-in types of the tables `relids`.
constexpr std::string_view kColumnTypesQuery =
    "SELECT DISTINCT a.atttypid::int8 FROM pg_catalog.pg_attribute a "
    "WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped "
    "AND a.atttypid >= 10000 ORDER BY 1";

std::string OidArray(const std::vector<uint32_t>& oids) {
  std::string out = "{";
  for (uint32_t oid : oids) out += (out.size() > 1 ? "," : "") + std::to_string(oid);
  return out + "}";
}

// Whether two resolutions decode a value alike (a renamed type does). Money's modifier is the
// session's fraction digits, set anew at every Resolve, so it is no property of the type.
bool SameDecoding(const ResolvedType& a, const ResolvedType& b) {
  return a.type_oid == b.type_oid && (a.type_modifier == b.type_modifier || IsMoney(a.type_oid));
}

std::string Describe(const ResolvedType& type) {
  return type.declared_name + " (decoded as built-in type oid " + std::to_string(type.type_oid) +
         ", modifier " + std::to_string(type.type_modifier) + ")";
}

Status NeverRecorded(uint32_t type_oid) {
  return Status::DataLoss("column type oid " + std::to_string(type_oid) +
                          " is not in pg_type and was never recorded by pg2iceberg: the type was "
                          "dropped before a running pg2iceberg of this group saw it (created and "
                          "dropped while none ran), so how the change's values were encoded is "
                          "unknown. Mirror afresh: `pg2iceberg cleanup`, then a fresh start (which "
                          "takes a new snapshot)");
}

}  // namespace

Result<std::unique_ptr<RecordedTypeResolver>> RecordedTypeResolver::Load(
    PgConnection& sql, stage::Coordinator& coordinator, Logger& log) {
  ASSIGN_OR_RETURN(std::vector<stage::RecordedType> rows, coordinator.LoadTypes());
  std::unique_ptr<RecordedTypeResolver> resolver(new RecordedTypeResolver(sql, coordinator, log));
  for (const stage::RecordedType& row : rows) {
    resolver->recorded_[row.type_oid] = ResolvedType{.type_oid = row.resolved_oid,
                                                     .type_modifier = row.type_modifier,
                                                     .declared_name = row.declared_name};
  }
  return resolver;
}

Result<ResolvedType> RecordedTypeResolver::Resolve(uint32_t type_oid, int32_t type_modifier) {
  if (type_oid < kFirstGenbkiObjectId) return catalog_.Resolve(type_oid, type_modifier);
  auto recorded = recorded_.find(type_oid);
  if (recorded != recorded_.end()) {
    return catalog_.WithMoneyScale(ForColumn(recorded->second, type_modifier));
  }
  Result<ResolvedType> today = catalog_.ResolveDeclared(type_oid);
  if (today.status().code() == StatusCode::kNotFound) return NeverRecorded(type_oid);
  RETURN_IF_ERROR(today.status());
  ASSIGN_OR_RETURN(ResolvedType declared, Record(type_oid, *today));
  return catalog_.WithMoneyScale(ForColumn(std::move(declared), type_modifier));
}

Result<ResolvedType> RecordedTypeResolver::Record(uint32_t type_oid, const ResolvedType& resolved) {
  ASSIGN_OR_RETURN(stage::RecordedType row,
                   coordinator_.RecordType({.type_oid = type_oid,
                                            .resolved_oid = resolved.type_oid,
                                            .type_modifier = resolved.type_modifier,
                                            .declared_name = resolved.declared_name}));
  ResolvedType out{.type_oid = row.resolved_oid,
                   .type_modifier = row.type_modifier,
                   .declared_name = row.declared_name};
  log_.Info("recorded column type " + Describe(out) + ", oid " + std::to_string(type_oid));
  recorded_[type_oid] = out;
  return out;
}

Status RecordedTypeResolver::RecordColumnTypes(const std::vector<uint32_t>& relids) {
  ASSIGN_OR_RETURN(PgRows rows, sql_.ExecParams(kColumnTypesQuery, {OidArray(relids)}));
  for (const auto& row : rows.rows) {
    int64_t type_oid = 0;
    if (row.size() != 1 || !ParseNumber(row[0], &type_oid) || type_oid < 0 ||
        type_oid > UINT32_MAX) {
      return Status::Internal(
          "unexpected pg_attribute row listing the mirrored tables' column types");
    }
    if (checked_.contains(static_cast<uint32_t>(type_oid))) continue;
    RETURN_IF_ERROR(CheckStillResolves(static_cast<uint32_t>(type_oid)));
  }
  return Status::Ok();
}

// Records a type a mirrored column uses now, or checks that its record still holds.
Status RecordedTypeResolver::CheckStillResolves(uint32_t type_oid) {
  Result<ResolvedType> today = catalog_.ResolveDeclared(type_oid);
  if (today.status().code() == StatusCode::kNotFound) return Status::Ok();  // dropped just now
  if (today.status().code() == StatusCode::kInvalidArgument) {
    checked_.insert(type_oid);  // not decodable: Resolve refuses it when a change arrives
    return Status::Ok();
  }
  RETURN_IF_ERROR(today.status());
  auto recorded = recorded_.find(type_oid);
  ResolvedType kept;
  if (recorded == recorded_.end()) {
    ASSIGN_OR_RETURN(kept, Record(type_oid, *today));
  } else {
    kept = recorded->second;
  }
  if (!SameDecoding(kept, *today)) {
    return Status::DataLoss(
        "column type oid " + std::to_string(type_oid) + " was recorded as " + Describe(kept) +
        " but pg_type now has " + Describe(*today) +
        " under that oid: the oid was re-used by a new type after the recorded one was dropped, "
        "and changes of both may still be in the slot, which capture cannot tell apart. Mirror "
        "afresh: `pg2iceberg cleanup`, then a fresh start");
  }
  checked_.insert(type_oid);
  return Status::Ok();
}

}  // namespace pg2iceberg::capture
