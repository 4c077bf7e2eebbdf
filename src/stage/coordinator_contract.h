// The Coordinator contract (stage/coordinator.h) as a typed GoogleTest suite, run against every
// implementation: PgCoordinator on a live Postgres (pg_coordinator_contract_test.cc) and
// sim::MemoryCoordinator (sim/memory_coordinator_test.cc). A fake that passes it returns what the
// real coordinator returns, kConflict and kDataLoss included.
//
// Instantiate with a harness type per implementation:
//
//   struct Harness {
//     void Start();  // a fresh, empty state; fails the test (ASSERT/FAIL) if it cannot
//     // A coordinator of `group` over that state: each call is another process's view.
//     std::unique_ptr<Coordinator> Open(const std::string& group);
//     // Outside edits of one stored field that leave the row's checksum as it was.
//     void EditFlushedLsn(const std::string& group, change::Lsn lsn);
//     void EditNextOffset(int64_t table_id, int64_t next_offset);
//     void EditChangeCount(int64_t table_id, int64_t first_offset, int64_t change_count);
//     void EditCursor(int64_t table_id, const std::string& consumer, int64_t next_offset);
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Name, CoordinatorContractTest, ::testing::Types<Harness>);
//
// The harness is constructed per test and destroyed after it (drop the schema there).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "env/memory_object_store.h"
#include "stage/coordinator.h"
#include "stage/coordinator_test_util.h"
#include "stage/segment.h"
#include "stage/segment_upload.h"

namespace pg2iceberg::stage {

template <typename Harness>
class CoordinatorContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(harness_.Start());
    coordinator_ = harness_.Open("default");
    ASSERT_NE(coordinator_, nullptr);
  }

  Coordinator& coordinator() { return *coordinator_; }

  // A durable segment holding `count` inserts into each table of `blocks`, committed at `lsn`.
  DurableSegment Segment(const std::vector<std::pair<TableState, int>>& blocks, change::Lsn lsn) {
    SegmentWriter writer(0);
    for (const auto& [table, count] : blocks) {
      auto schema = std::make_shared<change::TableSchema>(
          change::TableSchema{.relid = table.relid,
                              .schema_name = table.schema_name,
                              .table_name = table.table_name,
                              .columns = {{.name = "id", .type_oid = 23, .key = true}}});
      for (int i = 0; i < count; ++i) {
        writer.Append({.xid = 1, .commit_lsn = lsn, .end_lsn = lsn + 1},
                      {.kind = change::ChangeKind::kInsert,
                       .table = schema,
                       .new_row = {change::Value::Int32(i)}});
      }
    }
    SegmentWriter::Finished finished = writer.Finish().value();
    std::map<uint32_t, int64_t> ids;
    for (const auto& [table, count] : blocks) ids[table.relid] = table.table_id;
    return UploadSegment(store_, "seg-" + std::to_string(++segments_), finished,
                         [&](uint32_t relid) { return ids.at(relid); })  // at-ok: filled above
        .value();
  }

  // Creates the capture row, registers public.a (relid 1) and indexes one segment of `count` of
  // its changes, moving flushed_lsn to 0x210. Returns public.a as registered.
  TableState FlushOneTable(int count) {
    Coordinator& c = coordinator();
    EXPECT_TRUE(c.CreateCapture(Capture()).ok());
    TableState a = c.RegisterTable("public", "a", 1).value();
    FlushTo(c, a, count);
    return a;
  }

  // Creates capture rows for groups "default" and "other", registers public.a in the first and
  // public.b in the second, and indexes a segment in each (2 changes of a, 1 of b), moving both
  // flushed LSNs to 0x210. Returns a coordinator of "other".
  std::unique_ptr<Coordinator> FlushTwoGroups(TableState& a, TableState& b) {
    std::unique_ptr<Coordinator> other = harness_.Open("other");
    EXPECT_TRUE(coordinator().CreateCapture(Capture()).ok());
    EXPECT_TRUE(other->CreateCapture(Capture()).ok());
    a = coordinator().RegisterTable("public", "a", 1).value();
    b = other->RegisterTable("public", "b", 2).value();
    FlushTo(coordinator(), a, 2);
    FlushTo(*other, b, 1);
    return other;
  }

  // Indexes a segment of `count` changes of `table` (as registered) in `c`'s group, moving its
  // flushed LSN from 0x100 to 0x210.
  void FlushTo(Coordinator& c, const TableState& table, int count) {
    std::vector<TableState> tables = {table};
    EXPECT_TRUE(c.CommitFlush({Segment({{table, count}}, 0x200)}, c.RecordedFlushed().value(),
                              0x210, tables)
                    .ok());
  }

  // The id of the `index`th segment of `coordinator`'s group, oldest first (-1 and a failure
  // when there is none).
  static int64_t SegmentId(Coordinator& coordinator, size_t index) {
    std::vector<IndexedSegment> segments = coordinator.Segments().value();
    EXPECT_LT(index, segments.size());
    return index < segments.size() ? segments[index].segment_id : -1;
  }

  static CaptureState Capture() { return TestCapture(); }
  static CaptureState Pending() {
    CaptureState pending = Capture();
    pending.slot_created_lsn = pending.flushed_lsn = 0;
    return pending;
  }

  const RecordedType price_ = kTestPrice;
  const RecordedType mood_ = kTestMood;

  Harness harness_;
  MemoryObjectStore store_{"contract"};
  int segments_ = 0;
  std::unique_ptr<Coordinator> coordinator_;
};

