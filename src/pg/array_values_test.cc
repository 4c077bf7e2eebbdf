#include "pg/array_values.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "pg/pg_types.h"
#include "pg/value_decoding.h"

namespace pg2iceberg::pg {
namespace {

using change::ColumnSchema;
using change::Value;

constexpr uint32_t kInt4Array = 1007;
constexpr uint32_t kTextArray = 1009;
constexpr uint32_t kNumericArray = 1231;

int32_t NumericModifier(int precision, int scale) { return ((precision << 16) | scale) + 4; }

ColumnSchema Column(uint32_t oid, int32_t modifier = -1) {
  return {.name = "c_" + std::to_string(oid), .type_oid = oid, .type_modifier = modifier};
}

Result<Value> DecodeText(const ColumnSchema& column, std::string_view text) {
  return DecodeColumnValue(column, {.kind = TupleColumnKind::kText, .data = AsBytes(text)});
}
Result<Value> DecodeBinary(const ColumnSchema& column, const std::string& bytes) {
  return DecodeColumnValue(column, {.kind = TupleColumnKind::kBinary, .data = AsBytes(bytes)});
}

void AppendInt32(int64_t value, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

// array_send's form: the header, then each element (nullopt = NULL) with its length.
std::string BinaryArray(uint32_t element_oid, const std::vector<int32_t>& dims,
                        const std::vector<std::optional<std::string>>& elements,
                        int32_t has_null = -1) {
  if (has_null < 0) {
    has_null = 0;
    for (const auto& element : elements) has_null |= element.has_value() ? 0 : 1;
  }
  std::string out;
  AppendInt32(static_cast<int32_t>(dims.size()), &out);
  AppendInt32(has_null, &out);
  AppendInt32(element_oid, &out);
  for (int32_t size : dims) {
    AppendInt32(size, &out);
    AppendInt32(1, &out);
  }
  for (const auto& element : elements) {
    AppendInt32(element.has_value() ? static_cast<int64_t>(element->size()) : -1, &out);
    if (element.has_value()) out += *element;
  }
  return out;
}

std::string Int4Bytes(int32_t value) {
  std::string out;
  AppendInt32(value, &out);
  return out;
}

Value Ints(std::vector<std::optional<int32_t>> values) {
  std::vector<Value> elements;
  for (auto v : values) elements.push_back(v.has_value() ? Value::Int32(*v) : Value::Null());
  return Value::List(std::move(elements));
}

void ExpectText(const ColumnSchema& column, std::string_view text, const Value& expected) {
  Result<Value> decoded = DecodeText(column, text);
  ASSERT_TRUE(decoded.ok()) << text << ": " << decoded.status().ToString();
  EXPECT_TRUE(*decoded == expected) << text;
}

void ExpectError(const Result<Value>& decoded, StatusCode code, std::string_view fragment) {
  ASSERT_FALSE(decoded.ok()) << fragment;
  EXPECT_EQ(decoded.status().code(), code) << decoded.status().ToString();
  EXPECT_NE(decoded.status().message().find(fragment), std::string::npos)
      << decoded.status().ToString();
}

TEST(ArrayValuesTest, KnowsTheElementTypeOfBuiltInArrays) {
  EXPECT_EQ(ArrayElementTypeOid(1007), 23u);
  EXPECT_EQ(ArrayElementTypeOid(1009), 25u);
  EXPECT_EQ(ArrayElementTypeOid(1231), 1700u);
  EXPECT_EQ(ArrayElementTypeOid(199), 114u);
  EXPECT_EQ(ArrayElementTypeOid(3807), 3802u);
  EXPECT_EQ(ArrayElementTypeOid(23), std::nullopt);
  EXPECT_EQ(ArrayElementTypeOid(1187), 1186u);         // interval[]
  EXPECT_EQ(ArrayElementTypeOid(600), std::nullopt);   // point: not an array
  EXPECT_EQ(ArrayElementTypeOid(1017), std::nullopt);  // point[]: not decoded
  EXPECT_EQ(ArrayTypeOidOf(1186), 1187u);
  EXPECT_EQ(ArrayTypeOidOf(600), std::nullopt);
}

TEST(ArrayValuesTest, TextOneDimensionalWithNulls) {
  ExpectText(Column(kInt4Array), "{1,-2,NULL,null}", Ints({1, -2, std::nullopt, std::nullopt}));
  ExpectText(Column(kInt4Array), "{}", Value::List({}));
}

TEST(ArrayValuesTest, TextQuotedElementsUnescape) {
  ExpectText(Column(kTextArray), R"({"a b","c\"d","e\\f","NULL",NULL,"{x}","",plain,"a,b"})",
             Value::List({Value::String("a b"), Value::String("c\"d"), Value::String("e\\f"),
                          Value::String("NULL"), Value::Null(), Value::String("{x}"),
                          Value::String(""), Value::String("plain"), Value::String("a,b")}));
}

TEST(ArrayValuesTest, TextMultiDimensionalAndLowerBounds) {
  const Value square = Value::List({Ints({1, 2}), Ints({3, 4})});
  ExpectText(Column(kInt4Array), "{{1,2},{3,4}}", square);
  ExpectText(Column(kInt4Array), "[0:1][-1:0]={{1,2},{3,4}}", square);
  ExpectText(Column(kInt4Array), "[0:1]={7,8}", Ints({7, 8}));
  ExpectText(Column(kInt4Array), "{{{1},{NULL}}}",
             Value::List({Value::List({Ints({1}), Ints({std::nullopt})})}));
}

TEST(ArrayValuesTest, TextElementsUseTheElementTypesParsers) {
  ExpectText(Column(kNumericArray, NumericModifier(10, 2)), "{1.50,-2,NULL}",
             Value::List({Value::Decimal(150), Value::Decimal(-200), Value::Null()}));
  ExpectText(Column(1001), R"({"\\x0102",NULL})",
             Value::List({Value::Binary("\x01\x02"), Value::Null()}));
  ExpectText(Column(1115), R"({"2024-01-31 00:00:01"})",
             Value::List({Value::Timestamp(1'706'659'201'000'000)}));
  ExpectText(Column(1000), "{t,f}", Value::List({Value::Bool(true), Value::Bool(false)}));
  ExpectText(Column(3807), R"({"{\"a\": 1}"})", Value::List({Value::String("{\"a\": 1}")}));
}

TEST(ArrayValuesTest, MalformedTextIsDataLoss) {
  for (std::string_view bad :
       {"", "1,2", "{1,2", "{1,,2}", "{1,2}x", "{{1},{2,3}}", "{1,{2}}", "{{1},2}", "{{}}",
        "[0:2]={1,2}", "[0:1]{1,2}", "[1:0]={}", "[a:1]={1}", R"({"abc})", "{a b}", "{1 }",
        R"({"a\)", "{{{{{{{1}}}}}}}", "[1:1][1:1][1:1][1:1][1:1][1:1][1:1]={{{{{{{1}}}}}}}"}) {
    ExpectError(DecodeText(Column(kTextArray), bad), StatusCode::kDataLoss, "malformed text array");
  }
  ExpectError(DecodeText(Column(kInt4Array), "{1,x}"), StatusCode::kDataLoss, "array element 2");
}

