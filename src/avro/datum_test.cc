#include "avro/datum.h"

#include <gtest/gtest.h>

#include "avro/test_util.h"

namespace pg2iceberg::avro {
namespace {

using testing::FromHex;
using testing::Hex;

Schema PairSchema() {
  return Schema::Record("pair", {RequiredField("key", Schema::Primitive(Kind::kInt), 1),
                                 RequiredField("value", Schema::Primitive(Kind::kBytes), 2)});
}

Schema ExampleSchema() {
  return Schema::Record("example",
                        {RequiredField("name", Schema::Primitive(Kind::kString), 1),
                         OptionalField("count", Schema::Primitive(Kind::kLong), 2),
                         RequiredField("pairs", Schema::Array(PairSchema()), 3),
                         RequiredField("props", Schema::Map(Schema::Primitive(Kind::kDouble)), 4),
                         RequiredField("color", Schema::Enum("color", {"RED", "GREEN"}), 5),
                         RequiredField("flag", Schema::Primitive(Kind::kBoolean), 6),
                         RequiredField("ratio", Schema::Primitive(Kind::kFloat), 7),
                         RequiredField("id", Schema::Fixed("id2", 2), 8)});
}

Datum ExampleDatum() {
  return Datum::Record({
      Datum::String("ab"),
      Datum::Union(1, Datum::Long(-3)),
      Datum::Array({Datum::Record({Datum::Int(1), Datum::Bytes(AsBytes("z"))})}),
      Datum::Map({"k"}, {Datum::Double(1.0)}),
      Datum::Enum(1),
      Datum::Boolean(true),
      Datum::Float(0.5f),
      Datum::Fixed(AsBytes("xy")),
  });
}

constexpr char kExampleHex[] =
    "04 61 62 "                             // name "ab"
    "02 05 "                                // count: branch 1, -3
    "02 02 02 7a 00 "                       // pairs: 1 item {1, "z"}, end
    "02 02 6b 00 00 00 00 00 00 f0 3f 00 "  // props: 1 item "k" → 1.0, end
    "02 01 00 00 00 3f 78 79";              // color 1, true, 0.5f, "xy"

TEST(DatumTest, EncodesARecordFieldByField) {
  Encoder encoder;
  ASSERT_TRUE(EncodeDatum(ExampleSchema(), ExampleDatum(), encoder).ok());
  EXPECT_EQ(Hex(encoder.bytes()), Hex(FromHex(kExampleHex)));
}

TEST(DatumTest, DecodeInvertsEncode) {
  const Bytes bytes = FromHex(kExampleHex);
  Decoder decoder(bytes);
  Result<Datum> datum = DecodeDatum(ExampleSchema(), decoder);
  ASSERT_TRUE(datum.ok()) << datum.status().ToString();
  EXPECT_EQ(*datum, ExampleDatum());
  EXPECT_TRUE(decoder.AtEnd());
}

TEST(DatumTest, NullBranchOfAnOptionalIsOneByte) {
  Encoder encoder;
  const Schema optional = Schema::Optional(Schema::Primitive(Kind::kLong));
  ASSERT_TRUE(EncodeDatum(optional, Datum::Union(0, Datum::Null()), encoder).ok());
  EXPECT_EQ(Hex(encoder.bytes()), "00");
  EXPECT_EQ(Datum::Union(0, Datum::Null()).NonNull(), nullptr);
  EXPECT_EQ(Datum::Union(1, Datum::Long(4)).NonNull()->integer, 4);
}

TEST(DatumTest, MismatchedDatumsAreInvalidArgument) {
  const Schema pair = PairSchema();
  Encoder encoder;
  EXPECT_EQ(EncodeDatum(pair, Datum::Record({Datum::Int(1)}), encoder).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeDatum(pair, Datum::Long(1), encoder).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeDatum(Schema::Primitive(Kind::kInt), Datum::Long(1), encoder).code(),
            StatusCode::kInvalidArgument);
  Datum too_big = Datum::Int(0);
  too_big.integer = int64_t{1} << 40;
  EXPECT_EQ(EncodeDatum(Schema::Primitive(Kind::kInt), too_big, encoder).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeDatum(Schema::Enum("e", {"A"}), Datum::Enum(1), encoder).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeDatum(Schema::Optional(Schema::Primitive(Kind::kInt)),
                        Datum::Union(2, Datum::Int(1)), encoder)
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeDatum(Schema::Fixed("f", 2), Datum::Fixed(AsBytes("x")), encoder).code(),
            StatusCode::kInvalidArgument);
}

StatusCode DecodeCode(const Schema& schema, std::string_view hex) {
  const Bytes bytes = FromHex(hex);
  Decoder decoder(bytes);
  return DecodeDatum(schema, decoder).status().code();
}

TEST(DatumTest, MalformedBytesAreDataLoss) {
  const Schema optional = Schema::Optional(Schema::Primitive(Kind::kLong));
  EXPECT_EQ(DecodeCode(optional, "04 02"), StatusCode::kDataLoss);  // branch 2 of 2
  EXPECT_EQ(DecodeCode(optional, "01"), StatusCode::kDataLoss);     // branch -1
  EXPECT_EQ(DecodeCode(Schema::Enum("e", {"A"}), "02"), StatusCode::kDataLoss);
  EXPECT_EQ(DecodeCode(ExampleSchema(), "04 61"), StatusCode::kDataLoss);  // truncated
  const Schema longs = Schema::Array(Schema::Primitive(Kind::kLong));
  EXPECT_EQ(DecodeCode(longs, "c8 01 02"), StatusCode::kDataLoss);  // 100 items, 1 byte
}

TEST(DatumTest, HugeCountOfEmptyItemsIsDataLossNotAHang) {
  const Schema nulls = Schema::Array(Schema::Primitive(Kind::kNull));
  EXPECT_EQ(DecodeCode(nulls, "fe ff ff ff ff ff ff ff 7f"), StatusCode::kDataLoss);
  EXPECT_EQ(DecodeCode(nulls, "06 00"), StatusCode::kOk);  // three nulls are fine
}

}  // namespace
}  // namespace pg2iceberg::avro
