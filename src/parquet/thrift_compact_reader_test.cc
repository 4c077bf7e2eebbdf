#include "parquet/thrift_compact_reader.h"

#include <gtest/gtest.h>

#include "parquet/format_decoder.h"
#include "parquet/format_encoder.h"
#include "parquet/rle_decoder.h"
#include "parquet/rle_encoder.h"
#include "parquet/test_bytes.h"

namespace pg2iceberg::parquet {
namespace {

using testing::B;

TEST(ThriftCompactReader, ReadsWhatTheWriterWrites) {
  ByteWriter out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, -5);
  w.FieldBool(2, true);
  w.FieldI64(40, int64_t{1} << 40);  // long field id delta
  w.FieldString(41, "hi");
  w.FieldListBegin(42, ThriftType::kI32, 20);
  for (int i = 0; i < 20; ++i) w.ElementI32(i);
  w.FieldStructBegin(43);
  w.FieldDouble(1, 2.5);
  w.EndStruct();
  w.EndStruct();

  ThriftCompactReader r(out.bytes(), "test");
  ASSERT_TRUE(r.BeginStruct().ok());
  auto f = r.ReadFieldHeader();
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->id, 1);
  EXPECT_EQ(*r.ReadI32(), -5);
  f = r.ReadFieldHeader();
  EXPECT_EQ(f->id, 2);
  EXPECT_TRUE(ThriftCompactReader::FieldBool(*f));
  f = r.ReadFieldHeader();
  EXPECT_EQ(f->id, 40);
  EXPECT_EQ(*r.ReadI64(), int64_t{1} << 40);
  f = r.ReadFieldHeader();
  EXPECT_EQ(*r.ReadString(), "hi");
  f = r.ReadFieldHeader();
  ASSERT_TRUE(r.Skip(f->type).ok());  // the list
  f = r.ReadFieldHeader();
  EXPECT_EQ(f->id, 43);
  ASSERT_TRUE(r.Skip(f->type).ok());  // the struct
  f = r.ReadFieldHeader();
  EXPECT_TRUE(f->stop);
  r.EndStruct();
  EXPECT_EQ(r.position(), out.size());
}

TEST(ThriftCompactReader, MalformedInputIsDataLoss) {
  // Binary longer than the bytes left.
  const Bytes binary_bytes = B({0x7F, 'a'});
  ThriftCompactReader binary(binary_bytes, "test");
  EXPECT_EQ(binary.ReadBinary().status().code(), StatusCode::kDataLoss);
  // List longer than the bytes left.
  const Bytes list_bytes = B({0xF5, 0xFF, 0xFF, 0x03});
  ThriftCompactReader list(list_bytes, "test");
  EXPECT_EQ(list.ReadListHeader().status().code(), StatusCode::kDataLoss);
  // Varint that never ends.
  const Bytes varint_bytes = B({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF});
  ThriftCompactReader varint(varint_bytes, "test");
  EXPECT_EQ(varint.ReadI32().status().code(), StatusCode::kDataLoss);
  // Structs nested beyond the limit.
  Bytes deep;
  for (int i = 0; i < 100; ++i) deep.push_back(std::byte{0x1C});  // field 1, struct
  ThriftCompactReader nested(deep, "test");
  ASSERT_TRUE(nested.BeginStruct().ok());
  auto field = nested.ReadFieldHeader();
  ASSERT_TRUE(field.ok());
  EXPECT_EQ(nested.Skip(field->type).code(), StatusCode::kDataLoss);
  nested.EndStruct();
  // Unknown type nibble.
  const Bytes unknown_bytes = B({0x1E});
  ThriftCompactReader unknown(unknown_bytes, "test");
  ASSERT_TRUE(unknown.BeginStruct().ok());
  EXPECT_EQ(unknown.ReadFieldHeader().status().code(), StatusCode::kDataLoss);
  unknown.EndStruct();
}

TEST(FormatDecoder, PageHeaderRoundTrips) {
  format::PageHeader header;
  header.uncompressed_page_size = 1000;
  header.compressed_page_size = 321;
  header.data_page_header = format::DataPageHeader{77, format::Encoding::kRleDictionary};
  ByteWriter out;
  EncodePageHeader(header, &out);
  out.AppendByte(0xAB);  // the page follows
  auto decoded = DecodePageHeader(out.bytes());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->header_bytes, out.size() - 1);
  EXPECT_EQ(decoded->header.uncompressed_page_size, 1000);
  EXPECT_EQ(decoded->header.compressed_page_size, 321);
  ASSERT_TRUE(decoded->header.data_page_header.has_value());
  EXPECT_EQ(decoded->header.data_page_header->num_values, 77);
  EXPECT_EQ(decoded->header.data_page_header->encoding, format::Encoding::kRleDictionary);
}

TEST(RleDecoder, ReadsWhatTheEncoderWrites) {
  for (int width : {1, 3, 8, 13, 32}) {
    std::vector<uint32_t> values;
    for (uint32_t i = 0; i < 1000; ++i) {
      const uint64_t v = (i / 50) % 2 == 0 ? i * 2654435761u : 5;  // mixed runs
      values.push_back(static_cast<uint32_t>(v & ((uint64_t{1} << width) - 1)));
    }
    ByteWriter out;
    EncodeRleHybrid(values, width, &out);
    std::vector<uint32_t> decoded;
    ASSERT_TRUE(DecodeRleHybrid(out.bytes(), width, values.size(), "test", &decoded).ok());
    EXPECT_EQ(decoded, values) << "width " << width;
    decoded.clear();
    EXPECT_EQ(DecodeRleHybrid(ByteSpan(out.bytes()).first(out.size() / 2), width, values.size(),
                              "test", &decoded)
                  .code(),
              StatusCode::kDataLoss);
  }
}

TEST(RleDecoder, BitWidthZeroIsAllZeros) {
  std::vector<uint32_t> decoded;
  const Bytes run = B({0x0A});
  ASSERT_TRUE(DecodeRleHybrid(run, 0, 5, "test", &decoded).ok());  // RLE run of 5
  EXPECT_EQ(decoded, std::vector<uint32_t>(5, 0));
}

}  // namespace
}  // namespace pg2iceberg::parquet