TEST(ArrayValuesTest, BinaryMatchesText) {
  const ColumnSchema column = Column(kInt4Array);
  Result<Value> flat =
      DecodeBinary(column, BinaryArray(23, {3}, {Int4Bytes(1), std::nullopt, Int4Bytes(-2)}));
  ASSERT_TRUE(flat.ok()) << flat.status().ToString();
  EXPECT_EQ(*flat, Ints({1, std::nullopt, -2}));
  Result<Value> square = DecodeBinary(
      column, BinaryArray(23, {2, 2}, {Int4Bytes(1), Int4Bytes(2), Int4Bytes(3), Int4Bytes(4)}));
  ASSERT_TRUE(square.ok()) << square.status().ToString();
  EXPECT_EQ(*square, Value::List({Ints({1, 2}), Ints({3, 4})}));
  Result<Value> empty = DecodeBinary(column, BinaryArray(23, {}, {}));
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(*empty, Value::List({}));
  Result<Value> strings = DecodeBinary(Column(kTextArray), BinaryArray(25, {2}, {"a\"b", ""}));
  ASSERT_TRUE(strings.ok()) << strings.status().ToString();
  EXPECT_EQ(*strings, Value::List({Value::String("a\"b"), Value::String("")}));
}

TEST(ArrayValuesTest, MalformedBinaryIsDataLoss) {
  const ColumnSchema column = Column(kInt4Array);
  const std::string one = BinaryArray(23, {1}, {Int4Bytes(5)});
  std::string seven_dims = BinaryArray(23, {1, 1, 1, 1, 1, 1, 1}, {Int4Bytes(5)});
  std::string null_without_flag = BinaryArray(23, {1}, {std::nullopt}, 0);
  std::string bad_length = one;
  bad_length.replace(20, 4, "\xff\xff\xff\xfe");  // element length -2
  const std::vector<std::pair<std::string, std::string_view>> cases = {
      {BinaryArray(20, {1}, {Int4Bytes(5)}), "element type oid 20"},
      {seven_dims, "7 dimensions"},
      {BinaryArray(23, {1}, {Int4Bytes(5)}, 2), "has-null flag 2"},
      {null_without_flag, "has-null flag is 0"},
      {BinaryArray(23, {0}, {}), "dimension of size 0"},
      {BinaryArray(23, {1000000, 1000000}, {}), "cannot fit"},
      {one.substr(0, one.size() - 1), "truncated"},
      {one + "x", "trailing"},
      {bad_length, "element length -2"},
      {BinaryArray(23, {1}, {"abc"}), "array element 1"},
  };
  for (const auto& [bytes, fragment] : cases) {
    ExpectError(DecodeBinary(column, bytes), StatusCode::kDataLoss, fragment);
  }
}

TEST(ArrayValuesTest, UnsupportedElementsAreInvalidArgumentNamingTheColumn) {
  ExpectError(DecodeText(Column(kNumericArray), "{1.5,123456789012345678901}"),
              StatusCode::kInvalidArgument,
              "column \"c_1231\": array element 2: numeric value \"123456789012345678901\"");
  ExpectError(DecodeText(Column(1182), "{2024-01-01,infinity}"), StatusCode::kInvalidArgument,
              "column \"c_1182\": array element 2: ");
  ExpectError(DecodeText(Column(1017), "{\"(1,2)\"}"), StatusCode::kInvalidArgument,
              "column \"c_1017\": type oid 1017");
}

TEST(ArrayValuesTest, ElementsKeepTheColumnModifierAndName) {
  ElementDecoder record = [](const ColumnSchema& element, ByteSpan, bool) -> Result<Value> {
    return Value::String(element.name + "/" + std::to_string(element.type_oid) + "/" +
                         std::to_string(element.type_modifier));
  };
  ColumnSchema column = Column(1015, 24);
  column.name = "tags";
  Result<Value> decoded = DecodeArrayValue(column, AsBytes("{a}"), false, record);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, Value::List({Value::String("tags/1043/24")}));
}

}  // namespace
}  // namespace pg2iceberg::pg
