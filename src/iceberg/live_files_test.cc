// The commit's operations over a cached model of the live files (table_commit.h, live_files.h):
// appends that read no manifest, removed files written as DELETED entries in rewritten
// manifests, deletion vectors replaced, the spec's operations and summary totals.
#include "iceberg/live_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "env/local_object_store.h"
#include "iceberg/in_memory_catalog_test_util.h"
#include "iceberg/manifest.h"
#include "iceberg/rest/rest_test_util.h"
#include "iceberg/summary_keys.h"
#include "iceberg/table_commit.h"

namespace pg2iceberg::iceberg {
namespace {

class LiveFilesTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/pg2i-live-files-XXXXXX";
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
    TableCommitInput create{{ident_, *metadata, ""}, {}, CommitMode::kAppend, {}};
    create.format_version = GetParam();
    Result<TableState> created = Commit(create);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int version() const { return GetParam(); }
  TableState Table() { return catalog_.tables.at(ident_); }
  const Snapshot& Head() { return *catalog_.tables.at(ident_).metadata.CurrentSnapshot(); }
  std::string Summary(std::string_view key) {
    const auto it = Head().summary.find(std::string(key));
    return it == Head().summary.end() ? "(absent)" : it->second;
  }
  Result<TableState> Commit(TableCommitInput input) {
    if (input.live_files == nullptr) input.live_files = &live_;
    std::vector<Result<TableState>> results =
        CommitSnapshots({*store_, catalog_, random_, clock_}, {std::move(input)});
    return std::move(results.front());
  }
  Result<TableState> Append(std::vector<DataFile> files, std::vector<DataFile> deletes = {},
                            std::vector<std::string> removed = {}) {
    TableCommitInput input{Table(), std::move(files), CommitMode::kAppend, {}};
    input.delete_files = std::move(deletes);
    input.removed_files = std::move(removed);
    return Commit(std::move(input));
  }
  DataFile File(const std::string& name, int64_t records) {
    DataFile file;
    file.file_path = store_->Location("db/t/data/" + name + ".parquet");
    file.record_count = records;
    file.file_size_in_bytes = 100;
    return file;
  }
  // A deletion vector (format version 3) or a single-file position delete file (version 2)
  // deleting `rows` rows of `data`.
  DataFile DeleteOf(const DataFile& data, const std::string& name, int64_t rows) {
    DataFile file;
    file.content = FileContent::kPositionDeletes;
    file.record_count = rows;
    file.referenced_data_file = data.file_path;
    if (version() >= 3) {
      file.file_path = store_->Location("db/t/data/" + name + ".puffin");
      file.file_format = "PUFFIN";
      file.file_size_in_bytes = 200;
      file.content_offset = 4;
      file.content_size_in_bytes = 40;
    } else {
      file.file_path = store_->Location("db/t/data/" + name + "-deletes.parquet");
      file.file_size_in_bytes = 40;
    }
    return file;
  }
  // Every entry of the head snapshot's manifests, as a reader sees them: path → status.
  std::map<std::string, ManifestEntryStatus> Entries() {
    std::map<std::string, ManifestEntryStatus> entries;
    const std::string list_key = *store_->KeyForLocation(Head().manifest_list);
    const ManifestListContents list = *ReadManifestList(*store_->Get(list_key));
    for (const ManifestFile& manifest : list.manifests) {
      const Bytes bytes = *store_->Get(*store_->KeyForLocation(manifest.manifest_path));
      Result<ManifestContents> contents = ReadManifest(bytes);
      EXPECT_TRUE(contents.ok()) << contents.status().ToString();
      if (!contents.ok()) continue;
      for (const ManifestEntry& entry : contents->entries) {
        entries[entry.file.file_path] = entry.status;
      }
    }
    return entries;
  }

  std::string dir_;
  SeededRandom random_{11};
  ManualClock clock_;
  std::unique_ptr<LocalObjectStore> store_;
  InMemoryCatalog catalog_;
  LiveFiles live_;
  const TableIdentifier ident_{{"db"}, "t"};
};

TEST_P(LiveFilesTest, AppendsReadNoManifestOnceTheModelIsBuilt) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Append({File("f" + std::to_string(i), 10)}).ok());
    EXPECT_EQ(live_.stats().manifests_read, 0) << "append " << i;
  }
  EXPECT_EQ(live_.stats().rebuilds, 1);
  EXPECT_EQ(live_.stats().manifest_lists_read, 0);  // built on the empty table
  EXPECT_EQ(live_.manifests().size(), 20u);
  EXPECT_EQ(Head().operation, "append");
  EXPECT_EQ(Summary(summary::kTotalDataFiles), "20");
  EXPECT_EQ(Summary(summary::kTotalRecords), "200");
  EXPECT_EQ(Summary(summary::kTotalFilesSize), "2000");
  EXPECT_EQ(Summary(summary::kAddedDataFiles), "1");
}

