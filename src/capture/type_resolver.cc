#include "capture/type_resolver.h"

#include <charconv>
#include <optional>

#include "pg/array_values.h"
#include "pg/pg_types.h"
#include "pg/text_of_binary.h"

namespace pg2iceberg::capture {
namespace {

// OIDs below this are assigned by hand in Postgres' catalogs: the built-in types.
constexpr uint32_t kFirstGenbkiObjectId = 10000;
// OIDs from here on belong to objects created after initdb (user and extension types).
constexpr uint32_t kFirstNormalObjectId = 16384;
// Domains over domains deeper than this are refused rather than followed.
constexpr int kMaxDomainDepth = 32;

constexpr std::string_view kTypeQuery =
    "SELECT t.typtype::text, t.typbasetype::int8, t.typtypmod, n.nspname, t.typname, "
    "t.typcategory::text, t.typelem::int8 "
    "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
    "WHERE t.oid = $1::int8::oid";

struct TypeRow {
  char kind = 'b';  // pg_type.typtype
  uint32_t base_oid = 0;
  int32_t base_modifier = -1;
  std::string name;  // schema.name
  std::string type_name;
  char category = 'U';
  uint32_t element_oid = 0;  // pg_type.typelem of an array type
};

template <typename T>
bool ParseNumber(const std::optional<std::string>& text, T* out) {
  if (!text.has_value() || text->empty()) return false;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), *out);
  return error == std::errc() && end == text->data() + text->size();
}

Result<TypeRow> LookUp(PgConnection& sql, uint32_t type_oid) {
  ASSIGN_OR_RETURN(PgRows rows, sql.ExecParams(kTypeQuery, {std::to_string(type_oid)}));
  if (rows.rows.empty()) {
    return Status::NotFound("column type oid " + std::to_string(type_oid) +
                            " is not in pg_type (was the type dropped?)");
  }
  const auto& row = rows.rows[0];
  TypeRow out;
  int64_t base_oid = 0;
  int64_t element_oid = 0;
  if (row.size() != 7 || !ParseNumber(row[6], &element_oid) || !row[0].has_value() ||
      row[0]->size() != 1 || !ParseNumber(row[1], &base_oid) ||
      !ParseNumber(row[2], &out.base_modifier) || !row[3].has_value() || !row[4].has_value() ||
      !row[5].has_value() || row[5]->size() != 1) {
    return Status::Internal("unexpected pg_type row for type oid " + std::to_string(type_oid));
  }
  out.kind = (*row[0])[0];
  out.base_oid = static_cast<uint32_t>(base_oid);
  out.name = *row[3] + "." + *row[4];
  out.type_name = *row[4];
  out.category = (*row[5])[0];
  out.element_oid = static_cast<uint32_t>(element_oid);
  return out;
}

bool IsMoney(uint32_t type_oid) {
  constexpr auto kMoney = static_cast<uint32_t>(pg::TypeOid::kMoney);
  return type_oid == kMoney || pg::ArrayElementTypeOid(type_oid) == kMoney;
}

std::string KindName(const TypeRow& row) {
  if (row.category == 'A') return "an array type";
  switch (row.kind) {
    case 'c':
      return "a composite type";
    case 'r':
      return "a range type";
    case 'm':
      return "a multirange type";
    case 'p':
      return "a pseudo-type";
    default:
      return "a base type";
  }
}

Status Unsupported(const TypeRow& row, const std::string& declared) {
  std::string message = "column type " + declared;
  if (declared != row.name) message += " (a domain over " + row.name + ")";
  return Status::InvalidArgument(
      message + " is " + KindName(row) +
      " that capture does not decode; supported are built-in types, enums, "
      "citext and domains over them");
}

}  // namespace

ResolvedType ForColumn(ResolvedType declared, int32_t column_modifier) {
  if (column_modifier >= 0) declared.type_modifier = column_modifier;
  return declared;
}

