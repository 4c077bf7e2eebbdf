// RestCatalog against a scripted HttpTransport: the requests it sends (URLs, bodies) and how
// it reads the answers, including every error the catalog can give.
#include "iceberg/rest/rest_catalog.h"

#include <gtest/gtest.h>

#include "iceberg/metadata_json.h"
#include "iceberg/rest/rest_catalog_test_util.h"
#include "iceberg/rest/rest_test_util.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr std::string_view kUuid = kTestUuid;
constexpr std::string_view kLocation = "file:///wh/public/orders";
const TableIdentifier kOrders{{"public"}, "orders"};

TableMetadata EmptyTable() { return EmptyTestTable(kLocation); }
Snapshot NextSnapshot(const TableMetadata& table, int64_t id) {
  return NextTestSnapshot(table, id);
}

class RestCatalogTest : public ::testing::Test {
 protected:
  // Opens a catalog whose /v1/config answers `config`.
  std::unique_ptr<RestCatalog> Open(std::string config = R"({"defaults":{},"overrides":{}})") {
    http_.Answer(200, std::move(config));
    RestCatalogOptions options;
    options.uri = "http://cat:8181/";
    options.warehouse = "file:///wh";
    Result<std::unique_ptr<RestCatalog>> catalog = RestCatalog::Open(options, http_, clock_);
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    return catalog.ok() ? std::move(*catalog) : nullptr;
  }

  ScriptedHttpTransport http_;
  ManualClock clock_;
  NullMetadataWriter writer_;
};

