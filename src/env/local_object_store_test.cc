#include "env/local_object_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "env/default_object_store_opener.h"
#include "env/local_object_store_test_util.h"
#include "env/posix_file.h"
#include "env/system_random.h"

namespace pg2iceberg {
namespace {

std::string Text(const Bytes& bytes) { return std::string(AsStringView(bytes)); }

class LocalObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenStoreInTempDir("pg2i-local-store", random_, &dir_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Status Put(std::string_view key, std::string_view data, bool if_none_match = false) {
    return store_->Put(key, AsBytes(data), PutOptions{.if_none_match = if_none_match});
  }
  std::vector<std::string> ListKeys(std::string_view prefix) {
    auto listed = store_->List(prefix);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    std::vector<std::string> keys;
    if (listed.ok()) {
      for (const ObjectInfo& info : *listed) keys.push_back(info.key);
    }
    return keys;
  }

  SystemRandom random_;
  std::string dir_;
  std::unique_ptr<LocalObjectStore> store_;
};

TEST_F(LocalObjectStoreTest, PutThenGetReturnsTheBytes) {
  ASSERT_TRUE(Put("t/data/a.parquet", "hello").ok());
  auto got = store_->Get("t/data/a.parquet");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Text(*got), "hello");
}

TEST_F(LocalObjectStoreTest, PutReplacesAnExistingObject) {
  ASSERT_TRUE(Put("k", "first").ok());
  ASSERT_TRUE(Put("k", "second").ok());
  EXPECT_EQ(Text(*store_->Get("k")), "second");
}

TEST_F(LocalObjectStoreTest, EmptyObjectRoundTrips) {
  ASSERT_TRUE(Put("empty", "").ok());
  EXPECT_EQ(store_->Get("empty")->size(), 0u);
  EXPECT_EQ(store_->Head("empty")->size_bytes, 0u);
}

TEST_F(LocalObjectStoreTest, GetOfMissingKeyIsNotFound) {
  EXPECT_EQ(store_->Get("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Head("a/nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetRange("nope", 0, 1).status().code(), StatusCode::kNotFound);
}

TEST_F(LocalObjectStoreTest, GetRangeReadsTheSliceAndShortensAtTheEnd) {
  ASSERT_TRUE(Put("r", "0123456789").ok());
  EXPECT_EQ(Text(*store_->GetRange("r", 2, 3)), "234");
  EXPECT_EQ(Text(*store_->GetRange("r", 8, 100)), "89");
  EXPECT_EQ(Text(*store_->GetRange("r", 10, 5)), "");
  EXPECT_EQ(Text(*store_->GetRange("r", 99, 5)), "");
  EXPECT_EQ(Text(*store_->GetRange("r", 0, UINT64_MAX)), "0123456789");
}

TEST_F(LocalObjectStoreTest, HeadReportsSize) {
  ASSERT_TRUE(Put("a/b/c", "12345").ok());
  auto info = store_->Head("a/b/c");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->key, "a/b/c");
  EXPECT_EQ(info->size_bytes, 5u);
}

TEST_F(LocalObjectStoreTest, ADirectoryIsNotAnObject) {
  ASSERT_TRUE(Put("dir/file", "x").ok());
  EXPECT_EQ(store_->Get("dir").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Head("dir").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("dir/file/below").status().code(), StatusCode::kNotFound);
}

TEST_F(LocalObjectStoreTest, ListIsRecursiveSortedAndPrefixFiltered) {
  for (const char* key : {"t/meta/v2.json", "t/data/b", "t/data/a", "t/data/sub/c", "u/x", "t0"}) {
    ASSERT_TRUE(Put(key, key).ok()) << key;
  }
  EXPECT_EQ(ListKeys(""), (std::vector<std::string>{"t/data/a", "t/data/b", "t/data/sub/c",
                                                    "t/meta/v2.json", "t0", "u/x"}));
  EXPECT_EQ(ListKeys("t/"),
            (std::vector<std::string>{"t/data/a", "t/data/b", "t/data/sub/c", "t/meta/v2.json"}));
  EXPECT_EQ(ListKeys("t"), (std::vector<std::string>{"t/data/a", "t/data/b", "t/data/sub/c",
                                                     "t/meta/v2.json", "t0"}));
  EXPECT_EQ(ListKeys("t/data/s"), (std::vector<std::string>{"t/data/sub/c"}));
  EXPECT_EQ(ListKeys("t/data/a"), (std::vector<std::string>{"t/data/a"}));
  EXPECT_TRUE(ListKeys("missing/").empty());
  auto listed = store_->List("u/");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].size_bytes, 3u);
}