TYPED_TEST_SUITE_P(CoordinatorContractTest);

// The capture row, tables, watched fingerprints, types and DeleteGroup.

TYPED_TEST_P(CoordinatorContractTest, CaptureStateRoundTripsAndIsCreatedOnce) {
  Coordinator& coordinator = this->coordinator();
  EXPECT_FALSE(coordinator.LoadCapture().value().has_value());
  ASSERT_TRUE(coordinator.CreateCapture(this->Capture()).ok());
  std::optional<CaptureState> loaded = coordinator.LoadCapture().value();
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->system_identifier, "7300000000000000001");
  EXPECT_EQ(loaded->slot_name, "slot");
  EXPECT_EQ(loaded->flushed_lsn, 0x100u);
  EXPECT_EQ(coordinator.CreateCapture(this->Capture()).code(), StatusCode::kConflict);
  EXPECT_FALSE(this->harness_.Open("other")->LoadCapture().value().has_value());
}

// Regression (issue 11, first-run atomicity): tables and the capture row were written one by
// one after the slot was created; a crash in between left rows every later start refused.
TYPED_TEST_P(CoordinatorContractTest, AFirstStartIsRecordedAtomicallyThenCompleted) {
  Coordinator& coordinator = this->coordinator();
  ASSERT_TRUE(coordinator.RegisterTable("public", "b", 2).ok());
  // One table is registered already: nothing of the first start may remain.
  EXPECT_EQ(coordinator.BeginCapture(this->Pending(), {{"public", "a", 1}, {"public", "b", 2}})
                .status()
                .code(),
            StatusCode::kConflict);
  EXPECT_FALSE(coordinator.LoadCapture().value().has_value());
  EXPECT_EQ(coordinator.LoadTables().value().size(), 1u);

  std::vector<TableState> tables =
      coordinator.BeginCapture(this->Pending(), {{"public", "a", 1}, {"public", "c", 3, 0x70}})
          .value();
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[1].added_lsn, 0u);  // a first start captures every table from the slot's start
  EXPECT_EQ(coordinator.LoadTables().value().size(), 3u);
  EXPECT_TRUE(coordinator.LoadCapture().value()->slot_pending());
  ASSERT_TRUE(coordinator.CompleteCapture(0x4000).ok());
  std::optional<CaptureState> completed = coordinator.LoadCapture().value();
  EXPECT_FALSE(completed->slot_pending());
  EXPECT_EQ(completed->slot_created_lsn, 0x4000u);
  EXPECT_EQ(completed->flushed_lsn, 0x4000u);
  EXPECT_EQ(coordinator.CompleteCapture(0x5000).code(), StatusCode::kConflict);
}

TYPED_TEST_P(CoordinatorContractTest, OnlyAPendingCaptureCanBeCompleted) {
  EXPECT_EQ(this->coordinator().CompleteCapture(0x4000).code(), StatusCode::kConflict);
  ASSERT_TRUE(this->coordinator().CreateCapture(this->Capture()).ok());
  EXPECT_EQ(this->coordinator().CompleteCapture(0x4000).code(), StatusCode::kConflict);
  EXPECT_EQ(this->coordinator().LoadCapture().value()->slot_created_lsn, 0x100u);
}

