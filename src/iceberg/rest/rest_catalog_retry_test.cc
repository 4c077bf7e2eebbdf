// RestCatalog over a scripted HttpTransport when the catalog misbehaves: requests retried
// with back-off within their deadline, commits whose outcome is unknown reconciled by
// reloading the table, and multi-table commits through /v1/transactions/commit.
#include <gtest/gtest.h>

#include "env/random.h"
#include "iceberg/rest/rest_catalog.h"
#include "iceberg/rest/rest_catalog_test_util.h"
#include "iceberg/rest/rest_test_util.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr std::string_view kConfigWithTransactions =
    R"({"defaults":{},"overrides":{},"endpoints":["GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",)"
    R"("POST /v1/{prefix}/transactions/commit"]})";

const TableIdentifier kOrders{{"public"}, "orders"};
const TableIdentifier kItems{{"public"}, "items"};

// A table with one snapshot (5), as loaded from the catalog, and the commit adding `id` to it.
struct Fixture {
  TableState base;
  Snapshot snapshot;
  TableMetadata next;
};

Fixture ExistingTable(const TableIdentifier& ident, int64_t id) {
  const std::string location = "file:///wh/public/" + ident.name;
  const TableMetadata empty = EmptyTestTable(location);
  const TableMetadata base = WithSnapshot(empty, NextTestSnapshot(empty, 5));
  const Snapshot snapshot = NextTestSnapshot(base, id);
  return {{ident, base, location + "/metadata/00001-a.metadata.json"},
          snapshot,
          WithSnapshot(base, snapshot)};
}

class RestCatalogRetryTest : public ::testing::Test {
 protected:
  std::unique_ptr<RestCatalog> Open(std::string_view config = R"({"defaults":{}})",
                                    int64_t deadline_ms = 60000) {
    http_.Answer(200, std::string(config));
    RestCatalogOptions options;
    options.uri = "http://cat:8181";
    options.retry.deadline_ms = deadline_ms;
    options.retry.initial_backoff_ms = 200;
    options.retry.max_backoff_ms = 15000;
    Result<std::unique_ptr<RestCatalog>> catalog =
        RestCatalog::Open(options, http_, clock_, random_, log_);
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    return catalog.ok() ? std::move(*catalog) : nullptr;
  }

  int Commits() const {
    int commits = 0;
    for (size_t i = 0; i < http_.requests.size(); ++i) {
      if (http_.requests[i].method == "POST") ++commits;
    }
    return commits;
  }

  ScriptedHttpTransport http_;
  ManualClock clock_;
  SeededRandom random_{42};
  CapturingLogger log_;
  NullMetadataWriter writer_;
};

TEST_F(RestCatalogRetryTest, UnavailableRequestsAreRetriedUntilTheyAnswer) {
  auto catalog = Open();
  const Fixture t = ExistingTable(kOrders, 6);
  const int64_t start_us = clock_.MonotonicMicros();
  http_.Answer(503, ErrorBody(503, "SlowDownException", "slow down"));
  http_.Fail(Status::Unavailable("Connection refused"));
  http_.Answer(429, ErrorBody(429, "TooManyRequests", "rate limited"));
  http_.Answer(200, TableBody(t.base.metadata, t.base.metadata_location));
  Result<LoadedTable> loaded = catalog->LoadTable(kOrders);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->metadata_location, t.base.metadata_location);
  EXPECT_TRUE(http_.Exhausted());
  EXPECT_EQ(http_.Line(4), http_.Line(1));
  // Three back-offs, each at most min(15 s, 200 ms * 2^n).
  EXPECT_LE(clock_.MonotonicMicros() - start_us, (200 + 400 + 800) * 1000);
  ASSERT_EQ(log_.lines.size(), 3u);
  EXPECT_NE(log_.lines[0].find("slow down"), std::string::npos) << log_.lines[0];
  EXPECT_NE(log_.lines[1].find("Connection refused"), std::string::npos) << log_.lines[1];
  EXPECT_NE(log_.lines[2].find("rate limited"), std::string::npos) << log_.lines[2];
  EXPECT_EQ(log_.lines[0].rfind("warn REST catalog: retrying in ", 0), 0u) << log_.lines[0];
}

