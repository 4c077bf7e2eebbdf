#include "iceberg/rest/rest_json.h"

#include <gtest/gtest.h>

#include "iceberg/metadata_json.h"
#include "iceberg/rest/rest_catalog_reconcile.h"
#include "iceberg/rest/rest_errors.h"
#include "iceberg/rest/rest_responses.h"
#include "iceberg/schema_update.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr std::string_view kUuid = "9c12d441-03fe-4693-9a96-a0705ddf69c1";
constexpr std::string_view kSchemaJson =
    R"({"type":"struct","schema-id":0,"identifier-field-ids":[1],"fields":[)"
    R"({"id":1,"name":"id","required":true,"type":"long"},)"
    R"({"id":2,"name":"v","required":false,"type":"string"}]})";

TableMetadata EmptyTable() {
  Schema schema;
  schema.fields = {{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                   {2, "v", false, Type::Primitive(TypeId::kString), ""}};
  schema.identifier_field_ids = {1};
  Result<TableMetadata> metadata =
      NewTableMetadata(schema, "file:///wh/public/orders", kUuid, {{"owner", "pg2iceberg"}}, 1000);
  CHECK(metadata.ok());
  return *metadata;
}

Snapshot FirstSnapshot() {
  Snapshot snapshot;
  snapshot.snapshot_id = 42;
  snapshot.sequence_number = 1;
  snapshot.timestamp_ms = 2000;
  snapshot.manifest_list = "file:///wh/public/orders/metadata/snap-42-1-a.avro";
  snapshot.operation = "overwrite";
  snapshot.summary = {{"added-data-files", "1"}};
  snapshot.schema_id = 0;
  return snapshot;
}

constexpr std::string_view kSnapshotJson =
    R"({"snapshot-id":42,"sequence-number":1,"timestamp-ms":2000,)"
    R"("summary":{"operation":"overwrite","added-data-files":"1"},)"
    R"("manifest-list":"file:///wh/public/orders/metadata/snap-42-1-a.avro","schema-id":0})";

TEST(RestRequirementJsonTest, Golden) {
  EXPECT_EQ(DumpJson(AssertCreateJson()), R"({"type":"assert-create"})");
  EXPECT_EQ(DumpJson(AssertTableUuidJson(kUuid)),
            R"({"type":"assert-table-uuid","uuid":"9c12d441-03fe-4693-9a96-a0705ddf69c1"})");
  EXPECT_EQ(DumpJson(AssertRefSnapshotIdJson("main", 7)),
            R"({"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":7})");
  EXPECT_EQ(DumpJson(AssertRefSnapshotIdJson("main", std::nullopt)),
            R"({"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":null})");
}

TEST(RestUpdateJsonTest, Golden) {
  const TableMetadata table = EmptyTable();
  EXPECT_EQ(DumpJson(AssignUuidJson(kUuid)),
            R"({"action":"assign-uuid","uuid":"9c12d441-03fe-4693-9a96-a0705ddf69c1"})");
  EXPECT_EQ(DumpJson(UpgradeFormatVersionJson(2)),
            R"({"action":"upgrade-format-version","format-version":2})");
  EXPECT_EQ(
      DumpJson(AddSchemaJson(*table.CurrentSchema(), 2)),
      R"({"action":"add-schema","schema":)" + std::string(kSchemaJson) + R"(,"last-column-id":2})");
  EXPECT_EQ(DumpJson(SetCurrentSchemaJson(-1)),
            R"({"action":"set-current-schema","schema-id":-1})");
  EXPECT_EQ(DumpJson(AddSpecJson(PartitionSpec{})),
            R"({"action":"add-spec","spec":{"spec-id":0,"fields":[]}})");
  EXPECT_EQ(DumpJson(SetDefaultSpecJson(-1)), R"({"action":"set-default-spec","spec-id":-1})");
  EXPECT_EQ(DumpJson(AddSortOrderJson(SortOrder{})),
            R"({"action":"add-sort-order","sort-order":{"order-id":0,"fields":[]}})");
  EXPECT_EQ(DumpJson(SetDefaultSortOrderJson(-1)),
            R"({"action":"set-default-sort-order","sort-order-id":-1})");
  EXPECT_EQ(DumpJson(SetLocationJson("file:///wh/t")),
            R"({"action":"set-location","location":"file:///wh/t"})");
  EXPECT_EQ(DumpJson(SetPropertiesJson({{"b", "2"}, {"a", "1"}})),
            R"({"action":"set-properties","updates":{"a":"1","b":"2"}})");
  EXPECT_EQ(DumpJson(AddSnapshotJson(FirstSnapshot())),
            R"({"action":"add-snapshot","snapshot":)" + std::string(kSnapshotJson) + "}");
  SnapshotRef ref{42, SnapshotRefType::kBranch, 3, std::nullopt, 86400000};
  EXPECT_EQ(DumpJson(SetSnapshotRefJson("main", ref)),
            R"({"action":"set-snapshot-ref","ref-name":"main","snapshot-id":42,"type":"branch",)"
            R"("min-snapshots-to-keep":3,"max-ref-age-ms":86400000})");
}

TEST(RestRequestJsonTest, CreateNamespaceAndCreateTable) {
  EXPECT_EQ(DumpJson(CreateNamespaceRequestJson({"a", "b"})),
            R"({"namespace":["a","b"],"properties":{}})");
  EXPECT_EQ(
      DumpJson(CreateTableRequestJson("orders", EmptyTable(), true)),
      R"({"name":"orders","location":"file:///wh/public/orders","schema":)" +
          std::string(kSchemaJson) +
          R"(,"partition-spec":{"spec-id":0,"fields":[]},"write-order":{"order-id":0,"fields":[]},)"
          R"("stage-create":true,"properties":{"owner":"pg2iceberg"}})");
}

TEST(RestRequestJsonTest, CreateCommitCarriesTheWholeTable) {
  Result<TableMetadata> first = AddSnapshot(EmptyTable(), FirstSnapshot(), "", 2000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const Json request =
      CommitTableRequestJson({{"public"}, "orders"}, Json::array({AssertCreateJson()}),
                             CreateTableUpdates(*first, {{"created-at", "x"}, {"owner", "p"}}));
  EXPECT_EQ(
      DumpJson(request),
      R"({"identifier":{"namespace":["public"],"name":"orders"},)"
      R"("requirements":[{"type":"assert-create"}],"updates":[)"
      R"({"action":"assign-uuid","uuid":"9c12d441-03fe-4693-9a96-a0705ddf69c1"},)"
      R"({"action":"upgrade-format-version","format-version":2},)"
      R"({"action":"add-schema","schema":)" +
          std::string(kSchemaJson) +
          R"(,"last-column-id":2},)"
          R"({"action":"set-current-schema","schema-id":-1},)"
          R"({"action":"add-spec","spec":{"spec-id":0,"fields":[]}},)"
          R"({"action":"set-default-spec","spec-id":-1},)"
          R"({"action":"add-sort-order","sort-order":{"order-id":0,"fields":[]}},)"
          R"({"action":"set-default-sort-order","sort-order-id":-1},)"
          R"({"action":"set-location","location":"file:///wh/public/orders"},)"
          R"({"action":"set-properties","updates":{"created-at":"x","owner":"p"}},)"
          R"({"action":"add-snapshot","snapshot":)" +
          std::string(kSnapshotJson) +
          R"(},{"action":"set-snapshot-ref","ref-name":"main","snapshot-id":42,"type":"branch"}]})");
}

TEST(RestRequestJsonTest, AddSnapshotUpdatesKeepMainRetention) {
  Snapshot next = FirstSnapshot();
  next.snapshot_id = 43;
  next.parent_snapshot_id = 42;
  next.sequence_number = 2;
  SnapshotRef main{42, SnapshotRefType::kBranch, 5, std::nullopt, std::nullopt};
  const Json updates = AddSnapshotUpdates(next, main);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0]["snapshot"]["parent-snapshot-id"], 42);
  EXPECT_EQ(DumpJson(updates[1]),
            R"({"action":"set-snapshot-ref","ref-name":"main","snapshot-id":43,"type":"branch",)"
            R"("min-snapshots-to-keep":5})");
}

TEST(RestRequirementJsonTest, SchemaRequirementsGolden) {
  EXPECT_EQ(DumpJson(AssertCurrentSchemaIdJson(3)),
            R"({"type":"assert-current-schema-id","current-schema-id":3})");
  EXPECT_EQ(DumpJson(AssertLastAssignedFieldIdJson(7)),
            R"({"type":"assert-last-assigned-field-id","last-assigned-field-id":7})");
}

// EmptyTable with its column v renamed to w (same id) and a column d added (id 3), the
// pg2iceberg.field-ids property set, and one snapshot.
TableMetadata EvolvedTable(const TableMetadata& base) {
  Schema schema = *base.CurrentSchema();
  schema.fields[1].name = "w";
  schema.fields.push_back({3, "d", false, Type::Decimal(30, 2), ""});
  Result<TableMetadata> next = WithCurrentSchema(base, schema);
  CHECK(next.ok());
  next->properties["pg2iceberg.field-ids"] = "1:1,2:2,4:3";
  return *next;
}

TEST(RestRequestJsonTest, SchemaAndPropertyUpdatesAddTheNewSchemaAndChangedProperties) {
  const TableMetadata base = EmptyTable();
  EXPECT_EQ(DumpJson(SchemaAndPropertyUpdates(base, base)), "[]");
  EXPECT_EQ(
      DumpJson(SchemaAndPropertyUpdates(base, EvolvedTable(base))),
      R"([{"action":"add-schema","schema":{"type":"struct","schema-id":1,"identifier-field-ids":[1],)"
      R"("fields":[{"id":1,"name":"id","required":true,"type":"long"},)"
      R"({"id":2,"name":"w","required":false,"type":"string"},)"
      R"j({"id":3,"name":"d","required":false,"type":"decimal(30,2)"}]},"last-column-id":3},)j"
      R"({"action":"set-current-schema","schema-id":-1},)"
      R"({"action":"set-properties","updates":{"pg2iceberg.field-ids":"1:1,2:2,4:3"}}])");
}

TEST(RestRequestJsonTest, SchemaAndPropertyUpdatesReuseAKnownSchema) {
  const TableMetadata evolved = EvolvedTable(EmptyTable());
  Result<TableMetadata> back = WithCurrentSchema(evolved, *EmptyTable().CurrentSchema());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(DumpJson(SchemaAndPropertyUpdates(evolved, *back)),
            R"([{"action":"set-current-schema","schema-id":0}])");
}

TEST(RestRequestJsonTest, AddSnapshotRequestAssertsTheBaseSchemaWhenItChangesIt) {
  Result<TableMetadata> first = AddSnapshot(EmptyTable(), FirstSnapshot(), "", 2000);
  ASSERT_TRUE(first.ok());
  const TableState base{
      {{"public"}, "orders"}, *first, "file:///wh/public/orders/metadata/00001-a.metadata.json"};
  const TableMetadata staged = EvolvedTable(*first);
  Snapshot next = FirstSnapshot();
  next.snapshot_id = 43;
  next.parent_snapshot_id = 42;
  next.sequence_number = 2;
  next.timestamp_ms = 3000;
  next.schema_id = 1;
  Result<TableMetadata> committed = AddSnapshot(staged, next, base.metadata_location, 3000);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  const Json request = AddSnapshotRequestJson(base, *committed, next);
  EXPECT_EQ(DumpJson(request["requirements"]),
            R"([{"type":"assert-table-uuid","uuid":"9c12d441-03fe-4693-9a96-a0705ddf69c1"},)"
            R"({"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":42},)"
            R"({"type":"assert-current-schema-id","current-schema-id":0},)"
            R"({"type":"assert-last-assigned-field-id","last-assigned-field-id":2}])");
  const Json& updates = request["updates"];
  ASSERT_EQ(updates.size(), 5u);
  EXPECT_EQ(updates[0]["action"], "add-schema");
  EXPECT_EQ(updates[1]["action"], "set-current-schema");
  EXPECT_EQ(updates[2]["action"], "set-properties");
  EXPECT_EQ(updates[3]["action"], "add-snapshot");
  EXPECT_EQ(updates[3]["snapshot"]["schema-id"], 1);
  EXPECT_EQ(updates[4]["action"], "set-snapshot-ref");

  // Without a schema change: the two requirements and two updates of before.
  Snapshot plain = next;
  plain.schema_id = 0;
  Result<TableMetadata> unchanged = AddSnapshot(*first, plain, base.metadata_location, 3000);
  ASSERT_TRUE(unchanged.ok());
  const Json simple = AddSnapshotRequestJson(base, *unchanged, plain);
  EXPECT_EQ(simple["requirements"].size(), 2u);
  EXPECT_EQ(simple["updates"].size(), 2u);
}

TEST(RestResponseJsonTest, ConfigPrefersOverrides) {
  Result<RestConfigResponse> config = RestConfigResponseFromJson(*ParseJson(
      R"({"defaults":{"prefix":"d","x":"1"},"overrides":{"prefix":"o"},"endpoints":[]})"));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->Value("prefix"), "o");
  EXPECT_EQ(config->Value("x"), "1");
  EXPECT_EQ(config->Value("y"), "");
  EXPECT_TRUE(RestConfigResponseFromJson(*ParseJson("{}")).ok());
  EXPECT_EQ(RestConfigResponseFromJson(*ParseJson(R"({"defaults":{"prefix":1}})")).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(RestResponseJsonTest, TableResponse) {
  Result<TableMetadata> first = AddSnapshot(EmptyTable(), FirstSnapshot(), "", 2000);
  ASSERT_TRUE(first.ok());
  Json json = Json::object();
  json["metadata-location"] = "file:/wh/public/orders/metadata/00000-a.metadata.json";
  json["metadata"] = TableMetadataToJson(*first);
  json["config"] = Json::object({{"k", "v"}});
  Result<RestTableResponse> table = RestTableResponseFromJson(json);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->metadata_location, "file:/wh/public/orders/metadata/00000-a.metadata.json");
  EXPECT_EQ(table->metadata, *first);
  EXPECT_EQ(table->config.at("k"), "v");

  json.erase("metadata-location");  // a staged create has none
  EXPECT_EQ(RestTableResponseFromJson(json)->metadata_location, "");
  json["metadata"]["format-version"] = 4;
  const Status bad = RestTableResponseFromJson(json).status();
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("metadata: unsupported format-version 4"), std::string::npos)
      << bad.message();
  EXPECT_FALSE(RestTableResponseFromJson(*ParseJson(R"({"metadata-location":"x"})")).ok());
}

