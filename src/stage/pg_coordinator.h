// PgCoordinator: the Coordinator (stage/coordinator.h) in Postgres, in the schema `schema` (the
// `_pg2iceberg` schema by default; docs/coordinator.md describes every table), shared by the
// groups and processes that use that schema. Also the schema's migrations.
//
// Each row's fields are typed columns; a field that does not parse (a NULL, a non-number, a
// negative size, a malformed LSN — possible only after an outside ALTER of the schema) is
// kDataLoss, the message naming the column and the text (coordinator_fields.h); nothing here
// throws. Every compare-and-set is one conditional statement, never a read-then-write. table_id
// and segment_id come from sequences, so a rolled-back transaction leaves a gap. Errors of the
// connection come back as they are (kUnavailable, kOutcomeUnknown for a lost COMMIT reply).
//
// Not thread-safe. Borrows the connection, which must outlive the PgCoordinator, and runs its
// transactions on it (BEGIN … COMMIT): no transaction may be open on it when a method is called.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "env/pg_connection.h"
#include "stage/coordinator.h"

namespace pg2iceberg::stage {

// The schema version this build writes. Migrations bring older schemas up to it.
inline constexpr int kCoordinatorSchemaVersion = 2;

// Creates or upgrades the coordinator schema `schema` to kCoordinatorSchemaVersion, idempotently
// and safely when several processes run it at once. Returns the version found before migrating
// (0 for a new schema). kDataLoss when the schema is newer than this build understands.
Result<int> MigrateCoordinator(PgConnection& connection, const std::string& schema);

class PgCoordinator final : public Coordinator {
 public:
  // Migrates the schema (see MigrateCoordinator) and returns a coordinator for `group`.
  static Result<std::unique_ptr<PgCoordinator>> Open(PgConnection& connection, std::string schema,
                                                     std::string group);

  Result<std::optional<CaptureState>> LoadCapture() override;
  Status CreateCapture(const CaptureState& state) override;
  Result<std::vector<TableState>> BeginCapture(const CaptureState& state,
                                               const std::vector<TableToRegister>& tables) override;
  Status CompleteCapture(change::Lsn consistent_point) override;

  Result<std::vector<TableState>> LoadTables() override;
  Result<TableState> RegisterTable(const std::string& schema_name, const std::string& table_name,
                                   uint32_t relid, change::Lsn added_lsn = 0) override;
  Result<std::vector<TableState>> RegisterTables(
      const std::vector<TableToRegister>& tables) override;

  Result<RecordedLsn> CommitFlush(const std::vector<DurableSegment>& segments,
                                  const RecordedLsn& expected_flushed, change::Lsn new_flushed,
                                  std::vector<TableState>& tables) override;
  Result<RecordedLsn> AdvanceFlushed(const RecordedLsn& expected_flushed,
                                     change::Lsn new_flushed) override;
  Result<RecordedLsn> RecordedFlushed() override;

  Result<std::vector<IndexedBlock>> BlocksFrom(int64_t table_id, int64_t from_offset,
                                               int limit) override;
  Result<std::vector<IndexedBlock>> BlocksOfSegment(int64_t segment_id) override;
  Result<std::optional<IndexedSegment>> NewestSegment() override;
  Result<std::vector<IndexedSegment>> Segments() override;

  Status SetCursor(int64_t table_id, const std::string& consumer, int64_t next_offset) override;
  Result<std::map<int64_t, int64_t>> LoadCursors(const std::string& consumer) override;
  Status AdvanceCursors(const std::string& consumer,
                        const std::vector<CursorAdvance>& advances) override;
  Result<std::vector<IndexedSegment>> SegmentsPassedByCursors() override;
  Status ForgetSegments(const std::vector<int64_t>& segment_ids) override;

  Result<std::optional<std::string>> LoadWatched(const std::string& name) override;
  Status RecordWatched(const std::string& name, const std::string& fingerprint) override;

  // Implemented in coordinator_types.cc.
  Result<std::vector<RecordedType>> LoadTypes() override;
  Result<RecordedType> RecordType(const RecordedType& type) override;

  Result<std::vector<std::string>> DeleteGroup() override;

  const std::string& schema() const override { return schema_; }
  const std::string& group() const override { return group_; }

 private:
  PgCoordinator(PgConnection& connection, std::string schema, std::string group);
  // "schema.table", quoted.
  std::string Table(std::string_view name) const;
  // The capture row; `for_update` locks it until the current transaction ends (inside a
  // transaction only: UpdateFlushed's compare-and-set).
  Result<std::optional<CaptureState>> SelectCapture(bool for_update);
  Status IndexSegment(const SegmentToIndex& segment, std::vector<TableState>& tables);
  Status ClaimOffsets(TableState& table, int64_t count);
  Status UpdateFlushed(change::Lsn expected_flushed, change::Lsn new_flushed);
  // kConflict: flushed_lsn is `found` (nullopt: unknown, the row changed) instead of `expected`.
  Status FlushedMoved(std::optional<change::Lsn> found, change::Lsn expected) const;
  Status InTransaction(const std::function<Status()>& body);
  Result<std::vector<IndexedBlock>> QueryBlocks(
      const std::string& condition, const std::vector<std::optional<std::string>>& params);

  PgConnection& connection_;
  std::string schema_;
  std::string group_;
};

}  // namespace pg2iceberg::stage