TYPED_TEST_P(CoordinatorContractTest, RecordedFlushedNeedsCaptureState) {
  EXPECT_EQ(this->coordinator().RecordedFlushed().status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(this->coordinator().CreateCapture(this->Capture()).ok());
  EXPECT_EQ(this->coordinator().RecordedFlushed().value().lsn(), 0x100u);
}

TYPED_TEST_P(CoordinatorContractTest, TablesAreRegisteredOncePerGroupWithIncreasingIds) {
  Coordinator& coordinator = this->coordinator();
  std::unique_ptr<Coordinator> other = this->harness_.Open("other");
  TableState a = coordinator.RegisterTable("public", "a", 1).value();
  TableState same_name = other->RegisterTable("public", "a", 1).value();  // another group's
  TableState b = coordinator.RegisterTable("public", "b", 2).value();
  EXPECT_LT(a.table_id, same_name.table_id);
  EXPECT_LT(same_name.table_id, b.table_id);
  EXPECT_EQ(a.next_offset, 0);
  EXPECT_EQ(coordinator.RegisterTable("public", "a", 9).status().code(), StatusCode::kConflict);
  std::vector<TableState> tables = coordinator.LoadTables().value();
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].table_id, a.table_id);
  EXPECT_EQ(tables[0].QualifiedName(), "public.a");
  EXPECT_EQ(tables[0].relid, 1u);
  EXPECT_EQ(tables[1].table_id, b.table_id);
  EXPECT_EQ(other->LoadTables().value().size(), 1u);
}

TYPED_TEST_P(CoordinatorContractTest, RegisterTablesIsAllOrNothing) {
  Coordinator& coordinator = this->coordinator();
  EXPECT_EQ(coordinator.RegisterTables({{"public", "a", 1}, {"public", "a", 1}}).status().code(),
            StatusCode::kConflict);
  EXPECT_TRUE(coordinator.LoadTables().value().empty());
  EXPECT_EQ(coordinator.RegisterTables({{"public", "a", 1}, {"public", "b", 2}}).value().size(),
            2u);
  EXPECT_EQ(coordinator.LoadTables().value().size(), 2u);
}

TYPED_TEST_P(CoordinatorContractTest, ATableAddedLaterKeepsItsStartLsn) {
  std::vector<TableState> added =
      this->coordinator().RegisterTables({{"public", "late", 7, 0x9000}}).value();
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].added_lsn, 0x9000u);
  std::vector<TableState> loaded = this->coordinator().LoadTables().value();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].added_lsn, 0x9000u);
}

