#include "capture/guards.h"

#include <gtest/gtest.h>

namespace pg2iceberg::capture {
namespace {

stage::CaptureState Recorded() {
  return {.system_identifier = "111",
          .database = "db",
          .slot_name = "s",
          .publication_name = "p",
          .slot_created_lsn = 0x100,
          .flushed_lsn = 0x500};
}

pg::SlotInfo Slot(change::Lsn confirmed, std::string wal_status = "reserved") {
  return {.plugin = "pgoutput",
          .slot_type = "logical",
          .database = "db",
          .confirmed_flush_lsn = confirmed,
          .wal_status = std::move(wal_status)};
}

void ExpectDataLoss(const Status& status, std::string_view phrase) {
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  EXPECT_NE(status.message().find(phrase), std::string::npos) << status.ToString();
}

TEST(GuardsTest, AnotherClusterIsRefused) {
  EXPECT_TRUE(CheckSameCluster(Recorded(), {.system_identifier = "111"}, "advice").ok());
  ExpectDataLoss(CheckSameCluster(Recorded(), {.system_identifier = "222"}, "advice"),
                 "different PostgreSQL cluster");
}

TEST(GuardsTest, SlotAtOrBehindTheRecordedLsnIsAccepted) {
  EXPECT_TRUE(CheckSlot(Recorded(), Slot(0x500), "advice").ok());
  EXPECT_TRUE(CheckSlot(Recorded(), Slot(0x400), "advice").ok());
}

TEST(GuardsTest, MissingLostMovedOrForeignSlotsAreRefused) {
  ExpectDataLoss(CheckSlot(Recorded(), std::nullopt, "advice"), "no longer exists");
  ExpectDataLoss(CheckSlot(Recorded(), Slot(0x500, "lost"), "advice"), "wal_status = lost");
  ExpectDataLoss(CheckSlot(Recorded(), Slot(0x501), "advice"), "advanced or recreated");
  pg::SlotInfo other_plugin = Slot(0x500);
  other_plugin.plugin = "test_decoding";
  ExpectDataLoss(CheckSlot(Recorded(), other_plugin, "advice"), "recreated");
  pg::SlotInfo other_database = Slot(0x500);
  other_database.database = "elsewhere";
  ExpectDataLoss(CheckSlot(Recorded(), other_database, "advice"), "recreated");
}

TEST(GuardsTest, MessagesCarryTheWayOut) {
  Status status = CheckSlot(Recorded(), std::nullopt, RebuildAdvice("_pg2iceberg", "default"));
  EXPECT_NE(status.message().find("pg2iceberg cleanup"), std::string::npos) << status.ToString();
}

TEST(GuardsTest, RecreatedOrDroppedTablesAreRefused) {
  std::vector<stage::TableState> registered = {
      {.table_id = 1, .schema_name = "public", .table_name = "a", .relid = 10},
      {.table_id = 2, .schema_name = "public", .table_name = "b", .relid = 20}};
  EXPECT_TRUE(CheckTablesUnchanged(registered, {10, 20}, "advice").ok());
  ExpectDataLoss(CheckTablesUnchanged(registered, {10, 21}, "advice"),
                 "public.b was dropped and recreated");
  ExpectDataLoss(CheckTablesUnchanged(registered, {0, 20}, "advice"), "public.a no longer exists");
}

TEST(GuardsTest, UnpublishedTablesAreRefused) {
  std::vector<pg::TableName> mirrored = {{"public", "a"}, {"s", "b"}};
  EXPECT_TRUE(CheckPublished("p", mirrored, {{"public", "a"}, {"s", "b"}, {"x", "y"}}).ok());
  ExpectDataLoss(CheckPublished("p", mirrored, {{"public", "a"}}),
                 "s.b is missing from publication");
}

}  // namespace
}  // namespace pg2iceberg::capture
