#include "materializer/progress.h"

#include <gtest/gtest.h>

namespace pg2iceberg::materializer {
namespace {

LogRead Read(std::vector<change::Lsn> lsns, bool complete) {
  LogRead read;
  read.complete = complete;
  for (size_t i = 0; i < lsns.size(); ++i) {
    LoggedChange change;
    change.offset = static_cast<int64_t>(i);
    change.staged.commit.commit_lsn = lsns[i];
    change.staged.commit.end_lsn = lsns[i] + 8;
    read.changes.push_back(change);
  }
  return read;
}

TEST(ProgressTest, SummaryRoundTrips) {
  CommittedProgress progress{.commit_lsn = 0x16B3748, .log_offset = 42};
  std::map<std::string, std::string> summary = ProgressSummary(progress);
  EXPECT_EQ(summary.at(kCommitLsnKey), "0/16B3748");
  EXPECT_EQ(summary.at(kLogOffsetKey), "42");
  summary["added-data-files"] = "1";
  EXPECT_EQ(ProgressOf(summary, "public.t").value(), progress);
  EXPECT_FALSE(ProgressOf({{"added-data-files", "1"}}, "public.t").value().has_value());
}

TEST(ProgressTest, AnEditedSummaryIsDataLossNamingTheKey) {
  for (auto summary : std::vector<std::map<std::string, std::string>>{
           {{kCommitLsnKey, "0/10"}, {kLogOffsetKey, "12x"}},
           {{kCommitLsnKey, "0/10"}, {kLogOffsetKey, "-1"}},
           {{kCommitLsnKey, "ten"}, {kLogOffsetKey, "12"}},
           {{kCommitLsnKey, "0/10"}}}) {
    Result<std::optional<CommittedProgress>> parsed = ProgressOf(summary, "public.t");
    ASSERT_EQ(parsed.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(parsed.status().message().find("public.t"), std::string::npos);
    EXPECT_NE(parsed.status().message().find("pg2iceberg."), std::string::npos);
  }
}

TEST(ProgressTest, ResumeTakesTheSnapshotWhenItIsAheadOfTheCursor) {
  // A crash after the catalog commit, before the cursor update: the commit is not redone.
  EXPECT_EQ(ResumeOffset("public.t", 10, CommittedProgress{.log_offset = 25}).value(), 25);
  EXPECT_EQ(ResumeOffset("public.t", 25, CommittedProgress{.log_offset = 25}).value(), 25);
  EXPECT_EQ(ResumeOffset("public.t", 0, std::nullopt).value(), 0);
}

TEST(ProgressTest, ACursorAheadOfTheSnapshotIsDataLoss) {
  Result<int64_t> resumed = ResumeOffset("public.t", 30, CommittedProgress{.log_offset = 25});
  ASSERT_EQ(resumed.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(resumed.status().message().find("30"), std::string::npos);
  EXPECT_NE(resumed.status().message().find("25"), std::string::npos);
}

TEST(ProgressTest, BatchesAreCutBetweenTransactions) {
  EXPECT_EQ(CompleteThrough(Read({10, 10, 20}, /*complete=*/true), 50), 50u);
  // Stopped inside the transaction committed at 30: complete through the end of the one
  // committed at 20 (28).
  EXPECT_EQ(CompleteThrough(Read({10, 20, 30, 30}, false), 50), 28u);
  // Part of one transaction only: read on.
  EXPECT_EQ(CompleteThrough(Read({30, 30}, false), 50), std::nullopt);
  EXPECT_EQ(CompleteThrough(Read({}, false), 50), std::nullopt);

  LogRead read = Read({10, 20, 30, 30}, false);
  TrimToBound(read, 28);
  ASSERT_EQ(read.changes.size(), 2u);
  EXPECT_EQ(read.changes.back().staged.commit.commit_lsn, 20u);
}

// Found by the simulator (seed 64): an idle advance recorded flushed_lsn at the keepalive's
// position, which was where the next transaction's commit record began (Postgres' sentPtr).
// The batch bound was that position and its snapshot's commit-lsn claimed the transaction
// committed there, which it did not hold. A position covers only transactions that end at or
// before it: one committing at the bound is left for the next batch, even when the log holds
// part of it.
TEST(ProgressTest, ATransactionCommittingAtTheBoundIsNotCovered) {
  LogRead read = Read({10, 20, 50, 50}, /*complete=*/true);
  ASSERT_EQ(CompleteThrough(read, 50), 50u);
  TrimToBound(read, 50);
  ASSERT_EQ(read.changes.size(), 2u);
  EXPECT_EQ(read.changes.back().staged.commit.commit_lsn, 20u);
}

}  // namespace
}  // namespace pg2iceberg::materializer
