#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "iceberg/deletion_vector.h"
#include "iceberg/puffin.h"

namespace pg2iceberg::iceberg {
namespace {

Bytes FromHex(std::string_view hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::byte>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::vector<uint32_t> Roaring(std::string_view hex, size_t* consumed = nullptr) {
  size_t used = 0;
  const Bytes bytes = FromHex(hex);
  auto values = DeserializeRoaring32(bytes, UINT64_MAX, &used);
  EXPECT_TRUE(values.ok()) << values.status().ToString();
  if (consumed != nullptr) *consumed = used;
  return values.ok() ? *values : std::vector<uint32_t>{};
}

std::vector<uint32_t> Range(uint32_t from, uint32_t to) {
  std::vector<uint32_t> out;
  for (uint32_t v = from; v < to; ++v) out.push_back(v);
  return out;
}

// Bitmaps laid out by hand from the RoaringFormatSpec (the same bytes CRoaring writes).
TEST(Roaring32Reader, ArrayContainersWithOffsetHeader) {
  size_t consumed = 0;
  // cookie 12346, 2 containers: key 0 card 1, key 1 card 1; offsets 24, 26; values 5, 7.
  EXPECT_EQ(Roaring("3a300000020000000000000001000000180000001a00000005000700", &consumed),
            (std::vector<uint32_t>{5, 65543}));
  EXPECT_EQ(consumed, 28u);
}

TEST(Roaring32Reader, RunContainerWithoutOffsets) {
  // cookie 12347 | (1 - 1) << 16, run flags 0x01, key 0 card 10, 1 run: start 10, length-1 9.
  EXPECT_EQ(Roaring("3b300000010000090001000a000900"), Range(10, 20));
}

TEST(Roaring32Reader, RunAndArrayContainersTogether) {
  std::vector<uint32_t> want = Range(0, 5000);
  want.push_back(70000);
  EXPECT_EQ(Roaring("3b3001000100008713010000000100000087137011"), want);
}

TEST(Roaring32Reader, BitmapContainer) {
  std::string hex = "3a300000010000000000871310000000";  // 5000 values, offset 16
  for (int i = 0; i < 1250; ++i) hex += "55";            // 0, 2, 4, ... 9998
  hex += std::string(2 * (8192 - 1250), '0');
  std::vector<uint32_t> want;
  for (uint32_t v = 0; v < 10000; v += 2) want.push_back(v);
  EXPECT_EQ(Roaring(hex), want);
}

TEST(DeletionVectorReader, RoundTripsTheWriterForEveryContainerKind) {
  std::mt19937_64 rng(11);
  std::vector<std::vector<int64_t>> cases = {{0}, {1, 5, (int64_t{1} << 32) + 3}};
  std::vector<int64_t> mixed;
  for (int64_t p = 0; p < 5000; ++p) mixed.push_back(p);            // run
  for (int64_t p = 70000; p < 90000; p += 3) mixed.push_back(p);    // bitmap
  for (int64_t p = 200000; p < 200100; p += 7) mixed.push_back(p);  // array
  for (int64_t p = int64_t{3} << 32; p < (int64_t{3} << 32) + 10; ++p) mixed.push_back(p);
  cases.push_back(mixed);
  std::vector<int64_t> random;
  for (int64_t p = 0; p < 1'000'000; ++p) {
    if (rng() % 13 == 0) random.push_back(p);
  }
  cases.push_back(random);
  for (const std::vector<int64_t>& positions : cases) {
    Result<Bytes> blob = SerializeDeletionVector(positions);
    ASSERT_TRUE(blob.ok());
    auto read = DeserializeDeletionVector(*blob, static_cast<int64_t>(positions.size()));
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(*read, positions);
    // One position fewer allowed than the blob holds: refused before expanding.
    auto bounded = DeserializeDeletionVector(*blob, static_cast<int64_t>(positions.size()) - 1);
    EXPECT_EQ(bounded.status().code(), StatusCode::kDataLoss);
  }
}

TEST(DeletionVectorReader, EveryTruncationAndCorruptionIsAnError) {
  std::vector<int64_t> positions;
  for (int64_t p = 0; p < 300; ++p) positions.push_back(p);
  for (int64_t p = 70000; p < 70100; p += 3) positions.push_back(p);
  positions.push_back((int64_t{1} << 32) + 9);
  const Bytes blob = *SerializeDeletionVector(positions);
  for (size_t size = 0; size < blob.size(); ++size) {
    EXPECT_EQ(DeserializeDeletionVector(ByteSpan(blob).first(size), 1 << 20).status().code(),
              StatusCode::kDataLoss)
        << size;
  }
  for (size_t at = 0; at < blob.size(); ++at) {
    Bytes bad = blob;
    bad[at] ^= std::byte{0x10};
    EXPECT_EQ(DeserializeDeletionVector(bad, 1 << 20).status().code(), StatusCode::kDataLoss)
        << at;  // the CRC (or the length, magic or CRC field itself) catches every flip
  }
}

TEST(Roaring32Reader, MalformedBitmapsAreErrors) {
  size_t consumed = 0;
  auto bad = [&](std::string_view hex) {
    const Bytes bytes = FromHex(hex);
    return DeserializeRoaring32(bytes, UINT64_MAX, &consumed).status().code();
  };
  EXPECT_EQ(bad("39300000"), StatusCode::kDataLoss);  // unknown cookie
  EXPECT_EQ(bad("3a30000002000000010000000000000018000000"), StatusCode::kDataLoss);  // keys
  EXPECT_EQ(bad("3b300000010000090001000a000a00"), StatusCode::kDataLoss);            // run > card
  EXPECT_EQ(bad("3b30000001000009000100fcff0900"), StatusCode::kDataLoss);            // run wraps
  EXPECT_EQ(bad("3a30000001000000000001001000000007000500"), StatusCode::kDataLoss);  // order
  EXPECT_EQ(bad("3a300000010000000000000011000000050000"), StatusCode::kDataLoss);    // offset
  EXPECT_EQ(bad("3a3000000100000000000000"), StatusCode::kDataLoss);  // no offset header
}

TEST(PuffinReader, ReadsTheFooterAndBlobsTheWriterWrote) {
  const Bytes dv = *SerializeDeletionVector(std::vector<int64_t>{2, 3, 40});
  PuffinBlob blob{
      kDeletionVectorBlobType,
      {2147483645},
      -1,
      -1,
      dv,
      {{kReferencedDataFileProperty, "file:///t/a.parquet"}, {kCardinalityProperty, "3"}}};
  PuffinBlob other{"other", {}, 5, 6, Bytes{std::byte{9}}, {}};
  const PuffinFile file = WritePuffin({other, blob}, "pg2iceberg test");
  auto footer = ReadPuffinFooter(file.bytes);
  ASSERT_TRUE(footer.ok()) << footer.status().ToString();
  ASSERT_EQ(footer->blobs.size(), 2u);
  const PuffinBlobMetadata& meta = footer->blobs[1];
  EXPECT_EQ(meta.type, kDeletionVectorBlobType);
  EXPECT_EQ(meta.fields, std::vector<int32_t>{2147483645});
  EXPECT_EQ(meta.offset, file.blobs[1].offset);
  EXPECT_EQ(meta.length, file.blobs[1].length);
  EXPECT_EQ(meta.properties.at(kReferencedDataFileProperty), "file:///t/a.parquet");
  EXPECT_EQ(footer->blobs[0].snapshot_id, 5);
  EXPECT_EQ(footer->properties.at("created-by"), "pg2iceberg test");
  auto bytes = ReadPuffinBlob(file.bytes, meta.offset, meta.length);
  ASSERT_TRUE(bytes.ok());
  auto positions = DeserializeDeletionVector(*bytes, 3);
  ASSERT_TRUE(positions.ok()) << positions.status().ToString();
  EXPECT_EQ(*positions, (std::vector<int64_t>{2, 3, 40}));
}

TEST(PuffinReader, MalformedFilesAndRangesAreErrors) {
  const PuffinFile file = WritePuffin({PuffinBlob{"t", {}, -1, -1, Bytes(10), {}}}, "x");
  for (size_t size = 0; size < file.bytes.size(); ++size) {
    EXPECT_FALSE(ReadPuffinFooter(ByteSpan(file.bytes).first(size)).ok()) << size;
  }
  EXPECT_EQ(ReadPuffinBlob(file.bytes, 4, 11).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ReadPuffinBlob(file.bytes, 0, 4).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ReadPuffinBlob(file.bytes, 4, -1).status().code(), StatusCode::kDataLoss);
  EXPECT_TRUE(ReadPuffinBlob(file.bytes, 4, 10).ok());
  Bytes compressed = file.bytes;
  compressed[compressed.size() - 8] = std::byte{1};
  EXPECT_EQ(ReadPuffinFooter(compressed).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
