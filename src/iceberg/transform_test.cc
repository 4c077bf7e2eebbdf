#include "iceberg/transform.h"

#include <gtest/gtest.h>

#include <cmath>

namespace pg2iceberg::iceberg {
namespace {

Type T(TypeId id) { return Type::Primitive(id); }

std::string UuidBytes() {
  const uint8_t raw[16] = {0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd,
                           0xa4, 0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7};
  return std::string(reinterpret_cast<const char*>(raw), 16);
}

Literal Apply(std::string_view transform, const Type& source, const Literal& value) {
  Result<Transform> parsed = ParseTransform(transform);
  EXPECT_TRUE(parsed.ok()) << transform;
  Result<Literal> result = ApplyTransform(*parsed, source, value);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : Literal{};
}

// Spec Appendix B, "32-bit Hash Requirements".
TEST(HashValueTest, MatchesTheSpecExamples) {
  EXPECT_EQ(HashValue(T(TypeId::kInt), Literal::Integer(34)), 2017239379);
  EXPECT_EQ(HashValue(T(TypeId::kLong), Literal::Integer(34)), 2017239379);
  EXPECT_EQ(HashValue(Type::Decimal(9, 2), Literal::Decimal(1420)), -500754589);
  EXPECT_EQ(HashValue(T(TypeId::kDate), Literal::Integer(17486)), -653330422);
  EXPECT_EQ(HashValue(T(TypeId::kTime), Literal::Integer(81068000000)), -662762989);
  EXPECT_EQ(HashValue(T(TypeId::kTimestamp), Literal::Integer(1510871468000000)), -2047944441);
  EXPECT_EQ(HashValue(T(TypeId::kTimestampTz), Literal::Integer(1510871468000000)), -2047944441);
  EXPECT_EQ(HashValue(T(TypeId::kString), Literal::Bytes("iceberg")), 1210000089);
  EXPECT_EQ(HashValue(T(TypeId::kUuid), Literal::Bytes(UuidBytes())), 1488055340);
  EXPECT_EQ(HashValue(T(TypeId::kBinary), Literal::Bytes(std::string("\0\1\2\3", 4))), -188683207);
}

TEST(ApplyTransformTest, BucketIsTheNonNegativeHashModuloN) {
  EXPECT_EQ(Apply("bucket[16]", T(TypeId::kInt), Literal::Integer(34)).integer, 3);
  EXPECT_EQ(Apply("bucket[16]", T(TypeId::kString), Literal::Bytes("iceberg")).integer, 9);
  EXPECT_EQ(Apply("bucket[100]", Type::Decimal(9, 2), Literal::Decimal(1420)).integer, 59);
  EXPECT_EQ(Apply("bucket[16]", T(TypeId::kLong), Literal::Integer(-5)).integer, 14);
  EXPECT_EQ(Apply("bucket[7]", T(TypeId::kUuid), Literal::Bytes(UuidBytes())).integer, 2);
}

TEST(ApplyTransformTest, TruncateFloorsNumbersAndCutsCodePoints) {
  EXPECT_EQ(Apply("truncate[10]", T(TypeId::kInt), Literal::Integer(1)).integer, 0);
  EXPECT_EQ(Apply("truncate[10]", T(TypeId::kInt), Literal::Integer(-1)).integer, -10);
  EXPECT_EQ(Apply("truncate[10]", T(TypeId::kLong), Literal::Integer(-11)).integer, -20);
  EXPECT_EQ(Apply("truncate[10]", Type::Decimal(9, 2), Literal::Decimal(1234)).unscaled, 1230);
  EXPECT_EQ(Apply("truncate[10]", Type::Decimal(9, 2), Literal::Decimal(-5)).unscaled, -10);
  EXPECT_EQ(Apply("truncate[3]", T(TypeId::kString), Literal::Bytes("iceberg")).bytes, "ice");
  EXPECT_EQ(Apply("truncate[2]", T(TypeId::kString), Literal::Bytes("ąćęł")).bytes, "ąć");
  EXPECT_EQ(Apply("truncate[5]", T(TypeId::kString), Literal::Bytes("€x")).bytes, "€x");
  EXPECT_EQ(Apply("truncate[2]", T(TypeId::kBinary), Literal::Bytes("abc")).bytes, "ab");
}

TEST(ApplyTransformTest, TruncateRefusesResultsBelowTheTypeRange) {
  Result<Literal> result = ApplyTransform(Transform{TransformKind::kTruncate, 10}, T(TypeId::kInt),
                                          Literal::Integer(-2147483648));
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
}

TEST(ApplyTransformTest, TimeTransformsFloorBefore1970) {
  const Type ts = T(TypeId::kTimestamp);
  EXPECT_EQ(Apply("hour", ts, Literal::Integer(-1)).integer, -1);
  EXPECT_EQ(Apply("day", ts, Literal::Integer(-1)).integer, -1);
  EXPECT_EQ(Apply("month", ts, Literal::Integer(-1)).integer, -1);
  EXPECT_EQ(Apply("year", ts, Literal::Integer(-1)).integer, -1);
  EXPECT_EQ(Apply("month", ts, Literal::Integer(-86400000000LL * 400)).integer, -14);
  EXPECT_EQ(Apply("year", T(TypeId::kDate), Literal::Integer(-1)).integer, -1);
  EXPECT_EQ(Apply("month", T(TypeId::kDate), Literal::Integer(17486)).integer, 47 * 12 + 10);
  EXPECT_EQ(Apply("day", T(TypeId::kTimestampTz), Literal::Integer(1510871468000000)).integer,
            17486);
  EXPECT_EQ(Apply("hour", ts, Literal::Integer(1510871468000000)).integer, 17486 * 24 + 22);
}

TEST(TransformResultTypeTest, FollowsTheSpecTable) {
  auto result = [](std::string_view transform, Type source) {
    return TransformResultType(*ParseTransform(transform), source);
  };
  EXPECT_EQ(*result("day", T(TypeId::kTimestamp)), T(TypeId::kDate));
  EXPECT_EQ(*result("hour", T(TypeId::kTimestampTz)), T(TypeId::kInt));
  EXPECT_EQ(*result("bucket[4]", T(TypeId::kUuid)), T(TypeId::kInt));
  EXPECT_EQ(*result("truncate[4]", Type::Decimal(10, 2)), Type::Decimal(10, 2));
  EXPECT_EQ(*result("identity", T(TypeId::kBoolean)), T(TypeId::kBoolean));
  EXPECT_EQ(result("hour", T(TypeId::kDate)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result("bucket[4]", T(TypeId::kBoolean)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result("bucket[4]", T(TypeId::kDouble)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result("truncate[4]", T(TypeId::kUuid)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result("year", T(TypeId::kString)).status().code(), StatusCode::kInvalidArgument);
}

TEST(TransformResultTypeTest, ListsAreNoPartitionSource) {
  const Type list = Type::List(2, false, T(TypeId::kInt));
  for (std::string_view transform : {"identity", "bucket[4]", "truncate[4]"}) {
    Result<Type> result = TransformResultType(*ParseTransform(transform), list);
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << transform;
    EXPECT_NE(result.status().message().find("list<int>"), std::string::npos) << transform;
  }
}

TEST(ParseTransformTest, ReadsTheMetadataFormsAndRefusesOthers) {
  EXPECT_EQ(*ParseTransform("bucket[16]"), (Transform{TransformKind::kBucket, 16}));
  EXPECT_EQ(ParseTransform("truncate[4]")->ToString(), "truncate[4]");
  EXPECT_EQ(ParseTransform("day")->kind, TransformKind::kDay);
  for (std::string_view bad : {"bucket[0]", "bucket[-1]", "bucket[]", "bucket[x]", "void", "days",
                               "bucket[99999999999]"}) {
    EXPECT_EQ(ParseTransform(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(SingleValueBytesTest, UsesTheSpecBinaryForms) {
  EXPECT_EQ(SingleValueBytes(Type::Decimal(9, 2), Literal::Decimal(1420)),
            (Bytes{std::byte{0x05}, std::byte{0x8C}}));
  EXPECT_EQ(SingleValueBytes(Type::Decimal(9, 2), Literal::Decimal(-1)), (Bytes{std::byte{0xFF}}));
  EXPECT_EQ(SingleValueBytes(Type::Decimal(9, 2), Literal::Decimal(128)),
            (Bytes{std::byte{0x00}, std::byte{0x80}}));
  EXPECT_EQ(SingleValueBytes(Type::Decimal(9, 2), Literal::Decimal(-129)),
            (Bytes{std::byte{0xFF}, std::byte{0x7F}}));
  EXPECT_EQ(SingleValueBytes(T(TypeId::kDate), Literal::Integer(-1)), Bytes(4, std::byte{0xFF}));
  EXPECT_EQ(SingleValueBytes(T(TypeId::kLong), Literal::Integer(1)).size(), 8u);
}

TEST(HumanStringTest, FormatsPathValuesAsJavaDoes) {
  auto human = [](std::string_view transform, Type source, Literal value) {
    return HumanString(*ParseTransform(transform), source, value);
  };
  EXPECT_EQ(human("year", T(TypeId::kTimestamp), Literal::Integer(-1)), "1969");
  EXPECT_EQ(human("month", T(TypeId::kTimestamp), Literal::Integer(-1)), "1969-12");
  EXPECT_EQ(human("day", T(TypeId::kTimestamp), Literal::Integer(17486)), "2017-11-16");
  EXPECT_EQ(human("hour", T(TypeId::kTimestamp), Literal::Integer(-1)), "1969-12-31-23");
  EXPECT_EQ(human("bucket[4]", T(TypeId::kString), Literal::Integer(3)), "3");
  EXPECT_EQ(human("identity", Type::Decimal(9, 2), Literal::Decimal(-5)), "-0.05");
  EXPECT_EQ(human("identity", T(TypeId::kUuid), Literal::Bytes(UuidBytes())),
            "f79c3e09-677c-4bbd-a479-3f349cb785e7");
  EXPECT_EQ(human("identity", T(TypeId::kTimestampTz), Literal::Integer(1510871468000001)),
            "2017-11-16T22:31:08.000001Z");
  EXPECT_EQ(human("identity", T(TypeId::kBinary), Literal::Bytes("ab")), "YWI=");
  EXPECT_EQ(human("identity", T(TypeId::kBoolean), Literal::Integer(1)), "true");
}

}  // namespace
}  // namespace pg2iceberg::iceberg

namespace pg2iceberg::iceberg {
namespace {

// Rows with a NaN identity partition value share one partition (and one open file).
TEST(LiteralTest, RealsCompareByBitPattern) {
  EXPECT_EQ(Literal::Real(std::nan("")), Literal::Real(std::nan("")));
  EXPECT_NE(Literal::Real(0.0), Literal::Real(-0.0));
  EXPECT_EQ(Literal::Real(1.5), Literal::Real(1.5));
}

}  // namespace
}  // namespace pg2iceberg::iceberg