TEST_P(LiveFilesTest, ARemovalRewritesOnlyTheManifestHoldingTheFile) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Append({File("f" + std::to_string(i), 10)}).ok());
  LiveFiles fresh;  // a model built from the table: reads what it must
  TableCommitInput input{Table(), {}, CommitMode::kAppend, {}};
  input.removed_files = {File("f3", 10).file_path};
  input.live_files = &fresh;
  ASSERT_TRUE(Commit(std::move(input)).ok());
  EXPECT_EQ(fresh.stats().manifest_lists_read, 1);
  EXPECT_LE(fresh.stats().manifests_read, 2);  // in list order: f4's manifest, then f3's
  EXPECT_EQ(Head().operation, "delete");
  EXPECT_EQ(Summary(summary::kDeletedDataFiles), "1");
  EXPECT_EQ(Summary(summary::kDeletedRecords), "10");
  EXPECT_EQ(Summary(summary::kTotalDataFiles), "4");
  EXPECT_EQ(Summary(summary::kTotalRecords), "40");
  const auto entries = Entries();
  EXPECT_EQ(entries.at(File("f3", 10).file_path), ManifestEntryStatus::kDeleted);
  EXPECT_EQ(entries.at(File("f0", 10).file_path), ManifestEntryStatus::kAdded);
  // The next commit drops the manifest without live files and reads nothing more.
  const int64_t read = fresh.stats().manifests_read;
  TableCommitInput next{Table(), {File("g", 1)}, CommitMode::kAppend, {}};
  next.live_files = &fresh;
  ASSERT_TRUE(Commit(std::move(next)).ok());
  EXPECT_EQ(fresh.stats().manifests_read, read);
  EXPECT_EQ(Entries().count(File("f3", 10).file_path), 0u);
}

