// The ObjectStore contract as a typed GoogleTest suite, run against every implementation: the
// real ones (LocalObjectStore on a temp directory, S3ObjectStore on moto) and the fakes
// (MemoryObjectStore, FaultyObjectStore with no faults). A fake that passes it behaves like the
// real stores wherever they agree, and refuses what either refuses where they do not.
//
// Instantiate with a harness type per store:
//
//   struct Harness {
//     static constexpr ObjectStoreQuirks kQuirks = {...};
//     void Open();            // opens a fresh, empty store; fails the test (ASSERT/FAIL) if not
//     ObjectStore& store();
//   };
//   using Stores = ::testing::Types<Harness>;
//   INSTANTIATE_TYPED_TEST_SUITE_P(Name, ObjectStoreContractTest, Stores);
//
// The harness is constructed per test and destroyed after it (remove temp files there).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "env/object_store.h"
#include "env/random.h"

namespace pg2iceberg {

// Where the real stores disagree. Each field is true when the store refuses (kInvalidArgument)
// a key the other real store accepts; a fake sets all of them.
struct ObjectStoreQuirks {
  // Names starting with ".pg2i-tmp-" (LocalObjectStore's temp files); a fake refuses them as
  // directory names too.
  bool reserves_local_temp_names = false;
  // Accepts a key under a directory named like a temp file (".pg2i-tmp-d/a") and reads it back,
  // but List skips the directory while walking from above it: List("") omits the object,
  // List(".pg2i-tmp-d/") shows it (LocalObjectStore).
  bool hides_objects_in_temp_named_directories = false;
  // A key component longer than 255 bytes (a file system's NAME_MAX).
  bool refuses_long_components = false;
  // A key longer than 1024 bytes (S3's limit).
  bool refuses_long_keys = false;
  // A key or List prefix that is not well-formed UTF-8.
  bool refuses_non_utf8_keys = false;
  // Stores such a key as another (moto replaces each bad byte with U+FFFD): List names a key
  // never written, two keys can name one object, DeleteObjects of the key fails (HTTP 500,
  // retried until the deadline; not pinned here, it takes the whole retry budget), and a List
  // prefix that ends inside a character finds nothing.
  bool alters_non_utf8_keys = false;
  // "a/b" when object "a" exists, and "d" when "d/e" exists (a file is not a directory).
  bool refuses_file_directory_collisions = false;
};

inline constexpr ObjectStoreQuirks kLocalQuirks = {.reserves_local_temp_names = true,
                                                   .hides_objects_in_temp_named_directories = true,
                                                   .refuses_long_components = true,
                                                   .refuses_file_directory_collisions = true};
inline constexpr ObjectStoreQuirks kStrictestQuirks = {.reserves_local_temp_names = true,
                                                       .refuses_long_components = true,
                                                       .refuses_long_keys = true,
                                                       .refuses_non_utf8_keys = true,
                                                       .refuses_file_directory_collisions = true};

template <typename Harness>
class ObjectStoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(harness_.Open());
    store_ = &harness_.store();
  }

  Status Put(std::string_view key, std::string_view data, bool if_none_match = false) {
    return store_->Put(key, AsBytes(data), PutOptions{.if_none_match = if_none_match});
  }
  // The object's text, or "<error: …>" so a failure shows in the comparison.
  std::string Text(std::string_view key) { return TextOf(store_->Get(key)); }
  std::string RangeText(std::string_view key, uint64_t offset, uint64_t length) {
    return TextOf(store_->GetRange(key, offset, length));
  }
  std::vector<std::string> ListKeys(std::string_view prefix) {
    Result<std::vector<ObjectInfo>> listed = store_->List(prefix);
    EXPECT_TRUE(listed.ok()) << prefix << ": " << listed.status().ToString();
    std::vector<std::string> keys;
    if (listed.ok()) {
      for (const ObjectInfo& info : *listed) keys.push_back(info.key);
    }
    return keys;
  }
  // Puts `key` and expects kInvalidArgument when `refused`, else a stored object.
  void ExpectPutRefusedIf(bool refused, const std::string& key) {
    const Status put = Put(key, "x");
    if (refused) {
      EXPECT_EQ(put.code(), StatusCode::kInvalidArgument) << key << ": " << put.ToString();
    } else {
      ASSERT_TRUE(put.ok()) << key << ": " << put.ToString();
      EXPECT_EQ(Text(key), "x") << key;
    }
  }

  static std::string TextOf(const Result<Bytes>& bytes) {
    if (!bytes.ok()) return "<error: " + bytes.status().ToString() + ">";
    return std::string(AsStringView(*bytes));
  }

  Harness harness_;
  ObjectStore* store_ = nullptr;
};

