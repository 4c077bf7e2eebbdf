#include "pg/type_resolver.h"

#include <charconv>
#include <optional>

#include "pg/array_values.h"
#include "pg/pg_types.h"
#include "pg/text_of_binary.h"

namespace pg2iceberg::pg {
namespace {

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

bool IsMoney(uint32_t type_oid) {
  constexpr auto kMoney = static_cast<uint32_t>(TypeOid::kMoney);
  return type_oid == kMoney || ArrayElementTypeOid(type_oid) == kMoney;
}

ResolvedType ForColumn(ResolvedType declared, int32_t column_modifier) {
  if (column_modifier >= 0) declared.type_modifier = column_modifier;
  return declared;
}

Result<ResolvedType> BuiltInTypeResolver::Resolve(uint32_t type_oid, int32_t type_modifier) {
  if (type_oid >= kFirstGenbkiObjectId) {
    return Status::InvalidArgument("column type " + std::to_string(type_oid) +
                                   " is not a built-in type");
  }
  return ResolvedType{.type_oid = type_oid, .type_modifier = type_modifier};
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
      return ResolvedType{.type_oid = static_cast<uint32_t>(TypeOid::kText),
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

}  // namespace pg2iceberg::pg