TEST_P(LiveFilesTest, RemovingAFileThatIsNotLiveIsInvalid) {
  ASSERT_TRUE(Append({File("a", 10)}).ok());
  ASSERT_TRUE(Append({}, {}, {File("a", 10).file_path}).ok());
  Result<TableState> again = Append({}, {}, {File("a", 10).file_path});
  EXPECT_EQ(again.status().code(), StatusCode::kInvalidArgument) << again.status().ToString();
  EXPECT_EQ(Append({}, {}, {File("never", 1).file_path}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(LiveFilesTest, ADeleteIsReplacedByANewerOneForTheSameDataFile) {
  const DataFile a = File("a", 10);
  ASSERT_TRUE(Append({a}, {DeleteOf(a, "d1", 2)}).ok());
  EXPECT_EQ(Head().operation, "overwrite");  // a row delta: data and deletes
  if (version() >= 3) {
    // A second deletion vector without removing the first is refused.
    EXPECT_EQ(Append({}, {DeleteOf(a, "d2", 3)}).status().code(), StatusCode::kInvalidArgument);
  }
  const DataFile d1 = DeleteOf(a, "d1", 2);
  ASSERT_TRUE(Append({}, {DeleteOf(a, "d2", 3)}, {d1.file_path}).ok());
  EXPECT_EQ(Head().operation, "delete");
  EXPECT_EQ(Summary(summary::kRemovedDeleteFiles), "1");
  EXPECT_EQ(Summary(summary::kTotalDeleteFiles), "1");
  EXPECT_EQ(Summary(summary::kTotalPositionDeletes), "3");
  EXPECT_EQ(Summary(version() >= 3 ? summary::kRemovedDvs : summary::kRemovedPositionDeleteFiles),
            "1");
  EXPECT_EQ(Entries().at(d1.file_path), ManifestEntryStatus::kDeleted);
}

TEST_P(LiveFilesTest, RemovingADataFileRemovesTheDeletesReferencingIt) {
  const DataFile a = File("a", 10), b = File("b", 5);
  ASSERT_TRUE(Append({a, b}, {DeleteOf(a, "da", 2), DeleteOf(b, "db", 1)}).ok());
  // TRUNCATE a, then insert c: one overwrite commit.
  ASSERT_TRUE(Append({File("c", 4)}, {}, {a.file_path}).ok());
  EXPECT_EQ(Head().operation, "overwrite");
  EXPECT_EQ(Summary(summary::kDeletedDataFiles), "1");
  EXPECT_EQ(Summary(summary::kRemovedDeleteFiles), "1");
  EXPECT_EQ(Summary(summary::kTotalDataFiles), "2");
  EXPECT_EQ(Summary(summary::kTotalRecords), "9");
  EXPECT_EQ(Summary(summary::kTotalDeleteFiles), "1");
  EXPECT_EQ(Summary(summary::kTotalPositionDeletes), "1");
  const auto entries = Entries();
  EXPECT_EQ(entries.at(DeleteOf(a, "da", 2).file_path), ManifestEntryStatus::kDeleted);
  EXPECT_EQ(entries.at(DeleteOf(b, "db", 1).file_path), ManifestEntryStatus::kExisting);
  EXPECT_EQ(entries.at(b.file_path), ManifestEntryStatus::kExisting);
}

TEST_P(LiveFilesTest, ARewriteIsAReplace) {
  ASSERT_TRUE(Append({File("a", 10)}).ok());
  ASSERT_TRUE(Append({File("b", 5)}).ok());
  TableCommitInput compact{Table(), {File("ab", 15)}, CommitMode::kAppend, {}};
  compact.removed_files = {File("a", 10).file_path, File("b", 5).file_path};
  compact.rewrite = true;
  ASSERT_TRUE(Commit(std::move(compact)).ok());
  EXPECT_EQ(Head().operation, "replace");
  EXPECT_EQ(Summary(summary::kTotalRecords), "15");
  EXPECT_EQ(Summary(summary::kTotalDataFiles), "1");
}

TEST_P(LiveFilesTest, ReplaceAllRemovesEveryLiveFile) {
  const DataFile a = File("a", 10);
  ASSERT_TRUE(Append({a}, {DeleteOf(a, "da", 2)}).ok());
  TableCommitInput replace{Table(), {File("fresh", 3)}, CommitMode::kReplaceAll, {}};
  ASSERT_TRUE(Commit(std::move(replace)).ok());
  EXPECT_EQ(Head().operation, "overwrite");
  EXPECT_EQ(Summary(summary::kTotalDataFiles), "1");
  EXPECT_EQ(Summary(summary::kTotalRecords), "3");
  EXPECT_EQ(Summary(summary::kTotalDeleteFiles), "0");
  EXPECT_EQ(Entries().at(a.file_path), ManifestEntryStatus::kDeleted);
}

TEST_P(LiveFilesTest, AnotherWritersCommitRebuildsTheModel) {
  ASSERT_TRUE(Append({File("a", 10)}).ok());
  TableCommitInput theirs{Table(), {File("theirs", 1)}, CommitMode::kAppend, {}};
  LiveFiles other;
  theirs.live_files = &other;
  ASSERT_TRUE(Commit(std::move(theirs)).ok());
  ASSERT_TRUE(Append({}, {}, {File("theirs", 1).file_path}).ok());
  EXPECT_EQ(live_.stats().rebuilds, 2);
  EXPECT_EQ(Summary(summary::kTotalDataFiles), "1");
}

TEST_P(LiveFilesTest, TheBoundDropsCachedEntriesBetweenCommits) {
  LiveFiles bounded(LiveFilesOptions{.cached_entries_max = 1});
  for (int i = 0; i < 3; ++i) {
    TableCommitInput input{Table(), {File("f" + std::to_string(i), 1)}, CommitMode::kAppend, {}};
    input.live_files = &bounded;
    ASSERT_TRUE(Commit(std::move(input)).ok());
    EXPECT_LE(bounded.cached_entries(), 1);
  }
  TableCommitInput remove{Table(), {}, CommitMode::kAppend, {}};
  remove.removed_files = {File("f0", 1).file_path};
  remove.live_files = &bounded;
  ASSERT_TRUE(Commit(std::move(remove)).ok());
  EXPECT_EQ(Summary(summary::kTotalDataFiles), "2");
}

TEST_P(LiveFilesTest, AFailedCommitLeavesTheModelUsable) {
  ASSERT_TRUE(Append({File("a", 10)}).ok());
  catalog_.fail_commits_with = Status::OutcomeUnknown("reply lost");
  EXPECT_EQ(Append({File("b", 1)}).status().code(), StatusCode::kOutcomeUnknown);
  catalog_.fail_commits_with = Status::Ok();
  ASSERT_TRUE(Append({File("c", 1)}).ok());
  EXPECT_EQ(live_.stats().rebuilds, 2);  // forgotten after the unknown outcome
  EXPECT_EQ(Summary(summary::kTotalDataFiles), "2");
}

INSTANTIATE_TEST_SUITE_P(FormatVersions, LiveFilesTest, ::testing::Values(2, 3));

}  // namespace
}  // namespace pg2iceberg::iceberg
