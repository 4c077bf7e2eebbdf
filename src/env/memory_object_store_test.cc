// What the contract suite (object_store_contract_test.cc) cannot say generically about
// MemoryObjectStore: its location form and its exact key limits.
#include "env/memory_object_store.h"

#include <gtest/gtest.h>

namespace pg2iceberg {
namespace {

TEST(MemoryObjectStoreTest, LocationsNameTheStore) {
  MemoryObjectStore store("wh");
  EXPECT_EQ(store.Location("t/data/a.parquet"), "mem://wh/t/data/a.parquet");
  EXPECT_EQ(*store.KeyForLocation("mem://wh/t/a"), "t/a");
  for (const char* outside : {"mem://other/t/a", "mem://whx/t/a", "mem:/wh/t/a", "file:///wh/t/a",
                              "mem://wh", "mem://wh/.pg2i-tmp-1"}) {
    EXPECT_EQ(store.KeyForLocation(outside).status().code(), StatusCode::kInvalidArgument)
        << outside;
  }
}

TEST(MemoryObjectStoreTest, KeyLimitsAreTheRealStoresLimits) {
  MemoryObjectStore store("wh");
  std::string key_1024 = std::string(204, 'a');
  for (int i = 0; i < 4; ++i) key_1024 += "/" + std::string(204, 'a');
  ASSERT_EQ(key_1024.size(), 1024u);
  EXPECT_TRUE(store.Put(key_1024, AsBytes("x"), {}).ok());
  EXPECT_EQ(store.Put(key_1024 + "c", AsBytes("x"), {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.Get(std::string(256, 'a')).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.List(std::string(256, 'a') + "/").status().code(), StatusCode::kInvalidArgument);
  // A long last part of a prefix is matched against names, not opened as a directory.
  EXPECT_TRUE(store.List(std::string(300, 'a')).ok());
}

TEST(MemoryObjectStoreTest, KeysMustBeWellFormedUtf8) {
  MemoryObjectStore store("wh");
  for (const char* good : {"\x7F", "\xC2\x80", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                           "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBD"}) {
    EXPECT_TRUE(store.Put(std::string("k/") + good, AsBytes("x"), {}).ok()) << good;
  }
  // Overlong forms, surrogates, past U+10FFFF, truncated and stray bytes.
  for (const char* bad : {"\xC1\xBF", "\xE0\x9F\xBF", "\xF0\x8F\xBF\xBF", "\xED\xA0\x80",
                          "\xF4\x90\x80\x80", "\xE2\x82", "\xBF", "\xF8\x88\x80\x80\x80"}) {
    EXPECT_EQ(store.Put(std::string("k/") + bad, AsBytes("x"), {}).code(),
              StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(MemoryObjectStoreTest, ObjectsAreCopiedIn) {
  MemoryObjectStore store("wh");
  std::string data = "before";
  ASSERT_TRUE(store.Put("k", AsBytes(data), {}).ok());
  data = "after!";
  EXPECT_EQ(AsStringView(*store.Get("k")), "before");
}

}  // namespace
}  // namespace pg2iceberg