TYPED_TEST_P(CoordinatorContractTest, AnEditedCaptureRowIsDataLoss) {
  ASSERT_TRUE(this->coordinator().CreateCapture(this->Capture()).ok());
  this->harness_.EditFlushedLsn("default", 0x50);
  Result<std::optional<CaptureState>> loaded = this->coordinator().LoadCapture();
  ASSERT_EQ(loaded.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(loaded.status().message().find("checksum"), std::string::npos);
  EXPECT_EQ(this->coordinator().RecordedFlushed().status().code(), StatusCode::kDataLoss);
}

TYPED_TEST_P(CoordinatorContractTest, AnEditedTableRowIsDataLoss) {
  TableState orders = this->coordinator().RegisterTable("public", "orders", 16384).value();
  this->harness_.EditNextOffset(orders.table_id, 40);
  Result<std::vector<TableState>> tables = this->coordinator().LoadTables();
  ASSERT_EQ(tables.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(tables.status().message().find("public.orders"), std::string::npos);
}

TYPED_TEST_P(CoordinatorContractTest, WatchedFingerprintsAreReplacedAndDeletedWithTheGroup) {
  Coordinator& coordinator = this->coordinator();
  EXPECT_FALSE(coordinator.LoadWatched("publication").value().has_value());
  ASSERT_TRUE(coordinator.RecordWatched("publication", "publication 1/2").ok());
  ASSERT_TRUE(coordinator.RecordWatched("publication", "publication 1/3").ok());
  EXPECT_EQ(coordinator.LoadWatched("publication").value(),
            std::optional<std::string>("publication 1/3"));
  EXPECT_FALSE(this->harness_.Open("other")->LoadWatched("publication").value().has_value());
  ASSERT_TRUE(coordinator.DeleteGroup().ok());
  EXPECT_FALSE(coordinator.LoadWatched("publication").value().has_value());
}

TYPED_TEST_P(CoordinatorContractTest, RecordedTypesRoundTripPerGroup) {
  Coordinator& coordinator = this->coordinator();
  EXPECT_TRUE(coordinator.LoadTypes().value().empty());
  EXPECT_EQ(coordinator.RecordType(this->price_).value(), this->price_);
  EXPECT_EQ(coordinator.RecordType(this->mood_).value(), this->mood_);
  EXPECT_EQ(coordinator.LoadTypes().value(),
            (std::vector<RecordedType>{this->mood_, this->price_}));  // by type oid
  EXPECT_TRUE(this->harness_.Open("other")->LoadTypes().value().empty());
}

TYPED_TEST_P(CoordinatorContractTest, TheFirstRecordingWins) {
  Coordinator& coordinator = this->coordinator();
  ASSERT_TRUE(coordinator.RecordType(this->price_).ok());
  // The same OID later resolving to something else (a re-used OID) never replaces the record.
  const RecordedType reused{
      .type_oid = this->price_.type_oid, .resolved_oid = 23, .declared_name = "public.other"};
  EXPECT_EQ(coordinator.RecordType(reused).value(), this->price_);
  EXPECT_EQ(this->harness_.Open("default")->RecordType(reused).value(), this->price_);
  EXPECT_EQ(coordinator.LoadTypes().value(), (std::vector<RecordedType>{this->price_}));
  // Another group records its own resolution of the same OID (another cluster's catalog).
  EXPECT_EQ(this->harness_.Open("other")->RecordType(reused).value(), reused);
}

TYPED_TEST_P(CoordinatorContractTest, DeleteGroupForgetsOnlyTheGroup) {
  Coordinator& coordinator = this->coordinator();
  TableState a, b;
  std::unique_ptr<Coordinator> other = this->FlushTwoGroups(a, b);
  ASSERT_TRUE(coordinator.SetCursor(a.table_id, "m", 1).ok());
  ASSERT_TRUE(coordinator.RecordType(this->price_).ok());
  ASSERT_TRUE(other->RecordType(this->mood_).ok());

  EXPECT_EQ(coordinator.DeleteGroup().value(), (std::vector<std::string>{"seg-1"}));
  EXPECT_FALSE(coordinator.LoadCapture().value().has_value());
  EXPECT_TRUE(coordinator.LoadTables().value().empty());
  EXPECT_TRUE(coordinator.Segments().value().empty());
  EXPECT_TRUE(coordinator.LoadCursors("m").value().empty());
  EXPECT_TRUE(coordinator.LoadTypes().value().empty());
  EXPECT_TRUE(coordinator.BlocksFrom(a.table_id, 0, 10).value().empty());
  EXPECT_EQ(other->LoadCapture().value()->flushed_lsn, 0x210u);
  EXPECT_EQ(other->LoadTables().value().size(), 1u);
  EXPECT_EQ(other->Segments().value().size(), 1u);
  EXPECT_EQ(other->BlocksFrom(b.table_id, 0, 10).value().size(), 1u);
  EXPECT_EQ(other->LoadTypes().value(), (std::vector<RecordedType>{this->mood_}));
}

// The staging-log index: flush commits and block lookups.

TYPED_TEST_P(CoordinatorContractTest, FlushesClaimGaplessOffsetsAndAdvanceFlushedLsn) {
  Coordinator& coordinator = this->coordinator();
  ASSERT_TRUE(coordinator.CreateCapture(this->Capture()).ok());
  TableState a = coordinator.RegisterTable("public", "a", 1).value();
  TableState b = coordinator.RegisterTable("public", "b", 2).value();
  std::vector<TableState> tables = coordinator.LoadTables().value();
  ASSERT_EQ(tables.size(), 2u);
  RecordedLsn start = coordinator.RecordedFlushed().value();
  EXPECT_EQ(start.lsn(), 0x100u);
  RecordedLsn first =
      coordinator.CommitFlush({this->Segment({{a, 3}, {b, 2}}, 0x200)}, start, 0x310, tables)
          .value();
  RecordedLsn second =
      coordinator.CommitFlush({this->Segment({{a, 5}}, 0x400)}, first, 0x410, tables).value();
  EXPECT_EQ(second.lsn(), 0x410u);
  EXPECT_EQ(coordinator.LoadCapture().value()->flushed_lsn, 0x410u);
  std::vector<IndexedBlock> blocks = coordinator.BlocksFrom(a.table_id, 0, 10).value();
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].first_offset, 0);
  EXPECT_EQ(blocks[0].change_count, 3);
  EXPECT_EQ(blocks[0].first_commit_lsn, 0x200u);
  EXPECT_EQ(blocks[1].first_offset, 3);
  EXPECT_EQ(blocks[1].object_key, "seg-2");
  EXPECT_EQ(coordinator.BlocksFrom(a.table_id, 3, 10).value().size(), 1u);
  EXPECT_EQ(coordinator.BlocksFrom(a.table_id, 8, 10).value().size(), 0u);
  EXPECT_EQ(tables[0].next_offset, 8);
  EXPECT_EQ(coordinator.LoadTables().value()[0].next_offset, 8);
  EXPECT_EQ(coordinator.LoadTables().value()[1].next_offset, 2);
}