Result<ResolvedType> PgTypeResolver::Resolve(uint32_t type_oid, int32_t type_modifier) {
  ResolvedType out{.type_oid = type_oid, .type_modifier = type_modifier};
  if (type_oid >= kFirstGenbkiObjectId) {
    ASSIGN_OR_RETURN(ResolvedType declared, ResolveDeclared(type_oid));
    out = ForColumn(std::move(declared), type_modifier);
  }
  return WithMoneyScale(std::move(out));
}

Result<ResolvedType> PgTypeResolver::ResolveDeclared(uint32_t type_oid) {
  auto cached = cache_.find(type_oid);
  if (cached == cache_.end()) {
    ASSIGN_OR_RETURN(ResolvedType resolved, LookUpDeclared(type_oid));
    cached = cache_.emplace(type_oid, std::move(resolved)).first;
  }
  return cached->second;
}

Result<ResolvedType> PgTypeResolver::WithMoneyScale(ResolvedType resolved) {
  if (IsMoney(resolved.type_oid)) {
    ASSIGN_OR_RETURN(resolved.type_modifier, MoneyFractionDigits());
  }
  return resolved;
}

// Money values are counts of the currency's smallest unit; casting to numeric divides by the
// session's lc_monetary fraction digits, so the scale of the result is that number.
Result<int> PgTypeResolver::MoneyFractionDigits() {
  if (money_fraction_digits_.has_value()) return *money_fraction_digits_;
  ASSIGN_OR_RETURN(PgRows rows,
                   sql_.Exec("SELECT pg_catalog.scale('0'::pg_catalog.money::pg_catalog.numeric)"));
  int digits = -1;
  if (rows.rows.size() != 1 || rows.rows[0].size() != 1 || !ParseNumber(rows.rows[0][0], &digits) ||
      digits < 0 || digits > pg::kMoneyFractionDigitsMax) {
    return Status::Internal("unexpected answer to the query of money's fraction digits");
  }
  money_fraction_digits_ = digits;
  return digits;
}

// An array of an enum, a domain or citext: the built-in array of what its element resolves to.
Result<ResolvedType> PgTypeResolver::ResolveArray(uint32_t element_oid,
                                                  const ResolvedType& declared) {
  ASSIGN_OR_RETURN(ResolvedType element, Resolve(element_oid, declared.type_modifier));
  std::optional<uint32_t> array = pg::ArrayTypeOidOf(element.type_oid);
  if (!array) {
    return Status::InvalidArgument("column type " + declared.declared_name +
                                   " is an array of type oid " + std::to_string(element.type_oid) +
                                   ", which capture does not decode");
  }
  return ResolvedType{.type_oid = *array,
                      .type_modifier = element.type_modifier,
                      .declared_name = declared.declared_name};
}

Result<ResolvedType> PgTypeResolver::LookUpDeclared(uint32_t type_oid) {
  ResolvedType out{.type_oid = type_oid};
  for (int depth = 0; depth < kMaxDomainDepth; ++depth) {
    ASSIGN_OR_RETURN(const TypeRow row, LookUp(sql_, out.type_oid));
    if (depth == 0) out.declared_name = row.name;
    if (row.kind == 'e' || (row.kind == 'b' && row.type_name == "citext")) {
      return ResolvedType{.type_oid = static_cast<uint32_t>(pg::TypeOid::kText),
                          .declared_name = out.declared_name};
    }
    if (row.category == 'A' && row.element_oid != 0 && out.type_oid >= kFirstNormalObjectId) {
      return ResolveArray(row.element_oid, out);
    }
    if (row.kind != 'd') {
      if (out.type_oid < kFirstNormalObjectId)
        return out;  // created by initdb: leave it to the decoder
      return Unsupported(row, out.declared_name);
    }
    // The outermost modifier wins: a domain over a domain cannot declare one of its own.
    if (out.type_modifier < 0) out.type_modifier = row.base_modifier;
    out.type_oid = row.base_oid;
    if (out.type_oid < kFirstGenbkiObjectId) return out;
  }
  return Status::InvalidArgument("column type " + out.declared_name + " nests domains more than " +
                                 std::to_string(kMaxDomainDepth) + " deep");
}

namespace {

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
