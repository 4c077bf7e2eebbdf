#include "iceberg/parquet_schema.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

namespace pg2iceberg::iceberg {
namespace {

using parquet::StatValue;

Bytes S(std::string_view s) { return Bytes(AsBytes(s).begin(), AsBytes(s).end()); }

Bytes H(std::initializer_list<int> values) {
  Bytes out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

std::string Hex(const std::optional<Bytes>& bytes) {
  if (!bytes) return "(none)";
  std::string out;
  for (std::byte b : *bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[static_cast<uint8_t>(b) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(b) & 15]);
  }
  return out;
}

std::string Repeat(std::string_view s, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += s;
  return out;
}

// The bounds DataFileFor derives for one column of `type` whose Parquet min/max are given.
struct Bounds {
  std::optional<Bytes> lower;
  std::optional<Bytes> upper;
};

Bounds BoundsFor(Type type, StatValue min, StatValue max) {
  Schema schema;
  schema.fields.push_back(Field{7, "c", false, type, ""});
  parquet::ParquetFile file;
  file.row_count = 2;
  parquet::ColumnSummary column;
  column.field_id = 7;
  column.value_count = 2;
  column.min = std::move(min);
  column.max = std::move(max);
  file.columns.push_back(std::move(column));
  DataFile data_file = DataFileFor("file:///t/a.parquet", file, schema);
  Bounds bounds;
  if (data_file.lower_bounds.contains(7)) bounds.lower = data_file.lower_bounds.at(7);
  if (data_file.upper_bounds.contains(7)) bounds.upper = data_file.upper_bounds.at(7);
  return bounds;
}

Bounds StringBounds(std::string_view min, std::string_view max) {
  return BoundsFor(Type::Primitive(TypeId::kString), S(min), S(max));
}

std::optional<Bytes> DecimalBound(Bytes unscaled) {
  return BoundsFor(Type::Decimal(38, 2), unscaled, unscaled).lower;
}

TEST(DataFileFor, ShortStringBoundsAreTheUtf8Bytes) {
  Bounds b = StringBounds("apple", "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(Hex(b.lower), "61 70 70 6c 65");
  EXPECT_EQ(Hex(b.upper), "c3 a9 74 c3 a9");
}

TEST(DataFileFor, StringBoundsKeepSixteenCodePoints) {
  // 17 three-byte code points "日" (E6 97 A5): 16 are kept, the 16th grows to E6 97 A6.
  const std::string value = Repeat("\xE6\x97\xA5", 17);
  Bounds b = StringBounds(value, value);
  EXPECT_EQ(Hex(b.lower), Hex(S(Repeat("\xE6\x97\xA5", 16))));
  EXPECT_EQ(Hex(b.upper), Hex(S(Repeat("\xE6\x97\xA5", 15) + "\xE6\x97\xA6")));
  // Exactly 16 code points are kept whole.
  const std::string sixteen = Repeat("\xE6\x97\xA5", 16);
  EXPECT_EQ(Hex(StringBounds(sixteen, sixteen).upper), Hex(S(sixteen)));
}

TEST(DataFileFor, StringUpperBoundSkipsCodePointsThatCannotGrow) {
  // The 16th code point is U+10FFFF (F4 8F BF BF): the 15th, "a", becomes "b".
  const std::string value = Repeat("a", 15) + "\xF4\x8F\xBF\xBF" + "zz";
  Bounds b = StringBounds(value, value);
  EXPECT_EQ(Hex(b.lower), Hex(S(Repeat("a", 15) + "\xF4\x8F\xBF\xBF")));
  EXPECT_EQ(Hex(b.upper), Hex(S(Repeat("a", 14) + "b")));
  const std::string all_max = Repeat("\xF4\x8F\xBF\xBF", 17);
  EXPECT_EQ(Hex(StringBounds(all_max, all_max).upper), "(none)");
}

TEST(DataFileFor, MalformedUtf8StringHasNoBounds) {
  Bounds b = StringBounds("a\xC3", "a\xC3");
  EXPECT_EQ(Hex(b.lower), "(none)");
  EXPECT_EQ(Hex(b.upper), "(none)");
}

TEST(DataFileFor, BinaryBoundsKeepSixteenBytes) {
  Bytes min = H({0x00, 0x01});
  Bytes max = H({0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
                 0x1e, 0xff, 0x20});
  Bounds b = BoundsFor(Type::Primitive(TypeId::kBinary), min, max);
  EXPECT_EQ(Hex(b.lower), "00 01");
  // The 16th byte is FF: the 15th (1e) is incremented and the FF dropped.
  EXPECT_EQ(Hex(b.upper), "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1f");
}

TEST(DataFileFor, AllFfBinaryUpperBoundIsOmitted) {
  const Bytes ff(20, std::byte{0xff});
  Bounds b = BoundsFor(Type::Primitive(TypeId::kBinary), ff, ff);
  EXPECT_EQ(Hex(b.lower), Hex(Bytes(16, std::byte{0xff})));
  EXPECT_EQ(Hex(b.upper), "(none)");
}

TEST(DataFileFor, UuidBoundsAreSixteenBigEndianBytes) {
  const Bytes uuid = H({0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66,
                        0x14, 0x17, 0x40, 0x00});
  Bounds b = BoundsFor(Type::Primitive(TypeId::kUuid), uuid, uuid);
  EXPECT_EQ(Hex(b.lower), Hex(uuid));
  EXPECT_EQ(Hex(b.upper), Hex(uuid));
}

TEST(DataFileFor, DecimalBoundsUseTheFewestBytes) {
  auto sixteen = [](int fill, std::initializer_list<int> tail) {
    Bytes out(16 - tail.size(), static_cast<std::byte>(fill));
    for (int v : tail) out.push_back(static_cast<std::byte>(v));
    return out;
  };
  EXPECT_EQ(Hex(DecimalBound(sixteen(0x00, {0x01}))), "01");           // 1
  EXPECT_EQ(Hex(DecimalBound(sixteen(0xff, {0xff}))), "ff");           // -1
  EXPECT_EQ(Hex(DecimalBound(sixteen(0x00, {0x00, 0x80}))), "00 80");  // 128
  EXPECT_EQ(Hex(DecimalBound(sixteen(0xff, {0xff, 0x7f}))), "ff 7f");  // -129
  EXPECT_EQ(Hex(DecimalBound(sixteen(0xff, {0x80}))), "80");           // -128
  EXPECT_EQ(Hex(DecimalBound(sixteen(0x00, {0x00}))), "00");           // 0
  EXPECT_EQ(Hex(DecimalBound(H({0x7f, 0xff}))), "7f ff");              // already minimal
  EXPECT_EQ(Hex(DecimalBound(H({0x80, 0x00, 0x00}))), "80 00 00");     // -2^23
}

TEST(DataFileFor, DecimalOnIntegersIsBigEndianToo) {
  Bounds b = BoundsFor(Type::Decimal(9, 2), StatValue(int32_t{-300}), StatValue(int32_t{255}));
  EXPECT_EQ(Hex(b.lower), "fe d4");
  EXPECT_EQ(Hex(b.upper), "00 ff");
}

TEST(DataFileFor, NumericBoundsStayLittleEndian) {
  Bounds b =
      BoundsFor(Type::Primitive(TypeId::kLong), StatValue(int64_t{-2}), StatValue(int64_t{258}));
  EXPECT_EQ(Hex(b.lower), "fe ff ff ff ff ff ff ff");
  EXPECT_EQ(Hex(b.upper), "02 01 00 00 00 00 00 00");
}

// Through the writer: decimal bounds follow signed order, string bounds unsigned order.
TEST(DataFileFor, WrittenFileYieldsSignedDecimalAndUnsignedStringBounds) {
  Schema schema;
  schema.fields = {Field{1, "d", true, Type::Decimal(10, 2), ""},
                   Field{2, "s", false, Type::Primitive(TypeId::kString), ""}};
  auto writer = parquet::ParquetWriter::Create(ParquetColumnsFor(schema), {});
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  // decimal(10,2) is FIXED_LEN_BYTE_ARRAY(5): 5.00, -1.00 (FF FF FF FF 9C), 1.28.
  const Bytes decimals[] = {H({0, 0, 0, 0x01, 0xf4}), H({0xff, 0xff, 0xff, 0xff, 0x9c}),
                            H({0, 0, 0, 0, 0x80})};
  const char* strings[] = {"zebra", "\xC3\xA9l\xC3\xA8ve", nullptr};
  for (int row = 0; row < 3; ++row) {
    ASSERT_TRUE((*writer)->AppendBytes(0, decimals[row]).ok());
    ASSERT_TRUE(
        (strings[row] ? (*writer)->AppendBytes(1, AsBytes(strings[row])) : (*writer)->AppendNull(1))
            .ok());
    ASSERT_TRUE((*writer)->EndRow().ok());
  }
  auto file = (*writer)->Finish();
  ASSERT_TRUE(file.ok());
  DataFile data_file = DataFileFor("file:///t/b.parquet", *file, schema);
  EXPECT_EQ(Hex(data_file.lower_bounds.at(1)), "9c");     // -100
  EXPECT_EQ(Hex(data_file.upper_bounds.at(1)), "01 f4");  // 500
  EXPECT_EQ(Hex(data_file.lower_bounds.at(2)), Hex(S("zebra")));
  EXPECT_EQ(Hex(data_file.upper_bounds.at(2)), Hex(S("\xC3\xA9l\xC3\xA8ve")));
  EXPECT_EQ(data_file.null_value_counts.at(2), 1);
}

TEST(ParquetColumnsFor, ListFieldIsAListColumnOfItsElementType) {
  Schema schema;
  schema.fields = {Field{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                   Field{2, "prices", false, Type::List(3, false, Type::Decimal(10, 2)), ""}};
  const std::vector<parquet::ColumnSpec> columns = ParquetColumnsFor(schema);
  ASSERT_EQ(columns.size(), 2u);
  EXPECT_FALSE(columns[0].list_element.has_value());
  const parquet::ColumnSpec& prices = columns[1];
  EXPECT_EQ(prices.name, "prices");
  EXPECT_EQ(prices.field_id, 2);
  EXPECT_FALSE(prices.required);
  ASSERT_TRUE(prices.list_element.has_value());
  EXPECT_EQ(prices.list_element->field_id, 3);
  EXPECT_FALSE(prices.list_element->required);
  EXPECT_EQ(prices.physical_type, parquet::PhysicalType::kFixedLenByteArray);
  EXPECT_EQ(prices.type_length, 5);
  EXPECT_EQ(prices.annotation.kind, parquet::Annotation::Kind::kDecimal);
}

// A list's metrics are keyed by the element id, with counts but no bounds.
TEST(DataFileFor, ListElementHasCountsButNoBounds) {
  Schema schema;
  schema.fields = {
      Field{1, "id", true, Type::Primitive(TypeId::kInt), ""},
      Field{2, "xs", false, Type::List(3, false, Type::Primitive(TypeId::kDouble)), ""}};
  auto writer = parquet::ParquetWriter::Create(ParquetColumnsFor(schema), {});
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  parquet::ParquetWriter& w = **writer;
  ASSERT_TRUE(w.AppendInt32(0, 1).ok());  // [1.5, NaN, NULL]
  ASSERT_TRUE(w.BeginList(1).ok());
  ASSERT_TRUE(w.AppendDouble(1, 1.5).ok());
  ASSERT_TRUE(w.AppendDouble(1, std::nan("")).ok());
  ASSERT_TRUE(w.AppendNull(1).ok());
  ASSERT_TRUE(w.EndList(1).ok());
  ASSERT_TRUE(w.EndRow().ok());
  ASSERT_TRUE(w.AppendInt32(0, 2).ok());  // NULL
  ASSERT_TRUE(w.AppendNull(1).ok());
  ASSERT_TRUE(w.EndRow().ok());
  auto file = w.Finish();
  ASSERT_TRUE(file.ok());
  DataFile data_file = DataFileFor("file:///t/c.parquet", *file, schema);
  EXPECT_EQ(data_file.record_count, 2);
  EXPECT_FALSE(data_file.value_counts.contains(2));
  EXPECT_EQ(data_file.value_counts.at(3), 4);
  EXPECT_EQ(data_file.null_value_counts.at(3), 2);
  EXPECT_EQ(data_file.nan_value_counts.at(3), 1);
  EXPECT_TRUE(data_file.column_sizes.contains(3));
  EXPECT_FALSE(data_file.lower_bounds.contains(3));
  EXPECT_FALSE(data_file.upper_bounds.contains(3));
  EXPECT_TRUE(data_file.lower_bounds.contains(1));
}

}  // namespace
}  // namespace pg2iceberg::iceberg