TEST_F(LocalObjectStoreTest, ListSkipsInProgressTempFiles) {
  ASSERT_TRUE(Put("t/a", "x").ok());
  std::ofstream(dir_ + "/wh/t/.pg2i-tmp-0123456789abcdef") << "partial";
  EXPECT_EQ(ListKeys("t/"), (std::vector<std::string>{"t/a"}));
  EXPECT_EQ(store_->Get("t/.pg2i-tmp-0123456789abcdef").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(LocalObjectStoreTest, PutLeavesNoTempFilesBehind) {
  ASSERT_TRUE(Put("t/a", "x").ok());
  ASSERT_TRUE(Put("t/a", "y").ok());
  ASSERT_EQ(Put("t/a", "z", /*if_none_match=*/true).code(), StatusCode::kConflict);
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/wh/t")) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(LocalObjectStoreTest, DeleteRemovesObjectsAndIgnoresMissingOnes) {
  ASSERT_TRUE(Put("t/data/a", "x").ok());
  ASSERT_TRUE(Put("t/meta/b", "y").ok());
  ASSERT_TRUE(store_->Delete({"t/data/a", "t/data/never", "zzz"}).ok());
  EXPECT_EQ(store_->Get("t/data/a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ListKeys(""), (std::vector<std::string>{"t/meta/b"}));
  // The emptied directory is gone; its non-empty sibling and the root stay.
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/wh/t/data"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/wh/t/meta"));
  ASSERT_TRUE(store_->Delete({"t/meta/b"}).ok());
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/wh"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/wh/t"));
}

TEST_F(LocalObjectStoreTest, IfNoneMatchCreatesOnceThenConflicts) {
  ASSERT_TRUE(Put("v1.json", "one", true).ok());
  const Status second = Put("v1.json", "two", true);
  EXPECT_EQ(second.code(), StatusCode::kConflict) << second.ToString();
  EXPECT_EQ(Text(*store_->Get("v1.json")), "one");
}

TEST_F(LocalObjectStoreTest, ExactlyOneConcurrentIfNoneMatchWriterWins) {
  for (int round = 0; round < 20; ++round) {
    const std::string key = "t/metadata/v" + std::to_string(round) + ".json";
    constexpr int kWriters = 8;
    std::atomic<int> winners = 0;
    std::atomic<int> conflicts = 0;
    std::atomic<bool> go = false;
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
      threads.emplace_back([&, w] {
        while (!go.load()) std::this_thread::yield();
        const Status status = Put(key, "writer " + std::to_string(w), true);
        if (status.ok()) ++winners;
        if (status.code() == StatusCode::kConflict) ++conflicts;
      });
    }
    go = true;
    for (std::thread& thread : threads) thread.join();
    ASSERT_EQ(winners.load(), 1) << key;
    ASSERT_EQ(conflicts.load(), kWriters - 1) << key;
    EXPECT_EQ(Text(*store_->Get(key)).rfind("writer ", 0), 0u);
  }
}

