// Vended storage credentials: parsing "config" and "storage-credentials" of a load answer, the
// longest-prefix choice, and the access-delegation header on load and staged create.
#include <gtest/gtest.h>

#include "iceberg/metadata_json.h"
#include "iceberg/rest/rest_catalog.h"
#include "iceberg/rest/rest_responses.h"
#include "iceberg/rest/rest_test_util.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr std::string_view kLocation = "s3://bucket/wh/public/orders";
const TableIdentifier kOrders{{"public"}, "orders"};

TableMetadata EmptyTable() {
  Schema schema;
  schema.fields = {{1, "id", true, Type::Primitive(TypeId::kLong), ""}};
  Result<TableMetadata> metadata =
      NewTableMetadata(schema, kLocation, "9c12d441-03fe-4693-9a96-a0705ddf69c1", {}, 1000);
  CHECK(metadata.ok());
  return *metadata;
}

// A load / stage-create answer for EmptyTable() with `extra` members.
std::string Answer(std::string_view metadata_location, Json extra) {
  Json json = std::move(extra);
  if (!metadata_location.empty()) json["metadata-location"] = metadata_location;
  json["metadata"] = TableMetadataToJson(EmptyTable());
  return DumpJson(json);
}

Result<RestTableResponse> Parse(const std::string& text) {
  Result<Json> json = ParseJson(text);
  CHECK(json.ok());
  return RestTableResponseFromJson(*json);
}

