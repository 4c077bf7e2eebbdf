#include "iceberg/puffin.h"

#include <gtest/gtest.h>

#include <string>

#include "iceberg/json_util.h"

namespace pg2iceberg::iceberg {
namespace {

std::string Text(ByteSpan bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

uint32_t Le32(ByteSpan bytes, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(bytes[at + i]) << (8 * i);
  return v;
}

TEST(PuffinTest, BlobsThenFooterWithMetadataSizeFlagsAndMagic) {
  PuffinBlob first{"deletion-vector-v1",
                   {2147483645},
                   -1,
                   -1,
                   Bytes{std::byte{1}, std::byte{2}, std::byte{3}},
                   {{"referenced-data-file", "s3://b/t/data/a.parquet"}, {"cardinality", "2"}}};
  PuffinBlob second{"deletion-vector-v1", {}, -1, -1, Bytes{std::byte{9}}, {}};
  PuffinFile file = WritePuffin({first, second}, "pg2iceberg version test");
  ByteSpan bytes = file.bytes;

  ASSERT_EQ(file.blobs.size(), 2u);
  EXPECT_EQ(file.blobs[0].offset, 4);
  EXPECT_EQ(file.blobs[0].length, 3);
  EXPECT_EQ(file.blobs[1].offset, 7);
  EXPECT_EQ(file.blobs[1].length, 1);
  EXPECT_EQ(Text(bytes.first(4)), "PFA1");
  EXPECT_EQ(Text(bytes.subspan(8, 4)), "PFA1");  // footer starts after the blobs
  EXPECT_EQ(Text(bytes.last(4)), "PFA1");
  EXPECT_EQ(Le32(bytes, bytes.size() - 8), 0u);  // flags: not compressed
  const uint32_t payload_size = Le32(bytes, bytes.size() - 12);
  ASSERT_EQ(12 + payload_size + 12, bytes.size());
  const std::string payload = Text(bytes.subspan(12, payload_size));
  EXPECT_EQ(
      payload,
      R"({"blobs":[{"type":"deletion-vector-v1","fields":[2147483645],"snapshot-id":-1,"sequence-number":-1,)"
      R"("offset":4,"length":3,"properties":{"cardinality":"2","referenced-data-file":"s3://b/t/data/a.parquet"}},)"
      R"({"type":"deletion-vector-v1","fields":[],"snapshot-id":-1,"sequence-number":-1,"offset":7,"length":1,)"
      R"("properties":{}}],"properties":{"created-by":"pg2iceberg version test"}})");
  EXPECT_TRUE(ParseJson(payload).ok());
}

}  // namespace
}  // namespace pg2iceberg::iceberg
