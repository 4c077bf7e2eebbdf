#include "mirror/verify_point.h"

#include <gtest/gtest.h>

namespace pg2iceberg {
namespace {

iceberg::Snapshot Ours(int64_t id, std::optional<int64_t> parent, const std::string& lsn,
                       int64_t offset, const std::string& load = "complete") {
  iceberg::Snapshot snapshot{.snapshot_id = id, .parent_snapshot_id = parent};
  snapshot.summary = {{"pg2iceberg.commit-lsn", lsn},
                      {"pg2iceberg.log-offset", std::to_string(offset)},
                      {"pg2iceberg.initial-load", load}};
  return snapshot;
}

iceberg::Snapshot Foreign(int64_t id, int64_t parent) {
  return iceberg::Snapshot{.snapshot_id = id, .parent_snapshot_id = parent};
}

iceberg::TableMetadata Lineage(std::vector<iceberg::Snapshot> snapshots) {
  iceberg::TableMetadata metadata;
  metadata.current_snapshot_id = snapshots.back().snapshot_id;
  metadata.snapshots = std::move(snapshots);
  return metadata;
}

TEST(VerifyPointTest, TheNewestSnapshotAtOrBeforeTheLsnIsChosen) {
  iceberg::TableMetadata metadata =
      Lineage({Ours(1, std::nullopt, "0/100", 0), Ours(2, 1, "0/200", 5), Ours(3, 2, "0/300", 9)});
  std::optional<MirrorPoint> current;
  std::optional<MirrorPoint> point = NewestPointAtOrBefore(metadata, 0x250, &current).value();
  ASSERT_TRUE(point.has_value());
  EXPECT_EQ(point->snapshot_id, 2);
  EXPECT_EQ(point->commit_lsn, 0x200u);
  EXPECT_EQ(point->log_offset, 5);
  ASSERT_TRUE(current.has_value());
  EXPECT_EQ(current->snapshot_id, 3);
  // Exactly at a snapshot's LSN: that snapshot.
  EXPECT_EQ(NewestPointAtOrBefore(metadata, 0x300, &current).value()->snapshot_id, 3);
  // Before the first: none.
  EXPECT_FALSE(NewestPointAtOrBefore(metadata, 0x99, &current).value().has_value());
}

TEST(VerifyPointTest, AForeignSnapshotInheritsItsParentsPointSoItsChangesAreCompared) {
  iceberg::TableMetadata metadata =
      Lineage({Ours(1, std::nullopt, "0/100", 0), Ours(2, 1, "0/200", 5), Foreign(3, 2)});
  std::optional<MirrorPoint> current;
  std::optional<MirrorPoint> point = NewestPointAtOrBefore(metadata, 0x250, &current).value();
  ASSERT_TRUE(point.has_value());
  EXPECT_EQ(point->snapshot_id, 3);
  EXPECT_EQ(point->commit_lsn, 0x200u);
  EXPECT_EQ(point->log_offset, 5);
}

TEST(VerifyPointTest, ATableWhoseInitialLoadIsNotCompleteHasNoPoint) {
  iceberg::TableMetadata metadata =
      Lineage({Ours(1, std::nullopt, "0/100", 0, "in-progress"), Foreign(2, 1)});
  std::optional<MirrorPoint> current;
  EXPECT_FALSE(NewestPointAtOrBefore(metadata, 0x500, &current).value().has_value());
  EXPECT_FALSE(current.has_value());
  // Only a foreign writer's snapshots: not a mirror either.
  metadata = Lineage({iceberg::Snapshot{.snapshot_id = 7}});
  EXPECT_FALSE(NewestPointAtOrBefore(metadata, 0x500, &current).value().has_value());
  EXPECT_FALSE(current.has_value());
}

TEST(VerifyPointTest, AMalformedSummaryIsDataLoss) {
  std::optional<MirrorPoint> current;
  iceberg::TableMetadata metadata = Lineage({Ours(1, std::nullopt, "not-an-lsn", 0)});
  EXPECT_EQ(NewestPointAtOrBefore(metadata, 0x500, &current).status().code(),
            StatusCode::kDataLoss);
  iceberg::Snapshot bad_offset = Ours(1, std::nullopt, "0/100", 0);
  bad_offset.summary["pg2iceberg.log-offset"] = "12x";
  metadata = Lineage({bad_offset});
  EXPECT_EQ(NewestPointAtOrBefore(metadata, 0x500, &current).status().code(),
            StatusCode::kDataLoss);
}

TEST(VerifyPointTest, ParentsThatFormACycleAreDataLoss) {
  iceberg::TableMetadata metadata = Lineage({Foreign(2, 1), Foreign(1, 2)});
  std::optional<MirrorPoint> current;
  EXPECT_EQ(NewestPointAtOrBefore(metadata, 0x500, &current).status().code(),
            StatusCode::kDataLoss);
}

}  // namespace
}  // namespace pg2iceberg
