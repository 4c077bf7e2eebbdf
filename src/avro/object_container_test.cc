#include <gtest/gtest.h>

#include "avro/container_reader.h"
#include "avro/container_writer.h"
#include "avro/test_util.h"

namespace pg2iceberg::avro {
namespace {

using testing::FromHex;
using testing::Hex;

SyncMarker CountingMarker() {
  SyncMarker marker;
  for (size_t i = 0; i < marker.size(); ++i) marker[i] = uint8_t(i);
  return marker;
}

ContainerWriterOptions NullCodecOptions() {
  ContainerWriterOptions options;
  options.codec = Codec::kNull;
  options.sync_marker = CountingMarker();
  return options;
}

Bytes WriteLongs(ContainerWriterOptions options, int64_t count) {
  auto writer = ContainerWriter::Create(Schema::Primitive(Kind::kLong), std::move(options));
  CHECK(writer.ok());
  for (int64_t i = 1; i <= count; ++i) CHECK((*writer)->Append(Datum::Long(i)).ok());
  return (*writer)->Finish().value();
}

constexpr char kSync[] = "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f";

TEST(ObjectContainerTest, WritesTheSpecLayoutByteForByte) {
  ContainerWriterOptions options = NullCodecOptions();
  options.metadata["k"] = "v";
  const std::string expected =
      std::string() +
      "4f 62 6a 01 "                                               // magic "Obj\x01"
      "06 "                                                        // 3 metadata entries
      "16 61 76 72 6f 2e 73 63 68 65 6d 61 0c 22 6c 6f 6e 67 22 "  // avro.schema "long"
      "14 61 76 72 6f 2e 63 6f 64 65 63 08 6e 75 6c 6c "           // avro.codec null
      "02 6b 02 76 "                                               // k v
      "00 " +
      kSync +
      " "  // end of map, sync
      "04 04 02 04 " +
      kSync;  // 2 objects, 2 bytes: 1, 2
  EXPECT_EQ(Hex(WriteLongs(options, 2)), Hex(FromHex(expected)));
}

TEST(ObjectContainerTest, EmptyFileIsHeaderOnly) {
  const Bytes file = WriteLongs(NullCodecOptions(), 0);
  auto reader = ContainerReader::Open(file);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Datum datum;
  EXPECT_FALSE(*reader->Next(&datum));
}

TEST(ObjectContainerTest, RoundTripsThroughTheReaderWithDeflate) {
  ContainerWriterOptions options;
  options.sync_marker = CountingMarker();
  options.metadata["format-version"] = "2";
  const Bytes file = WriteLongs(options, 5000);
  auto reader = ContainerReader::Open(file);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(reader->codec(), Codec::kDeflate);
  EXPECT_EQ(reader->schema(), Schema::Primitive(Kind::kLong));
  EXPECT_EQ(reader->schema_json(), "\"long\"");
  EXPECT_EQ(reader->Metadata("format-version"), "2");
  EXPECT_EQ(reader->Metadata("avro.codec"), "deflate");
  int64_t expected = 1;
  Datum datum;
  while (true) {
    Result<bool> more = reader->Next(&datum);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    EXPECT_EQ(datum, Datum::Long(expected++));
  }
  EXPECT_EQ(expected, 5001);
}

TEST(ObjectContainerTest, ClosesABlockWhenItReachesTheSizeLimit) {
  ContainerWriterOptions options = NullCodecOptions();
  options.block_size_bytes = 3;  // each long 1..5 takes one byte
  const Bytes file = WriteLongs(options, 5);
  auto reader = ContainerReader::Open(file);
  ASSERT_TRUE(reader.ok());
  std::vector<int64_t> counts;
  ContainerBlock block;
  while (*reader->NextBlock(&block)) counts.push_back(block.object_count);
  EXPECT_EQ(counts, (std::vector<int64_t>{3, 2}));
}

TEST(ObjectContainerTest, RejectsReservedMetadataKeysAndZeroBlockSize) {
  ContainerWriterOptions reserved = NullCodecOptions();
  reserved.metadata["avro.x"] = "y";
  EXPECT_EQ(ContainerWriter::Create(Schema(), reserved).status().code(),
            StatusCode::kInvalidArgument);
  ContainerWriterOptions zero = NullCodecOptions();
  zero.block_size_bytes = 0;
  EXPECT_EQ(ContainerWriter::Create(Schema(), zero).status().code(), StatusCode::kInvalidArgument);
}

TEST(ObjectContainerTest, MismatchedObjectIsRejectedAndNotWritten) {
  auto writer = ContainerWriter::Create(Schema::Primitive(Kind::kLong), NullCodecOptions());
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ((*writer)->Append(Datum::String("x")).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE((*writer)->Append(Datum::Long(7)).ok());
  const Bytes file = (*writer)->Finish().value();
  auto reader = ContainerReader::Open(file);
  Datum datum;
  ASSERT_TRUE(*reader->Next(&datum));
  EXPECT_EQ(datum, Datum::Long(7));
  EXPECT_FALSE(*reader->Next(&datum));
}

// Reads every object; returns the first error, or OK.
Status ReadAll(ByteSpan file) {
  ASSIGN_OR_RETURN(ContainerReader reader, ContainerReader::Open(file));
  Datum datum;
  while (true) {
    ASSIGN_OR_RETURN(const bool more, reader.Next(&datum));
    if (!more) return Status::Ok();
  }
}

TEST(ObjectContainerTest, EveryTruncationIsDataLoss) {
  for (Codec codec : {Codec::kNull, Codec::kDeflate}) {
    ContainerWriterOptions options = NullCodecOptions();
    options.codec = codec;
    options.block_size_bytes = 8;
    const Bytes file = WriteLongs(options, 20);
    ASSERT_TRUE(ReadAll(file).ok());
    for (size_t length = 0; length < file.size(); ++length) {
      Status status = ReadAll(ByteSpan(file).first(length));
      // A cut exactly between blocks is a valid shorter file; anything else is corrupt.
      if (!status.ok()) {
        EXPECT_EQ(status.code(), StatusCode::kDataLoss) << length;
      }
    }
  }
}

TEST(ObjectContainerTest, FlippedBytesNeverCrashAndFailAsDataLoss) {
  ContainerWriterOptions options = NullCodecOptions();
  options.codec = Codec::kDeflate;
  options.block_size_bytes = 16;
  const Bytes file = WriteLongs(options, 40);
  for (size_t i = 0; i < file.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      Bytes corrupt = file;
      corrupt[i] ^= std::byte{mask};
      Status status = ReadAll(corrupt);
      if (!status.ok()) {
        EXPECT_TRUE(status.code() == StatusCode::kDataLoss ||
                    status.code() == StatusCode::kInvalidArgument)
            << i << " " << status.ToString();
      }
    }
  }
}

TEST(ObjectContainerTest, BadMagicAndSyncMismatchAreDataLoss) {
  Bytes file = WriteLongs(NullCodecOptions(), 2);
  Bytes bad_magic = file;
  bad_magic[3] = std::byte{2};
  EXPECT_EQ(ReadAll(bad_magic).code(), StatusCode::kDataLoss);
  Bytes bad_sync = file;
  bad_sync.back() ^= std::byte{1};
  EXPECT_EQ(ReadAll(bad_sync).code(), StatusCode::kDataLoss);
}

// A header with the given codec name, then one block holding `block` (count 1).
Bytes HandWrittenFile(std::string_view codec, std::string_view block_hex) {
  Encoder e;
  e.WriteFixed(AsBytes(kMagic));
  e.WriteBlockCount(2);
  e.WriteString("avro.schema");
  e.WriteString("\"long\"");
  e.WriteString("avro.codec");
  e.WriteString(codec);
  e.WriteEndOfBlocks();
  const Bytes sync = FromHex(kSync);
  e.WriteFixed(sync);
  const Bytes block = FromHex(block_hex);
  e.WriteLong(1);
  e.WriteLong(int64_t(block.size()));
  e.WriteFixed(block);
  e.WriteFixed(sync);
  return e.Release();
}

TEST(ObjectContainerTest, UnsupportedCodecIsInvalidArgument) {
  EXPECT_TRUE(ReadAll(HandWrittenFile("null", "02")).ok());
  EXPECT_EQ(ReadAll(HandWrittenFile("snappy", "02")).code(), StatusCode::kInvalidArgument);
}

TEST(ObjectContainerTest, BytesAfterTheLastObjectOfABlockAreDataLoss) {
  EXPECT_EQ(ReadAll(HandWrittenFile("null", "02 02")).code(), StatusCode::kDataLoss);
}

TEST(ObjectContainerTest, BlockLargerThanTheLimitIsDataLoss) {
  const Bytes file = WriteLongs(NullCodecOptions(), 100);
  ContainerReaderOptions options;
  options.max_block_bytes = 50;
  auto reader = ContainerReader::Open(file, options);
  ASSERT_TRUE(reader.ok());
  ContainerBlock block;
  EXPECT_EQ(reader->NextBlock(&block).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace pg2iceberg::avro
