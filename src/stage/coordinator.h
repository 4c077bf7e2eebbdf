// Coordinator: pg2iceberg's own state, the single source of truth for what has been captured.
// This is the interface; PgCoordinator (stage/pg_coordinator.h) keeps it in Postgres (the
// `_pg2iceberg` schema by default; docs/coordinator.md describes every table), and
// sim::MemoryCoordinator (sim/memory_coordinator.h) in memory for the simulator. Both pass the
// contract suite in stage/coordinator_contract.h. The state, per group:
//
//   capture        one row per group: the cluster and slot the log belongs to, and flushed_lsn —
//                  every source transaction ending at or below it is in the staging log, indexed.
//   tables         one row per mirrored table: its pg_class oid and next_offset, the next free
//                  position of its gapless change sequence.
//   segments       one row per durable segment object in the staging log.
//   segment_blocks one row per (segment, table) block: the offsets [first_offset,
//                  first_offset + change_count) of that table's changes and where the block sits.
//   cursors        how far each consumer (a materializer) has read a table.
//   watched_catalog fingerprints of the source catalog state capture watches
//   (capture/catalog_watch.h).
//   types          one row per (group, non-built-in type OID) capture has resolved: the built-in
//                  type its values decode as, recorded when first seen.
//
// Every row carries a CRC-32C of its fields (stage/coordinator_checksums.h); a row that fails it
// was changed outside pg2iceberg and is kDataLoss, the message naming the row. The streamer is
// the only writer of capture, tables, segments and segment_blocks; each write states the value
// it expects to replace, so a second streamer or an outside edit is detected (kConflict) instead
// of silently overwritten. Each method is atomic: on an error nothing of it is recorded (table_id
// and segment_id may still be used up, as a Postgres sequence is). table_id and segment_id are
// assigned in increasing order, unique across the groups that share the state.
//
// Implementations are not thread-safe; several coordinators (of one group or of several) may
// share one state, as several processes share the Postgres schema.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "change/change.h"

namespace pg2iceberg::stage {

struct CaptureState {
  std::string system_identifier;  // IDENTIFY_SYSTEM's systemid of the source cluster
  std::string database;
  std::string slot_name;
  std::string publication_name;
  change::Lsn slot_created_lsn = 0;  // the slot's consistent point when pg2iceberg created it
  change::Lsn flushed_lsn = 0;
  // The first start recorded the group before creating the slot and has not yet recorded the
  // slot's consistent point: a crash interrupted it, and nothing has been captured.
  bool slot_pending() const { return slot_created_lsn == 0; }
};

// How capture decodes one non-built-in column type (an enum, a domain, citext, an array of them):
// the built-in type and modifier, as resolved from pg_type when the type was first seen.
struct RecordedType {
  uint32_t type_oid = 0;       // the declared type's pg_type.oid
  uint32_t resolved_oid = 0;   // the built-in type its values decode as
  int32_t type_modifier = -1;  // the declared type's own modifier (a domain's), -1 for none
  std::string declared_name;   // "schema.name" of the declared type when it was recorded
  bool operator==(const RecordedType&) const = default;
};

struct TableState {
  int64_t table_id = 0;
  std::string schema_name;
  std::string table_name;
  uint32_t relid = 0;  // pg_class.oid when the table was registered
  int64_t next_offset = 0;
  // 0 for a table registered at the first start: its changes are captured from the slot's
  // consistent point. Else the table joined later, and its changes are captured from this LSN on
  // (its initial copy must be taken at or after it).
  change::Lsn added_lsn = 0;
  std::string QualifiedName() const { return schema_name + "." + table_name; }
};

// A table to register: its name, pg_class.oid and added_lsn (see TableState).
struct TableToRegister {
  std::string schema_name;
  std::string table_name;
  uint32_t relid = 0;
  change::Lsn added_lsn = 0;
};

// One table's block of a segment, as the segment's directory describes it.
struct BlockToIndex {
  int64_t table_id = 0;
  uint64_t block_offset = 0;
  uint64_t block_length = 0;
  int64_t change_count = 0;
  change::Lsn first_commit_lsn = 0;
  change::Lsn last_commit_lsn = 0;
};

// A durable segment object to index.
struct SegmentToIndex {
  std::string object_key;
  uint64_t size_bytes = 0;
  change::Lsn first_commit_lsn = 0;
  change::Lsn last_commit_lsn = 0;
  std::vector<BlockToIndex> blocks;
};

// An indexed block, as readers of the staging log see it.
struct IndexedBlock {
  int64_t segment_id = 0;
  std::string object_key;
  int64_t table_id = 0;
  int64_t first_offset = 0;
  int64_t change_count = 0;
  uint64_t block_offset = 0;
  uint64_t block_length = 0;
  change::Lsn first_commit_lsn = 0;
  change::Lsn last_commit_lsn = 0;
};

// A flushed LSN that the coordinator has committed. Only a Coordinator implementation makes one
// (Coordinator::MakeRecorded, protected), and the slot is acknowledged only with one
// (capture/slot_feedback.h), so the acknowledgement can never run ahead of the recorded state:
// durable segment → index commit → recorded LSN → slot ack.
class RecordedLsn {
 public:
  change::Lsn lsn() const { return lsn_; }

