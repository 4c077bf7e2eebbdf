// Coordinator against a real Postgres (PG2ICEBERG_TEST_PG_CONNINFO; skipped when unset). Each
// test uses its own coordinator schema.
#include "stage/coordinator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

#include "env/libpq_connection.h"
#include "env/local_object_store.h"
#include "env/random.h"
#include "stage/segment_upload.h"

namespace pg2iceberg::stage {
namespace {

class CoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
    if (conninfo == nullptr || *conninfo == '\0')
      FAIL() << "PG2ICEBERG_TEST_PG_CONNINFO is not set: a live test fails without its server (run "
                "it under scripts/with_postgres.py, as scripts/test.sh does)";
    pg_ = Connect(conninfo);
    ASSERT_NE(pg_, nullptr);
    schema_ = "coord_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    Exec("DROP SCHEMA IF EXISTS " + QuoteIdentifier(schema_) + " CASCADE");
  }
  void TearDown() override {
    if (pg_ != nullptr) Exec("DROP SCHEMA IF EXISTS " + QuoteIdentifier(schema_) + " CASCADE");
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<PgConnection> Connect(const char* conninfo) {
    PgConnectParams params;
    params.conninfo = conninfo;
    auto connection = connector_.Connect(params);
    EXPECT_TRUE(connection.ok()) << connection.status().ToString();
    return connection.ok() ? std::move(*connection) : nullptr;
  }
  PgRows Exec(const std::string& sql) {
    Result<PgRows> rows = pg_->Exec(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    return rows.ok() ? *rows : PgRows{};
  }
  std::unique_ptr<Coordinator> Open(std::string group = "default") {
    auto coordinator = Coordinator::Open(*pg_, schema_, std::move(group));
    EXPECT_TRUE(coordinator.ok()) << coordinator.status().ToString();
    return coordinator.ok() ? std::move(*coordinator) : nullptr;
  }
  std::string Q() const { return QuoteIdentifier(schema_); }

  // A durable segment holding `count` inserts into each table of `blocks`, committed at `lsn`.
  DurableSegment Segment(const std::vector<std::pair<TableState, int>>& blocks, change::Lsn lsn) {
    if (store_ == nullptr) {
      dir_ = ::testing::TempDir() + "coord_store_" + std::to_string(getpid()) + "_" + schema_;
      store_ = std::move(LocalObjectStore::Open(dir_, random_).value());
    }
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
    return UploadSegment(*store_, "seg-" + std::to_string(++segments_), finished,
                         [&](uint32_t relid) { return ids.at(relid); })
        .value();
  }

  static CaptureState Capture() {
    return {.system_identifier = "7300000000000000001",
            .database = "db",
            .slot_name = "slot",
            .publication_name = "pub",
            .slot_created_lsn = 0x100,
            .flushed_lsn = 0x100};
  }

  NullLogger log_;
  SeededRandom random_{7};
  std::string dir_;
  std::unique_ptr<LocalObjectStore> store_;
  int segments_ = 0;
  LibpqConnector connector_{log_};
  std::unique_ptr<PgConnection> pg_;
  std::string schema_;
};

TEST_F(CoordinatorTest, MigrationIsIdempotentAndRecordsTheVersion) {
  EXPECT_EQ(MigrateCoordinator(*pg_, schema_).value(), 0);
  EXPECT_EQ(MigrateCoordinator(*pg_, schema_).value(), kCoordinatorSchemaVersion);
  EXPECT_EQ(Exec("SELECT version FROM " + Q() + ".schema_version").rows.at(0).at(0),
            std::to_string(kCoordinatorSchemaVersion));
  EXPECT_EQ(
      Exec("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema_ + "'").rows.at(0).at(0),
      "8");
}

TEST_F(CoordinatorTest, ANewerSchemaIsRefused) {
  ASSERT_TRUE(MigrateCoordinator(*pg_, schema_).ok());
  Exec("UPDATE " + Q() + ".schema_version SET version = 99");
  Result<int> found = MigrateCoordinator(*pg_, schema_);
  EXPECT_EQ(found.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(found.status().message().find("version 99"), std::string::npos)
      << found.status().ToString();
}

TEST_F(CoordinatorTest, ConcurrentMigrationsAllSucceed) {
  const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
  std::vector<std::unique_ptr<PgConnection>> connections;
  for (int i = 0; i < 4; ++i) connections.push_back(Connect(conninfo));
  std::vector<Status> results(connections.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < connections.size(); ++i) {
    threads.emplace_back(
        [&, i] { results[i] = MigrateCoordinator(*connections[i], schema_).status(); });
  }
  for (auto& thread : threads) thread.join();
  for (const Status& status : results) EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Exec("SELECT version FROM " + Q() + ".schema_version").rows.at(0).at(0),
            std::to_string(kCoordinatorSchemaVersion));
}

TEST_F(CoordinatorTest, CaptureStateRoundTripsAndIsCreatedOnce) {
  auto coordinator = Open();
  ASSERT_NE(coordinator, nullptr);
  EXPECT_FALSE(coordinator->LoadCapture().value().has_value());
  ASSERT_TRUE(coordinator->CreateCapture(Capture()).ok());
  std::optional<CaptureState> loaded = coordinator->LoadCapture().value();
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->system_identifier, "7300000000000000001");
  EXPECT_EQ(loaded->flushed_lsn, 0x100u);
  EXPECT_EQ(coordinator->CreateCapture(Capture()).code(), StatusCode::kConflict);
  auto other_group = Open("other");
  EXPECT_FALSE(other_group->LoadCapture().value().has_value());
}

// Regression (issue 11, first-run atomicity): tables and the capture row were written one by
// one after the slot was created; a crash in between left rows every later start refused.
TEST_F(CoordinatorTest, AFirstStartIsRecordedAtomicallyThenCompleted) {
  auto coordinator = Open();
  CaptureState pending = Capture();
  pending.slot_created_lsn = pending.flushed_lsn = 0;
  ASSERT_TRUE(coordinator->RegisterTable("public", "b", 2).ok());
  // One table is registered already: nothing of the first start may remain.
  EXPECT_EQ(
      coordinator->BeginCapture(pending, {{"public", "a", 1}, {"public", "b", 2}}).status().code(),
      StatusCode::kConflict);
  EXPECT_FALSE(coordinator->LoadCapture().value().has_value());
  EXPECT_EQ(coordinator->LoadTables().value().size(), 1u);
  Exec("DELETE FROM " + Q() + ".tables");

  std::vector<TableState> tables =
      coordinator->BeginCapture(pending, {{"public", "a", 1}, {"public", "b", 2}}).value();
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_TRUE(coordinator->LoadCapture().value()->slot_pending());
  ASSERT_TRUE(coordinator->CompleteCapture(0x4000).ok());
  std::optional<CaptureState> completed = coordinator->LoadCapture().value();
  EXPECT_FALSE(completed->slot_pending());
  EXPECT_EQ(completed->slot_created_lsn, 0x4000u);
  EXPECT_EQ(completed->flushed_lsn, 0x4000u);
  EXPECT_EQ(coordinator->CompleteCapture(0x5000).code(), StatusCode::kConflict);
}

TEST_F(CoordinatorTest, ATableAddedLaterKeepsItsStartLsnUnderItsChecksum) {
  auto coordinator = Open();
  std::vector<TableState> added =
      coordinator->RegisterTables({{"public", "late", 7, 0x9000}}).value();
  ASSERT_EQ(added.size(), 1u);
  std::vector<TableState> loaded = coordinator->LoadTables().value();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].added_lsn, 0x9000u);
  Exec("UPDATE " + Q() + ".tables SET added_lsn = '0/8000'");
  EXPECT_EQ(coordinator->LoadTables().status().code(), StatusCode::kDataLoss);
}

