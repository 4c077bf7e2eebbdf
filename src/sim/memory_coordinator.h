// MemoryCoordinator: the Coordinator (stage/coordinator.h) held in memory, for the simulator and
// tests. A MemoryCoordinatorState holds every group's rows, as one coordinator schema in Postgres
// does; each MemoryCoordinator is one process's view of one group of it, so several views (of
// several groups, or several "processes" of one group) share a state as processes share Postgres.
//
// As strict as PgCoordinator (both pass stage/coordinator_contract.h): every kConflict of the
// real one is a kConflict here (an expected value that differs, a table or capture row that
// exists, a cursor moving backwards, a CompleteCapture of a row that is not pending); what
// Postgres refuses by a constraint (a duplicate segment object key or block, a cursor of an
// unregistered table or below 0, a negative LIMIT) is refused with the code PgCoordinator
// returns for it (kInternal; kInvalidArgument for the LIMIT). Each method is all or nothing: it
// works on a copy of the rows and keeps it only on success. table_id and segment_id come from
// counters that, like Postgres sequences, are not rolled back. Every row is stored with the
// checksum PgCoordinator would write (stage/coordinator_checksums.h) and verified on each load,
// so a row changed by MemoryCoordinatorState::Edit* is kDataLoss as an outside UPDATE is.
//
// Not modelled: the connection (no kUnavailable, no kOutcomeUnknown; faults belong in a
// decorator), malformed column values (the fields are typed), schema versions and migrations,
// and concurrency (no locks: the simulator runs one step at a time). No clock, thread or
// randomness of its own. Not thread-safe; the state must outlive its coordinators.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stage/coordinator.h"

namespace pg2iceberg::sim {

class MemoryCoordinatorState {
 public:
  // `schema` names the state in messages, as the coordinator schema does.
  explicit MemoryCoordinatorState(std::string schema = "_pg2iceberg")
      : schema_(std::move(schema)) {}

  const std::string& schema() const { return schema_; }

  // Outside edits, as an operator's UPDATE would make: `edit` changes the stored fields of a row
  // and its checksum stays, so the next load of the row is kDataLoss. False when there is no
  // such row. The row's key (group, table_id, first_offset) must stay as it is (checked).
  [[nodiscard]] bool EditCapture(const std::string& group,
                                 const std::function<void(stage::CaptureState&)>& edit);
  [[nodiscard]] bool EditTable(int64_t table_id,
                               const std::function<void(stage::TableState&)>& edit);
  [[nodiscard]] bool EditBlock(int64_t table_id, int64_t first_offset,
                               const std::function<void(stage::BlockToIndex&)>& edit);
  [[nodiscard]] bool EditCursor(int64_t table_id, const std::string& consumer, int64_t next_offset);

 private:
  friend class MemoryCoordinator;

  // Each row: its fields as written, the checksum written beside them, and what it belongs to.
  struct StoredCapture {
    stage::CaptureState fields;
    std::string checksum;
  };
  struct StoredTable {
    std::string group;
    stage::TableState fields;
    std::string checksum;
  };
  struct StoredSegment {
    std::string group;
    stage::SegmentToIndex fields;  // without blocks
    std::string checksum;
  };
  struct StoredBlock {
    int64_t segment_id = 0;
    stage::BlockToIndex fields;
    std::string checksum;
  };
  struct StoredCursor {
    int64_t next_offset = 0;
    std::string checksum;
  };
  struct StoredWatched {
    std::string fingerprint;
    std::string checksum;
  };
  struct StoredType {
    stage::RecordedType fields;
    std::string checksum;
  };
  struct Rows {
    std::map<std::string, StoredCapture> captures;                         // by group
    std::map<int64_t, StoredTable> tables;                                 // by table_id
    std::map<int64_t, StoredSegment> segments;                             // by segment_id
    std::map<std::pair<int64_t, int64_t>, StoredBlock> blocks;             // table_id, first_offset
    std::map<std::pair<int64_t, std::string>, StoredCursor> cursors;       // table_id, consumer
    std::map<std::pair<std::string, std::string>, StoredWatched> watched;  // group, name
    std::map<std::pair<std::string, uint32_t>, StoredType> types;          // group, type_oid
  };

  std::string schema_;
  Rows rows_;
  int64_t last_table_id_ = 0;  // sequences: never rolled back
  int64_t last_segment_id_ = 0;
};

class MemoryCoordinator final : public stage::Coordinator {
 public:
  // A view of `group` in `state`, which must outlive it.
  MemoryCoordinator(MemoryCoordinatorState& state, std::string group)
      : state_(state), group_(std::move(group)) {}

