#include "pg/copy_row_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pg/pg_types.h"

namespace pg2iceberg::pg {
namespace {

using change::ColumnSchema;
using change::Row;
using change::Value;

ColumnSchema Column(std::string name, TypeOid oid, int32_t modifier = -1) {
  return {
      .name = std::move(name), .type_oid = static_cast<uint32_t>(oid), .type_modifier = modifier};
}

Bytes Int4(int32_t value) {
  ByteWriter writer;
  writer.AppendBigEndian(value);
  return writer.Release();
}

// Fields of one COPY row; nullopt is NULL.
std::vector<std::optional<ByteSpan>> Fields(const std::vector<std::optional<Bytes>>& values) {
  std::vector<std::optional<ByteSpan>> fields;
  for (const auto& v : values) fields.push_back(v ? std::optional<ByteSpan>(*v) : std::nullopt);
  return fields;
}

// The COPY fields decode to what capture's decoder gives for the same binary columns.
TEST(CopyRowDecoder, FieldsDecodeAsCaptureDecodesBinaryColumns) {
  const std::vector<ColumnSchema> columns = {
      Column("id", TypeOid::kInt4), Column("note", TypeOid::kText), Column("f", TypeOid::kFloat4)};
  CopyRowDecoder decoder("public.t", columns, {});
  const Bytes note =
      Bytes(AsBytes(std::string_view("hello")).begin(), AsBytes(std::string_view("hello")).end());
  const Bytes nan = {std::byte{0x7f}, std::byte{0xc0}, std::byte{0x12}, std::byte{0x34}};
  Row row;
  ASSERT_TRUE(decoder.Decode(Fields({Int4(42), note, nan}), row).ok());
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::vector<std::optional<Bytes>> values = {Int4(42), note, nan};
    Result<Value> capture = DecodeColumnValue(
        columns[i], {.kind = TupleColumnKind::kBinary, .data = ByteSpan(*values[i])});
    ASSERT_TRUE(capture.ok());
    EXPECT_EQ(row[i], *capture) << "column " << i;
  }
  EXPECT_EQ(row[0], Value::Int32(42));
  EXPECT_EQ(row[1], Value::String("hello"));
  EXPECT_EQ(row[2], Value::Float32(std::numeric_limits<float>::quiet_NaN()));  // canonical NaN
  ASSERT_TRUE(decoder.Decode(Fields({Int4(1), std::nullopt, std::nullopt}), row).ok());
  EXPECT_EQ(row, (Row{Value::Int32(1), Value::Null(), Value::Null()}));
}

// Decoding into the same row reuses its strings' buffers: no allocation per value once a
// column's values fit.
TEST(CopyRowDecoder, ARowDecodedAgainReusesItsBuffers) {
  CopyRowDecoder decoder("public.t", {Column("note", TypeOid::kText)}, {});
  const std::string longer(100, 'x');
  const std::string shorter(40, 'y');
  Row row;
  ASSERT_TRUE(
      decoder.Decode(Fields({Bytes(AsBytes(longer).begin(), AsBytes(longer).end())}), row).ok());
  const char* buffer = row[0].bytes.data();
  ASSERT_TRUE(
      decoder.Decode(Fields({Bytes(AsBytes(shorter).begin(), AsBytes(shorter).end())}), row).ok());
  EXPECT_EQ(row[0], Value::String(shorter));
  EXPECT_EQ(row[0].bytes.data(), buffer);
}

TEST(CopyRowDecoder, ErrorsNameTheTableAndColumnAndShowMalformedBytes) {
  CopyRowDecoder decoder("public.t", {Column("id", TypeOid::kInt4), Column("d", TypeOid::kDate)},
                         {});
  Row row;
  Status status = decoder.Decode(Fields({Bytes{std::byte{1}, std::byte{2}}, std::nullopt}), row);
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_EQ(status.message().rfind("table public.t, column \"id\": ", 0), 0u) << status.message();
  EXPECT_NE(status.message().find("(binary value 0102)"), std::string::npos) << status.message();
  status = decoder.Decode(Fields({Int4(1), Int4(0x7fffffff)}), row);  // date 'infinity'
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "table public.t, column \"d\": date value infinity cannot be stored in an Iceberg "
            "date");
}

// numeric(40,2): refused by default (as capture refuses it), its exact text when asked.
TEST(CopyRowDecoder, WideNumericIsItsTextOnlyWhenTheOptionsAskForIt) {
  const ColumnSchema wide = Column("n", TypeOid::kNumeric, ((40 << 16) | 2) + 4);
  ByteWriter value;  // 1.50: one digit 1, one digit 5000, weight 0, dscale 2
  for (int16_t v : {2, 0, 0, 2, 1, 5000}) value.AppendBigEndian(v);
  const Bytes bytes = value.Release();
  Row row;
  Status refused = CopyRowDecoder("public.t", {wide}, {}).Decode(Fields({bytes}), row);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(CopyRowDecoder("public.t", {wide}, {.wide_numeric_as_string = true})
                  .Decode(Fields({bytes}), row)
                  .ok());
  EXPECT_EQ(row[0], Value::String("1.50"));
}

}  // namespace
}  // namespace pg2iceberg::pg
