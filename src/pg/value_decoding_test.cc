#include "pg/value_decoding.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "pg/pg_types.h"

namespace pg2iceberg::pg {
namespace {

using change::ColumnSchema;
using change::Value;

// Bytes from hex digits; spaces only separate fields for the reader.
std::string Hex(std::string_view hex) {
  std::string digits;
  for (char c : hex) {
    if (c != ' ') digits.push_back(c);
  }
  std::string out;
  for (size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

int32_t NumericModifier(int precision, int scale) { return ((precision << 16) | scale) + 4; }

ColumnSchema Column(TypeOid oid, int32_t modifier = -1) {
  return {.name = "c_" + std::to_string(static_cast<uint32_t>(oid)),
          .type_oid = static_cast<uint32_t>(oid),
          .type_modifier = modifier};
}

Result<Value> DecodeText(const ColumnSchema& column, std::string_view text) {
  return DecodeColumnValue(column, {.kind = TupleColumnKind::kText, .data = AsBytes(text)});
}
Result<Value> DecodeBinary(const ColumnSchema& column, std::string_view bytes) {
  return DecodeColumnValue(column, {.kind = TupleColumnKind::kBinary, .data = AsBytes(bytes)});
}

// One value in both wire forms and what it must become.
struct Case {
  ColumnSchema column;
  std::string text;
  std::string binary;  // raw bytes (built with Hex)
  Value expected;
};

std::vector<Case> Cases() {
  constexpr int64_t kDay = 86'400'000'000;
  const ColumnSchema money = Column(TypeOid::kNumeric, NumericModifier(10, 2));
  const ColumnSchema wide = Column(TypeOid::kNumeric, NumericModifier(38, 0));
  return {
      {Column(TypeOid::kBool), "t", Hex("01"), Value::Bool(true)},
      {Column(TypeOid::kBool), "f", Hex("00"), Value::Bool(false)},
      {Column(TypeOid::kInt2), "-32768", Hex("8000"), Value::Int32(-32768)},
      {Column(TypeOid::kInt2), "32767", Hex("7fff"), Value::Int32(32767)},
      {Column(TypeOid::kInt4), "-2147483648", Hex("80000000"), Value::Int32(INT32_MIN)},
      {Column(TypeOid::kInt4), "2147483647", Hex("7fffffff"), Value::Int32(INT32_MAX)},
      {Column(TypeOid::kInt8), "-9223372036854775808", Hex("8000000000000000"),
       Value::Int64(INT64_MIN)},
      {Column(TypeOid::kInt8), "9223372036854775807", Hex("7fffffffffffffff"),
       Value::Int64(INT64_MAX)},
      {Column(TypeOid::kOid), "4294967295", Hex("ffffffff"), Value::Int64(4294967295)},
      {Column(TypeOid::kOid), "0", Hex("00000000"), Value::Int64(0)},
      {Column(TypeOid::kFloat4), "1.5", Hex("3fc00000"), Value::Float32(1.5f)},
      {Column(TypeOid::kFloat4), "-0", Hex("80000000"), Value::Float32(-0.0f)},
      {Column(TypeOid::kFloat4), "NaN", Hex("7fc00000"),
       Value::Float32(std::numeric_limits<float>::quiet_NaN())},
      {Column(TypeOid::kFloat4), "NaN", Hex("ffc00001"),
       Value::Float32(std::numeric_limits<float>::quiet_NaN())},
      {Column(TypeOid::kFloat4), "-Infinity", Hex("ff800000"),
       Value::Float32(-std::numeric_limits<float>::infinity())},
      {Column(TypeOid::kFloat4), "3.4028235e+38", Hex("7f7fffff"),
       Value::Float32(std::numeric_limits<float>::max())},
      {Column(TypeOid::kFloat4), "1e-45", Hex("00000001"),
       Value::Float32(std::numeric_limits<float>::denorm_min())},
      {Column(TypeOid::kFloat8), "0.1", Hex("3fb999999999999a"), Value::Float64(0.1)},
      {Column(TypeOid::kFloat8), "-0", Hex("8000000000000000"), Value::Float64(-0.0)},
      {Column(TypeOid::kFloat8), "Infinity", Hex("7ff0000000000000"),
       Value::Float64(std::numeric_limits<double>::infinity())},
      {Column(TypeOid::kFloat8), "NaN", Hex("7ff8000000000000"),
       Value::Float64(std::numeric_limits<double>::quiet_NaN())},
      {Column(TypeOid::kFloat8), "1.7976931348623157e+308", Hex("7fefffffffffffff"),
       Value::Float64(std::numeric_limits<double>::max())},
      {Column(TypeOid::kFloat8), "5e-324", Hex("0000000000000001"),
       Value::Float64(std::numeric_limits<double>::denorm_min())},
      // numeric binary: ndigits, weight, sign, dscale, base-10000 digits.
      {money, "123.45", Hex("0002 0000 0000 0002 007b 1194"), Value::Decimal(12345)},
      {money, "-0.01", Hex("0001 ffff 4000 0002 0064"), Value::Decimal(-1)},
      {money, "0.00", Hex("0000 0000 0000 0002"), Value::Decimal(0)},
      {money, "99999999.99", Hex("0003 0001 0000 0002 270f 270f 26ac"), Value::Decimal(9999999999)},
      {wide, "99999999999999999999999999999999999999",
       Hex("000a 0009 0000 0000 0063 270f 270f 270f 270f 270f 270f 270f 270f 270f"),
       Value::Decimal(static_cast<__int128>(9999999999999999999ULL) * 10000000000000000000ULL +
                      static_cast<__int128>(9999999999999999999ULL))},
      // unconstrained numeric: decimal(38,18), 20 integer and 18 fractional digits at most;
      // trailing fractional zeros beyond 18 are exact.
      {Column(TypeOid::kNumeric), "12345678901234567890.123456789012345678",
       Hex("000a 0004 0000 0012 04d2 162e 2334 0d80 1ed2 04d2 162e 2334 0d80 1e78"),
       Value::Decimal(static_cast<__int128>(12345678901234567890ULL) * 1000000000000000000LL +
                      123456789012345678LL)},
      {Column(TypeOid::kNumeric), "1.500000000000000000000", Hex("0002 0000 0000 0015 0001 1388"),
       Value::Decimal(static_cast<__int128>(15) * 100000000000000000LL)},
      {Column(TypeOid::kText), "h\xc3\xa9llo", "h\xc3\xa9llo", Value::String("h\xc3\xa9llo")},
      {Column(TypeOid::kText), "", "", Value::String("")},
      {Column(TypeOid::kVarchar), "v", "v", Value::String("v")},
      {Column(TypeOid::kBpchar), "ab  ", "ab  ", Value::String("ab  ")},
      {Column(TypeOid::kName), "pg_class", "pg_class", Value::String("pg_class")},
      {Column(TypeOid::kJson), "{\"a\": 1}", "{\"a\": 1}", Value::String("{\"a\": 1}")},
      {Column(TypeOid::kJsonb), "{\"a\": 1}", "\x01{\"a\": 1}", Value::String("{\"a\": 1}")},
      {Column(TypeOid::kBytea), "\\x00ff0A", Hex("00ff0a"), Value::Binary(Hex("00ff0a"))},
      {Column(TypeOid::kBytea), "\\x", "", Value::Binary("")},
      {Column(TypeOid::kUuid), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
       Hex("a0eebc999c0b4ef8bb6d6bb9bd380a11"),
       Value::Uuid(Hex("a0eebc999c0b4ef8bb6d6bb9bd380a11"))},
      // dates: days since 2000-01-01 on the wire, since 1970-01-01 in the Value.
      {Column(TypeOid::kDate), "2024-01-31", Hex("0000225c"), Value::Date(19753)},
      {Column(TypeOid::kDate), "1970-01-01", Hex("ffffd533"), Value::Date(0)},
      {Column(TypeOid::kDate), "0001-01-01", Hex("fff4dbf9"), Value::Date(-719162)},
      {Column(TypeOid::kDate), "0044-03-15 BC", Hex("fff49d7b"), Value::Date(-735160)},
      {Column(TypeOid::kDate), "4714-11-24 BC", Hex("ffda97a7"), Value::Date(-2440588)},
      {Column(TypeOid::kDate), "5874897-12-31", Hex("7fda970c"), Value::Date(2145042905)},
      {Column(TypeOid::kTime), "12:34:56.123456", Hex("0000000a8bdbfe40"),
       Value::Time(45296123456)},
      {Column(TypeOid::kTime), "00:00:00", Hex("0000000000000000"), Value::Time(0)},
      {Column(TypeOid::kTime), "23:59:59.999999", Hex("000000141dd75fff"), Value::Time(kDay - 1)},
      {Column(TypeOid::kTime), "00:00:00.5", Hex("000000000007a120"), Value::Time(500000)},
      {Column(TypeOid::kTimestamp), "2024-01-31 12:34:56.123456", Hex("0002b33be0027e40"),
       Value::Timestamp(1706704496123456)},
      {Column(TypeOid::kTimestamp), "2000-01-01 00:00:00", Hex("0000000000000000"),
       Value::Timestamp(946684800000000)},
      {Column(TypeOid::kTimestamp), "0044-03-15 12:00:00 BC", Hex("ff1af9e8fb46d000"),
       Value::Timestamp(-63517780800000000)},
      {Column(TypeOid::kTimestamp), "4714-11-24 00:00:00 BC", Hex("fd0f7cc1411fa000"),
       Value::Timestamp(-210866803200000000)},
      {Column(TypeOid::kTimestampTz), "2024-01-31 12:34:56.123456+00", Hex("0002b33be0027e40"),
       Value::TimestampTz(1706704496123456)},
      {Column(TypeOid::kTimestampTz), "2024-01-31 18:04:56.123456+05:30", Hex("0002b33be0027e40"),
       Value::TimestampTz(1706704496123456)},
      {Column(TypeOid::kTimestampTz), "2024-01-31 08:41:58.123456-03:52:58",
       Hex("0002b33be0027e40"), Value::TimestampTz(1706704496123456)},
      {Column(TypeOid::kTimestampTz), "2024-01-31 12:35:26.123456+00:00:30",
       Hex("0002b33be0027e40"), Value::TimestampTz(1706704496123456)},
      {Column(TypeOid::kTimestampTz), "0044-03-15 12:00:00+00 BC", Hex("ff1af9e8fb46d000"),
       Value::TimestampTz(-63517780800000000)},
  };
}

std::string Describe(const Case& c) { return c.column.name + " " + c.text; }

TEST(ValueDecodingTest, TextFormsDecodeToTheExpectedValues) {
  for (const Case& c : Cases()) {
    Result<Value> value = DecodeText(c.column, c.text);
    ASSERT_TRUE(value.ok()) << Describe(c) << ": " << value.status().ToString();
    EXPECT_EQ(*value, c.expected) << Describe(c);
  }
}

TEST(ValueDecodingTest, BinaryFormsDecodeToTheSameValues) {
  for (const Case& c : Cases()) {
    Result<Value> value = DecodeBinary(c.column, c.binary);
    ASSERT_TRUE(value.ok()) << Describe(c) << ": " << value.status().ToString();
    EXPECT_EQ(*value, c.expected) << Describe(c);
  }
}

TEST(ValueDecodingTest, NullAndUnchangedToastNeedNoBytes) {
  const ColumnSchema column = Column(TypeOid::kText);
  EXPECT_EQ(*DecodeColumnValue(column, {.kind = TupleColumnKind::kNull}), Value::Null());
  EXPECT_EQ(*DecodeColumnValue(column, {.kind = TupleColumnKind::kUnchangedToast}),
            Value::UnchangedToast());
}

void ExpectError(const Result<Value>& value, StatusCode code, std::vector<std::string> fragments) {
  ASSERT_EQ(value.status().code(), code) << value.status().ToString();
  for (const std::string& fragment : fragments) {
    EXPECT_NE(value.status().message().find(fragment), std::string::npos)
        << value.status().message() << " lacks " << fragment;
  }
}

// Values Iceberg cannot hold exactly: refused in both forms, naming column and value.
TEST(ValueDecodingTest, UnrepresentableValuesAreInvalidArgumentInBothForms) {
  const ColumnSchema money = Column(TypeOid::kNumeric, NumericModifier(5, 2));
  const auto both = [](const ColumnSchema& column, std::string_view text, std::string_view binary,
                       std::vector<std::string> fragments) {
    fragments.push_back(column.name);
    ExpectError(DecodeText(column, text), StatusCode::kInvalidArgument, fragments);
    ExpectError(DecodeBinary(column, binary), StatusCode::kInvalidArgument, fragments);
  };
  both(money, "1234.56", Hex("0002 0000 0000 0002 04d2 15e0"), {"1234.56", "decimal(5,2)"});
  both(money, "1.234", Hex("0002 0000 0000 0003 0001 0924"), {"1.234"});
  both(money, "NaN", Hex("0000 0000 c000 0000"), {"NaN"});
  both(money, "-Infinity", Hex("0000 0000 f000 0000"), {"-Infinity"});
  const ColumnSchema unconstrained = Column(TypeOid::kNumeric);
  both(unconstrained, "123456789012345678901",
       Hex("0006 0005 0000 0000 0001 0929 1a85 007b 11d7 22c5"),
       {"123456789012345678901", "decimal(38,18)"});
  both(unconstrained, "0.1234567890123456789", Hex("0005 ffff 0000 0013 04d2 162e 2334 0d80 1ed2"),
       {"0.1234567890123456789", "decimal(38,18)"});
  both(unconstrained, "NaN", Hex("0000 0000 c000 0000"), {"NaN"});
  both(Column(TypeOid::kDate), "infinity", Hex("7fffffff"), {"infinity"});
  both(Column(TypeOid::kDate), "-infinity", Hex("80000000"), {"-infinity"});
  both(Column(TypeOid::kTimestamp), "infinity", Hex("7fffffffffffffff"), {"infinity"});
  both(Column(TypeOid::kTimestampTz), "-infinity", Hex("8000000000000000"), {"-infinity"});
  both(Column(TypeOid::kTime), "24:00:00", Hex("000000141dd76000"), {"24:00:00"});
  // Postgres' last timestamps (up to 294276 AD) pass int64 once shifted to the Unix epoch.
  both(Column(TypeOid::kTimestamp), "294276-12-31 23:59:59.999999", Hex("7fffff5bb3b29fff"),
       {"timestamp"});
}

TEST(ValueDecodingTest, UnsupportedTypesAreInvalidArgument) {
  ExpectError(DecodeText(Column(TypeOid::kNumeric, NumericModifier(39, 0)), "1"),
              StatusCode::kInvalidArgument, {"numeric(39,0)"});
  ExpectError(DecodeText(Column(static_cast<TypeOid>(600)), "(1,2)"),  // point
              StatusCode::kInvalidArgument, {"c_600", "600", "not supported"});
  EXPECT_EQ(NumericTypeOf(Column(TypeOid::kNumeric, NumericModifier(12, 3)))->scale, 3);
  EXPECT_EQ(NumericTypeOf(Column(TypeOid::kNumeric))->precision, 38);  // unconstrained
  EXPECT_EQ(NumericTypeOf(Column(TypeOid::kNumeric))->scale, 18);
}

TEST(ValueDecodingTest, MalformedTextIsDataLossNamingTheValue) {
  const std::vector<std::pair<TypeOid, std::string>> malformed = {
      {TypeOid::kBool, "true"},
      {TypeOid::kInt2, "32768"},
      {TypeOid::kInt4, "1.0"},
      {TypeOid::kInt8, ""},
      {TypeOid::kOid, "-1"},
      {TypeOid::kFloat8, "1.0x"},
      {TypeOid::kFloat4, "1e999"},
      {TypeOid::kBytea, "abc"},
      {TypeOid::kBytea, "\\x0g"},
      {TypeOid::kUuid, "a0eebc999c0b4ef8bb6d6bb9bd380a11"},
      {TypeOid::kDate, "2024-13-01"},
      {TypeOid::kDate, "2023-02-29"},
      {TypeOid::kDate, "24-01-01"},
      {TypeOid::kDate, "2024-01-31 AD"},
      {TypeOid::kTime, "12:60:00"},
      {TypeOid::kTime, "12:00:00.1234567"},
      {TypeOid::kTimestamp, "2024-01-31T12:00:00"},
      {TypeOid::kTimestamp, "2024-01-31 12:00:00+00"},
      {TypeOid::kTimestampTz, "2024-01-31 12:00:00"},
      {TypeOid::kTimestampTz, "2024-01-31 12:00:00+0530"},
  };
  for (const auto& [oid, text] : malformed) {
    ExpectError(DecodeText(Column(oid), text), StatusCode::kDataLoss,
                {Column(oid).name, "\"" + text + "\""});
  }
  ExpectError(DecodeText(Column(TypeOid::kNumeric, NumericModifier(10, 2)), "1e5"),
              StatusCode::kDataLoss, {"1e5"});
}

TEST(ValueDecodingTest, LeapDaysFollowTheProlepticGregorianCalendar) {
  EXPECT_EQ(*DecodeText(Column(TypeOid::kDate), "2024-02-29"), Value::Date(19782));
  EXPECT_EQ(*DecodeText(Column(TypeOid::kDate), "0001-02-29 BC"), Value::Date(-719469));
  EXPECT_EQ(DecodeText(Column(TypeOid::kDate), "1900-02-29").status().code(),
            StatusCode::kDataLoss);
}

TEST(ValueDecodingTest, MalformedBinaryIsDataLossShowingTheBytes) {
  ExpectError(DecodeBinary(Column(TypeOid::kInt4), Hex("0102")), StatusCode::kDataLoss,
              {"c_23", "0102"});
  ExpectError(DecodeBinary(Column(TypeOid::kJsonb), "\x02{}"), StatusCode::kDataLoss, {"c_3802"});
  ExpectError(DecodeBinary(Column(TypeOid::kTime), Hex("ffffffffffffffff")), StatusCode::kDataLoss,
              {"c_1083"});
  ExpectError(DecodeBinary(Column(TypeOid::kUuid), Hex("00")), StatusCode::kDataLoss, {"c_2950"});
}

}  // namespace
}  // namespace pg2iceberg::pg