TEST_F(CoordinatorTest, AnEditedCaptureRowFailsItsChecksum) {
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->CreateCapture(Capture()).ok());
  Exec("UPDATE " + Q() + ".capture SET flushed_lsn = '0/50'");
  auto loaded = coordinator->LoadCapture();
  ASSERT_EQ(loaded.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(loaded.status().message().find("checksum"), std::string::npos);
}

TEST_F(CoordinatorTest, AnEditedTableRowFailsItsChecksum) {
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->RegisterTable("public", "orders", 16384).ok());
  Exec("UPDATE " + Q() + ".tables SET relid = 16999");
  auto tables = coordinator->LoadTables();
  ASSERT_EQ(tables.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(tables.status().message().find("public.orders"), std::string::npos);
}

TEST_F(CoordinatorTest, FlushesClaimGaplessOffsetsAndAdvanceFlushedLsn) {
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->CreateCapture(Capture()).ok());
  TableState a = coordinator->RegisterTable("public", "a", 1).value();
  TableState b = coordinator->RegisterTable("public", "b", 2).value();
  EXPECT_EQ(coordinator->RegisterTable("public", "a", 1).status().code(), StatusCode::kConflict);
  std::vector<TableState> tables = coordinator->LoadTables().value();
  ASSERT_EQ(tables.size(), 2u);
  RecordedLsn start = coordinator->RecordedFlushed().value();
  EXPECT_EQ(start.lsn(), 0x100u);
  RecordedLsn first =
      coordinator->CommitFlush({Segment({{a, 3}, {b, 2}}, 0x200)}, start, 0x310, tables).value();
  RecordedLsn second =
      coordinator->CommitFlush({Segment({{a, 5}}, 0x400)}, first, 0x410, tables).value();
  EXPECT_EQ(second.lsn(), 0x410u);
  EXPECT_EQ(coordinator->LoadCapture().value()->flushed_lsn, 0x410u);
  std::vector<IndexedBlock> blocks = coordinator->BlocksFrom(a.table_id, 0, 10).value();
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].first_offset, 0);
  EXPECT_EQ(blocks[0].change_count, 3);
  EXPECT_EQ(blocks[0].first_commit_lsn, 0x200u);
  EXPECT_EQ(blocks[1].first_offset, 3);
  EXPECT_EQ(blocks[1].object_key, "seg-2");
  EXPECT_EQ(coordinator->BlocksFrom(a.table_id, 3, 10).value().size(), 1u);
  EXPECT_EQ(coordinator->BlocksFrom(a.table_id, 8, 10).value().size(), 0u);
  EXPECT_EQ(tables[0].next_offset, 8);
  EXPECT_EQ(coordinator->LoadTables().value()[0].next_offset, 8);
  EXPECT_EQ(coordinator->LoadTables().value()[1].next_offset, 2);
}

