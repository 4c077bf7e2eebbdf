// Coordinator rows whose fields do not parse — possible only after an outside ALTER of the
// schema — are kDataLoss naming the column and the text, never an exception. Against a real
// Postgres (PG2ICEBERG_TEST_PG_CONNINFO): each test alters one column to text and writes garbage
// into it, as an operator's edit would.
#include "stage/coordinator_fields.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "env/libpq_connection.h"
#include "stage/coordinator_test_util.h"
#include "stage/pg_coordinator.h"

namespace pg2iceberg::stage {
namespace {

TEST(CoordinatorFieldsTest, ParsesEachKindAndNamesTheColumnOnGarbage) {
  EXPECT_EQ(IntField("-7", "t.c").value(), -7);
  EXPECT_EQ(UnsignedField("7", "t.c").value(), 7u);
  EXPECT_EQ(OidField("4294967295", "t.c").value(), 4294967295u);
  EXPECT_EQ(LsnField("1/2", "t.c").value(), 0x100000002u);
  EXPECT_EQ(TextField("x", "t.c").value(), "x");
  const Status bad = IntField("12abc", "tables.next_offset").status();
  EXPECT_EQ(bad.code(), StatusCode::kDataLoss);
  EXPECT_EQ(
      bad.message().rfind("coordinator column tables.next_offset is not an integer: \"12abc\": the "
                          "coordinator schema was changed outside pg2iceberg",
                          0),
      0u)
      << bad.message();
  EXPECT_NE(bad.message().find("pg2iceberg cleanup"), std::string::npos);
  EXPECT_EQ(UnsignedField("-1", "segments.size_bytes").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(OidField("4294967296", "tables.relid").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(LsnField("0/zz", "capture.flushed_lsn").status().code(), StatusCode::kDataLoss);
  EXPECT_NE(TextField(std::nullopt, "capture.slot_name").status().message().find("is NULL"),
            std::string::npos);
}

class MalformedRowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
    if (conninfo == nullptr || *conninfo == '\0')
      FAIL() << "PG2ICEBERG_TEST_PG_CONNINFO is not set: a live test fails without its server (run "
                "it under scripts/with_postgres.py, as scripts/test.sh does)";
    PgConnectParams params;
    params.conninfo = conninfo;
    auto connection = connector_.Connect(params);
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    pg_ = std::move(*connection);
    schema_ = "coord_fields_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    Exec("DROP SCHEMA IF EXISTS " + Q() + " CASCADE");
    auto coordinator = PgCoordinator::Open(*pg_, schema_, "default");
    ASSERT_TRUE(coordinator.ok()) << coordinator.status().ToString();
    coordinator_ = std::move(*coordinator);
  }
  void TearDown() override {
    coordinator_.reset();
    if (pg_ != nullptr) Exec("DROP SCHEMA IF EXISTS " + Q() + " CASCADE");
  }
  void Exec(const std::string& sql) {
    Result<PgRows> rows = pg_->Exec(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
  }
  // Turns `table`.`column` into text (dropping its CHECK) and writes `garbage` into every row, as
  // an outside edit.
  void Tamper(const std::string& table, const std::string& column, const std::string& garbage) {
    Exec("ALTER TABLE " + Q() + "." + table + " DROP CONSTRAINT IF EXISTS " + table + "_" + column +
         "_check, ALTER COLUMN " + column + " TYPE text");
    Exec("UPDATE " + Q() + "." + table + " SET " + column + " = " + QuoteLiteral(garbage));
  }
  static void ExpectDataLossNaming(const Status& status, const std::string& column,
                                   const std::string& text) {
    EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
    EXPECT_NE(status.message().find("coordinator column " + column), std::string::npos)
        << status.ToString();
    EXPECT_NE(status.message().find("\"" + text + "\""), std::string::npos) << status.ToString();
  }
  std::string Q() const { return QuoteIdentifier(schema_); }
  static CaptureState Capture() { return TestCapture(); }

  NullLogger log_;
  LibpqConnector connector_{log_};
  std::unique_ptr<PgConnection> pg_;
  std::unique_ptr<Coordinator> coordinator_;
  std::string schema_;
};

TEST_F(MalformedRowTest, ANonLsnFlushedLsnIsDataLoss) {
  ASSERT_TRUE(coordinator_->CreateCapture(Capture()).ok());
  Tamper("capture", "flushed_lsn", "0/not-an-lsn");
  ExpectDataLossNaming(coordinator_->LoadCapture().status(), "capture.flushed_lsn", "0/not-an-lsn");
  EXPECT_EQ(coordinator_->RecordedFlushed().status().code(), StatusCode::kDataLoss);
}

TEST_F(MalformedRowTest, ANonNumericNextOffsetIsDataLoss) {
  ASSERT_TRUE(coordinator_->RegisterTable("public", "orders", 16384).ok());
  Tamper("tables", "next_offset", "12abc");
  ExpectDataLossNaming(coordinator_->LoadTables().status(), "tables.next_offset", "12abc");
}

TEST_F(MalformedRowTest, AnOutOfRangeRelidIsDataLoss) {
  ASSERT_TRUE(coordinator_->RegisterTable("public", "orders", 16384).ok());
  Tamper("tables", "relid", "99999999999");
  const Status status = coordinator_->LoadTables().status();
  ExpectDataLossNaming(status, "tables.relid", "99999999999");
  EXPECT_NE(status.message().find("out of range"), std::string::npos) << status.ToString();
}

TEST_F(MalformedRowTest, ANegativeSegmentSizeIsDataLoss) {
  // size_bytes stays bigint: a negative size needs no ALTER; it is refused before the row's
  // checksum is checked.
  ASSERT_TRUE(coordinator_->CreateCapture(Capture()).ok());
  Exec("INSERT INTO " + Q() +
       ".segments (group_name, object_key, size_bytes, first_commit_lsn, last_commit_lsn, "
       "checksum) VALUES ('default', 'seg-1', -5, '0/1', '0/2', 0)");
  ExpectDataLossNaming(coordinator_->Segments().status(), "segments.size_bytes", "-5");
  ExpectDataLossNaming(coordinator_->NewestSegment().status(), "segments.size_bytes", "-5");
}

TEST_F(MalformedRowTest, AnEditedSegmentRowFailsItsChecksum) {
  // A well-formed size that is not the one indexed: only the checksum can tell.
  ASSERT_TRUE(coordinator_->CreateCapture(Capture()).ok());
  Exec("INSERT INTO " + Q() +
       ".segments (group_name, object_key, size_bytes, first_commit_lsn, last_commit_lsn, "
       "checksum) VALUES ('default', 'seg-1', 500, '0/1', '0/2', 0)");
  for (const Status& status :
       {coordinator_->Segments().status(), coordinator_->NewestSegment().status()}) {
    EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
    EXPECT_NE(status.message().find("seg-1"), std::string::npos) << status.ToString();
    EXPECT_NE(status.message().find("checksum"), std::string::npos) << status.ToString();
  }
}

TEST_F(MalformedRowTest, AGarbageBlockLsnIsDataLoss) {
  ASSERT_TRUE(coordinator_->CreateCapture(Capture()).ok());
  TableState a = coordinator_->RegisterTable("public", "a", 1).value();
  Exec("INSERT INTO " + Q() +
       ".segments (segment_id, group_name, object_key, size_bytes, first_commit_lsn, "
       "last_commit_lsn, checksum) VALUES (1, 'default', 'seg-1', 10, '0/1', '0/2', 0)");
  Exec("INSERT INTO " + Q() +
       ".segment_blocks (segment_id, table_id, first_offset, change_count, block_offset, "
       "block_length, first_commit_lsn, last_commit_lsn, checksum) VALUES (1, " +
       std::to_string(a.table_id) + ", 0, 1, 0, 10, '0/1', '0/2', 0)");
  Tamper("segment_blocks", "last_commit_lsn", "later");
  ExpectDataLossNaming(coordinator_->BlocksFrom(a.table_id, 0, 10).status(),
                       "segment_blocks.last_commit_lsn", "later");
  ExpectDataLossNaming(coordinator_->BlocksOfSegment(1).status(), "segment_blocks.last_commit_lsn",
                       "later");
}

TEST_F(MalformedRowTest, ANonNumericCursorIsDataLoss) {
  TableState a = coordinator_->RegisterTable("public", "a", 1).value();
  ASSERT_TRUE(coordinator_->SetCursor(a.table_id, "m1", 4).ok());
  Tamper("cursors", "next_offset", "four");
  ExpectDataLossNaming(coordinator_->SegmentsPassedByCursors().status(), "cursors.next_offset",
                       "four");
}

}  // namespace
}  // namespace pg2iceberg::stage