TYPED_TEST_SUITE_P(ObjectStoreContractTest);

TYPED_TEST_P(ObjectStoreContractTest, PutThenGetReturnsTheBytesAndPutReplaces) {
  ASSERT_TRUE(this->Put("t/data/a.parquet", "hello").ok());
  EXPECT_EQ(this->Text("t/data/a.parquet"), "hello");
  ASSERT_TRUE(this->Put("t/data/a.parquet", "replaced").ok());
  EXPECT_EQ(this->Text("t/data/a.parquet"), "replaced");
  ASSERT_TRUE(this->Put("t/empty", "").ok());
  EXPECT_EQ(this->Text("t/empty"), "");
}

TYPED_TEST_P(ObjectStoreContractTest, IfNoneMatchCreatesOnceThenConflicts) {
  ASSERT_TRUE(this->Put("t/v1.json", "first", true).ok());
  const Status second = this->Put("t/v1.json", "second", true);
  EXPECT_EQ(second.code(), StatusCode::kConflict) << second.ToString();
  EXPECT_EQ(this->Text("t/v1.json"), "first");
  // An unconditional Put still replaces; a deleted key can be created again.
  ASSERT_TRUE(this->Put("t/v1.json", "replaced").ok());
  EXPECT_EQ(this->Text("t/v1.json"), "replaced");
  ASSERT_TRUE(this->store_->Delete({"t/v1.json"}).ok());
  ASSERT_TRUE(this->Put("t/v1.json", "again", true).ok());
  EXPECT_EQ(this->Text("t/v1.json"), "again");
}

TYPED_TEST_P(ObjectStoreContractTest, ExactlyOneConcurrentIfNoneMatchWriterWins) {
  constexpr int kWriters = 8;
  for (int round = 0; round < 3; ++round) {
    const std::string key = "race/v" + std::to_string(round) + ".json";
    std::vector<Status> results(kWriters);
    std::atomic<bool> go = false;
    std::vector<std::thread> writers;
    for (int i = 0; i < kWriters; ++i) {
      writers.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        results[i] = this->Put(key, "writer " + std::to_string(i), true);
      });
    }
    go = true;
    for (std::thread& writer : writers) writer.join();
    int winners = 0;
    std::string winner_text;
    for (int i = 0; i < kWriters; ++i) {
      if (results[i].ok()) {
        ++winners;
        winner_text = "writer " + std::to_string(i);
      } else {
        EXPECT_EQ(results[i].code(), StatusCode::kConflict) << results[i].ToString();
      }
    }
    EXPECT_EQ(winners, 1) << key;
    EXPECT_EQ(this->Text(key), winner_text);
  }
}

TYPED_TEST_P(ObjectStoreContractTest, MissingKeysAreNotFound) {
  ASSERT_TRUE(this->Put("dir/file", "x").ok());
  for (const char* key : {"nope", "dir/nope", "dir", "dir/file/below"}) {
    EXPECT_EQ(this->store_->Get(key).status().code(), StatusCode::kNotFound) << key;
    EXPECT_EQ(this->store_->Head(key).status().code(), StatusCode::kNotFound) << key;
    EXPECT_EQ(this->store_->GetRange(key, 0, 4).status().code(), StatusCode::kNotFound) << key;
    // Even a zero-length range needs the object.
    EXPECT_EQ(this->store_->GetRange(key, 0, 0).status().code(), StatusCode::kNotFound) << key;
  }
}