TEST_F(CoordinatorTest, IndexedBlocksLocateTheirChangesInTheSegment) {
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->CreateCapture(Capture()).ok());
  TableState a = coordinator->RegisterTable("public", "a", 1).value();
  TableState b = coordinator->RegisterTable("public", "b", 2).value();
  std::vector<TableState> tables = coordinator->LoadTables().value();
  ASSERT_TRUE(coordinator
                  ->CommitFlush({Segment({{a, 4}, {b, 6}}, 0x200)},
                                coordinator->RecordedFlushed().value(), 0x300, tables)
                  .ok());
  IndexedBlock block = coordinator->BlocksFrom(b.table_id, 0, 10).value().at(0);
  Bytes range = store_->GetRange(block.object_key, block.block_offset, block.block_length).value();
  std::vector<StagedChange> changes = DecodeBlock(range).value();
  ASSERT_EQ(changes.size(), 6u);
  EXPECT_EQ(changes[0].change.table->table_name, "b");
  EXPECT_EQ(changes[5].change.new_row.at(0), change::Value::Int32(5));
}

TEST_F(CoordinatorTest, AFlushFromStaleStateConflictsAndChangesNothing) {
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->CreateCapture(Capture()).ok());
  TableState a = coordinator->RegisterTable("public", "a", 1).value();
  std::vector<TableState> tables = coordinator->LoadTables().value();
  std::vector<TableState> stale = tables;
  RecordedLsn start = coordinator->RecordedFlushed().value();
  RecordedLsn first =
      coordinator->CommitFlush({Segment({{a, 1}}, 0x200)}, start, 0x210, tables).value();
  // Another streamer's view: flushed LSN and offsets from before the first flush.
  EXPECT_EQ(
      coordinator->CommitFlush({Segment({{a, 1}}, 0x300)}, first, 0x310, stale).status().code(),
      StatusCode::kConflict);
  EXPECT_EQ(
      coordinator->CommitFlush({Segment({{a, 1}}, 0x300)}, start, 0x310, tables).status().code(),
      StatusCode::kConflict);
  EXPECT_EQ(stale[0].next_offset, 0);
  EXPECT_EQ(coordinator->Segments().value().size(), 1u);
  EXPECT_EQ(coordinator->LoadCapture().value()->flushed_lsn, 0x210u);
}

