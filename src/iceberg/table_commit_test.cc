#include "iceberg/table_commit.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>

#include "env/local_object_store.h"
#include "iceberg/in_memory_catalog_test_util.h"
#include "iceberg/rest/rest_test_util.h"

namespace pg2iceberg::iceberg {
namespace {

class CapturingLogger final : public Logger {
 public:
  void Write(LogLevel level, std::string_view message) override {
    if (level == LogLevel::kWarn) warnings.emplace_back(message);
  }
  LogLevel min_level() const override { return LogLevel::kDebug; }
  std::vector<std::string> warnings;
};

constexpr int kAttemptsMax = 4;

class CommitRetryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/pg2i-table-commit-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    auto store = LocalObjectStore::Open(dir_, random_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    Schema schema;
    schema.fields = {{1, "id", true, Type::Primitive(TypeId::kLong), ""}};
    Result<TableMetadata> metadata = NewTableMetadata(
        schema, store_->Location("db/t"), random_.UuidV4String(), {}, clock_.NowMicros() / 1000);
    ASSERT_TRUE(metadata.ok());
    Result<TableState> created = CommitSnapshot(Services(), {ident_, *metadata, ""},
                                                {File("a", 10)}, CommitMode::kReplaceAll, {});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CommitServices Services() { return {*store_, catalog_, random_, clock_}; }
  DataFile File(const std::string& name, int64_t records) {
    DataFile file;
    file.file_path = store_->Location("db/t/data/" + name + ".parquet");
    file.record_count = records;
    file.file_size_in_bytes = 100;
    return file;
  }
  // Another writer appends `name` to the table.
  void ForeignAppend(const std::string& name) {
    Result<TableState> appended = CommitSnapshot(Services(), catalog_.tables.at(ident_),
                                                 {File(name, 5)}, CommitMode::kAppend, {});
    ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  }
  std::vector<Result<TableState>> Replace(const RebaseCommit& rebase) {
    TableCommitInput input{catalog_.tables.at(ident_), {File("mine", 7)}, CommitMode::kReplaceAll};
    return CommitSnapshotsRetryingConflicts(Services(), {input}, kAttemptsMax, rebase, log_);
  }
  RebaseCommit Reload() {
    return [this](size_t, TableCommitInput& input) {
      ++rebases_;
      input.table = catalog_.tables.at(ident_);
      return Status::Ok();
    };
  }

  std::string dir_;
  SeededRandom random_{7};
  ManualClock clock_;
  std::unique_ptr<LocalObjectStore> store_;
  InMemoryCatalog catalog_;
  CapturingLogger log_;
  const TableIdentifier ident_{{"db"}, "t"};
  int rebases_ = 0;
};

TEST_F(CommitRetryTest, AConflictIsRetriedOnTheReloadedTableAndReplacesItsFiles) {
  catalog_.before_next_commit = [this] { ForeignAppend("theirs"); };
  const int64_t foreign_parent = *catalog_.tables.at(ident_).metadata.current_snapshot_id;
  std::vector<Result<TableState>> results = Replace(Reload());
  ASSERT_TRUE(results[0].ok()) << results[0].status().ToString();
  EXPECT_EQ(rebases_, 1);
  ASSERT_EQ(log_.warnings.size(), 1u);
  EXPECT_NE(log_.warnings[0].find("attempt 1 of 4"), std::string::npos) << log_.warnings[0];
  // setup, the other writer, the refused commit, the retry
  EXPECT_EQ(catalog_.commits, 4);
  const TableMetadata& now = results[0]->metadata;
  EXPECT_EQ(now.snapshots.size(), 3u);
  const Snapshot* head = now.CurrentSnapshot();
  ASSERT_NE(head, nullptr);
  // Built on the other writer's snapshot, whose files (and the first one's) it replaces.
  EXPECT_NE(head->parent_snapshot_id, foreign_parent);
  EXPECT_EQ(head->parent_snapshot_id, now.snapshots[1].snapshot_id);
  EXPECT_EQ(head->summary.at("deleted-data-files"), "2");
  EXPECT_EQ(head->summary.at("deleted-records"), "15");
  EXPECT_EQ(head->summary.at("total-data-files"), "1");
  EXPECT_EQ(head->summary.at("total-records"), "7");
}

TEST_F(CommitRetryTest, GivesUpWithTheConflictAfterAttemptsMax) {
  std::function<void()> keep_moving = [&] {
    ForeignAppend("theirs" + std::to_string(catalog_.commits));
    catalog_.before_next_commit = keep_moving;
  };
  catalog_.before_next_commit = keep_moving;
  std::vector<Result<TableState>> results = Replace(Reload());
  EXPECT_EQ(results[0].status().code(), StatusCode::kConflict);
  EXPECT_EQ(rebases_, kAttemptsMax - 1);
  EXPECT_EQ(log_.warnings.size(), static_cast<size_t>(kAttemptsMax - 1));
  catalog_.before_next_commit = nullptr;
}

TEST_F(CommitRetryTest, ARebaseErrorEndsTheRetries) {
  catalog_.before_next_commit = [this] { ForeignAppend("theirs"); };
  std::vector<Result<TableState>> results = Replace(
      [](size_t, TableCommitInput&) { return Status::Conflict("the schema changed under us"); });
  EXPECT_EQ(results[0].status().code(), StatusCode::kConflict);
  EXPECT_NE(results[0].status().message().find("the schema changed under us"), std::string::npos);
  EXPECT_EQ(catalog_.commits, 3);
}

TEST_F(CommitRetryTest, OtherErrorsAreNotRetried) {
  catalog_.fail_commits_with = Status::Unavailable("catalog down");
  std::vector<Result<TableState>> results = Replace([](size_t, TableCommitInput&) {
    ADD_FAILURE() << "no rebase expected";
    return Status::Ok();
  });
  EXPECT_EQ(results[0].status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(log_.warnings.empty());
}

// The objects under the table's directory.
std::set<std::string> Objects(ObjectStore& store) {
  Result<std::vector<ObjectInfo>> listed = store.List("db/t/");
  EXPECT_TRUE(listed.ok()) << listed.status().ToString();
  std::set<std::string> keys;
  for (const ObjectInfo& info : listed.ok() ? *listed : std::vector<ObjectInfo>{}) {
    keys.insert(info.key);
  }
  return keys;
}

// A commit that may have applied (the reply lost; a transaction found half committed) may be
// what the table points at now: what it wrote must stay, and it is not rebuilt and retried.
TEST_F(CommitRetryTest, ACommitThatMayHaveAppliedKeepsItsFilesAndIsNotRetried) {
  for (const Status& failure :
       {Status::OutcomeUnknown("reply lost"), Status::DataLoss("orders committed but items not")}) {
    const std::set<std::string> before = Objects(*store_);
    catalog_.fail_commits_with = failure;
    std::vector<Result<TableState>> results = Replace([](size_t, TableCommitInput&) {
      ADD_FAILURE() << "no rebase expected";
      return Status::Ok();
    });
    EXPECT_EQ(results[0].status().code(), failure.code()) << results[0].status().ToString();
    const std::set<std::string> after = Objects(*store_);
    EXPECT_TRUE(std::includes(after.begin(), after.end(), before.begin(), before.end()));
    EXPECT_GT(after.size(), before.size()) << failure.ToString() << ": the written files are gone";
  }
}

TEST_F(CommitRetryTest, ACommitThatCannotApplyRemovesItsFiles) {
  const std::set<std::string> before = Objects(*store_);
  catalog_.fail_commits_with = Status::Unavailable("catalog down");
  EXPECT_FALSE(Replace(Reload())[0].ok());
  EXPECT_EQ(Objects(*store_), before);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