TYPED_TEST_P(CoordinatorContractTest, IndexedBlocksLocateTheirChangesInTheSegment) {
  Coordinator& coordinator = this->coordinator();
  ASSERT_TRUE(coordinator.CreateCapture(this->Capture()).ok());
  TableState a = coordinator.RegisterTable("public", "a", 1).value();
  TableState b = coordinator.RegisterTable("public", "b", 2).value();
  std::vector<TableState> tables = coordinator.LoadTables().value();
  ASSERT_TRUE(coordinator
                  .CommitFlush({this->Segment({{a, 4}, {b, 6}}, 0x200)},
                               coordinator.RecordedFlushed().value(), 0x300, tables)
                  .ok());
  std::vector<IndexedBlock> blocks = coordinator.BlocksFrom(b.table_id, 0, 10).value();
  ASSERT_EQ(blocks.size(), 1u);
  const IndexedBlock& block = blocks[0];
  Bytes range =
      this->store_.GetRange(block.object_key, block.block_offset, block.block_length).value();
  std::vector<StagedChange> changes = DecodeBlock(range).value();
  ASSERT_EQ(changes.size(), 6u);
  EXPECT_EQ(changes[0].change.table->table_name, "b");
  ASSERT_EQ(changes[5].change.new_row.size(), 1u);
  EXPECT_EQ(changes[5].change.new_row[0], change::Value::Int32(5));
}

TYPED_TEST_P(CoordinatorContractTest, AFlushFromStaleStateConflictsAndChangesNothing) {
  Coordinator& coordinator = this->coordinator();
  ASSERT_TRUE(coordinator.CreateCapture(this->Capture()).ok());
  TableState a = coordinator.RegisterTable("public", "a", 1).value();
  std::vector<TableState> tables = coordinator.LoadTables().value();
  std::vector<TableState> stale = tables;
  RecordedLsn start = coordinator.RecordedFlushed().value();
  RecordedLsn first =
      coordinator.CommitFlush({this->Segment({{a, 1}}, 0x200)}, start, 0x210, tables).value();
  // Another streamer's view: flushed LSN and offsets from before the first flush.
  EXPECT_EQ(coordinator.CommitFlush({this->Segment({{a, 1}}, 0x300)}, first, 0x310, stale)
                .status()
                .code(),
            StatusCode::kConflict);
  EXPECT_EQ(coordinator.CommitFlush({this->Segment({{a, 1}}, 0x300)}, start, 0x310, tables)
                .status()
                .code(),
            StatusCode::kConflict);
  EXPECT_EQ(stale[0].next_offset, 0);
  EXPECT_EQ(tables[0].next_offset, 1);
  EXPECT_EQ(coordinator.Segments().value().size(), 1u);
  EXPECT_EQ(coordinator.BlocksFrom(a.table_id, 0, 10).value().size(), 1u);
  EXPECT_EQ(coordinator.LoadTables().value()[0].next_offset, 1);
  EXPECT_EQ(coordinator.LoadCapture().value()->flushed_lsn, 0x210u);
}

TYPED_TEST_P(CoordinatorContractTest, ASecondProcessOfTheGroupSeesTheFlushAndConflicts) {
  Coordinator& coordinator = this->coordinator();
  ASSERT_TRUE(coordinator.CreateCapture(this->Capture()).ok());
  TableState a = coordinator.RegisterTable("public", "a", 1).value();
  std::unique_ptr<Coordinator> second = this->harness_.Open("default");
  std::vector<TableState> seen_by_second = second->LoadTables().value();
  RecordedLsn second_start = second->RecordedFlushed().value();
  std::vector<TableState> tables = coordinator.LoadTables().value();
  ASSERT_TRUE(coordinator
                  .CommitFlush({this->Segment({{a, 2}}, 0x200)},
                               coordinator.RecordedFlushed().value(), 0x210, tables)
                  .ok());
  EXPECT_EQ(second->RecordedFlushed().value().lsn(), 0x210u);
  EXPECT_EQ(second->BlocksFrom(a.table_id, 0, 10).value().size(), 1u);
  EXPECT_EQ(second->AdvanceFlushed(second_start, 0x300).status().code(), StatusCode::kConflict);
  EXPECT_EQ(second
                ->CommitFlush({this->Segment({{a, 1}}, 0x300)}, second->RecordedFlushed().value(),
                              0x310, seen_by_second)
                .status()
                .code(),
            StatusCode::kConflict);
  EXPECT_EQ(coordinator.LoadTables().value()[0].next_offset, 2);
}

TYPED_TEST_P(CoordinatorContractTest, AFlushOverAnEditedTableRowConflicts) {
  Coordinator& coordinator = this->coordinator();
  ASSERT_TRUE(coordinator.CreateCapture(this->Capture()).ok());
  TableState a = coordinator.RegisterTable("public", "a", 1).value();
  std::vector<TableState> tables = coordinator.LoadTables().value();
  this->harness_.EditNextOffset(a.table_id, 5);
  EXPECT_EQ(coordinator
                .CommitFlush({this->Segment({{a, 1}}, 0x200)},
                             coordinator.RecordedFlushed().value(), 0x210, tables)
                .status()
                .code(),
            StatusCode::kConflict);
  EXPECT_EQ(tables[0].next_offset, 0);
  EXPECT_EQ(coordinator.RecordedFlushed().value().lsn(), 0x100u);
  EXPECT_TRUE(coordinator.Segments().value().empty());
  EXPECT_EQ(coordinator.LoadTables().status().code(), StatusCode::kDataLoss);
}

