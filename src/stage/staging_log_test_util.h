// Test support: a staging log of its own for a live test — a fresh coordinator schema in the
// test Postgres (PG2ICEBERG_TEST_PG_CONNINFO; the test fails without it), a capture row, a
// staging store in a temporary directory, and a way to write and index segments.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/log.h"
#include "env/libpq_connection.h"
#include "env/live_test_util.h"
#include "env/local_object_store.h"
#include "env/random.h"
#include "stage/pg_coordinator.h"
#include "stage/segment_upload.h"

namespace pg2iceberg::stage {

class StagingLogFixture {
 public:
  // Call from SetUp: ASSERT_NO_FATAL_FAILURE(log_.Start("prefix")).
  void Start(std::string_view prefix) {
    ASSERT_NO_FATAL_FAILURE(ConnectLivePostgres(connector_, &pg));
    schema = UniqueTestName(prefix);
    DropTestSchema(pg.get(), schema);
    dir = ::testing::TempDir() + schema;
    staging = std::move(LocalObjectStore::Open(dir + "/stage", random_).value());
    coordinator = std::move(PgCoordinator::Open(*pg, schema, "default").value());
    ASSERT_TRUE(coordinator
                    ->CreateCapture({.system_identifier = "1",
                                     .database = "db",
                                     .slot_name = "s",
                                     .publication_name = "p",
                                     .slot_created_lsn = 1,
                                     .flushed_lsn = 1})
                    .ok());
  }
  // Call from TearDown.
  void Stop() {
    coordinator.reset();
    DropTestSchema(pg.get(), schema);
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }

  // Registers public.`name` with pg_class oid `relid`.
  TableState Register(const std::string& name, uint32_t relid) {
    TableState table = coordinator->RegisterTable("public", name, relid).value();
    tables_[relid] = table;
    return table;
  }
  const TableState& table(uint32_t relid) { return tables_.at(relid); }

  // Writes `changes` (each with its transaction, tables by relid) as one segment under
  // `object_key` and indexes it; the flushed LSN moves to the last transaction's end.
  void Index(const std::string& object_key,
             const std::vector<std::pair<change::CommitInfo, change::RowChange>>& changes) {
    SegmentWriter writer(0);
    change::Lsn end = 0;
    for (const auto& [commit, change] : changes) {
      writer.Append(commit, change);
      end = commit.end_lsn;
    }
    DurableSegment segment =
        UploadSegment(*staging, object_key, writer.Finish().value(), [&](uint32_t relid) {
          return tables_.at(relid).table_id;
        }).value();
    std::vector<TableState> tables;
    for (const auto& [relid, table] : tables_) tables.push_back(table);
    ASSERT_TRUE(
        coordinator->CommitFlush({segment}, coordinator->RecordedFlushed().value(), end, tables)
            .ok());
    for (const TableState& table : tables) tables_[table.relid] = table;
  }

  NullLogger log;
  std::unique_ptr<PgConnection> pg;
  std::string schema;
  std::string dir;
  std::unique_ptr<LocalObjectStore> staging;
  std::unique_ptr<Coordinator> coordinator;

 private:
  LibpqConnector connector_{log};
  SeededRandom random_{17};
  std::map<uint32_t, TableState> tables_;
};

}  // namespace pg2iceberg::stage