TEST_F(LocalObjectStoreTest, BadKeysAreInvalidArgument) {
  for (const char* key : {"", "/abs", "a/../b", "..", "a/./b", "a//b", "trailing/"}) {
    EXPECT_EQ(Put(key, "x").code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->Get(key).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->Delete({key}).code(), StatusCode::kInvalidArgument) << key;
  }
  EXPECT_EQ(Put(std::string("nul\0byte", 8), "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->List("../").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->List("/t").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->List("a..b").ok());
  EXPECT_TRUE(Put("a..b/c..d", "dots inside names are fine").ok());
}

TEST_F(LocalObjectStoreTest, KeyUnderAnObjectIsInvalidArgument) {
  ASSERT_TRUE(Put("a", "file").ok());
  EXPECT_EQ(Put("a/b", "x").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(Put("d/e", "x").ok());
  EXPECT_EQ(Put("d", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Put("d", "x", true).code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalObjectStoreTest, LocationRoundTrips) {
  const std::string location = store_->Location("t/data/a.parquet");
  EXPECT_EQ(location, "file://" + dir_ + "/wh/t/data/a.parquet");
  EXPECT_EQ(*store_->KeyForLocation(location), "t/data/a.parquet");
  EXPECT_EQ(*store_->KeyForLocation("file:" + dir_ + "/wh/x/y"), "x/y");
  EXPECT_EQ(*store_->KeyForLocation(dir_ + "/wh/x/y"), "x/y");
}

TEST_F(LocalObjectStoreTest, KeyForLocationOutsideRootIsInvalidArgument) {
  EXPECT_EQ(store_->KeyForLocation("file:///elsewhere/x").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->KeyForLocation("file://" + dir_ + "/whx/y").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->KeyForLocation("file://" + dir_ + "/wh/../y").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->KeyForLocation("s3://bucket/wh/x").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(LocalObjectStoreTest, UnwritableDirectoryIsInvalidArgument) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  ASSERT_TRUE(Put("ro/a", "x").ok());
  ASSERT_EQ(chmod((dir_ + "/wh/ro").c_str(), 0555), 0);
  EXPECT_EQ(Put("ro/b", "x").code(), StatusCode::kInvalidArgument);
  chmod((dir_ + "/wh/ro").c_str(), 0755);
}

TEST(PosixErrnoTest, ErrnoMapsToTheDocumentedCodes) {
  using internal::ErrnoStatus;
  EXPECT_EQ(ErrnoStatus(ENOENT, "open", "/p").code(), StatusCode::kNotFound);
  EXPECT_EQ(ErrnoStatus(EACCES, "open", "/p").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrnoStatus(EIO, "read", "/p").code(), StatusCode::kInternal);
  const Status full = ErrnoStatus(ENOSPC, "write", "/wh/x");
  EXPECT_EQ(full.code(), StatusCode::kInternal);
  EXPECT_EQ(full.message(), "disk full: write /wh/x: No space left on device");
  EXPECT_EQ(ErrnoStatus(EDQUOT, "write", "/wh/x").message().rfind("disk full: ", 0), 0u);
}

TEST(LocalObjectStoreOpenTest, RelativeRootIsInvalidArgument) {
  SystemRandom random;
  EXPECT_EQ(LocalObjectStore::Open("relative/wh", random).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LocalObjectStore::Open("/tmp/../etc", random).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(LocalObjectStoreOpenTest, RootIsNormalized) {
  EXPECT_EQ(*NormalizeLocalRoot("/a//b/"), "/a/b");
  EXPECT_EQ(*NormalizeLocalRoot("/"), "");
}

TEST(DefaultObjectStoreOpenerTest, OpensFileUrisAndCreatesTheRoot) {
  char pattern[] = "/tmp/pg2i-opener-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  SystemRandom random;
  DefaultObjectStoreOpener opener(random);
  auto store = opener.Open("file://" + dir + "/new/warehouse/");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE(std::filesystem::is_directory(dir + "/new/warehouse"));
  ASSERT_TRUE((*store)->Put("k", AsBytes("v"), {}).ok());
  EXPECT_EQ((*store)->Location("k"), "file://" + dir + "/new/warehouse/k");
  std::filesystem::remove_all(dir);
}

TEST(DefaultObjectStoreOpenerTest, RejectsS3AndOtherSchemes) {
  SystemRandom random;
  DefaultObjectStoreOpener opener(random);
  const Status s3 = opener.Open("s3://bucket/wh").status();
  EXPECT_EQ(s3.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s3.message().find("s3:// stores are opened with the S3 client"), std::string::npos);
  const Status other = opener.Open("gs://bucket/wh").status();
  EXPECT_EQ(other.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(other.message().find("gs://bucket/wh"), std::string::npos);
  EXPECT_EQ(opener.Open("file://host/wh").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(opener.Open("file:relative").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg
