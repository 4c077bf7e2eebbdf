#include "parquet/value_dictionary.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "parquet/test_bytes.h"

namespace pg2iceberg::parquet {
namespace {

using testing::B;
using testing::Hex;

template <typename T>
ByteSpan BytesOf(const T& value) {
  return ByteSpan(reinterpret_cast<const std::byte*>(&value), sizeof value);
}

constexpr size_t kNoCap = size_t{1} << 30;

TEST(ValueDictionary, EqualBytesShareAnIndexInFirstSeenOrder) {
  ValueDictionary dictionary(false);
  const int32_t a = 7, b = -1;
  EXPECT_EQ(dictionary.Insert(BytesOf(a), kNoCap), 0u);
  EXPECT_EQ(dictionary.Insert(BytesOf(b), kNoCap), 1u);
  EXPECT_EQ(dictionary.Insert(BytesOf(a), kNoCap), 0u);
  EXPECT_EQ(dictionary.size(), 2u);
  EXPECT_EQ(Hex(dictionary.page()), Hex(B({0x07, 0, 0, 0, 0xff, 0xff, 0xff, 0xff})));
  EXPECT_EQ(Hex(dictionary.PlainEntry(1)), Hex(B({0xff, 0xff, 0xff, 0xff})));
}

TEST(ValueDictionary, SignedZerosAreDistinctEntries) {
  ValueDictionary dictionary(false);
  const double plus = 0.0, minus = -0.0;
  EXPECT_EQ(dictionary.Insert(BytesOf(plus), kNoCap), 0u);
  EXPECT_EQ(dictionary.Insert(BytesOf(minus), kNoCap), 1u);
}

TEST(ValueDictionary, ByteArrayEntriesCarryLengthPrefixes) {
  ValueDictionary dictionary(true);
  EXPECT_EQ(dictionary.Insert(AsBytes("ab"), kNoCap), 0u);
  EXPECT_EQ(dictionary.Insert(AsBytes(""), kNoCap), 1u);
  EXPECT_EQ(dictionary.Insert(AsBytes("a"), kNoCap), 2u);
  EXPECT_EQ(dictionary.Insert(AsBytes(""), kNoCap), 1u);
  EXPECT_EQ(Hex(dictionary.page()), Hex(B({2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 1, 0, 0, 0, 'a'})));
  EXPECT_EQ(Hex(dictionary.PlainEntry(0)), Hex(B({2, 0, 0, 0, 'a', 'b'})));
  EXPECT_EQ(Hex(dictionary.PlainEntry(1)), Hex(B({0, 0, 0, 0})));
  EXPECT_EQ(dictionary.PlainSize(2), 6u);
}

TEST(ValueDictionary, NewValueBeyondCapIsRefusedButKnownValuesAreFound) {
  ValueDictionary dictionary(true);
  EXPECT_EQ(dictionary.Insert(AsBytes("abcd"), 10), 0u);  // 8 bytes
  EXPECT_EQ(dictionary.Insert(AsBytes("xyz"), 10), ValueDictionary::kFull);
  EXPECT_EQ(dictionary.size(), 1u);
  EXPECT_EQ(dictionary.page().size(), 8u);
  EXPECT_EQ(dictionary.Insert(AsBytes("abcd"), 10), 0u);
  EXPECT_EQ(dictionary.Insert(AsBytes(""), 12), 1u);  // exactly at the cap
}

TEST(ValueDictionary, ManyValuesKeepTheirIndicesAcrossGrowth) {
  ValueDictionary dictionary(false);
  for (int64_t i = 0; i < 20000; ++i) {
    ASSERT_EQ(dictionary.Insert(BytesOf(i * 7919), kNoCap), static_cast<uint32_t>(i));
  }
  for (int64_t i = 0; i < 20000; ++i) {
    ASSERT_EQ(dictionary.Insert(BytesOf(i * 7919), kNoCap), static_cast<uint32_t>(i));
  }
  int64_t back;
  std::memcpy(&back, dictionary.PlainEntry(12345).data(), sizeof back);
  EXPECT_EQ(back, 12345 * 7919);
}

TEST(ValueDictionary, ClearForgetsEntries) {
  ValueDictionary dictionary(true);
  dictionary.Insert(AsBytes("x"), kNoCap);
  dictionary.Insert(AsBytes("y"), kNoCap);
  dictionary.Clear();
  EXPECT_EQ(dictionary.size(), 0u);
  EXPECT_TRUE(dictionary.page().empty());
  EXPECT_EQ(dictionary.Insert(AsBytes("y"), kNoCap), 0u);
}

}  // namespace
}  // namespace pg2iceberg::parquet