TEST(RestStorageCredentialsTest, ConfigAloneWhenNoEntryMatches) {
  Result<RestTableResponse> table = Parse(Answer("m", Json::parse(R"({
      "config": {"s3.access-key-id": "AK", "s3.secret-access-key": "SK",
                 "s3.session-token": "TOK", "s3.endpoint": "http://127.0.0.1:9000",
                 "s3.path-style-access": "true", "client.region": "eu-west-1"},
      "storage-credentials": [{"prefix": "s3://other/", "config": {"s3.access-key-id": "X"}}]})")));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->storage_credentials.size(), 1u);
  EXPECT_EQ(table->storage_credentials[0].prefix, "s3://other/");
  const StorageConfig config = StorageConfigFor(*table, kLocation);
  EXPECT_EQ(config.at("s3.access-key-id"), "AK");
  EXPECT_EQ(config.at("s3.secret-access-key"), "SK");
  EXPECT_EQ(config.at("s3.session-token"), "TOK");
  EXPECT_EQ(config.at("s3.endpoint"), "http://127.0.0.1:9000");
  EXPECT_EQ(config.at("s3.path-style-access"), "true");
  EXPECT_EQ(config.at("client.region"), "eu-west-1");
}

TEST(RestStorageCredentialsTest, LongestMatchingPrefixWinsOverConfig) {
  Result<RestTableResponse> table = Parse(Answer("m", Json::parse(R"({
      "config": {"s3.endpoint": "http://e", "s3.access-key-id": "from-config"},
      "storage-credentials": [
        {"prefix": "s3://bucket/", "config": {"s3.access-key-id": "bucket", "s3.secret-access-key": "b"}},
        {"prefix": "s3://bucket/wh/public/orders", "config": {"s3.access-key-id": "table", "s3.secret-access-key": "t"}},
        {"prefix": "s3://bucket/wh/", "config": {"s3.access-key-id": "warehouse", "s3.secret-access-key": "w"}}]})")));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  StorageConfig config = StorageConfigFor(*table, kLocation);
  EXPECT_EQ(config.at("s3.access-key-id"), "table");
  EXPECT_EQ(config.at("s3.secret-access-key"), "t");
  EXPECT_EQ(config.at("s3.endpoint"), "http://e");  // from config, not overridden
  config = StorageConfigFor(*table, "s3://bucket/wh/public/other");
  EXPECT_EQ(config.at("s3.access-key-id"), "warehouse");
  config = StorageConfigFor(*table, "s3://elsewhere/t");
  EXPECT_EQ(config.at("s3.access-key-id"), "from-config");
  EXPECT_EQ(config.count("s3.secret-access-key"), 0u);
}

TEST(RestStorageCredentialsTest, MalformedEntriesAreRefused) {
  for (const char* bad :
       {R"({"storage-credentials": {}})", R"({"storage-credentials": [{"config": {}}]})",
        R"({"storage-credentials": [{"prefix": "s3://b/", "config": {"k": 1}}]})",
        R"({"storage-credentials": ["s3://b/"]})"}) {
    Result<RestTableResponse> table = Parse(Answer("m", Json::parse(bad)));
    EXPECT_EQ(table.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  Result<RestTableResponse> none = Parse(Answer("m", Json::object()));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(StorageConfigFor(*none, kLocation).empty());
}

std::unique_ptr<RestCatalog> Open(ScriptedHttpTransport& http, ManualClock& clock,
                                  bool delegation) {
  RestCatalogOptions options;
  options.uri = "http://cat";
  options.access_delegation = delegation;
  http.Answer(200, "{}");
  Result<std::unique_ptr<RestCatalog>> catalog = RestCatalog::Open(options, http, clock);
  CHECK(catalog.ok());
  return std::move(*catalog);
}

const char kVended[] = R"({"storage-credentials": [{"prefix": "s3://bucket/wh/",
    "config": {"s3.access-key-id": "AK", "s3.secret-access-key": "SK"}}]})";

TEST(RestStorageCredentialsTest, LoadAsksForDelegationAndReturnsTheSettings) {
  ScriptedHttpTransport http;
  ManualClock clock;
  std::unique_ptr<RestCatalog> catalog = Open(http, clock, true);
  http.Answer(200, Answer("s3://bucket/wh/public/orders/metadata/00000-a.metadata.json",
                          Json::parse(kVended)));
  Result<LoadedTable> loaded = catalog->LoadTable(kOrders);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(http.Header(1, "X-Iceberg-Access-Delegation"), "vended-credentials");
  EXPECT_EQ(http.Header(0, "X-Iceberg-Access-Delegation"), "(none)");  // not on /v1/config
  EXPECT_EQ(loaded->storage_config.at("s3.access-key-id"), "AK");
  EXPECT_EQ(loaded->storage_config.at("s3.secret-access-key"), "SK");
}

TEST(RestStorageCredentialsTest, WithoutDelegationNothingIsAskedFor) {
  ScriptedHttpTransport http;
  ManualClock clock;
  std::unique_ptr<RestCatalog> catalog = Open(http, clock, false);
  http.Answer(
      200, Answer("s3://bucket/wh/public/orders/metadata/00000-a.metadata.json", Json::object()));
  Result<LoadedTable> loaded = catalog->LoadTable(kOrders);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(http.Header(1, "X-Iceberg-Access-Delegation"), "(none)");
  EXPECT_TRUE(loaded->storage_config.empty());
  TableState table{kOrders, EmptyTable(), ""};
  Result<StorageConfig> staged = catalog->NewTableStorageConfig(table);
  ASSERT_TRUE(staged.ok());
  EXPECT_TRUE(staged->empty());
  EXPECT_EQ(http.requests.size(), 2u);  // no staged create
}

TEST(RestStorageCredentialsTest, NewTableSettingsComeFromAStagedCreate) {
  ScriptedHttpTransport http;
  ManualClock clock;
  std::unique_ptr<RestCatalog> catalog = Open(http, clock, true);
  http.Answer(200, Answer("", Json::parse(kVended)));
  TableState table{kOrders, EmptyTable(), ""};
  Result<StorageConfig> staged = catalog->NewTableStorageConfig(table);
  ASSERT_TRUE(staged.ok()) << staged.status().ToString();
  EXPECT_EQ(http.Line(1), "POST http://cat/v1/namespaces/public/tables");
  EXPECT_EQ(http.Header(1, "X-Iceberg-Access-Delegation"), "vended-credentials");
  EXPECT_NE(http.Body(1).find(R"("stage-create":true)"), std::string::npos);
  EXPECT_EQ(staged->at("s3.access-key-id"), "AK");
  http.Answer(200, "not json");
  EXPECT_EQ(catalog->NewTableStorageConfig(table).status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