TEST_F(RestCatalogTest, OpenAsksConfigAndAppliesThePrefix) {
  auto catalog = Open(R"({"defaults":{"prefix":"d"},"overrides":{"prefix":"ws_1"}})");
  ASSERT_NE(catalog, nullptr);
  EXPECT_EQ(http_.Line(0), "GET http://cat:8181/v1/config?warehouse=file%3A%2F%2F%2Fwh");
  EXPECT_EQ(http_.Header(0, "Authorization"), "(none)");
  EXPECT_EQ(catalog->prefix(), "ws_1");
  http_.Answer(404, ErrorBody(404, "NoSuchTableException", "Table does not exist: a.b.t"));
  EXPECT_EQ(catalog->LoadTable({{"a", "b"}, "t"}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(http_.Line(1), "GET http://cat:8181/v1/ws_1/namespaces/a%1Fb/tables/t");
}

TEST_F(RestCatalogTest, OpenFailsOnABadUriOrAnUnreachableCatalog) {
  RestCatalogOptions options;
  options.uri = "file:///nope";
  EXPECT_EQ(RestCatalog::Open(options, http_, clock_).status().code(),
            StatusCode::kInvalidArgument);
  options.uri = "http://cat";
  http_.Fail(Status::Unavailable("HTTP GET http://cat/v1/config: Connection refused"));
  const Status down = RestCatalog::Open(options, http_, clock_).status();
  EXPECT_EQ(down.code(), StatusCode::kUnavailable);
  EXPECT_NE(down.message().find("Connection refused"), std::string::npos) << down.message();
  http_.Answer(401, ErrorBody(401, "NotAuthorizedException", "Not authorized"));
  const Status refused = RestCatalog::Open(options, http_, clock_).status();
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("NotAuthorizedException: Not authorized"), std::string::npos);
  http_.Answer(200, "[1]");
  EXPECT_EQ(RestCatalog::Open(options, http_, clock_).status().code(), StatusCode::kInternal);
}

TEST_F(RestCatalogTest, EnsureNamespaceTreatsAlreadyExistsAsSuccess) {
  auto catalog = Open();
  http_.Answer(200, R"({"namespace":["public"],"properties":{}})");
  ASSERT_TRUE(catalog->EnsureNamespace({"public"}).ok());
  http_.Answer(409, ErrorBody(409, "AlreadyExistsException", "Namespace already exists: public"));
  ASSERT_TRUE(catalog->EnsureNamespace({"public"}).ok());
  EXPECT_EQ(http_.Line(1), "POST http://cat:8181/v1/namespaces");
  EXPECT_EQ(http_.Body(1), R"({"namespace":["public"],"properties":{}})");
  EXPECT_EQ(http_.Header(1, "Content-Type"), "application/json");
  http_.Answer(403, ErrorBody(403, "ForbiddenException", "no"));
  EXPECT_EQ(catalog->EnsureNamespace({"x"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog->EnsureNamespace({}).code(), StatusCode::kInvalidArgument);
}

TEST_F(RestCatalogTest, EnsureNamespaceCreatesAMissingParent) {
  auto catalog = Open();
  http_.Answer(404, ErrorBody(404, "NoSuchNamespaceException", "Namespace does not exist: a"));
  http_.Answer(200, "{}");
  http_.Answer(200, "{}");
  ASSERT_TRUE(catalog->EnsureNamespace({"a", "b"}).ok());
  EXPECT_EQ(http_.Body(1), R"({"namespace":["a","b"],"properties":{}})");
  EXPECT_EQ(http_.Body(2), R"({"namespace":["a"],"properties":{}})");
  EXPECT_EQ(http_.Body(3), R"({"namespace":["a","b"],"properties":{}})");
}

TEST_F(RestCatalogTest, LoadTableReturnsLocationAndMetadata) {
  auto catalog = Open();
  const TableMetadata table = WithSnapshot(EmptyTable(), NextSnapshot(EmptyTable(), 5));
  http_.Answer(200, TableBody(table, "file:/wh/public/orders/metadata/00000-a.metadata.json"));
  Result<LoadedTable> loaded = catalog->LoadTable(kOrders);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->metadata_location, "file:/wh/public/orders/metadata/00000-a.metadata.json");
  ASSERT_TRUE(loaded->metadata.has_value());
  EXPECT_EQ(*loaded->metadata, table);

  http_.Answer(200, TableBody(table, ""));
  EXPECT_EQ(catalog->LoadTable(kOrders).status().code(), StatusCode::kDataLoss);
  http_.Answer(200, R"({"metadata-location":"x","metadata":{"format-version":2}})");
  EXPECT_EQ(catalog->LoadTable(kOrders).status().code(), StatusCode::kInternal);
  http_.Answer(503, "");
  EXPECT_EQ(catalog->LoadTable(kOrders).status().code(), StatusCode::kUnavailable);
  http_.Fail(Status::Unavailable("timeout"));
  EXPECT_EQ(catalog->LoadTable(kOrders).status().code(), StatusCode::kUnavailable);
}

TEST_F(RestCatalogTest, CommitToAnExistingTableAssertsUuidAndMain) {
  auto catalog = Open();
  const TableMetadata base = WithSnapshot(EmptyTable(), NextSnapshot(EmptyTable(), 5));
  const Snapshot snapshot = NextSnapshot(base, 6);
  const TableMetadata next = WithSnapshot(base, snapshot);
  const TableState state{kOrders, base, "file:/wh/public/orders/metadata/00000-a.metadata.json"};
  http_.Answer(200, TableBody(next, "file:/wh/public/orders/metadata/00001-b.metadata.json"));
  Result<TableState> committed = catalog->CommitSnapshot(state, next, snapshot, writer_);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(committed->metadata_location, "file:/wh/public/orders/metadata/00001-b.metadata.json");
  EXPECT_EQ(committed->metadata, next);
  EXPECT_EQ(http_.Line(1), "POST http://cat:8181/v1/namespaces/public/tables/orders");
  const Json body = *ParseJson(http_.Body(1));
  EXPECT_EQ(DumpJson(body["requirements"]),
            R"([{"type":"assert-table-uuid","uuid":"9c12d441-03fe-4693-9a96-a0705ddf69c1"},)"
            R"({"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":5}])");
  ASSERT_EQ(body["updates"].size(), 2u);
  EXPECT_EQ(body["updates"][0]["action"], "add-snapshot");
  EXPECT_EQ(body["updates"][0]["snapshot"]["snapshot-id"], 6);
  EXPECT_EQ(DumpJson(body["updates"][1]),
            R"({"action":"set-snapshot-ref","ref-name":"main","snapshot-id":6,"type":"branch"})");
}

TEST_F(RestCatalogTest, CommitErrorsSayWhatToDoNext) {
  auto catalog = Open();
  const TableMetadata base = EmptyTable();
  const Snapshot snapshot = NextSnapshot(base, 6);
  const TableMetadata next = WithSnapshot(base, snapshot);
  const TableState state{kOrders, base, "file:/wh/m.json"};
  struct Case {
    int status;  // 0: no answer at all
    StatusCode code;
  };
  for (const Case c :
       {Case{409, StatusCode::kConflict}, Case{404, StatusCode::kNotFound},
        Case{401, StatusCode::kInvalidArgument}, Case{500, StatusCode::kOutcomeUnknown},
        Case{504, StatusCode::kOutcomeUnknown}, Case{0, StatusCode::kOutcomeUnknown}}) {
    if (c.status == 0) {
      http_.Fail(Status::Unavailable("Operation timed out"));
    } else {
      http_.Answer(c.status, ErrorBody(c.status, "CommitFailedException",
                                       "Requirement failed: branch main was created concurrently"));
    }
    // An unknown outcome is reconciled by reloading the table; here the reload fails too.
    if (c.code == StatusCode::kOutcomeUnknown) http_.Answer(503, "");
    const Status status = catalog->CommitSnapshot(state, next, snapshot, writer_).status();
    EXPECT_EQ(status.code(), c.code) << c.status << ": " << status.ToString();
    if (c.status != 0) {
      EXPECT_NE(status.message().find("branch main was created concurrently"), std::string::npos);
    }
  }
  // A success whose metadata does not show the snapshot leaves the outcome unknown.
  http_.Answer(200, TableBody(base, "file:/wh/m2.json"));
  http_.Answer(503, "");
  EXPECT_EQ(catalog->CommitSnapshot(state, next, snapshot, writer_).status().code(),
            StatusCode::kOutcomeUnknown);
  http_.Answer(200, "not json");
  http_.Answer(503, "");
  EXPECT_EQ(catalog->CommitSnapshot(state, next, snapshot, writer_).status().code(),
            StatusCode::kOutcomeUnknown);
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(RestCatalogTest, CreateStagesThenCommitsEverythingAtOnce) {
  auto catalog = Open();
  const TableMetadata base = EmptyTable();
  const Snapshot snapshot = NextSnapshot(base, 7);
  const TableMetadata first = WithSnapshot(base, snapshot);
  TableMetadata staged = base;
  staged.table_uuid = "00000000-0000-4000-8000-000000000000";  // the server's own choice, unused
  staged.properties = {{"created-at", "2026-01-01T00:00:00Z"}};
  http_.Answer(200, TableBody(staged, ""));
  http_.Answer(200, TableBody(first, "file:/wh/public/orders/metadata/00000-c.metadata.json"));
  Result<TableState> created =
      catalog->CommitSnapshot({kOrders, base, ""}, first, snapshot, writer_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->metadata_location, "file:/wh/public/orders/metadata/00000-c.metadata.json");

  EXPECT_EQ(http_.Line(1), "POST http://cat:8181/v1/namespaces/public/tables");
  const Json stage = *ParseJson(http_.Body(1));
  EXPECT_EQ(stage["name"], "orders");
  EXPECT_EQ(stage["location"], kLocation);
  EXPECT_EQ(stage["stage-create"], true);

  EXPECT_EQ(http_.Line(2), "POST http://cat:8181/v1/namespaces/public/tables/orders");
  const Json commit = *ParseJson(http_.Body(2));
  EXPECT_EQ(DumpJson(commit["requirements"]), R"([{"type":"assert-create"}])");
  std::vector<std::string> actions;
  for (const Json& update : commit["updates"]) actions.push_back(update["action"]);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"assign-uuid", "upgrade-format-version", "add-schema",
                                      "set-current-schema", "add-spec", "set-default-spec",
                                      "add-sort-order", "set-default-sort-order", "set-location",
                                      "set-properties", "add-snapshot", "set-snapshot-ref"}));
  EXPECT_EQ(commit["updates"][0]["uuid"], kUuid);
  EXPECT_EQ(DumpJson(commit["updates"][9]["updates"]), R"({"created-at":"2026-01-01T00:00:00Z"})");
}