TYPED_TEST_P(CoordinatorContractTest, IdleAdvancementMovesOnlyTheFlushedLsn) {
  Coordinator& coordinator = this->coordinator();
  ASSERT_TRUE(coordinator.CreateCapture(this->Capture()).ok());
  RecordedLsn start = coordinator.RecordedFlushed().value();
  RecordedLsn advanced = coordinator.AdvanceFlushed(start, 0x5000).value();
  EXPECT_EQ(advanced.lsn(), 0x5000u);
  EXPECT_EQ(coordinator.LoadCapture().value()->flushed_lsn, 0x5000u);
  EXPECT_EQ(coordinator.AdvanceFlushed(start, 0x6000).status().code(), StatusCode::kConflict);
  EXPECT_EQ(coordinator.AdvanceFlushed(advanced, 0x5000).value().lsn(), 0x5000u);  // standing
  EXPECT_TRUE(coordinator.Segments().value().empty());
  ASSERT_TRUE(coordinator.DeleteGroup().ok());
  EXPECT_EQ(coordinator.AdvanceFlushed(advanced, 0x6000).status().code(), StatusCode::kConflict);
}

TYPED_TEST_P(CoordinatorContractTest, BlocksAreFoundByOffsetAndBySegment) {
  Coordinator& coordinator = this->coordinator();
  ASSERT_TRUE(coordinator.CreateCapture(this->Capture()).ok());
  TableState a = coordinator.RegisterTable("public", "a", 1).value();
  TableState b = coordinator.RegisterTable("public", "b", 2).value();
  std::vector<TableState> tables = coordinator.LoadTables().value();
  EXPECT_FALSE(coordinator.NewestSegment().value().has_value());
  ASSERT_TRUE(coordinator
                  .CommitFlush({this->Segment({{a, 2}, {b, 3}}, 0x200),
                                this->Segment({{a, 2}}, 0x220), this->Segment({{a, 2}}, 0x240)},
                               coordinator.RecordedFlushed().value(), 0x300, tables)
                  .ok());
  std::vector<IndexedBlock> from_3 = coordinator.BlocksFrom(a.table_id, 3, 1).value();
  ASSERT_EQ(from_3.size(), 1u);  // the limit
  EXPECT_EQ(from_3[0].first_offset, 2);
  EXPECT_EQ(coordinator.BlocksFrom(a.table_id, 3, 10).value().size(), 2u);
  EXPECT_TRUE(coordinator.BlocksFrom(a.table_id, 0, 0).value().empty());
  std::vector<IndexedSegment> segments = coordinator.Segments().value();
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[0].object_key, "seg-1");
  EXPECT_EQ(segments[2].object_key, "seg-3");
  EXPECT_EQ(coordinator.NewestSegment().value()->segment_id, segments[2].segment_id);
  std::vector<IndexedBlock> first = coordinator.BlocksOfSegment(segments[0].segment_id).value();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_LT(first[0].block_offset, first[1].block_offset);
  EXPECT_EQ(first[0].object_key, "seg-1");
  EXPECT_EQ(first[1].segment_id, segments[0].segment_id);
  EXPECT_TRUE(this->harness_.Open("other")->Segments().value().empty());
}

TYPED_TEST_P(CoordinatorContractTest, SegmentIdsIncreaseAcrossGroups) {
  Coordinator& coordinator = this->coordinator();
  TableState a, b;
  std::unique_ptr<Coordinator> other = this->FlushTwoGroups(a, b);
  std::vector<TableState> tables = coordinator.LoadTables().value();
  ASSERT_TRUE(coordinator
                  .CommitFlush({this->Segment({{a, 1}}, 0x300)},
                               coordinator.RecordedFlushed().value(), 0x310, tables)
                  .ok());
  const int64_t first = this->SegmentId(coordinator, 0);
  const int64_t others = this->SegmentId(*other, 0);
  const int64_t third = this->SegmentId(coordinator, 1);
  EXPECT_LT(first, others);
  EXPECT_LT(others, third);
}