TYPED_TEST_P(ObjectStoreContractTest, HeadReportsKeyAndSize) {
  ASSERT_TRUE(this->Put("a/b/c", "12345").ok());
  ASSERT_TRUE(this->Put("a/empty", "").ok());
  Result<ObjectInfo> info = this->store_->Head("a/b/c");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->key, "a/b/c");
  EXPECT_EQ(info->size_bytes, 5u);
  Result<ObjectInfo> empty = this->store_->Head("a/empty");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->size_bytes, 0u);
}

TYPED_TEST_P(ObjectStoreContractTest, GetRangeIsShorterAtTheEndAndEmptyPastIt) {
  ASSERT_TRUE(this->Put("r", "0123456789").ok());
  EXPECT_EQ(this->RangeText("r", 2, 3), "234");
  EXPECT_EQ(this->RangeText("r", 0, 10), "0123456789");
  EXPECT_EQ(this->RangeText("r", 9, 1), "9");
  EXPECT_EQ(this->RangeText("r", 8, 100), "89");
  EXPECT_EQ(this->RangeText("r", 10, 5), "");
  EXPECT_EQ(this->RangeText("r", 99, 5), "");
  EXPECT_EQ(this->RangeText("r", 3, 0), "");
  EXPECT_EQ(this->RangeText("r", 99, 0), "");
  EXPECT_EQ(this->RangeText("r", 0, UINT64_MAX), "0123456789");
  EXPECT_EQ(this->RangeText("r", 7, UINT64_MAX), "789");  // offset + length overflows
  EXPECT_EQ(this->RangeText("r", UINT64_MAX, 1), "");
  ASSERT_TRUE(this->Put("e", "").ok());
  EXPECT_EQ(this->RangeText("e", 0, 10), "");
  EXPECT_EQ(this->RangeText("e", 0, 0), "");
}

TYPED_TEST_P(ObjectStoreContractTest, ListFiltersByPrefixAndSortsByKeyBytes) {
  // "t/data/sub/c" sorts after "t/data/b" although a directory walk meets it elsewhere; "é"
  // (0xC3 0xA9) sorts after "z" as unsigned bytes; '-' (0x2D) sorts before '/' (0x2F).
  for (const char* key : {"t/meta/v2.json", "t/data/b", "t/data/a", "t/data/sub/c", "u/x", "t0",
                          "t-", "t/data/z", "t/data/\xC3\xA9", "T/upper"}) {
    ASSERT_TRUE(this->Put(key, key).ok()) << key;
  }
  EXPECT_EQ(this->ListKeys(""), (std::vector<std::string>{
                                    "T/upper", "t-", "t/data/a", "t/data/b", "t/data/sub/c",
                                    "t/data/z", "t/data/\xC3\xA9", "t/meta/v2.json", "t0", "u/x"}));
  EXPECT_EQ(this->ListKeys("t/"),
            (std::vector<std::string>{"t/data/a", "t/data/b", "t/data/sub/c", "t/data/z",
                                      "t/data/\xC3\xA9", "t/meta/v2.json"}));
  EXPECT_EQ(this->ListKeys("t/data/s"), (std::vector<std::string>{"t/data/sub/c"}));
  EXPECT_EQ(this->ListKeys("t/data/a"), (std::vector<std::string>{"t/data/a"}));
  EXPECT_TRUE(this->ListKeys("missing/").empty());
  EXPECT_TRUE(this->ListKeys("t/data/sub/c/").empty());
}

