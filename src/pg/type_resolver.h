// TypeResolver: the built-in type capture decodes a column as, for the type OID a Relation
// message declares. pgoutput names a column's own type — an enum's or a domain's OID, an
// extension type's — while the decoders (pg/value_decoding.h) know built-in types only:
//
//   built-in types (OID < 10000)  → themselves, unchanged (unsupported ones are refused later
//                                   by the decoder, when a value arrives);
//   enums                         → text (enum_send and enum_out both give the label);
//   citext (the extension)        → text (its send form is text's);
//   domains                       → their base type, following domains over domains, with
//                                   the domain's type modifier (numeric(10,2), varchar(20))
//                                   when the column has none of its own;
//   any other non-built-in type   → kInvalidArgument naming the type.
//
// money and money[] (also as a domain's base type) resolve to themselves with, as type
// modifier, the number of fraction digits the source's lc_monetary gives money in a session of
// this connection's user and database (money has no modifier of its own; its values are counts
// of the smallest currency unit, pg/text_of_binary.h), so the decoders and the staged schema
// know how the amounts were scaled.
//
// Capture resolves through RecordedTypeResolver (capture/recorded_type_resolver.h): the resolution
// recorded when a type was first seen wins over today's pg_type (docs/capture.md, "Column types").
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "env/pg_connection.h"

namespace pg2iceberg::pg {

// OIDs below this are assigned by hand in Postgres' catalogs: the built-in types.
inline constexpr uint32_t kFirstGenbkiObjectId = 10000;

struct ResolvedType {
  uint32_t type_oid = 0;       // a built-in type
  int32_t type_modifier = -1;  // its modifier (-1: none)
  std::string declared_name;   // "schema.name" of a non-built-in declared type; else empty
  bool operator==(const ResolvedType&) const = default;
};

class TypeResolver {
 public:
  virtual ~TypeResolver() = default;
  // `type_modifier` is the column's own (pg_attribute.atttypmod). Errors: kInvalidArgument
  // for a type capture cannot decode; lookup failures as the connection reports them.
  virtual Result<ResolvedType> Resolve(uint32_t type_oid, int32_t type_modifier) = 0;
};

// The column's view of a declared type's resolution: a column's own modifier (atttypmod, >= 0)
// wins over the one its declared type brings (a domain's).
ResolvedType ForColumn(ResolvedType declared, int32_t column_modifier);

// Resolves built-in types (as themselves) and nothing else (kInvalidArgument naming the OID):
// for callers that read no catalog (the simulator's source, the pgoutput fuzz target). Pure.
class BuiltInTypeResolver final : public TypeResolver {
 public:
  Result<ResolvedType> Resolve(uint32_t type_oid, int32_t type_modifier) override;
};

// Resolves through today's pg_type on a SQL connection, caching each non-built-in type's
// resolution for the resolver's lifetime (a type's kind and a domain's base type cannot change).
// Borrows `sql`, which must outlive it. Not thread-safe.
class PgTypeResolver final : public TypeResolver {
 public:
  explicit PgTypeResolver(PgConnection& sql) : sql_(sql) {}

  Result<ResolvedType> Resolve(uint32_t type_oid, int32_t type_modifier) override;
  // What the non-built-in type `type_oid` decodes as, whatever a column's own modifier.
  // kNotFound when pg_type has no such type (it was dropped); kInvalidArgument when capture
  // cannot decode it.
  Result<ResolvedType> ResolveDeclared(uint32_t type_oid);
  // `resolved` with money's (and money[]'s) modifier set to this session's fraction digits.
  Result<ResolvedType> WithMoneyScale(ResolvedType resolved);

 private:
  Result<ResolvedType> LookUpDeclared(uint32_t type_oid);
  Result<ResolvedType> ResolveArray(uint32_t element_oid, const ResolvedType& declared);
  // lc_monetary's fraction digits in `sql_`'s session, asked once.
  Result<int> MoneyFractionDigits();

  PgConnection& sql_;
  std::map<uint32_t, ResolvedType> cache_;  // by declared type OID
  std::optional<int> money_fraction_digits_;
};

// Whether `type_oid` is money or money[] (whose modifier is the session's fraction digits).
bool IsMoney(uint32_t type_oid);

}  // namespace pg2iceberg::pg