TEST_F(RestCatalogRetryTest, TheDeadlineEndsRetriesWithTheLastCause) {
  auto catalog = Open(R"({"defaults":{}})", /*deadline_ms=*/30000);
  constexpr int kScripted = 200;
  for (int i = 1; i <= kScripted; ++i) http_.Answer(503, "down #" + std::to_string(i) + ".");
  const int64_t start_us = clock_.MonotonicMicros();
  const Status status = catalog->LoadTable(kOrders).status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  const size_t attempts = http_.requests.size() - 1;
  EXPECT_GT(attempts, 3u);
  EXPECT_LT(attempts, static_cast<size_t>(kScripted));
  EXPECT_NE(status.message().find("down #" + std::to_string(attempts) + "."), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("gave up after " + std::to_string(attempts) + " attempts"),
            std::string::npos)
      << status.message();
  EXPECT_LE(clock_.MonotonicMicros() - start_us, 30000 * 1000);
  EXPECT_EQ(log_.lines.size(), attempts - 1);
}

TEST_F(RestCatalogRetryTest, ErrorsThatAreNotUnavailableAreNotRetried) {
  auto catalog = Open();
  http_.Answer(404, ErrorBody(404, "NoSuchTableException", "no"));
  EXPECT_EQ(catalog->LoadTable(kOrders).status().code(), StatusCode::kNotFound);
  const Fixture t = ExistingTable(kOrders, 6);
  http_.Answer(409, ErrorBody(409, "CommitFailedException", "stale"));
  EXPECT_EQ(catalog->CommitSnapshot(t.base, t.next, t.snapshot, writer_).status().code(),
            StatusCode::kConflict);
  EXPECT_TRUE(http_.Exhausted());
  EXPECT_TRUE(log_.lines.empty());
}

TEST_F(RestCatalogRetryTest, ALostCommitThatHappenedIsNotSentAgain) {
  auto catalog = Open();
  const Fixture t = ExistingTable(kOrders, 6);
  http_.Fail(Status::Unavailable("Operation timed out"));
  http_.Answer(503, "");  // the reload is retried too
  http_.Answer(200, TableBody(t.next, "file:///wh/public/orders/metadata/00002-b.metadata.json"));
  Result<TableState> committed = catalog->CommitSnapshot(t.base, t.next, t.snapshot, writer_);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(committed->metadata.current_snapshot_id, 6);
  EXPECT_EQ(committed->metadata_location,
            "file:///wh/public/orders/metadata/00002-b.metadata.json");
  EXPECT_EQ(Commits(), 1);
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestCatalogRetryTest, ALostCommitThatDidNotHappenIsSentOnceMore) {
  auto catalog = Open();
  const Fixture t = ExistingTable(kOrders, 6);
  http_.Answer(502, ErrorBody(502, "CommitStateUnknownException", "gateway"));
  http_.Answer(200, TableBody(t.base.metadata, t.base.metadata_location));
  http_.Answer(200, TableBody(t.next, "file:///wh/public/orders/metadata/00002-b.metadata.json"));
  Result<TableState> committed = catalog->CommitSnapshot(t.base, t.next, t.snapshot, writer_);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(Commits(), 2);
  EXPECT_EQ(http_.Line(1), http_.Line(3));
  EXPECT_EQ(http_.Body(1), http_.Body(3));
  EXPECT_EQ(http_.Line(2), "GET http://cat:8181/v1/namespaces/public/tables/orders");
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestCatalogRetryTest, ALostCommitOnATableSomeoneElseMovedIsAConflict) {
  auto catalog = Open();
  const Fixture t = ExistingTable(kOrders, 6);
  const Snapshot theirs = NextTestSnapshot(t.base.metadata, 77);
  http_.Answer(500, ErrorBody(500, "CommitStateUnknownException", "boom"));
  http_.Answer(200, TableBody(WithSnapshot(t.base.metadata, theirs), "file:///wh/x.json"));
  const Status status = catalog->CommitSnapshot(t.base, t.next, t.snapshot, writer_).status();
  EXPECT_EQ(status.code(), StatusCode::kConflict) << status.ToString();
  EXPECT_NE(status.message().find("77"), std::string::npos) << status.message();
  EXPECT_EQ(Commits(), 1);
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestCatalogRetryTest, ALostCommitStaysUnknownWhenTheReloadNeverAnswers) {
  auto catalog = Open(R"({"defaults":{}})", /*deadline_ms=*/1000);
  const Fixture t = ExistingTable(kOrders, 6);
  http_.Fail(Status::Unavailable("Operation timed out"));
  for (int i = 0; i < 50; ++i) http_.Fail(Status::Unavailable("Connection refused"));
  const Status status = catalog->CommitSnapshot(t.base, t.next, t.snapshot, writer_).status();
  EXPECT_EQ(status.code(), StatusCode::kOutcomeUnknown) << status.ToString();
  EXPECT_NE(status.message().find("Operation timed out"), std::string::npos);
  EXPECT_NE(status.message().find("to reconcile failed"), std::string::npos);
  EXPECT_EQ(Commits(), 1);
}