  Result<std::optional<stage::CaptureState>> LoadCapture() override;
  Status CreateCapture(const stage::CaptureState& state) override;
  Result<std::vector<stage::TableState>> BeginCapture(
      const stage::CaptureState& state, const std::vector<stage::TableToRegister>& tables) override;
  Status CompleteCapture(change::Lsn consistent_point) override;

  Result<std::vector<stage::TableState>> LoadTables() override;
  Result<stage::TableState> RegisterTable(const std::string& schema_name,
                                          const std::string& table_name, uint32_t relid,
                                          change::Lsn added_lsn = 0) override;
  Result<std::vector<stage::TableState>> RegisterTables(
      const std::vector<stage::TableToRegister>& tables) override;

  Result<stage::RecordedLsn> CommitFlush(const std::vector<stage::DurableSegment>& segments,
                                         const stage::RecordedLsn& expected_flushed,
                                         change::Lsn new_flushed,
                                         std::vector<stage::TableState>& tables) override;
  Result<stage::RecordedLsn> AdvanceFlushed(const stage::RecordedLsn& expected_flushed,
                                            change::Lsn new_flushed) override;
  Result<stage::RecordedLsn> RecordedFlushed() override;

  // Implemented in memory_coordinator_index.cc.
  Result<std::vector<stage::IndexedBlock>> BlocksFrom(int64_t table_id, int64_t from_offset,
                                                      int limit) override;
  Result<std::vector<stage::IndexedBlock>> BlocksOfSegment(int64_t segment_id) override;
  Result<std::optional<stage::IndexedSegment>> NewestSegment() override;
  Result<std::vector<stage::IndexedSegment>> Segments() override;

  // Implemented in memory_coordinator_cursors.cc.
  Status SetCursor(int64_t table_id, const std::string& consumer, int64_t next_offset) override;
  Result<std::map<int64_t, int64_t>> LoadCursors(const std::string& consumer) override;
  Status AdvanceCursors(const std::string& consumer,
                        const std::vector<stage::CursorAdvance>& advances) override;
  Result<std::vector<stage::IndexedSegment>> SegmentsPassedByCursors() override;
  Status ForgetSegments(const std::vector<int64_t>& segment_ids) override;

  // Implemented in memory_coordinator_index.cc.
  Result<std::optional<std::string>> LoadWatched(const std::string& name) override;
  Status RecordWatched(const std::string& name, const std::string& fingerprint) override;
  Result<std::vector<stage::RecordedType>> LoadTypes() override;
  Result<stage::RecordedType> RecordType(const stage::RecordedType& type) override;
  Result<std::vector<std::string>> DeleteGroup() override;

  const std::string& schema() const override { return state_.schema(); }
  const std::string& group() const override { return group_; }

 private:
  using Rows = MemoryCoordinatorState::Rows;

  // Runs `body` on a copy of the rows and keeps the copy only when it succeeds.
  Status Transact(const std::function<Status(Rows&)>& body);
  // kDataLoss: the row `row` ("tables (table public.a)") fails its checksum.
  Status FailsChecksum(const std::string& row) const;

  Result<std::optional<stage::CaptureState>> VerifiedCapture(const Rows& rows) const;
  Status InsertCapture(Rows& rows, const stage::CaptureState& state);
  Result<stage::TableState> InsertTable(Rows& rows, const stage::TableToRegister& table);
  Status UpdateFlushed(Rows& rows, change::Lsn expected_flushed, change::Lsn new_flushed);
  Status IndexSegment(Rows& rows, const stage::SegmentToIndex& segment,
                      std::vector<stage::TableState>& tables);
  Status ClaimOffsets(Rows& rows, stage::TableState& table, int64_t count);
  Status InsertBlock(Rows& rows, int64_t segment_id, int64_t first_offset,
                     const stage::BlockToIndex& block);
  Status InsertCursor(Rows& rows, int64_t table_id, const std::string& consumer,
                      int64_t next_offset);

  Result<stage::IndexedBlock> VerifiedBlock(
      const std::pair<int64_t, int64_t>& key,
      const MemoryCoordinatorState::StoredBlock& stored) const;
  Result<stage::IndexedSegment> VerifiedSegment(
      int64_t segment_id, const MemoryCoordinatorState::StoredSegment& stored) const;
  Result<int64_t> VerifiedCursor(const std::pair<int64_t, std::string>& key,
                                 const MemoryCoordinatorState::StoredCursor& stored) const;
  Result<stage::RecordedType> VerifiedType(const MemoryCoordinatorState::StoredType& stored) const;
  // Whether `table_id` is a table of this group.
  bool InGroup(const Rows& rows, int64_t table_id) const;
  // Whether every block of the segment is behind every cursor of its table (and has one).
  bool PassedByCursors(int64_t segment_id) const;

  MemoryCoordinatorState& state_;
  std::string group_;
};

}  // namespace pg2iceberg::sim