TEST(RestResponseJsonTest, Pages) {
  Result<NamespacePage> namespaces = NamespacePageFromJson(
      *ParseJson(R"({"namespaces":[["a"],["a","b"]],"next-page-token":"n2"})"));
  ASSERT_TRUE(namespaces.ok()) << namespaces.status().ToString();
  EXPECT_EQ(namespaces->namespaces, (std::vector<Namespace>{{"a"}, {"a", "b"}}));
  EXPECT_EQ(namespaces->next_page_token, "n2");
  EXPECT_FALSE(NamespacePageFromJson(*ParseJson(R"({"namespaces":["a"]})")).ok());

  Result<TablePage> tables = TablePageFromJson(
      *ParseJson(R"({"identifiers":[{"namespace":["a"],"name":"t"}],"next-page-token":null})"));
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  EXPECT_EQ(tables->tables, (std::vector<TableIdentifier>{{{"a"}, "t"}}));
  EXPECT_EQ(tables->next_page_token, "");
  EXPECT_FALSE(TablePageFromJson(*ParseJson(R"({"identifiers":[{"name":"t"}]})")).ok());
}

TEST(RestResponseJsonTest, OAuthToken) {
  Result<OAuthTokenResponse> token = OAuthTokenResponseFromJson(
      *ParseJson(R"({"access_token":"abc","token_type":"bearer","expires_in":3600})"));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->access_token, "abc");
  EXPECT_EQ(token->expires_in_s, 3600);
  EXPECT_EQ(OAuthTokenResponseFromJson(*ParseJson(R"({"access_token":"abc"})"))->expires_in_s,
            std::nullopt);
  EXPECT_FALSE(OAuthTokenResponseFromJson(*ParseJson(R"({"access_token":""})")).ok());
  EXPECT_FALSE(OAuthTokenResponseFromJson(*ParseJson(R"({"token_type":"bearer"})")).ok());
}

