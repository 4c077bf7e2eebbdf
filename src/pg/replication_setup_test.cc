// The parsing side of replication set-up: a server answer outside what Postgres documents
// (garbage where a number or an LSN belongs) is a clean kInternal naming the query and the
// text, never an exception. A live Postgres cannot be made to answer garbage, so a scripted
// connection stands in for it here; the live behaviour is covered by the capture tests.
#include "pg/replication_setup.h"

#include <gtest/gtest.h>

#include <string>

#include "pg/scripted_connection_test_util.h"

namespace pg2iceberg::pg {
namespace {

using testing::ScriptedConnection;

PgRows IdentifySystemAnswer(std::string timeline, std::string xlogpos) {
  return {.column_names = {"systemid", "timeline", "xlogpos", "dbname"},
          .rows = {{"7300000000000000001", std::move(timeline), std::move(xlogpos), "db"}}};
}

PgRows SlotAnswer(std::string confirmed_flush_lsn, std::string active_pid) {
  return {.column_names = {"plugin", "slot_type", "database", "temporary", "confirmed_flush_lsn",
                           "wal_status", "active_pid"},
          .rows = {{"pgoutput", "logical", "db", "false", std::move(confirmed_flush_lsn),
                    "reserved", std::move(active_pid)}}};
}

void ExpectInternalNaming(const Status& status, const std::string& text) {
  EXPECT_EQ(status.code(), StatusCode::kInternal) << status.ToString();
  EXPECT_NE(status.message().find(text), std::string::npos) << status.ToString();
}

TEST(ReplicationSetupTest, IdentifySystemReadsAWellFormedAnswer) {
  ScriptedConnection connection({IdentifySystemAnswer("3", "0/16B3748")});
  Result<SystemIdentity> identity = IdentifySystem(connection);
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  EXPECT_EQ(identity->timeline, 3);
  EXPECT_EQ(identity->wal_position, 0x16B3748u);
}

TEST(ReplicationSetupTest, IdentifySystemWithAGarbageTimelineIsAnError) {
  ScriptedConnection connection({IdentifySystemAnswer("three", "0/16B3748")});
  Result<SystemIdentity> identity = IdentifySystem(connection);
  ASSERT_FALSE(identity.ok());
  ExpectInternalNaming(identity.status(), "IDENTIFY_SYSTEM column timeline is not an integer");
  ExpectInternalNaming(identity.status(), "\"three\"");
}

TEST(ReplicationSetupTest, IdentifySystemWithAnOutOfRangeTimelineIsAnError) {
  ScriptedConnection connection({IdentifySystemAnswer("99999999999", "0/16B3748")});
  ExpectInternalNaming(IdentifySystem(connection).status(), "out of range for int32");
}

TEST(ReplicationSetupTest, IdentifySystemWithAGarbageLsnIsAnError) {
  ScriptedConnection connection({IdentifySystemAnswer("1", "nowhere")});
  ExpectInternalNaming(IdentifySystem(connection).status(), "\"nowhere\"");
}

TEST(ReplicationSetupTest, LoadSlotReadsAWellFormedAnswer) {
  ScriptedConnection connection({SlotAnswer("0/100", "4242")});
  Result<std::optional<SlotInfo>> slot = LoadSlot(connection, "s");
  ASSERT_TRUE(slot.ok()) << slot.status().ToString();
  ASSERT_TRUE(slot->has_value());
  EXPECT_EQ((*slot)->active_pid, 4242);
  EXPECT_EQ((*slot)->confirmed_flush_lsn, 0x100u);
}

TEST(ReplicationSetupTest, LoadSlotWithAGarbagePidIsAnError) {
  ScriptedConnection connection({SlotAnswer("0/100", "pid?")});
  Result<std::optional<SlotInfo>> slot = LoadSlot(connection, "s");
  ASSERT_FALSE(slot.ok());
  ExpectInternalNaming(slot.status(), "pg_replication_slots column active_pid");
  ExpectInternalNaming(slot.status(), "\"pid?\"");
  // DropSlot reads the slot first and so stops with the same error.
  EXPECT_EQ(DropSlot(connection, "s").code(), StatusCode::kInternal);
}

TEST(ReplicationSetupTest, TableOidsWithAGarbageOidIsAnError) {
  ScriptedConnection connection({PgRows{.column_names = {"oid"}, .rows = {{"16384x"}}}});
  Result<std::vector<uint32_t>> oids = TableOids(connection, {{"public", "orders"}});
  ASSERT_FALSE(oids.ok());
  ExpectInternalNaming(oids.status(), "\"16384x\"");
}

TEST(ReplicationSetupTest, EnsurePublicationWithoutAnAnswerRowIsAnError) {
  // pg_publication has the publication (puballtables false), then answers NULL for pubviaroot.
  ScriptedConnection connection({PgRows{.column_names = {"puballtables"}, .rows = {{"false"}}},
                                 PgRows{.column_names = {"pubviaroot"}, .rows = {{std::nullopt}}}});
  EXPECT_EQ(EnsurePublication(connection, "p", {{"public", "orders"}}).code(),
            StatusCode::kInternal);
}

}  // namespace
}  // namespace pg2iceberg::pg
