// RecordedTypeResolver: capture's type resolver (pg/type_resolver.h), backed by the types the
// group recorded in the coordinator when it first saw them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "base/log.h"
#include "base/status.h"
#include "env/pg_connection.h"
#include "pg/type_resolver.h"
#include "stage/coordinator.h"

namespace pg2iceberg::capture {

using pg::PgTypeResolver;
using pg::ResolvedType;
using pg::TypeResolver;

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