TEST(DescribeErrorBodyTest, ServerWordsAreKept) {
  EXPECT_EQ(DescribeErrorBody(
                R"({"error":{"message":"Table does not exist: a.t","type":"NoSuchTableException",)"
                R"("code":404,"stack":["x"]}})"),
            "NoSuchTableException: Table does not exist: a.t");
  EXPECT_EQ(DescribeErrorBody(R"({"error":"invalid_client","error_description":"bad secret"})"),
            "invalid_client: bad secret");
  EXPECT_EQ(DescribeErrorBody("<html>Bad Gateway</html>"), "<html>Bad Gateway</html>");
  EXPECT_EQ(DescribeErrorBody(""), "");
  EXPECT_EQ(DescribeErrorBody(std::string(400, 'x')), std::string(300, 'x') + "…");
}

HttpResponse Response(int status, std::string_view body) {
  HttpResponse response;
  response.status = status;
  response.body.assign(AsBytes(body).begin(), AsBytes(body).end());
  return response;
}

TEST(RestErrorsTest, StatusCodesMapByWhatTheCallerDoesNext) {
  const std::string body = R"({"error":{"message":"m","type":"T","code":0}})";
  struct Case {
    int status;
    RestCallKind kind;
    StatusCode code;
  };
  const Case cases[] = {
      {400, RestCallKind::kRead, StatusCode::kInvalidArgument},
      {401, RestCallKind::kCommit, StatusCode::kInvalidArgument},
      {403, RestCallKind::kRead, StatusCode::kInvalidArgument},
      {404, RestCallKind::kRead, StatusCode::kNotFound},
      {404, RestCallKind::kCommit, StatusCode::kNotFound},
      {406, RestCallKind::kRead, StatusCode::kInvalidArgument},
      {409, RestCallKind::kCommit, StatusCode::kConflict},
      {429, RestCallKind::kCommit, StatusCode::kUnavailable},
      {500, RestCallKind::kRead, StatusCode::kUnavailable},
      {500, RestCallKind::kCommit, StatusCode::kOutcomeUnknown},
      {502, RestCallKind::kCommit, StatusCode::kOutcomeUnknown},
      {503, RestCallKind::kRead, StatusCode::kUnavailable},
      {504, RestCallKind::kCommit, StatusCode::kOutcomeUnknown},
      {302, RestCallKind::kRead, StatusCode::kInternal},
  };
  for (const Case& c : cases) {
    const Status status = StatusFromRestResponse(Response(c.status, body), "call", c.kind);
    EXPECT_EQ(status.code(), c.code) << c.status;
    EXPECT_TRUE(status.message().starts_with("call: HTTP " + std::to_string(c.status) + ": T: m"))
        << status.message();
  }
}

TEST(RestErrorsTest, NoAnswerToACommitIsOutcomeUnknown) {
  const Status lost = Status::Unavailable("HTTP POST http://cat/v1/namespaces/a/tables/t: timeout");
  EXPECT_EQ(StatusFromTransportFailure(lost, "commit", RestCallKind::kCommit).code(),
            StatusCode::kOutcomeUnknown);
  EXPECT_EQ(StatusFromTransportFailure(lost, "load", RestCallKind::kRead).code(),
            StatusCode::kUnavailable);
  const Status bad_url = Status::InvalidArgument("only http:// and https:// URLs are supported");
  EXPECT_EQ(StatusFromTransportFailure(bad_url, "commit", RestCallKind::kCommit).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
