#include "capture/catalog_guards.h"

#include <gtest/gtest.h>

namespace pg2iceberg::capture {
namespace {

PublicationState Everything() {
  return {
      .name = "pub",
      .row_version = "16413/742",
      .publishes_insert = true,
      .publishes_update = true,
      .publishes_delete = true,
      .publishes_truncate = true,
      .via_root = true,
      .relations = {{.relid = 10, .qualified_name = "public.items", .row_version = "16414/742"}}};
}

void ExpectSays(const std::string& text, std::string_view phrase) {
  EXPECT_NE(text.find(phrase), std::string::npos) << text;
}

TEST(CatalogGuardsTest, APublicationOfEveryOperationWithoutFiltersSendsEverything) {
  EXPECT_EQ(PublicationShortfall(Everything()), "");
}

TEST(CatalogGuardsTest, MissingOperationsAreNamedWithTheFix) {
  PublicationState publication = Everything();
  publication.publishes_update = publication.publishes_delete = publication.publishes_truncate =
      false;
  std::string shortfall = PublicationShortfall(publication);
  ExpectSays(shortfall,
             "publication \"pub\" publishes only insert: updates, deletes and truncates");
  ExpectSays(shortfall,
             "ALTER PUBLICATION \"pub\" SET (publish = 'insert, update, delete, truncate')");
  publication.publishes_insert = false;
  ExpectSays(PublicationShortfall(publication),
             "publishes no operation: inserts, updates, deletes and truncates");
}

TEST(CatalogGuardsTest, RowFiltersColumnListsAndPartitionsUnderTheirOwnNamesAreRefused) {
  PublicationState publication = Everything();
  publication.relations[0].row_filter = "(id > 5)";
  ExpectSays(PublicationShortfall(publication), "public.items with a row filter (WHERE (id > 5))");
  publication.relations[0].row_filter.clear();
  publication.relations[0].column_list = "id";
  std::string shortfall = PublicationShortfall(publication);
  ExpectSays(shortfall, "public.items with a column list (id)");
  ExpectSays(shortfall,
             "ALTER PUBLICATION \"pub\" DROP TABLE public.items; ALTER PUBLICATION \"pub\" ADD "
             "TABLE public.items");
  publication.relations[0].column_list.clear();
  publication.via_root = false;
  ExpectSays(PublicationShortfall(publication), "publish_via_partition_root = false");
}

PartitionState Partition(uint32_t relid, std::string name) {
  return {.root = 1,
          .relid = relid,
          .parent = 1,
          .attach_version = "738",
          .storage = relid,
          .qualified_name = std::move(name)};
}

const std::map<uint32_t, std::string> kRoots = {{1, "public.m"}};

TEST(CatalogGuardsTest, EveryPartitionChangeIsNamed) {
  const std::vector<PartitionState> recorded = {Partition(2, "public.m_eu"),
                                                Partition(3, "public.m_us")};
  EXPECT_EQ(PartitionChange(recorded, recorded, kRoots), "");
  ExpectSays(PartitionChange(recorded, {recorded[0]}, kRoots),
             "partition public.m_us (oid 3) of mirrored table public.m was detached or dropped");
  std::vector<PartitionState> added = recorded;
  added.push_back(Partition(4, "public.m_as"));
  ExpectSays(PartitionChange(recorded, added, kRoots),
             "public.m_as (oid 4) of mirrored table public.m was attached");
  std::vector<PartitionState> changed = recorded;
  changed[1].attach_version = "800";
  ExpectSays(PartitionChange(recorded, changed, kRoots),
             "public.m_us (oid 3) of mirrored table public.m was "
             "detached and attached again");
  changed = recorded;
  changed[1].storage = 99;
  ExpectSays(PartitionChange(recorded, changed, kRoots),
             "public.m_us (oid 3) of mirrored table public.m was truncated");
}

TEST(CatalogGuardsTest, UnloggedAndForeignPartitionsAreRefused) {
  std::vector<PartitionState> partitions = {Partition(2, "public.m_eu")};
  EXPECT_EQ(PartitionShortfall(partitions, kRoots), "");
  partitions[0].persistence = 'u';
  ExpectSays(PartitionShortfall(partitions, kRoots), "is UNLOGGED");
  partitions[0].persistence = 'p';
  partitions[0].kind = 'f';
  ExpectSays(PartitionShortfall(partitions, kRoots), "is a foreign table");
}

TEST(CatalogStateTest, PartitionsRoundTripThroughTheirTextForm) {
  std::vector<PartitionState> partitions = {Partition(2, "public.m_eu"),
                                            Partition(3, "odd\\name\nwith lines")};
  partitions[1].attach_version = "900+detaching";
  std::string text = EncodePartitions(partitions);
  EXPECT_EQ(DecodePartitions(text).value(), partitions);
  EXPECT_TRUE(DecodePartitions("").value().empty());
  EXPECT_EQ(DecodePartitions("1 2 x\n").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(DecodePartitions("1 2 1 738 r p 2 public.m_eu").status().code(), StatusCode::kDataLoss);
}

TEST(CatalogStateTest, TheFingerprintChangesWithEveryRowVersion) {
  PublicationState publication = Everything();
  const std::string before = PublicationFingerprint(publication);
  publication.relations[0].row_version = "16420/750";
  EXPECT_NE(PublicationFingerprint(publication), before);
  publication = Everything();
  publication.row_version = "16413/751";
  EXPECT_NE(PublicationFingerprint(publication), before);
}

}  // namespace
}  // namespace pg2iceberg::capture
