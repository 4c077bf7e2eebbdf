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
// Capture resolves through RecordedTypeResolver (below): the resolution recorded when a type was
// first seen wins over today's pg_type (docs/capture.md, "Column types").
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/status.h"
#include "env/pg_connection.h"
#include "stage/coordinator.h"

namespace pg2iceberg::capture {

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

// Resolves from the state recorded when a type was first seen, not from today's catalog: a
// Relation message may be decoded long after it was written (capture lags, or was stopped), when
// its column's type may have been dropped, or dropped and re-created under a new OID.
//
//   - An OID the group has recorded (the coordinator's `types` table) resolves as recorded,
//     whatever pg_type says today.
//   - An OID never recorded is looked up in today's pg_type and recorded — committed in the
//     coordinator before Resolve returns, so no change is staged with a resolution a restart
//     could not find again.
//   - An OID neither recorded nor in pg_type is kDataLoss: the type was created and dropped while
//     no pg2iceberg ran, and how its values were encoded is unknown. Never a guess.
//
// RecordColumnTypes records, at start and on every periodic check, the types the mirrored
// tables' columns have now, so a type that exists while pg2iceberg runs is recorded before it
// can be dropped, even when capture has not yet reached the changes that use it.
//
// A recorded OID is never re-resolved. Should today's pg_type resolve a recorded OID that a
// mirrored table's column uses differently, the OID was re-used by a new type (after the 32-bit
// OID counter wrapped around) and changes of both may still lie ahead: RecordColumnTypes stops
// with kDataLoss rather than decode either one wrongly. A renamed type decodes as before and is
// accepted. Borrows `sql`, `coordinator` and `log`, which must outlive it. Not thread-safe.
class RecordedTypeResolver final : public TypeResolver {
 public:
  // Loads the group's recorded types (kDataLoss for a row that fails its checksum).
  static Result<std::unique_ptr<RecordedTypeResolver>> Load(PgConnection& sql,
                                                            stage::Coordinator& coordinator,
                                                            Logger& log);

  Result<ResolvedType> Resolve(uint32_t type_oid, int32_t type_modifier) override;

  // Records the declared type of every current column of the tables `relids` (pg_attribute)
  // not recorded yet, and checks, once per type and process, that a recorded one still resolves
  // as recorded. A type capture cannot decode is left for Resolve to refuse when a change of
  // its table arrives.
  Status RecordColumnTypes(const std::vector<uint32_t>& relids);

 private:
  RecordedTypeResolver(PgConnection& sql, stage::Coordinator& coordinator, Logger& log)
      : sql_(sql), coordinator_(coordinator), catalog_(sql), log_(log) {}
  // Records `resolved` for `type_oid` and returns what is recorded (the first recording wins).
  Result<ResolvedType> Record(uint32_t type_oid, const ResolvedType& resolved);
  Status CheckStillResolves(uint32_t type_oid);

  PgConnection& sql_;
  stage::Coordinator& coordinator_;
  PgTypeResolver catalog_;
  Logger& log_;
  std::map<uint32_t, ResolvedType> recorded_;  // by declared type OID
  std::set<uint32_t> checked_;                 // compared with today's pg_type in this process
};

}  // namespace pg2iceberg::capture
