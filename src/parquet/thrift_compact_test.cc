#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include "parquet/test_bytes.h"

namespace pg2iceberg::parquet {
namespace {

using testing::B;
using testing::Hex;

TEST(ThriftCompactWriter, ShortFieldDeltaPacksIdIntoHeaderByte) {
  ByteWriter out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, 1);
  w.EndStruct();
  EXPECT_EQ(Hex(out.bytes()), Hex(B({0x15, 0x02, 0x00})));
}

TEST(ThriftCompactWriter, LongFieldDeltaWritesZigZagFieldId) {
  ByteWriter out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.FieldI64(20, -1);
  w.EndStruct();
  EXPECT_EQ(Hex(out.bytes()), Hex(B({0x06, 0x28, 0x01, 0x00})));
}

TEST(ThriftCompactWriter, BoolValueIsCarriedByFieldType) {
  ByteWriter out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.FieldBool(1, true);
  w.FieldBool(2, false);
  w.EndStruct();
  EXPECT_EQ(Hex(out.bytes()), Hex(B({0x11, 0x12, 0x00})));
}

TEST(ThriftCompactWriter, ScalarEncodings) {
  ByteWriter out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.FieldI8(1, -1);
  w.FieldDouble(2, 1.0);
  w.FieldString(4, "ab");
  w.FieldI16(7, -2);
  w.FieldI32(8, 300);
  w.EndStruct();
  EXPECT_EQ(Hex(out.bytes()),
            Hex(B({0x13, 0xff,                                            // i8
                   0x17, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f,  // double
                   0x28, 0x02, 'a',  'b',                                 // binary
                   0x34, 0x03,                                            // i16
                   0x15, 0xd8, 0x04,                                      // i32 300
                   0x00})));
}

TEST(ThriftCompactWriter, ShortListPacksSizeIntoHeader) {
  ByteWriter out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.FieldListBegin(2, ThriftType::kI32, 3);
  w.ElementI32(0);
  w.ElementI32(3);
  w.ElementI32(-64);
  w.EndStruct();
  EXPECT_EQ(Hex(out.bytes()), Hex(B({0x29, 0x35, 0x00, 0x06, 0x7f, 0x00})));
}

TEST(ThriftCompactWriter, ListOfFifteenOrMoreWritesVarintSize) {
  ByteWriter out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.FieldListBegin(1, ThriftType::kBinary, 15);
  for (int i = 0; i < 15; ++i) w.ElementString("");
  w.EndStruct();
  Bytes expected = B({0x19, 0xf8, 0x0f});
  expected.insert(expected.end(), 15, std::byte{0});
  expected.push_back(std::byte{0});
  EXPECT_EQ(Hex(out.bytes()), Hex(expected));
}

TEST(ThriftCompactWriter, NestedStructRestoresOuterFieldNumbering) {
  ByteWriter out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.FieldStructBegin(3);
  w.FieldI32(1, 300);
  w.EndStruct();
  w.FieldI32(4, 0);  // delta 1 from field 3, not from the inner field 1
  w.EndStruct();
  EXPECT_EQ(Hex(out.bytes()), Hex(B({0x3c, 0x15, 0xd8, 0x04, 0x00, 0x15, 0x00, 0x00})));
}

TEST(ThriftCompactWriter, StructListElementsStartFieldNumberingAtZero) {
  ByteWriter out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.FieldListBegin(2, ThriftType::kStruct, 2);
  for (int i = 0; i < 2; ++i) {
    w.BeginStruct();
    w.FieldI32(1, i);
    w.EndStruct();
  }
  w.EndStruct();
  EXPECT_EQ(Hex(out.bytes()), Hex(B({0x29, 0x2c, 0x15, 0x00, 0x00, 0x15, 0x02, 0x00, 0x00})));
}

TEST(ThriftCompactWriterDeathTest, DecreasingFieldIdIsABug) {
  EXPECT_DEATH(
      {
        ByteWriter out;
        ThriftCompactWriter w(&out);
        w.BeginStruct();
        w.FieldI32(2, 0);
        w.FieldI32(1, 0);
      },
      "increase");
}

}  // namespace
}  // namespace pg2iceberg::parquet