TYPED_TEST_P(ObjectStoreContractTest, ListOfAnEmptyStoreIsEmptyAndReportsSizes) {
  EXPECT_TRUE(this->ListKeys("").empty());
  EXPECT_TRUE(this->ListKeys("t/").empty());
  ASSERT_TRUE(this->Put("s/three", "abc").ok());
  ASSERT_TRUE(this->Put("s/zero", "").ok());
  Result<std::vector<ObjectInfo>> listed = this->store_->List("s/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "s/three");
  EXPECT_EQ((*listed)[0].size_bytes, 3u);
  EXPECT_EQ((*listed)[1].key, "s/zero");
  EXPECT_EQ((*listed)[1].size_bytes, 0u);
}

TYPED_TEST_P(ObjectStoreContractTest, DeleteRemovesObjectsAndIgnoresMissingOnes) {
  ASSERT_TRUE(this->Put("t/data/a", "x").ok());
  ASSERT_TRUE(this->Put("t/meta/b", "y").ok());
  ASSERT_TRUE(this->store_->Delete({"t/data/a", "t/data/never", "zzz"}).ok());
  EXPECT_EQ(this->store_->Get("t/data/a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(this->ListKeys(""), (std::vector<std::string>{"t/meta/b"}));
  // A "directory" is no object: deleting it is deleting nothing.
  ASSERT_TRUE(this->store_->Delete({"t/meta", "t"}).ok());
  EXPECT_EQ(this->Text("t/meta/b"), "y");
  ASSERT_TRUE(this->store_->Delete({}).ok());
  ASSERT_TRUE(this->store_->Delete({"t/meta/b", "t/meta/b"}).ok());
  EXPECT_TRUE(this->ListKeys("").empty());
}

TYPED_TEST_P(ObjectStoreContractTest, BadKeysAreInvalidArgument) {
  ObjectStore& store = *this->store_;
  const std::string nul("nul\0byte", 8);
  for (const char* key :
       {"", "/abs", "a/../b", "..", ".", "a/./b", "a//b", "trailing/", "a/..", "./a"}) {
    EXPECT_EQ(this->Put(key, "x").code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(this->Put(key, "x", true).code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store.Get(key).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store.GetRange(key, 0, 1).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store.Head(key).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store.Delete({key}).code(), StatusCode::kInvalidArgument) << key;
  }
  EXPECT_EQ(this->Put(nul, "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.Get(nul).status().code(), StatusCode::kInvalidArgument);
  // One bad key fails the whole batch before anything is deleted.
  ASSERT_TRUE(this->Put("keep", "x").ok());
  EXPECT_EQ(store.Delete({"keep", "a/../b"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(this->Text("keep"), "x");
  for (const std::string& prefix :
       std::vector<std::string>{"../", "/t", "a//b", "a/./", std::string("n\0l", 3)}) {
    EXPECT_EQ(store.List(prefix).status().code(), StatusCode::kInvalidArgument) << prefix;
  }
  // Dots inside names are only names.
  EXPECT_TRUE(store.List("a..b").ok());
  EXPECT_TRUE(store.List("t/..x").ok());
  ASSERT_TRUE(this->Put("a..b/c..d", "dots").ok());
  ASSERT_TRUE(this->Put(".hidden/...", "dots").ok());
  EXPECT_EQ(this->Text("a..b/c..d"), "dots");
  EXPECT_EQ(this->Text(".hidden/..."), "dots");
}

TYPED_TEST_P(ObjectStoreContractTest, KeysWithSpacesAndUnicodeRoundTrip) {
  const std::string key = "odd/a b+c&d=e%f~\xC3\xA9 <x>'\"$.txt";
  ASSERT_TRUE(this->Put(key, "odd").ok());
  EXPECT_EQ(this->Text(key), "odd");
  EXPECT_EQ(this->ListKeys("odd/a b+c&"), std::vector<std::string>{key});
  ASSERT_TRUE(this->store_->Delete({key}).ok());
  EXPECT_EQ(this->store_->Head(key).status().code(), StatusCode::kNotFound);
}

// Where the real stores disagree, each store's own answer is pinned by its quirks.
TYPED_TEST_P(ObjectStoreContractTest, KeysOnlySomeStoresRefuse) {
  constexpr ObjectStoreQuirks kQuirks = TypeParam::kQuirks;
  this->ExpectPutRefusedIf(kQuirks.reserves_local_temp_names, "t/.pg2i-tmp-0123456789abcdef");
  this->ExpectPutRefusedIf(
      kQuirks.reserves_local_temp_names && !kQuirks.hides_objects_in_temp_named_directories,
      ".pg2i-tmp-d/a");
  if (!kQuirks.reserves_local_temp_names || kQuirks.hides_objects_in_temp_named_directories) {
    const std::vector<std::string> all = this->ListKeys("");
    EXPECT_EQ(std::count(all.begin(), all.end(), ".pg2i-tmp-d/a"),
              kQuirks.hides_objects_in_temp_named_directories ? 0 : 1);
    // A prefix that starts inside the directory finds it everywhere.
    EXPECT_EQ(this->ListKeys(".pg2i-tmp-d/"), std::vector<std::string>{".pg2i-tmp-d/a"});
  }
  this->ExpectPutRefusedIf(kQuirks.refuses_long_components, "long/" + std::string(256, 'c'));
  // 1029 bytes, no component over 255.
  std::string long_key;
  for (int i = 0; i < 5; ++i) long_key += (i == 0 ? "" : "/") + std::string(205, 'k');
  this->ExpectPutRefusedIf(kQuirks.refuses_long_keys, long_key);
  // A 255-byte component is fine everywhere.
  this->ExpectPutRefusedIf(false, "ok/" + std::string(255, 'c'));
}

TYPED_TEST_P(ObjectStoreContractTest, NonUtf8KeysOnlySomeStoresRefuseOrKeep) {
  constexpr ObjectStoreQuirks kQuirks = TypeParam::kQuirks;
  // A lone lead byte, a stray continuation byte, a byte never in UTF-8, an overlong '/'.
  const std::vector<std::string> keys = {"bad/\xC3x", "bad/\x80", "bad/\xFF", "bad/\xC0\xAF"};
  for (size_t i = 0; i < keys.size(); ++i) {
    const Status put = this->Put(keys[i], "object " + std::to_string(i));
    EXPECT_EQ(put.code(),
              kQuirks.refuses_non_utf8_keys ? StatusCode::kInvalidArgument : StatusCode::kOk)
        << put.ToString();
  }
  if (!kQuirks.refuses_non_utf8_keys) {
    const std::vector<std::string> listed = this->ListKeys("bad/");
    for (size_t i = 0; i < keys.size(); ++i) {
      EXPECT_EQ(std::count(listed.begin(), listed.end(), keys[i]),
                kQuirks.alters_non_utf8_keys ? 0 : 1)
          << keys[i];
    }
    if (kQuirks.alters_non_utf8_keys) {
      // "\x80" and "\xFF" both became U+FFFD: the later write replaced the earlier object.
      EXPECT_EQ(this->Text("bad/\x80"), "object 2");
    } else {
      for (size_t i = 0; i < keys.size(); ++i) {
        EXPECT_EQ(this->Text(keys[i]), "object " + std::to_string(i));
      }
      EXPECT_TRUE(this->store_->Delete(keys).ok());
    }
  }
  // A prefix that ends inside "\xC3\xA9" (é).
  ASSERT_TRUE(this->Put("u/\xC3\xA9", "e").ok());
  Result<std::vector<ObjectInfo>> partial = this->store_->List("u/\xC3");
  if (kQuirks.refuses_non_utf8_keys) {
    EXPECT_EQ(partial.status().code(), StatusCode::kInvalidArgument);
  } else {
    ASSERT_TRUE(partial.ok()) << partial.status().ToString();
    EXPECT_EQ(partial->size(), kQuirks.alters_non_utf8_keys ? 0u : 1u);
  }
}

TYPED_TEST_P(ObjectStoreContractTest, AKeyUnderAnObjectOnlySomeStoresRefuse) {
  constexpr bool kRefused = TypeParam::kQuirks.refuses_file_directory_collisions;
  ASSERT_TRUE(this->Put("file", "x").ok());
  this->ExpectPutRefusedIf(kRefused, "file/below");
  ASSERT_TRUE(this->Put("dir/child", "x").ok());
  EXPECT_EQ(this->Put("dir", "y", true).code(),
            kRefused ? StatusCode::kInvalidArgument : StatusCode::kOk);
  EXPECT_EQ(this->Text("dir/child"), "x");
}

TYPED_TEST_P(ObjectStoreContractTest, LargeObjectRoundTrips) {
  // 12 MiB: past the S3 harness's multipart threshold (8 MiB, 5 MiB parts).
  Bytes data(uint64_t{12} << 20);
  SeededRandom random(12);
  for (size_t i = 0; i < data.size(); i += 8) {
    const uint64_t word = random.Next64();
    std::memcpy(&data[i], &word, sizeof word);
  }
  ASSERT_TRUE(this->store_->Put("big/blob", data, {.if_none_match = true}).ok());
  Result<ObjectInfo> info = this->store_->Head("big/blob");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size_bytes, data.size());
  Result<Bytes> back = this->store_->Get("big/blob");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == data);
  const uint64_t boundary = uint64_t{5} << 20;
  Result<Bytes> slice = this->store_->GetRange("big/blob", boundary - 10, 20);
  ASSERT_TRUE(slice.ok()) << slice.status().ToString();
  ASSERT_EQ(slice->size(), 20u);
  EXPECT_TRUE(std::equal(slice->begin(), slice->end(), data.begin() + (boundary - 10)));
  Result<Bytes> tail = this->store_->GetRange("big/blob", data.size() - 3, 1000);
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  EXPECT_TRUE(std::equal(tail->begin(), tail->end(), data.end() - 3) && tail->size() == 3);
  EXPECT_EQ(this->store_->Put("big/blob", data, {.if_none_match = true}).code(),
            StatusCode::kConflict);
}

TYPED_TEST_P(ObjectStoreContractTest, LocationAndKeyForLocationAreInverse) {
  ObjectStore& store = *this->store_;
  for (const char* key : {"t/data/a.parquet", "k", "a b/\xC3\xA9.json", "t/metadata/v1.json"}) {
    const std::string location = store.Location(key);
    Result<std::string> back = store.KeyForLocation(location);
    ASSERT_TRUE(back.ok()) << location << ": " << back.status().ToString();
    EXPECT_EQ(*back, key);
  }
  // The store's root with no key, or with a key that climbs out, is outside the store.
  const std::string root = store.Location("x").substr(0, store.Location("x").size() - 1);
  for (const std::string& outside : std::vector<std::string>{root, root + "../x", root + "a//b",
                                                             root + "a/", "gopher://host/x", "x"}) {
    EXPECT_EQ(store.KeyForLocation(outside).status().code(), StatusCode::kInvalidArgument)
        << outside;
  }
}

REGISTER_TYPED_TEST_SUITE_P(ObjectStoreContractTest, PutThenGetReturnsTheBytesAndPutReplaces,
                            IfNoneMatchCreatesOnceThenConflicts,
                            ExactlyOneConcurrentIfNoneMatchWriterWins, MissingKeysAreNotFound,
                            HeadReportsKeyAndSize, GetRangeIsShorterAtTheEndAndEmptyPastIt,
                            ListFiltersByPrefixAndSortsByKeyBytes,
                            ListOfAnEmptyStoreIsEmptyAndReportsSizes,
                            DeleteRemovesObjectsAndIgnoresMissingOnes, BadKeysAreInvalidArgument,
                            KeysWithSpacesAndUnicodeRoundTrip, KeysOnlySomeStoresRefuse,
                            NonUtf8KeysOnlySomeStoresRefuseOrKeep,
                            AKeyUnderAnObjectOnlySomeStoresRefuse, LargeObjectRoundTrips,
                            LocationAndKeyForLocationAreInverse);

}  // namespace pg2iceberg
