#include "iceberg/metadata_json.h"

#include <gtest/gtest.h>

#include "iceberg/metadata_parts_json.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr std::string_view kUuid = "9c12d441-03fe-4693-9a96-a0705ddf69c1";

TableMetadata NewTable() {
  Schema schema;
  schema.fields = {{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                   {2, "v", false, Type::Primitive(TypeId::kString), ""}};
  schema.identifier_field_ids = {1};
  Result<TableMetadata> metadata = NewTableMetadata(schema, "file:///wh/db/t", kUuid, {}, 1000);
  CHECK(metadata.ok());
  return *metadata;
}

TableMetadata WithOneSnapshot() {
  const TableMetadata base = NewTable();
  Snapshot snapshot;
  snapshot.snapshot_id = 3051729675574597004;
  snapshot.sequence_number = 1;
  snapshot.timestamp_ms = 1515100955770;
  snapshot.manifest_list = "file:///wh/db/t/metadata/snap-1.avro";
  snapshot.summary = {{"added-data-files", "1"}, {"pg2iceberg.lsn", "0/16B3748"}};
  snapshot.schema_id = 0;
  Result<TableMetadata> next =
      AddSnapshot(base, snapshot, "file:///wh/db/t/metadata/00000-a.metadata.json", 1515100955771);
  CHECK(next.ok());
  return *next;
}

constexpr std::string_view kNewTableJson =
    R"({"format-version":2,"table-uuid":"9c12d441-03fe-4693-9a96-a0705ddf69c1",)"
    R"("location":"file:///wh/db/t","last-sequence-number":0,"last-updated-ms":1000,)"
    R"("last-column-id":2,"current-schema-id":0,"schemas":[{"type":"struct","schema-id":0,)"
    R"("identifier-field-ids":[1],"fields":[{"id":1,"name":"id","required":true,"type":"long"},)"
    R"({"id":2,"name":"v","required":false,"type":"string"}]}],"default-spec-id":0,)"
    R"("partition-specs":[{"spec-id":0,"fields":[]}],"last-partition-id":999,)"
    R"("default-sort-order-id":0,"sort-orders":[{"order-id":0,"fields":[]}],"properties":{},)"
    R"("current-snapshot-id":-1,"refs":{},"snapshots":[],"statistics":[],)"
    R"("partition-statistics":[],"snapshot-log":[],"metadata-log":[]})";

TEST(MetadataJsonTest, WritesANewTableLikeJava) {
  EXPECT_EQ(TableMetadataToJsonString(NewTable()), kNewTableJson);
}

TEST(MetadataJsonTest, WritesSnapshotRefsAndLogs) {
  const Json json = TableMetadataToJson(WithOneSnapshot());
  EXPECT_EQ(DumpJson(json["snapshots"]),
            R"([{"snapshot-id":3051729675574597004,"sequence-number":1,)"
            R"("timestamp-ms":1515100955770,"summary":{"operation":"append",)"
            R"("added-data-files":"1","pg2iceberg.lsn":"0/16B3748"},)"
            R"("manifest-list":"file:///wh/db/t/metadata/snap-1.avro","schema-id":0}])");
  EXPECT_EQ(json["current-snapshot-id"], 3051729675574597004);
  EXPECT_EQ(DumpJson(json["refs"]),
            R"({"main":{"snapshot-id":3051729675574597004,"type":"branch"}})");
  EXPECT_EQ(DumpJson(json["snapshot-log"]),
            R"([{"timestamp-ms":1515100955770,"snapshot-id":3051729675574597004}])");
  EXPECT_EQ(DumpJson(json["metadata-log"]),
            R"([{"timestamp-ms":1000,"metadata-file":)"
            R"("file:///wh/db/t/metadata/00000-a.metadata.json"}])");
  EXPECT_EQ(json["last-sequence-number"], 1);
}

TEST(MetadataJsonTest, RoundTrips) {
  for (const TableMetadata& metadata : {NewTable(), WithOneSnapshot()}) {
    Result<TableMetadata> parsed = TableMetadataFromJsonString(TableMetadataToJsonString(metadata));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(*parsed, metadata);
  }
}

TEST(MetadataJsonTest, RoundTripsSpecsOrdersAndRefRetention) {
  TableMetadata metadata = WithOneSnapshot();
  metadata.partition_specs.push_back({1, {{1, 1000, "id_bucket", "bucket[16]"}}});
  metadata.last_partition_id = 1000;
  metadata.sort_orders.push_back({1, {{2, "identity", "desc", "nulls-last"}}});
  SnapshotRef tag;
  tag.snapshot_id = 3051729675574597004;
  tag.type = SnapshotRefType::kTag;
  tag.max_ref_age_ms = 86400000;
  metadata.refs["v1"] = tag;
  metadata.refs["main"].min_snapshots_to_keep = 3;
  metadata.refs["main"].max_snapshot_age_ms = 1000;
  metadata.properties = {{"write.format.default", "parquet"}};
  Result<TableMetadata> parsed = TableMetadataFromJsonString(TableMetadataToJsonString(metadata));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, metadata);
}

// The shape PyIceberg 0.12 writes for a new table: no current-snapshot-id, members in another
// order, "decimal(10, 2)" with a space, empty identifier-field-ids.
constexpr std::string_view kPyIcebergNewTable =
    R"({"location":"file:///tmp/wh/ns.db/t","table-uuid":"b8e6b2c6-1a4e-4d1e-9a0e-3f0d1c2b3a4f",)"
    R"("last-updated-ms":1730000000000,"last-column-id":2,"schemas":[{"type":"struct",)"
    R"("fields":[{"id":1,"name":"id","type":"long","required":true},{"id":2,"name":"d",)"
    R"js("type":"decimal(10, 2)","required":false}],"schema-id":0,"identifier-field-ids":[]}],)js"
    R"("current-schema-id":0,"partition-specs":[{"spec-id":0,"fields":[]}],"default-spec-id":0,)"
    R"("last-partition-id":999,"properties":{},"snapshots":[],"snapshot-log":[],)"
    R"("metadata-log":[],"sort-orders":[{"order-id":0,"fields":[]}],"default-sort-order-id":0,)"
    R"("refs":{},"statistics":[],"partition-statistics":[],"format-version":2,)"
    R"("last-sequence-number":0})";

TEST(MetadataJsonTest, ReadsPyIcebergNewTable) {
  Result<TableMetadata> parsed = TableMetadataFromJsonString(kPyIcebergNewTable);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_FALSE(parsed->current_snapshot_id.has_value());
  EXPECT_EQ(parsed->CurrentSchema()->fields[1].type, Type::Decimal(10, 2));
  EXPECT_EQ(parsed->last_partition_id, 999);
}

TEST(MetadataJsonTest, DerivesMainFromCurrentSnapshotWithoutRefs) {
  Json json = TableMetadataToJson(WithOneSnapshot());
  json.erase("refs");
  json["future-member"] = {{"x", 1}};
  Result<TableMetadata> parsed = TableMetadataFromJson(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->refs.at("main").snapshot_id, 3051729675574597004);
}

TEST(MetadataJsonTest, ReadsNullCurrentSnapshotIdAsNone) {
  Json json = TableMetadataToJson(NewTable());
  json["current-snapshot-id"] = nullptr;
  Result<TableMetadata> parsed = TableMetadataFromJson(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_FALSE(parsed->current_snapshot_id.has_value());
}

class MissingMemberTest : public ::testing::TestWithParam<const char*> {};

TEST_P(MissingMemberTest, IsInvalidArgumentNamingTheMember) {
  Json json = TableMetadataToJson(NewTable());
  json.erase(GetParam());
  Result<TableMetadata> parsed = TableMetadataFromJson(json);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message(),
            "table metadata: missing required field \"" + std::string(GetParam()) + "\"");
}

INSTANTIATE_TEST_SUITE_P(V2Required, MissingMemberTest,
                         ::testing::Values("format-version", "table-uuid", "location",
                                           "last-sequence-number", "last-updated-ms",
                                           "last-column-id", "schemas", "current-schema-id",
                                           "partition-specs", "default-spec-id",
                                           "last-partition-id", "sort-orders",
                                           "default-sort-order-id"));

TEST(MetadataJsonTest, NamesTheBrokenSnapshotMember) {
  Json json = TableMetadataToJson(WithOneSnapshot());
  json["snapshots"][0].erase("manifest-list");
  EXPECT_EQ(TableMetadataFromJson(json).status().message(),
            "table metadata: snapshots[0]: missing required field \"manifest-list\"");
  json = TableMetadataToJson(WithOneSnapshot());
  json["snapshots"][0]["summary"].erase("operation");
  EXPECT_EQ(TableMetadataFromJson(json).status().message(),
            "table metadata: snapshots[0]: summary lacks \"operation\"");
}

// Documents that parse but contradict themselves.
TEST(MetadataJsonTest, RejectsBrokenCrossReferences) {
  const auto message_of = [](const Json& json) {
    return TableMetadataFromJson(json).status().message();
  };
  Json json = TableMetadataToJson(WithOneSnapshot());
  json["current-schema-id"] = 4;
  EXPECT_EQ(message_of(json), "table metadata: current-schema-id 4 names no schema");
  json = TableMetadataToJson(WithOneSnapshot());
  json["default-spec-id"] = 2;
  EXPECT_EQ(message_of(json), "table metadata: default-spec-id 2 names no partition spec");
  json = TableMetadataToJson(WithOneSnapshot());
  json["default-sort-order-id"] = 2;
  EXPECT_EQ(message_of(json), "table metadata: default-sort-order-id 2 names no sort order");
  json = TableMetadataToJson(WithOneSnapshot());
  json["current-snapshot-id"] = 5;
  EXPECT_EQ(message_of(json), "table metadata: current-snapshot-id 5 names no snapshot");
  json = TableMetadataToJson(WithOneSnapshot());
  json["refs"]["main"]["snapshot-id"] = 5;
  EXPECT_EQ(message_of(json), "table metadata: ref \"main\" names unknown snapshot 5");
  json = TableMetadataToJson(WithOneSnapshot());
  json["last-sequence-number"] = 0;
  EXPECT_EQ(message_of(json),
            "table metadata: snapshot 3051729675574597004 has a sequence number above "
            "last-sequence-number");
  json = TableMetadataToJson(WithOneSnapshot());
  json["current-snapshot-id"] = -1;
  EXPECT_EQ(message_of(json), "table metadata: refs.main does not match current-snapshot-id");
}

TEST(MetadataJsonTest, RefusesOtherFormatVersions) {
  for (const int version : {1, 4}) {
    Json json = TableMetadataToJson(NewTable());
    json["format-version"] = version;
    EXPECT_EQ(
        TableMetadataFromJson(json).status().message(),
        "table metadata: unsupported format-version " + std::to_string(version) + " (2 or 3)");
  }
}

TEST(MetadataJsonTest, Version3RoundTripsRowLineage) {
  TableMetadata metadata = NewTable();
  ASSERT_TRUE(SetFormatVersion(metadata, kFormatVersion3).ok());
  EXPECT_EQ(metadata.next_row_id, 0);
  Snapshot snapshot{7,
                    std::nullopt,
                    1,
                    metadata.last_updated_ms,
                    "file:///t/metadata/snap-7.avro",
                    "append",
                    {{"added-records", "5"}},
                    0,
                    0,
                    5};
  Result<TableMetadata> next = AddSnapshot(metadata, snapshot, "", metadata.last_updated_ms);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->next_row_id, 5);
  Json json = TableMetadataToJson(*next);
  EXPECT_EQ(json["format-version"], 3);
  EXPECT_EQ(json["next-row-id"], 5);
  EXPECT_EQ(json["snapshots"][0]["first-row-id"], 0);
  EXPECT_EQ(json["snapshots"][0]["added-rows"], 5);
  Result<TableMetadata> read = TableMetadataFromJson(json);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, *next);
  json.erase("next-row-id");
  EXPECT_EQ(TableMetadataFromJson(json).status().code(), StatusCode::kInvalidArgument);
  // A version 2 table writes no row lineage.
  EXPECT_FALSE(TableMetadataToJson(NewTable()).contains("next-row-id"));
}