TYPED_TEST_P(CoordinatorContractTest, AnEditedBlockRowIsDataLoss) {
  Coordinator& coordinator = this->coordinator();
  const TableState a = this->FlushOneTable(4);
  const int64_t segment_id = this->SegmentId(coordinator, 0);
  this->harness_.EditChangeCount(a.table_id, 0, 3);
  Result<std::vector<IndexedBlock>> blocks = coordinator.BlocksFrom(a.table_id, 0, 10);
  ASSERT_EQ(blocks.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(blocks.status().message().find("checksum"), std::string::npos);
  EXPECT_EQ(coordinator.BlocksOfSegment(segment_id).status().code(), StatusCode::kDataLoss);
}

// The materializer's cursors and segment retirement.

TYPED_TEST_P(CoordinatorContractTest, CursorsAreCreatedThenAdvancedFromTheirValueTogether) {
  Coordinator& coordinator = this->coordinator();
  const int64_t a = coordinator.RegisterTable("public", "a", 1).value().table_id;
  const int64_t b = coordinator.RegisterTable("public", "b", 2).value().table_id;
  EXPECT_TRUE(coordinator.LoadCursors("materializer").value().empty());
  ASSERT_TRUE(coordinator
                  .AdvanceCursors("materializer", {{.table_id = a, .next_offset = 5},
                                                   {.table_id = b, .next_offset = 0}})
                  .ok());
  ASSERT_TRUE(
      coordinator
          .AdvanceCursors("materializer", {{.table_id = a, .expected = 5, .next_offset = 9},
                                           {.table_id = b, .expected = 0, .next_offset = 3}})
          .ok());
  EXPECT_EQ(coordinator.LoadCursors("materializer").value(),
            (std::map<int64_t, int64_t>{{a, 9}, {b, 3}}));
  EXPECT_TRUE(coordinator.LoadCursors("worker-2").value().empty());
  EXPECT_TRUE(this->harness_.Open("other")->LoadCursors("materializer").value().empty());
}

TYPED_TEST_P(CoordinatorContractTest, AnUnexpectedValueIsAConflictAndMovesNothing) {
  Coordinator& coordinator = this->coordinator();
  const int64_t a = coordinator.RegisterTable("public", "a", 1).value().table_id;
  const int64_t b = coordinator.RegisterTable("public", "b", 2).value().table_id;
  ASSERT_TRUE(coordinator
                  .AdvanceCursors("materializer", {{.table_id = a, .next_offset = 5},
                                                   {.table_id = b, .next_offset = 5}})
                  .ok());
  Status status = coordinator.AdvanceCursors("materializer",
                                             {{.table_id = a, .expected = 5, .next_offset = 8},
                                              {.table_id = b, .expected = 4, .next_offset = 8}});
  EXPECT_EQ(status.code(), StatusCode::kConflict);
  EXPECT_EQ(coordinator.LoadCursors("materializer").value(),
            (std::map<int64_t, int64_t>{{a, 5}, {b, 5}}));
  EXPECT_EQ(coordinator.AdvanceCursors("materializer", {{.table_id = a, .next_offset = 6}}).code(),
            StatusCode::kConflict);  // it exists already
  EXPECT_EQ(coordinator.AdvanceCursors("other", {{.table_id = a, .expected = 0, .next_offset = 6}})
                .code(),
            StatusCode::kConflict);  // it does not exist
  EXPECT_TRUE(coordinator.LoadCursors("other").value().empty());
}

TYPED_TEST_P(CoordinatorContractTest, ACursorNeverMovesBackwards) {
  Coordinator& coordinator = this->coordinator();
  const int64_t a = coordinator.RegisterTable("public", "a", 1).value().table_id;
  ASSERT_TRUE(coordinator.SetCursor(a, "m", 4).ok());
  ASSERT_TRUE(coordinator.SetCursor(a, "m", 4).ok());
  EXPECT_EQ(coordinator.SetCursor(a, "m", 3).code(), StatusCode::kConflict);
  ASSERT_TRUE(coordinator.SetCursor(a, "m", 7).ok());
  EXPECT_EQ(coordinator.LoadCursors("m").value(), (std::map<int64_t, int64_t>{{a, 7}}));
}

TYPED_TEST_P(CoordinatorContractTest, AnEditedCursorIsDataLoss) {
  Coordinator& coordinator = this->coordinator();
  const int64_t a = coordinator.RegisterTable("public", "a", 1).value().table_id;
  ASSERT_TRUE(coordinator.AdvanceCursors("materializer", {{.table_id = a, .next_offset = 5}}).ok());
  this->harness_.EditCursor(a, "materializer", 50);
  Result<std::map<int64_t, int64_t>> loaded = coordinator.LoadCursors("materializer");
  EXPECT_EQ(loaded.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(loaded.status().message().find("checksum"), std::string::npos);
  EXPECT_EQ(coordinator.SegmentsPassedByCursors().status().code(), StatusCode::kDataLoss);
  // Moving it from the value pg2iceberg wrote finds the row changed.
  EXPECT_EQ(coordinator
                .AdvanceCursors("materializer", {{.table_id = a, .expected = 5, .next_offset = 60}})
                .code(),
            StatusCode::kConflict);
}

TYPED_TEST_P(CoordinatorContractTest, SegmentsArePassedOnlyWhenEveryCursorOfEveryBlockIsPast) {
  Coordinator& coordinator = this->coordinator();
  ASSERT_TRUE(coordinator.CreateCapture(this->Capture()).ok());
  TableState a = coordinator.RegisterTable("public", "a", 1).value();
  TableState b = coordinator.RegisterTable("public", "b", 2).value();
  std::vector<TableState> tables = coordinator.LoadTables().value();
  ASSERT_TRUE(
      coordinator
          .CommitFlush({this->Segment({{a, 2}, {b, 1}}, 0x150), this->Segment({{a, 2}}, 0x160)},
                       coordinator.RecordedFlushed().value(), 0x200, tables)
          .ok());
  EXPECT_TRUE(coordinator.SegmentsPassedByCursors().value().empty());  // no cursors yet
  ASSERT_TRUE(coordinator.SetCursor(a.table_id, "m1", 4).ok());
  ASSERT_TRUE(coordinator.SetCursor(a.table_id, "m2", 2).ok());
  EXPECT_TRUE(coordinator.SegmentsPassedByCursors().value().empty());  // b has no cursor
  ASSERT_TRUE(coordinator.SetCursor(b.table_id, "m1", 1).ok());
  std::vector<IndexedSegment> passed = coordinator.SegmentsPassedByCursors().value();
  ASSERT_EQ(passed.size(), 1u);
  EXPECT_EQ(passed[0].object_key, "seg-1");
  EXPECT_EQ(coordinator.SetCursor(a.table_id, "m2", 1).code(), StatusCode::kConflict);
  ASSERT_TRUE(coordinator.SetCursor(a.table_id, "m2", 4).ok());
  passed = coordinator.SegmentsPassedByCursors().value();
  ASSERT_EQ(passed.size(), 2u);
  ASSERT_TRUE(coordinator.ForgetSegments({passed[0].segment_id, passed[1].segment_id}).ok());
  EXPECT_TRUE(coordinator.Segments().value().empty());
  EXPECT_TRUE(coordinator.BlocksFrom(a.table_id, 0, 10).value().empty());
  EXPECT_TRUE(coordinator.BlocksOfSegment(passed[0].segment_id).value().empty());
}

TYPED_TEST_P(CoordinatorContractTest, ForgetSegmentsIgnoresOtherGroups) {
  Coordinator& coordinator = this->coordinator();
  this->FlushOneTable(2);
  const int64_t segment_id = this->SegmentId(coordinator, 0);
  ASSERT_TRUE(this->harness_.Open("other")->ForgetSegments({segment_id, segment_id + 100}).ok());
  EXPECT_EQ(coordinator.Segments().value().size(), 1u);
  EXPECT_EQ(coordinator.BlocksOfSegment(segment_id).value().size(), 1u);
}

REGISTER_TYPED_TEST_SUITE_P(
    CoordinatorContractTest,
    // coordinator_contract_capture.inc
    CaptureStateRoundTripsAndIsCreatedOnce, AFirstStartIsRecordedAtomicallyThenCompleted,
    OnlyAPendingCaptureCanBeCompleted, RecordedFlushedNeedsCaptureState,
    TablesAreRegisteredOncePerGroupWithIncreasingIds, RegisterTablesIsAllOrNothing,
    ATableAddedLaterKeepsItsStartLsn, AnEditedCaptureRowIsDataLoss, AnEditedTableRowIsDataLoss,
    WatchedFingerprintsAreReplacedAndDeletedWithTheGroup, RecordedTypesRoundTripPerGroup,
    TheFirstRecordingWins, DeleteGroupForgetsOnlyTheGroup,
    // coordinator_contract_index.inc
    FlushesClaimGaplessOffsetsAndAdvanceFlushedLsn, IndexedBlocksLocateTheirChangesInTheSegment,
    AFlushFromStaleStateConflictsAndChangesNothing,
    ASecondProcessOfTheGroupSeesTheFlushAndConflicts, AFlushOverAnEditedTableRowConflicts,
    IdleAdvancementMovesOnlyTheFlushedLsn, BlocksAreFoundByOffsetAndBySegment,
    SegmentIdsIncreaseAcrossGroups, AnEditedBlockRowIsDataLoss,
    // coordinator_contract_cursors.inc
    CursorsAreCreatedThenAdvancedFromTheirValueTogether,
    AnUnexpectedValueIsAConflictAndMovesNothing, ACursorNeverMovesBackwards,
    AnEditedCursorIsDataLoss, SegmentsArePassedOnlyWhenEveryCursorOfEveryBlockIsPast,
    ForgetSegmentsIgnoresOtherGroups);

}  // namespace pg2iceberg::stage
