#include "materializer/delete_plan.h"

#include <gtest/gtest.h>

#include <map>

namespace pg2iceberg::materializer {
namespace {

using iceberg::Literal;

class DeletePlanTest : public ::testing::Test {
 protected:
  FileLookup Files() {
    return [this](uint32_t file) -> const DataFileRef& { return files_.at(file); };
  }
  VectorLookup Vectors() {
    return [this](const std::string& path) -> Result<std::optional<ExistingVector>> {
      auto it = vectors_.find(path);
      if (it == vectors_.end()) return std::optional<ExistingVector>();
      return std::optional<ExistingVector>(it->second);
    };
  }

  std::map<uint32_t, DataFileRef> files_ = {
      {0, {.path = "file:///t/a.parquet", .partition = {Literal::Integer(1)}}},
      {1, {.path = "file:///t/b.parquet", .partition = {Literal::Integer(2)}}},
      {2, {.path = "file:///t/c.parquet", .partition = {Literal::Integer(1)}}}};
  std::map<std::string, ExistingVector> vectors_;
};

TEST_F(DeletePlanTest, VersionTwoGroupsSortedPositionsByPartition) {
  DeletePlan plan = PlanDeletes({{2, 5}, {0, 9}, {1, 3}, {0, 1}}, 2, Files(), Vectors()).value();
  EXPECT_EQ(plan.rows_deleted, 4);
  ASSERT_EQ(plan.position_deletes.size(), 2u);
  const PositionDeleteGroup& first = plan.position_deletes[0];
  EXPECT_EQ(first.partition, (iceberg::PartitionTuple{Literal::Integer(1)}));
  ASSERT_EQ(first.deletes.size(), 3u);
  EXPECT_EQ(first.deletes[0].file_path, "file:///t/a.parquet");
  EXPECT_EQ(first.deletes[0].pos, 1);
  EXPECT_EQ(first.deletes[1].pos, 9);
  EXPECT_EQ(first.deletes[2].file_path, "file:///t/c.parquet");
  EXPECT_EQ(plan.position_deletes[1].deletes.size(), 1u);
  EXPECT_TRUE(plan.vectors.empty());
}

TEST_F(DeletePlanTest, VersionThreeMergesWithTheExistingVectorAndRemovesIt) {
  iceberg::DataFile old_vector;
  old_vector.file_path = "file:///t/old.puffin";
  vectors_["file:///t/a.parquet"] = {.entry = old_vector, .positions = {2, 7}};
  DeletePlan plan = PlanDeletes({{0, 4}, {1, 0}}, 3, Files(), Vectors()).value();
  ASSERT_EQ(plan.vectors.size(), 2u);
  EXPECT_EQ(plan.vectors[0].deletes.data_file, "file:///t/a.parquet");
  EXPECT_EQ(plan.vectors[0].deletes.positions, (std::vector<int64_t>{2, 4, 7}));
  EXPECT_EQ(plan.vectors[1].deletes.positions, (std::vector<int64_t>{0}));
  ASSERT_EQ(plan.removed_vectors.size(), 1u);
  EXPECT_EQ(plan.removed_vectors[0].file_path, "file:///t/old.puffin");
}

TEST_F(DeletePlanTest, DeletingARowTheVectorAlreadyDeletesIsDataLoss) {
  vectors_["file:///t/a.parquet"] = {.entry = {}, .positions = {4}};
  EXPECT_EQ(PlanDeletes({{0, 4}}, 3, Files(), Vectors()).status().code(), StatusCode::kDataLoss);
}

TEST_F(DeletePlanTest, ARowDeletedTwiceInOneBatchIsABug) {
  EXPECT_EQ(PlanDeletes({{0, 4}, {0, 4}}, 2, Files(), Vectors()).status().code(),
            StatusCode::kInternal);
}

}  // namespace
}  // namespace pg2iceberg::materializer