TEST_F(RestCatalogTest, CreateStopsBeforeCommittingWhenStagingFails) {
  auto catalog = Open();
  const TableMetadata base = EmptyTable();
  const Snapshot snapshot = NextSnapshot(base, 7);
  const TableMetadata first = WithSnapshot(base, snapshot);
  TableMetadata elsewhere = base;
  elsewhere.location = "s3://other/orders";
  http_.Answer(200, TableBody(elsewhere, ""));
  const Status moved =
      catalog->CommitSnapshot({kOrders, base, ""}, first, snapshot, writer_).status();
  EXPECT_EQ(moved.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(moved.message().find("s3://other/orders"), std::string::npos) << moved.message();
  // Staging creates nothing, so a server error there is worth a retry, not a reconciliation.
  http_.Answer(500, ErrorBody(500, "RuntimeException", "boom"));
  EXPECT_EQ(catalog->CommitSnapshot({kOrders, base, ""}, first, snapshot, writer_).status().code(),
            StatusCode::kUnavailable);
  http_.Answer(409,
               ErrorBody(409, "AlreadyExistsException", "Table already exists: public.orders"));
  EXPECT_EQ(catalog->CommitSnapshot({kOrders, base, ""}, first, snapshot, writer_).status().code(),
            StatusCode::kConflict);
  EXPECT_EQ(http_.requests.size(), 4u);  // config + three staging attempts, no commit
}

TEST_F(RestCatalogTest, ListingReadsEveryPage) {
  auto catalog = Open();
  http_.Answer(200, R"({"namespaces":[["a"]],"next-page-token":"p2"})");
  http_.Answer(200, R"({"namespaces":[["b"]],"next-page-token":null})");
  http_.Answer(200, R"({"namespaces":[["a","x"]]})");
  http_.Answer(200, R"({"namespaces":[]})");
  http_.Answer(200, R"({"namespaces":[]})");
  Result<std::vector<Namespace>> namespaces = catalog->ListNamespaces();
  ASSERT_TRUE(namespaces.ok()) << namespaces.status().ToString();
  EXPECT_EQ(*namespaces, (std::vector<Namespace>{{"a"}, {"a", "x"}, {"b"}}));
  EXPECT_EQ(http_.Line(2), "GET http://cat:8181/v1/namespaces?pageToken=p2");
  EXPECT_EQ(http_.Line(3), "GET http://cat:8181/v1/namespaces?parent=a");
  EXPECT_EQ(http_.Line(5), "GET http://cat:8181/v1/namespaces?parent=a%1Fx");

  http_.Answer(200, R"({"identifiers":[{"namespace":["a"],"name":"z"}],"next-page-token":"n"})");
  http_.Answer(200, R"({"identifiers":[{"namespace":["a"],"name":"y"}]})");
  EXPECT_EQ(*catalog->ListTables({"a"}),
            (std::vector<TableIdentifier>{{{"a"}, "y"}, {{"a"}, "z"}}));
  http_.Answer(404, ErrorBody(404, "NoSuchNamespaceException", "Namespace does not exist: q"));
  EXPECT_TRUE(catalog->ListTables({"q"})->empty());
}

TEST_F(RestCatalogTest, DropTableDeletesWithoutPurge) {
  auto catalog = Open();
  http_.Answer(204, "");
  ASSERT_TRUE(catalog->DropTable(kOrders).ok());
  EXPECT_EQ(http_.Line(1), "DELETE http://cat:8181/v1/namespaces/public/tables/orders");
  http_.Answer(404, ErrorBody(404, "NoSuchTableException", "Table does not exist: public.orders"));
  EXPECT_EQ(catalog->DropTable(kOrders).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