TEST_F(RestCatalogRetryTest, ResendsAreBounded) {
  auto catalog = Open();
  const Fixture t = ExistingTable(kOrders, 6);
  for (int i = 0; i < RestCatalog::kCommitSendsMax; ++i) {
    http_.Answer(504, "");
    http_.Answer(200, TableBody(t.base.metadata, t.base.metadata_location));
  }
  const Status status = catalog->CommitSnapshot(t.base, t.next, t.snapshot, writer_).status();
  EXPECT_EQ(status.code(), StatusCode::kOutcomeUnknown) << status.ToString();
  EXPECT_EQ(Commits(), RestCatalog::kCommitSendsMax);
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestCatalogRetryTest, ALostCreateIsResentWithoutStagingAgain) {
  auto catalog = Open();
  const TableMetadata empty = EmptyTestTable("file:///wh/public/orders");
  const Snapshot snapshot = NextTestSnapshot(empty, 7);
  const TableMetadata first = WithSnapshot(empty, snapshot);
  http_.Answer(200, TableBody(empty, ""));  // staged
  http_.Fail(Status::Unavailable("Connection reset by peer"));
  http_.Answer(404, ErrorBody(404, "NoSuchTableException", "Table does not exist"));
  http_.Answer(500, "");  // the resend's answer is lost too…
  http_.Answer(200, TableBody(first, "file:///wh/public/orders/metadata/00000-c.metadata.json"));
  Result<TableState> created =
      catalog->CommitSnapshot({kOrders, empty, ""}, first, snapshot, writer_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();  // …but the reload shows it
  EXPECT_EQ(created->metadata.current_snapshot_id, 7);
  EXPECT_EQ(http_.Line(1), "POST http://cat:8181/v1/namespaces/public/tables");
  EXPECT_EQ(http_.Line(2), "POST http://cat:8181/v1/namespaces/public/tables/orders");
  EXPECT_EQ(http_.Body(2), http_.Body(4));
  EXPECT_TRUE(http_.Exhausted());
}

// Issue 11 item 2: send 1 is lost while the catalog applies it, the reload still shows the
// base, the resend is refused with 409 because send 1 applied. The 409 is no conflict.
TEST_F(RestCatalogRetryTest, ARefusedResendAfterALostCommitThatLandedIsSuccess) {
  auto catalog = Open();
  const Fixture t = ExistingTable(kOrders, 6);
  http_.Fail(Status::Unavailable("Operation timed out"));
  http_.Answer(200, TableBody(t.base.metadata, t.base.metadata_location));
  http_.Answer(
      409, ErrorBody(409, "CommitFailedException", "Requirement failed: branch main has changed"));
  http_.Answer(200, TableBody(t.next, "file:///wh/public/orders/metadata/00002-b.metadata.json"));
  Result<TableState> committed = catalog->CommitSnapshot(t.base, t.next, t.snapshot, writer_);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(committed->metadata.current_snapshot_id, 6);
  EXPECT_EQ(committed->metadata_location,
            "file:///wh/public/orders/metadata/00002-b.metadata.json");
  EXPECT_EQ(Commits(), 2);
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestCatalogRetryTest, ARefusedResendAfterALostCommitIsUnknownWhileTheTableIsAtBase) {
  auto catalog = Open();
  const Fixture t = ExistingTable(kOrders, 6);
  http_.Fail(Status::Unavailable("Connection reset by peer"));
  http_.Answer(200, TableBody(t.base.metadata, t.base.metadata_location));
  http_.Answer(409, ErrorBody(409, "CommitFailedException", "Requirement failed"));
  http_.Answer(200, TableBody(t.base.metadata, t.base.metadata_location));
  const Status status = catalog->CommitSnapshot(t.base, t.next, t.snapshot, writer_).status();
  EXPECT_EQ(status.code(), StatusCode::kOutcomeUnknown) << status.ToString();
  EXPECT_NE(status.message().find("Connection reset by peer"), std::string::npos);
  EXPECT_NE(status.message().find("files are kept"), std::string::npos) << status.message();
  EXPECT_EQ(Commits(), 2);  // not sent a third time: the refusal is unexplained
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestCatalogRetryTest, AnyFailureOfAResendAfterALostCommitIsReconciled) {
  auto catalog = Open();
  const Fixture t = ExistingTable(kOrders, 6);
  http_.Answer(504, "");
  http_.Answer(200, TableBody(t.base.metadata, t.base.metadata_location));
  http_.Answer(400, ErrorBody(400, "BadRequestException", "odd"));
  http_.Answer(200, TableBody(t.next, "file:///wh/public/orders/metadata/00002-b.metadata.json"));
  EXPECT_TRUE(catalog->CommitSnapshot(t.base, t.next, t.snapshot, writer_).ok());
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestCatalogRetryTest, ARefusedResendOnATableSomeoneElseMovedIsAConflict) {
  auto catalog = Open();
  const Fixture t = ExistingTable(kOrders, 6);
  const Snapshot theirs = NextTestSnapshot(t.base.metadata, 77);
  http_.Fail(Status::Unavailable("Operation timed out"));
  http_.Answer(200, TableBody(t.base.metadata, t.base.metadata_location));
  http_.Answer(409, ErrorBody(409, "CommitFailedException", "Requirement failed"));
  http_.Answer(200, TableBody(WithSnapshot(t.base.metadata, theirs), "file:///wh/x.json"));
  const Status status = catalog->CommitSnapshot(t.base, t.next, t.snapshot, writer_).status();
  EXPECT_EQ(status.code(), StatusCode::kConflict) << status.ToString();
  EXPECT_NE(status.message().find("77"), std::string::npos) << status.message();
}

TEST_F(RestCatalogRetryTest, ALostCommitIsFoundWhenALaterSnapshotNamesItAsParent) {
  auto catalog = Open();
  const Fixture t = ExistingTable(kOrders, 6);
  TableMetadata moved = WithSnapshot(t.next, NextTestSnapshot(t.next, 77));
  std::erase_if(moved.snapshots, [](const Snapshot& s) { return s.snapshot_id == 6; });
  http_.Answer(500, ErrorBody(500, "CommitStateUnknownException", "boom"));
  http_.Answer(200, TableBody(moved, "file:///wh/x.json"));
  Result<TableState> committed = catalog->CommitSnapshot(t.base, t.next, t.snapshot, writer_);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(committed->metadata.current_snapshot_id, 77);
}

TEST_F(RestCatalogRetryTest, ALostCommitToATableDroppedSinceStaysUnknown) {
  auto catalog = Open();
  const Fixture t = ExistingTable(kOrders, 6);
  http_.Fail(Status::Unavailable("Operation timed out"));
  http_.Answer(404, ErrorBody(404, "NoSuchTableException", "Table does not exist"));
  const Status status = catalog->CommitSnapshot(t.base, t.next, t.snapshot, writer_).status();
  EXPECT_EQ(status.code(), StatusCode::kOutcomeUnknown) << status.ToString();
  EXPECT_NE(status.message().find("no longer exists"), std::string::npos) << status.message();
}

// Item 2 for a create: the resend's assert-create fails because send 1 created the table.
TEST_F(RestCatalogRetryTest, ARefusedCreateResendAfterALostCreateThatLandedIsSuccess) {
  auto catalog = Open();
  const TableMetadata empty = EmptyTestTable("file:///wh/public/orders");
  const Snapshot snapshot = NextTestSnapshot(empty, 7);
  const TableMetadata first = WithSnapshot(empty, snapshot);
  http_.Answer(200, TableBody(empty, ""));  // staged
  http_.Fail(Status::Unavailable("Operation timed out"));
  http_.Answer(404, ErrorBody(404, "NoSuchTableException", "Table does not exist"));
  http_.Answer(409,
               ErrorBody(409, "AlreadyExistsException", "Table already exists: public.orders"));
  http_.Answer(200, TableBody(first, "file:///wh/public/orders/metadata/00000-c.metadata.json"));
  Result<TableState> created =
      catalog->CommitSnapshot({kOrders, empty, ""}, first, snapshot, writer_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->metadata.current_snapshot_id, 7);
  EXPECT_EQ(created->metadata_location, "file:///wh/public/orders/metadata/00000-c.metadata.json");
  EXPECT_TRUE(http_.Exhausted());
}

// Another writer's create won: ours asserts that no such table exists, so it never applied and
// never can. The committer reloads and commits on top (not a stop with the outcome unknown).
TEST_F(RestCatalogRetryTest, ALostCreateOfATableSomeoneElseCreatedIsAConflict) {
  auto catalog = Open();
  const TableMetadata empty = EmptyTestTable("file:///wh/public/orders");
  const Snapshot snapshot = NextTestSnapshot(empty, 7);
  const TableMetadata theirs =
      EmptyTestTable("file:///wh/public/orders", "00000000-0000-4000-8000-000000000001");
  http_.Answer(200, TableBody(empty, ""));  // staged
  http_.Fail(Status::Unavailable("Operation timed out"));
  http_.Answer(404, ErrorBody(404, "NoSuchTableException", "Table does not exist"));
  http_.Answer(409, ErrorBody(409, "AlreadyExistsException", "Table already exists"));
  http_.Answer(200, TableBody(theirs, "file:///wh/public/orders/metadata/00000-x.metadata.json"));
  const Status status =
      catalog
          ->CommitSnapshot({kOrders, empty, ""}, WithSnapshot(empty, snapshot), snapshot, writer_)
          .status();
  EXPECT_EQ(status.code(), StatusCode::kConflict) << status.ToString();
  EXPECT_NE(status.message().find("another writer created the table first"), std::string::npos)
      << status.message();
  EXPECT_TRUE(http_.Exhausted());
}

// Regression (CI, test_two_concurrent_first_snapshots_both_succeed[s3-rest]): the REST test
// server's JDBC store answers the loser of two concurrent creates with HTTP 500 (a unique
// violation reported as "UncheckedSQLException: Unknown failure"). The reload shows the winner's
// table; this was kOutcomeUnknown and stopped the snapshot.
TEST_F(RestCatalogRetryTest, ACreateAnsweredWithAServerErrorThatLostTheRaceIsAConflict) {
  auto catalog = Open();
  const TableMetadata empty = EmptyTestTable("file:///wh/public/orders");
  const Snapshot snapshot = NextTestSnapshot(empty, 7);
  const TableMetadata theirs = WithSnapshot(
      EmptyTestTable("file:///wh/public/orders", "00000000-0000-4000-8000-000000000001"),
      NextTestSnapshot(empty, 9));
  http_.Answer(200, TableBody(empty, ""));  // staged
  http_.Answer(500, ErrorBody(500, "UncheckedSQLException", "Unknown failure"));
  http_.Answer(200, TableBody(theirs, "file:///wh/public/orders/metadata/00001-x.metadata.json"));
  const Status status =
      catalog
          ->CommitSnapshot({kOrders, empty, ""}, WithSnapshot(empty, snapshot), snapshot, writer_)
          .status();
  EXPECT_EQ(status.code(), StatusCode::kConflict) << status.ToString();
  EXPECT_EQ(Commits(), 2);  // the staged create and its one commit: never sent again
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestCatalogRetryTest, TransactionsAreOfferedOnlyWhenListed) {
  const Fixture a = ExistingTable(kOrders, 6);
  const Fixture b = ExistingTable(kItems, 8);
  const std::vector<SnapshotCommit> both = {{a.base, a.next, a.snapshot, &writer_},
                                            {b.base, b.next, b.snapshot, &writer_}};
  auto without = Open(R"({"defaults":{}})");
  EXPECT_FALSE(without->offers_transactions());
  EXPECT_FALSE(without->CanCommitAtomically(both));
  EXPECT_EQ(without->CommitSnapshots(both).status().code(), StatusCode::kInvalidArgument);
  auto other = Open(R"({"defaults":{},"endpoints":["GET /v1/config"]})");
  EXPECT_FALSE(other->offers_transactions());
  auto with = Open(kConfigWithTransactions);
  EXPECT_TRUE(with->offers_transactions());
  EXPECT_TRUE(with->CanCommitAtomically(both));
  // A new table cannot be part of a transaction; nor can a table appear twice.
  const TableMetadata empty = EmptyTestTable("file:///wh/public/new");
  EXPECT_FALSE(with->CanCommitAtomically({{a.base, a.next, a.snapshot, &writer_},
                                          {{{{"public"}, "new"}, empty, ""}, {}, {}, &writer_}}));
  EXPECT_FALSE(with->CanCommitAtomically(
      {{a.base, a.next, a.snapshot, &writer_}, {a.base, a.next, a.snapshot, &writer_}}));
  EXPECT_TRUE(http_.Exhausted());
}

class RestTransactionTest : public RestCatalogRetryTest {
 protected:
  void SetUp() override {
    catalog_ = Open(kConfigWithTransactions);
    ASSERT_NE(catalog_, nullptr);
  }
  std::vector<SnapshotCommit> Both() {
    return {{a_.base, a_.next, a_.snapshot, &writer_}, {b_.base, b_.next, b_.snapshot, &writer_}};
  }
  std::string Committed(const Fixture& t) { return TableBody(t.next, "file:///wh/next.json"); }
  std::string AtBase(const Fixture& t) {
    return TableBody(t.base.metadata, t.base.metadata_location);
  }

  std::unique_ptr<RestCatalog> catalog_;
  const Fixture a_ = ExistingTable(kOrders, 6);
  const Fixture b_ = ExistingTable(kItems, 8);
};

TEST_F(RestTransactionTest, OneRequestCarriesEveryTableThenEachIsLoaded) {
  http_.Answer(204, "");
  http_.Answer(200, Committed(a_));
  http_.Answer(200, Committed(b_));
  Result<std::vector<TableState>> states = catalog_->CommitSnapshots(Both());
  ASSERT_TRUE(states.ok()) << states.status().ToString();
  ASSERT_EQ(states->size(), 2u);
  EXPECT_EQ((*states)[0].ident, kOrders);
  EXPECT_EQ((*states)[0].metadata.current_snapshot_id, 6);
  EXPECT_EQ((*states)[1].metadata.current_snapshot_id, 8);
  EXPECT_EQ(http_.Line(1), "POST http://cat:8181/v1/transactions/commit");
  const std::string change_a =
      R"({"identifier":{"namespace":["public"],"name":"orders"},)"
      R"("requirements":[{"type":"assert-table-uuid","uuid":"9c12d441-03fe-4693-9a96-a0705ddf69c1"},)"
      R"({"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":5}],)"
      R"("updates":[{"action":"add-snapshot","snapshot":{"snapshot-id":6,"parent-snapshot-id":5,)"
      R"("sequence-number":2,"timestamp-ms":1002,"summary":{"operation":"append"},)"
      R"("manifest-list":"file:///wh/public/orders/metadata/snap-6.avro","schema-id":0}},)"
      R"({"action":"set-snapshot-ref","ref-name":"main","snapshot-id":6,"type":"branch"}]})";
  const Json body = *ParseJson(http_.Body(1));
  ASSERT_EQ(body.size(), 1u);
  ASSERT_EQ(body["table-changes"].size(), 2u);
  EXPECT_EQ(DumpJson(body["table-changes"][0]), change_a);
  EXPECT_EQ(body["table-changes"][0]["updates"][0]["snapshot"]["snapshot-id"], 6);
  EXPECT_EQ(body["table-changes"][1]["identifier"]["name"], "items");
  EXPECT_EQ(body["table-changes"][1]["updates"][1]["snapshot-id"], 8);
  EXPECT_EQ(http_.Line(2), "GET http://cat:8181/v1/namespaces/public/tables/orders");
  EXPECT_EQ(http_.Line(3), "GET http://cat:8181/v1/namespaces/public/tables/items");
}

TEST_F(RestTransactionTest, AConflictCommitsNothing) {
  http_.Answer(409, ErrorBody(409, "CommitFailedException", "Requirement failed: items moved"));
  const Status status = catalog_->CommitSnapshots(Both()).status();
  EXPECT_EQ(status.code(), StatusCode::kConflict);
  EXPECT_NE(status.message().find("items moved"), std::string::npos);
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestTransactionTest, ALostReplyWhereEveryTableCommittedIsSuccess) {
  http_.Answer(500, ErrorBody(500, "CommitStateUnknownException", "boom"));
  http_.Answer(200, Committed(a_));
  http_.Answer(200, Committed(b_));
  Result<std::vector<TableState>> states = catalog_->CommitSnapshots(Both());
  ASSERT_TRUE(states.ok()) << states.status().ToString();
  EXPECT_EQ((*states)[1].metadata.current_snapshot_id, 8);
  EXPECT_EQ(Commits(), 1);
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestTransactionTest, ALostReplyWhereNothingCommittedIsSentOnceMore) {
  http_.Fail(Status::Unavailable("Operation timed out"));
  http_.Answer(200, AtBase(a_));
  http_.Answer(200, AtBase(b_));
  http_.Answer(204, "");
  http_.Answer(200, Committed(a_));
  http_.Answer(200, Committed(b_));
  Result<std::vector<TableState>> states = catalog_->CommitSnapshots(Both());
  ASSERT_TRUE(states.ok()) << states.status().ToString();
  EXPECT_EQ(Commits(), 2);
  EXPECT_EQ(http_.Body(1), http_.Body(4));
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestTransactionTest, ALostReplyWhereATableMovedIsAConflict) {
  http_.Answer(503, "");
  http_.Answer(200, AtBase(a_));
  http_.Answer(200,
               TableBody(WithSnapshot(b_.base.metadata, NextTestSnapshot(b_.base.metadata, 99)),
                         "file:///wh/x.json"));
  const Status status = catalog_->CommitSnapshots(Both()).status();
  EXPECT_EQ(status.code(), StatusCode::kConflict) << status.ToString();
  EXPECT_NE(status.message().find("public.items"), std::string::npos) << status.message();
  EXPECT_EQ(Commits(), 1);
}

// Item 2 for the multi-table endpoint.
TEST_F(RestTransactionTest, ARefusedResendAfterALostTransactionThatLandedIsSuccess) {
  http_.Fail(Status::Unavailable("Operation timed out"));
  http_.Answer(200, AtBase(a_));
  http_.Answer(200, AtBase(b_));
  http_.Answer(409, ErrorBody(409, "CommitFailedException", "Requirement failed"));
  http_.Answer(200, Committed(a_));
  http_.Answer(200, Committed(b_));
  Result<std::vector<TableState>> states = catalog_->CommitSnapshots(Both());
  ASSERT_TRUE(states.ok()) << states.status().ToString();
  EXPECT_EQ((*states)[0].metadata.current_snapshot_id, 6);
  EXPECT_EQ((*states)[1].metadata.current_snapshot_id, 8);
  EXPECT_EQ(Commits(), 2);
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestTransactionTest, ARefusedResendAfterALostTransactionIsUnknownWhileAtBase) {
  http_.Answer(502, "");
  http_.Answer(200, AtBase(a_));
  http_.Answer(200, AtBase(b_));
  http_.Answer(409, ErrorBody(409, "CommitFailedException", "Requirement failed"));
  http_.Answer(200, AtBase(a_));
  http_.Answer(200, AtBase(b_));
  const Status status = catalog_->CommitSnapshots(Both()).status();
  EXPECT_EQ(status.code(), StatusCode::kOutcomeUnknown) << status.ToString();
  EXPECT_EQ(Commits(), 2);
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestTransactionTest, ALostTransactionWithATableDroppedStaysUnknown) {
  http_.Answer(503, "");
  http_.Answer(200, AtBase(a_));
  http_.Answer(404, ErrorBody(404, "NoSuchTableException", "Table does not exist"));
  const Status status = catalog_->CommitSnapshots(Both()).status();
  EXPECT_EQ(status.code(), StatusCode::kOutcomeUnknown) << status.ToString();
  EXPECT_NE(status.message().find("public.items"), std::string::npos) << status.message();
  EXPECT_EQ(Commits(), 1);
}

TEST_F(RestTransactionTest, HalfACommittedTransactionIsDataLoss) {
  http_.Answer(502, "");
  http_.Answer(200, Committed(a_));
  http_.Answer(200, AtBase(b_));
  const Status status = catalog_->CommitSnapshots(Both()).status();
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  EXPECT_NE(status.message().find("public.orders committed but public.items not"),
            std::string::npos)
      << status.message();
}

TEST_F(RestTransactionTest, ASuccessTheTablesDoNotShowIsNotTakenForSuccess) {
  http_.Answer(204, "");
  http_.Answer(200, Committed(a_));
  http_.Answer(200, AtBase(b_));
  EXPECT_EQ(catalog_->CommitSnapshots(Both()).status().code(), StatusCode::kDataLoss);
  http_.Answer(204, "");
  http_.Answer(200, AtBase(a_));
  http_.Answer(200, AtBase(b_));
  EXPECT_EQ(catalog_->CommitSnapshots(Both()).status().code(), StatusCode::kOutcomeUnknown);
  EXPECT_TRUE(http_.Exhausted());
}

}  // namespace
}  // namespace pg2iceberg::iceberg
