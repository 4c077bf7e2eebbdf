#include "iceberg/metadata.h"

#include <gtest/gtest.h>

namespace pg2iceberg::iceberg {
namespace {

constexpr std::string_view kUuid = "9c12d441-03fe-4693-9a96-a0705ddf69c1";

Schema TwoColumnSchema() {
  Schema schema;
  schema.schema_id = 5;  // NewTableMetadata renumbers it to 0
  schema.fields = {{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                   {3, "v", false, Type::Primitive(TypeId::kString), ""}};
  return schema;
}

TableMetadata NewTable() {
  Result<TableMetadata> metadata = NewTableMetadata(TwoColumnSchema(), "file:///wh/db/t/", kUuid,
                                                    {{"owner", "pg2iceberg"}}, 1000);
  CHECK(metadata.ok());
  return *metadata;
}

Snapshot NextSnapshot(const TableMetadata& metadata, int64_t id, int64_t timestamp_ms) {
  Snapshot snapshot;
  snapshot.snapshot_id = id;
  snapshot.parent_snapshot_id = metadata.current_snapshot_id;
  snapshot.sequence_number = metadata.NextSequenceNumber();
  snapshot.timestamp_ms = timestamp_ms;
  snapshot.manifest_list = "file:///wh/db/t/metadata/snap-" + std::to_string(id) + ".avro";
  snapshot.schema_id = 0;
  return snapshot;
}

TEST(NewTableMetadataTest, BuildsAnEmptyUnpartitionedV2Table) {
  const TableMetadata metadata = NewTable();
  EXPECT_EQ(metadata.format_version, 2);
  EXPECT_EQ(metadata.table_uuid, kUuid);
  EXPECT_EQ(metadata.location, "file:///wh/db/t");
  EXPECT_EQ(metadata.last_sequence_number, 0);
  EXPECT_EQ(metadata.last_updated_ms, 1000);
  EXPECT_EQ(metadata.last_column_id, 3);
  ASSERT_EQ(metadata.schemas.size(), 1u);
  EXPECT_EQ(metadata.schemas[0].schema_id, 0);
  EXPECT_EQ(metadata.CurrentSchema(), &metadata.schemas[0]);
  EXPECT_EQ(metadata.partition_specs, std::vector<PartitionSpec>{PartitionSpec{}});
  EXPECT_EQ(metadata.last_partition_id, 999);
  EXPECT_EQ(metadata.sort_orders, std::vector<SortOrder>{SortOrder{}});
  EXPECT_FALSE(metadata.current_snapshot_id.has_value());
  EXPECT_EQ(metadata.CurrentSnapshot(), nullptr);
  EXPECT_TRUE(metadata.refs.empty());
  EXPECT_EQ(metadata.properties.at("owner"), "pg2iceberg");
}

TEST(NewTableMetadataTest, RejectsBadInput) {
  EXPECT_EQ(NewTableMetadata(TwoColumnSchema(), "/", kUuid, {}, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(NewTableMetadata(TwoColumnSchema(), "file:///t", "", {}, 0).status().code(),
            StatusCode::kInvalidArgument);
  Schema duplicate = TwoColumnSchema();
  duplicate.fields[1].id = 1;
  EXPECT_EQ(NewTableMetadata(duplicate, "file:///t", kUuid, {}, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(NewTableMetadata(TwoColumnSchema(), "file:///t", kUuid,
                             {{std::string(kMetadataPreviousVersionsMaxProperty), "ten"}}, 0)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(AddSnapshotTest, AdvancesSequenceNumbersRefsAndLogs) {
  const TableMetadata base = NewTable();
  Result<TableMetadata> first = AddSnapshot(base, NextSnapshot(base, 11, 2000),
                                            "file:///wh/db/t/metadata/00000-a.metadata.json", 2001);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->last_sequence_number, 1);
  EXPECT_EQ(first->current_snapshot_id, 11);
  EXPECT_EQ(first->last_updated_ms, 2001);
  SnapshotRef main;
  main.snapshot_id = 11;
  EXPECT_EQ(first->refs.at("main"), main);
  EXPECT_EQ(first->snapshot_log, (std::vector<SnapshotLogEntry>{{2000, 11}}));
  EXPECT_EQ(
      first->metadata_log,
      (std::vector<MetadataLogEntry>{{1000, "file:///wh/db/t/metadata/00000-a.metadata.json"}}));

  Result<TableMetadata> second =
      AddSnapshot(*first, NextSnapshot(*first, 22, 3000), "file:///m/00001-b.metadata.json", 3000);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->last_sequence_number, 2);
  EXPECT_EQ(second->snapshots.size(), 2u);
  EXPECT_EQ(second->CurrentSnapshot()->parent_snapshot_id, 11);
  EXPECT_EQ(second->CurrentSnapshot()->sequence_number, 2);
  EXPECT_EQ(second->refs.at("main").snapshot_id, 22);
  EXPECT_EQ(second->snapshot_log.back(), (SnapshotLogEntry{3000, 22}));
  EXPECT_EQ(second->metadata_log.back(),
            (MetadataLogEntry{2001, "file:///m/00001-b.metadata.json"}));
  EXPECT_EQ(base.last_sequence_number, 0);  // the input is untouched
}

TEST(AddSnapshotTest, KeepsRetentionSettingsOfMain) {
  TableMetadata base = NewTable();
  base = *AddSnapshot(base, NextSnapshot(base, 1, 1000), "", 1000);
  base.refs["main"].max_ref_age_ms = 5000;
  Result<TableMetadata> next = AddSnapshot(base, NextSnapshot(base, 2, 1000), "", 1000);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->refs.at("main").snapshot_id, 2);
  EXPECT_EQ(next->refs.at("main").max_ref_age_ms, 5000);
}

TEST(AddSnapshotTest, WithoutPreviousLocationAddsNoMetadataLogEntry) {
  const TableMetadata base = NewTable();
  Result<TableMetadata> next = AddSnapshot(base, NextSnapshot(base, 1, 1000), "", 1000);
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->metadata_log.empty());
}

TEST(AddSnapshotTest, TrimsMetadataLogToPreviousVersionsMax) {
  TableMetadata metadata = NewTable();
  metadata.properties[std::string(kMetadataPreviousVersionsMaxProperty)] = "2";
  for (int i = 1; i <= 4; ++i) {
    Result<TableMetadata> next = AddSnapshot(metadata, NextSnapshot(metadata, i, 1000 + i),
                                             "m" + std::to_string(i), 1000 + i);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    metadata = *next;
  }
  ASSERT_EQ(metadata.metadata_log.size(), 2u);
  EXPECT_EQ(metadata.metadata_log[0].metadata_file, "m3");
  EXPECT_EQ(metadata.metadata_log[1].metadata_file, "m4");
  EXPECT_EQ(metadata.snapshot_log.size(), 4u);
}

TEST(AddSnapshotTest, RejectsSnapshotsNotBuiltOnThisMetadata) {
  const TableMetadata base = *AddSnapshot(NewTable(), NextSnapshot(NewTable(), 7, 1000), "", 1000);
  const auto rejected = [&](Snapshot snapshot, int64_t timestamp_ms = 5000) {
    return AddSnapshot(base, snapshot, "", timestamp_ms).status().code() ==
           StatusCode::kInvalidArgument;
  };
  const Snapshot good = NextSnapshot(base, 8, 2000);
  ASSERT_TRUE(AddSnapshot(base, good, "", 5000).ok());
  Snapshot s = good;
  s.snapshot_id = 0;
  EXPECT_TRUE(rejected(s));
  s = good;
  s.snapshot_id = 7;  // already used
  EXPECT_TRUE(rejected(s));
  s = good;
  s.sequence_number = 1;  // stale
  EXPECT_TRUE(rejected(s));
  s = good;
  s.parent_snapshot_id.reset();
  EXPECT_TRUE(rejected(s));
  s = good;
  s.schema_id = 4;
  EXPECT_TRUE(rejected(s));
  s = good;
  s.manifest_list.clear();
  EXPECT_TRUE(rejected(s));
  s = good;
  s.timestamp_ms = 999;  // before the table's last update
  EXPECT_TRUE(rejected(s));
  EXPECT_TRUE(rejected(good, 1999));  // metadata written before its snapshot
}

TEST(MonotonicTimestampMsTest, NeverGoesBehindLastUpdate) {
  const TableMetadata metadata = NewTable();  // last updated at 1000
  EXPECT_EQ(MonotonicTimestampMs(metadata, 500), 1000);
  EXPECT_EQ(MonotonicTimestampMs(metadata, 1500), 1500);
}

TEST(MetadataFileNameTest, PadsVersionToFiveDigits) {
  EXPECT_EQ(MetadataFileName(1, kUuid), "00001-9c12d441-03fe-4693-9a96-a0705ddf69c1.metadata.json");
  EXPECT_EQ(MetadataFileName(123456, "u"), "123456-u.metadata.json");
  EXPECT_EQ(MetadataFileLocation("s3://b/t/", 0, "u"), "s3://b/t/metadata/00000-u.metadata.json");
}

TEST(MetadataFileNameTest, ParsesVersionBack) {
  EXPECT_EQ(*ParseMetadataFileVersion("file:///wh/t/metadata/" + MetadataFileName(42, kUuid)), 42);
  EXPECT_EQ(*ParseMetadataFileVersion("00000-x.metadata.json"), 0);
  EXPECT_EQ(*ParseMetadataFileVersion("s3://b/m/00007-x.gz.metadata.json"), 7);
  for (const char* bad : {"v1.metadata.json", "s3://b/m/-x.metadata.json", "00001-x.json",
                          "0a001-x.metadata.json", "s3://b/00001-x.metadata.json/", ""}) {
    EXPECT_EQ(ParseMetadataFileVersion(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace pg2iceberg::iceberg