 private:
  friend class Coordinator;
  explicit RecordedLsn(change::Lsn lsn) : lsn_(lsn) {}
  change::Lsn lsn_;
};

class DurableSegment;  // stage/segment_upload.h

// One cursor's move: from `expected` (nullopt: it does not exist yet) to `next_offset`.
struct CursorAdvance {
  int64_t table_id = 0;
  std::optional<int64_t> expected;
  int64_t next_offset = 0;
};

struct IndexedSegment {
  int64_t segment_id = 0;
  std::string object_key;
  uint64_t size_bytes = 0;
};

class Coordinator {
 public:
  virtual ~Coordinator() = default;

  // The group's capture row; nullopt before the first run. kDataLoss when it fails its checksum.
  virtual Result<std::optional<CaptureState>> LoadCapture() = 0;
  // Inserts the group's capture row. kConflict when one exists already.
  virtual Status CreateCapture(const CaptureState& state) = 0;
  // The first start, before the slot exists: in one transaction, registers `tables` at offset 0
  // (their added_lsn is ignored: 0) and inserts the capture row with its LSNs at 0
  // (CaptureState::slot_pending). kConflict when the group has a capture row or one of the tables
  // already. `state` must be pending (checked).
  virtual Result<std::vector<TableState>> BeginCapture(
      const CaptureState& state, const std::vector<TableToRegister>& tables) = 0;
  // Records the slot's consistent point (never 0, checked) as slot_created_lsn and flushed_lsn of
  // a pending capture row. kConflict when the row is not pending (or not as this process wrote
  // it); kDataLoss when it fails its checksum.
  virtual Status CompleteCapture(change::Lsn consistent_point) = 0;

  // Every registered table of the group by table_id, verified. kDataLoss naming a row that fails
  // its checksum.
  virtual Result<std::vector<TableState>> LoadTables() = 0;
  // Registers a table at offset 0. kConflict when the group has it already.
  virtual Result<TableState> RegisterTable(const std::string& schema_name,
                                           const std::string& table_name, uint32_t relid,
                                           change::Lsn added_lsn = 0) = 0;
  // Registers every table in one transaction (all or none).
  virtual Result<std::vector<TableState>> RegisterTables(
      const std::vector<TableToRegister>& tables) = 0;

  // In one transaction: indexes the segments, each block claiming its offsets from its table's
  // next_offset (which must still equal `tables`' value, and the row be as pg2iceberg wrote it;
  // a block of a table not in `tables` is a bug, checked), and moves flushed_lsn from
  // `expected_flushed` to `new_flushed` (not below it, checked). On success `tables` holds the
  // new next_offsets; on an error it is unchanged. kConflict when any expected value differs
  // (another streamer, or an outside edit); kDataLoss when the capture row fails its checksum;
  // kOutcomeUnknown when the commit's reply was lost (reload and compare before going on).
  virtual Result<RecordedLsn> CommitFlush(const std::vector<DurableSegment>& segments,
                                          const RecordedLsn& expected_flushed,
                                          change::Lsn new_flushed,
                                          std::vector<TableState>& tables) = 0;
  // Moves flushed_lsn forward with nothing to index (the slot's idle advancement). Errors as
  // CommitFlush's.
  virtual Result<RecordedLsn> AdvanceFlushed(const RecordedLsn& expected_flushed,
                                             change::Lsn new_flushed) = 0;
  // The group's flushed_lsn as recorded now. kNotFound without capture state.
  virtual Result<RecordedLsn> RecordedFlushed() = 0;