TEST_F(CoordinatorTest, IdleAdvancementMovesOnlyTheFlushedLsn) {
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->CreateCapture(Capture()).ok());
  RecordedLsn start = coordinator->RecordedFlushed().value();
  RecordedLsn advanced = coordinator->AdvanceFlushed(start, 0x5000).value();
  EXPECT_EQ(advanced.lsn(), 0x5000u);
  EXPECT_EQ(coordinator->LoadCapture().value()->flushed_lsn, 0x5000u);
  EXPECT_EQ(coordinator->AdvanceFlushed(start, 0x6000).status().code(), StatusCode::kConflict);
  EXPECT_TRUE(coordinator->Segments().value().empty());
}

// Regression (issue 11, item 3): the compare-and-set of flushed_lsn was a SELECT, a compare and
// an UPDATE. A delayed commit of an old session moving flushed_lsn to 0x200 slipped between the
// SELECT and the UPDATE of a second session, whose UPDATE then moved it back to 0x150.
TEST_F(CoordinatorTest, AConcurrentFlushedLsnWriterMakesTheCompareAndSetConflict) {
  const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->CreateCapture(Capture()).ok());
  const std::string checksum_at_100 =
      Exec("SELECT checksum FROM " + Q() + ".capture").rows.at(0).at(0).value();
  ASSERT_TRUE(coordinator->AdvanceFlushed(coordinator->RecordedFlushed().value(), 0x200).ok());
  const std::string checksum_at_200 =
      Exec("SELECT checksum FROM " + Q() + ".capture").rows.at(0).at(0).value();
  Exec("UPDATE " + Q() + ".capture SET flushed_lsn = '0/100', checksum = " + checksum_at_100);
  RecordedLsn at_100 = coordinator->RecordedFlushed().value();

  // The old session: moves flushed_lsn to 0x200 and holds its transaction open.
  std::unique_ptr<PgConnection> old_session = Connect(conninfo);
  ASSERT_TRUE(old_session->Exec("BEGIN").ok());
  ASSERT_TRUE(old_session
                  ->Exec("UPDATE " + Q() +
                         ".capture SET flushed_lsn = '0/200', checksum = " + checksum_at_200)
                  .ok());
  // The second session compares against 0x100 (all it can see) and must wait for the row.
  std::unique_ptr<PgConnection> second_session = Connect(conninfo);
  const std::string second_pid =
      second_session->Exec("SELECT pg_backend_pid()").value().rows.at(0).at(0).value();
  auto second = Coordinator::Open(*second_session, schema_, "default").value();
  Result<RecordedLsn> advanced = Status::Internal("not run");
  std::thread writer([&] { advanced = second->AdvanceFlushed(at_100, 0x150); });
  bool waiting = false;
  for (int i = 0; i < 500 && !waiting; ++i) {  // at most ~10 s
    waiting = Exec("SELECT 1 FROM pg_stat_activity WHERE pid = " + second_pid +
                   " AND wait_event_type = 'Lock'")
                  .rows.size() == 1;
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(old_session->Exec("COMMIT").ok());
  writer.join();
  EXPECT_TRUE(waiting) << "the second session never waited for the row";
  EXPECT_EQ(advanced.status().code(), StatusCode::kConflict) << advanced.status().ToString();
  EXPECT_EQ(coordinator->LoadCapture().value()->flushed_lsn, 0x200u);
}