TEST(MetadataJsonTest, Version3SnapshotsMustStartAtNextRowId) {
  TableMetadata metadata = NewTable();
  ASSERT_TRUE(SetFormatVersion(metadata, kFormatVersion3).ok());
  Snapshot snapshot{7,
                    std::nullopt,
                    1,
                    metadata.last_updated_ms,
                    "file:///t/metadata/snap-7.avro",
                    "append",
                    {},
                    0,
                    3,
                    5};
  EXPECT_EQ(AddSnapshot(metadata, snapshot, "", metadata.last_updated_ms).status().code(),
            StatusCode::kInvalidArgument);
  snapshot.first_row_id = 0;
  snapshot.added_rows.reset();
  EXPECT_EQ(AddSnapshot(metadata, snapshot, "", metadata.last_updated_ms).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SetFormatVersion(metadata, kFormatVersion2).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SetFormatVersion(metadata, 4).code(), StatusCode::kInvalidArgument);
}

TEST(MetadataJsonTest, RejectsMistypedMembers) {
  const auto code_of = [](const Json& json) { return TableMetadataFromJson(json).status().code(); };
  Json json = TableMetadataToJson(NewTable());
  json["last-updated-ms"] = "1000";
  EXPECT_EQ(code_of(json), StatusCode::kInvalidArgument);
  json = TableMetadataToJson(NewTable());
  json["properties"]["k"] = 5;
  EXPECT_EQ(TableMetadataFromJson(json).status().message(),
            "table metadata: field \"properties.k\" must be a string");
  json = TableMetadataToJson(NewTable());
  json["schemas"] = Json::object();
  EXPECT_EQ(code_of(json), StatusCode::kInvalidArgument);
  json = TableMetadataToJson(NewTable());
  json["last-sequence-number"] = 1.5;
  EXPECT_EQ(code_of(json), StatusCode::kInvalidArgument);
  EXPECT_EQ(TableMetadataFromJsonString("{").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TableMetadataFromJsonString("[]").status().code(), StatusCode::kInvalidArgument);
}

TEST(MetadataPartsJsonTest, RejectsUnknownRefTypeAndSortDirection) {
  EXPECT_EQ(SnapshotRefFromJson(Json::parse(R"({"snapshot-id":1,"type":"leaf"})")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SortOrderFromJson(
                Json::parse(R"({"order-id":1,"fields":[{"transform":"identity",)"
                            R"("source-id":1,"direction":"up","null-order":"nulls-first"}]})"))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