  // Indexed blocks of a table whose offsets end after `from_offset`, in offset order, at most
  // `limit`, verified.
  virtual Result<std::vector<IndexedBlock>> BlocksFrom(int64_t table_id, int64_t from_offset,
                                                       int limit) = 0;
  // The indexed blocks of one segment, in file order, verified.
  virtual Result<std::vector<IndexedBlock>> BlocksOfSegment(int64_t segment_id) = 0;
  // The group's most recently indexed segment; nullopt when there is none.
  virtual Result<std::optional<IndexedSegment>> NewestSegment() = 0;
  // Every indexed segment of the group, oldest first.
  virtual Result<std::vector<IndexedSegment>> Segments() = 0;

  // Records that `consumer` has read `table_id` up to (excluding) `next_offset`. Creates the
  // cursor on first use; a cursor never moves backwards (kConflict).
  virtual Status SetCursor(int64_t table_id, const std::string& consumer, int64_t next_offset) = 0;
  // The group's cursors of `consumer`, by table_id. kDataLoss for a row that fails its
  // checksum.
  virtual Result<std::map<int64_t, int64_t>> LoadCursors(const std::string& consumer) = 0;
  // Moves every cursor in `advances` from its expected value (none: the cursor does not exist
  // yet) to its new one (never below the expected value, checked), all in one transaction.
  // kConflict, and nothing moved, when any cursor is not at its expected value (another
  // materializer moved it).
  virtual Status AdvanceCursors(const std::string& consumer,
                                const std::vector<CursorAdvance>& advances) = 0;
  // Segments every block of which every cursor on its table has passed (tables without cursors
  // hold their segments). Oldest first. kDataLoss when a cursor of the group fails its checksum.
  virtual Result<std::vector<IndexedSegment>> SegmentsPassedByCursors() = 0;
  // Removes the index rows of segments of the group, and their blocks (in one transaction).
  // Unknown ids are ignored.
  virtual Status ForgetSegments(const std::vector<int64_t>& segment_ids) = 0;

  // The fingerprint recorded under `name` (watched_catalog); nullopt when none is. kDataLoss
  // when the row fails its checksum.
  virtual Result<std::optional<std::string>> LoadWatched(const std::string& name) = 0;
  // Records `fingerprint` under `name`, replacing what was recorded before.
  virtual Status RecordWatched(const std::string& name, const std::string& fingerprint) = 0;

  // The group's recorded type resolutions (see RecordedType) by type OID, verified; kDataLoss
  // naming a row that fails its checksum.
  virtual Result<std::vector<RecordedType>> LoadTypes() = 0;
  // Records `type` unless the group has its OID already, and returns the recorded row: the first
  // recording wins, whoever made it (a row is never replaced; kDataLoss when it fails its
  // checksum). Commits before it returns, so a change decoded with the returned resolution is
  // never staged without its record.
  virtual Result<RecordedType> RecordType(const RecordedType& type) = 0;

  // Deletes every row of the group (capture, tables, segments, blocks, cursors, watched, types)
  // in one transaction. Returns the object keys of the segments it forgot.
  virtual Result<std::vector<std::string>> DeleteGroup() = 0;

  // Where the state lives, as the operator names it in the config (the coordinator schema), and
  // the group this coordinator reads and writes. Both are fixed for the object's lifetime.
  virtual const std::string& schema() const = 0;
  virtual const std::string& group() const = 0;

 protected:
  // For implementations: the proof that `lsn` is committed as the group's flushed_lsn.
  static RecordedLsn MakeRecorded(change::Lsn lsn) { return RecordedLsn(lsn); }
};

}  // namespace pg2iceberg::stage