TEST_F(CoordinatorTest, AnEditedBlockRowFailsItsChecksum) {
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->CreateCapture(Capture()).ok());
  TableState a = coordinator->RegisterTable("public", "a", 1).value();
  std::vector<TableState> tables = coordinator->LoadTables().value();
  ASSERT_TRUE(coordinator
                  ->CommitFlush({Segment({{a, 4}}, 0x200)}, coordinator->RecordedFlushed().value(),
                                0x210, tables)
                  .ok());
  Exec("UPDATE " + Q() + ".segment_blocks SET change_count = 3");
  EXPECT_EQ(coordinator->BlocksFrom(a.table_id, 0, 10).status().code(), StatusCode::kDataLoss);
}

TEST_F(CoordinatorTest, SegmentsArePassedOnlyWhenEveryCursorOfEveryBlockIsPast) {
  auto coordinator = Open();
  ASSERT_TRUE(coordinator->CreateCapture(Capture()).ok());
  TableState a = coordinator->RegisterTable("public", "a", 1).value();
  TableState b = coordinator->RegisterTable("public", "b", 2).value();
  std::vector<TableState> tables = coordinator->LoadTables().value();
  ASSERT_TRUE(coordinator
                  ->CommitFlush({Segment({{a, 2}, {b, 1}}, 0x150), Segment({{a, 2}}, 0x160)},
                                coordinator->RecordedFlushed().value(), 0x200, tables)
                  .ok());
  EXPECT_TRUE(coordinator->SegmentsPassedByCursors().value().empty());  // no cursors yet
  ASSERT_TRUE(coordinator->SetCursor(a.table_id, "m1", 4).ok());
  ASSERT_TRUE(coordinator->SetCursor(a.table_id, "m2", 2).ok());
  EXPECT_TRUE(coordinator->SegmentsPassedByCursors().value().empty());  // b has no cursor
  ASSERT_TRUE(coordinator->SetCursor(b.table_id, "m1", 1).ok());
  std::vector<IndexedSegment> passed = coordinator->SegmentsPassedByCursors().value();
  ASSERT_EQ(passed.size(), 1u);
  EXPECT_EQ(passed[0].object_key, "seg-1");
  EXPECT_EQ(coordinator->SetCursor(a.table_id, "m2", 1).code(), StatusCode::kConflict);
  ASSERT_TRUE(coordinator->SetCursor(a.table_id, "m2", 4).ok());
  passed = coordinator->SegmentsPassedByCursors().value();
  ASSERT_EQ(passed.size(), 2u);
  ASSERT_TRUE(coordinator->ForgetSegments({passed[0].segment_id, passed[1].segment_id}).ok());
  EXPECT_TRUE(coordinator->Segments().value().empty());
  EXPECT_TRUE(coordinator->BlocksFrom(a.table_id, 0, 10).value().empty());
}

TEST_F(CoordinatorTest, AnEditedCursorFailsItsChecksum) {
  auto coordinator = Open();
  TableState a = coordinator->RegisterTable("public", "a", 1).value();
  ASSERT_TRUE(coordinator->SetCursor(a.table_id, "m1", 4).ok());
  Exec("UPDATE " + Q() + ".cursors SET next_offset = 400");
  EXPECT_EQ(coordinator->SegmentsPassedByCursors().status().code(), StatusCode::kDataLoss);
}

TEST_F(CoordinatorTest, WatchedFingerprintsAreReplacedVerifiedAndDeletedWithTheGroup) {
  auto coordinator = Open();
  EXPECT_FALSE(coordinator->LoadWatched("publication").value().has_value());
  ASSERT_TRUE(coordinator->RecordWatched("publication", "publication 1/2").ok());
  ASSERT_TRUE(coordinator->RecordWatched("publication", "publication 1/3").ok());
  EXPECT_EQ(coordinator->LoadWatched("publication").value(),
            std::optional<std::string>("publication 1/3"));
  Exec("UPDATE " + Q() + ".watched_catalog SET fingerprint = 'publication 1/4'");
  EXPECT_EQ(coordinator->LoadWatched("publication").status().code(), StatusCode::kDataLoss);
  ASSERT_TRUE(coordinator->DeleteGroup().ok());
  EXPECT_FALSE(coordinator->LoadWatched("publication").value().has_value());
}

}  // namespace
}  // namespace pg2iceberg::stage
