#include "table/row_decoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "iceberg/parquet_schema.h"
#include "parquet/parquet_reader.h"
#include "parquet/parquet_writer.h"
#include "table/row_encoder.h"

namespace pg2iceberg {
namespace {

using change::Value;
using iceberg::Type;
using iceberg::TypeId;

struct Column {
  std::string name;
  Type type;
};

std::vector<Column> Columns() {
  return {{"b", Type::Primitive(TypeId::kBoolean)},
          {"i", Type::Primitive(TypeId::kInt)},
          {"l", Type::Primitive(TypeId::kLong)},
          {"f", Type::Primitive(TypeId::kFloat)},
          {"d", Type::Primitive(TypeId::kDouble)},
          {"small_dec", Type::Decimal(9, 2)},
          {"big_dec", Type::Decimal(38, 10)},
          {"day", Type::Primitive(TypeId::kDate)},
          {"t", Type::Primitive(TypeId::kTime)},
          {"ts", Type::Primitive(TypeId::kTimestamp)},
          {"tstz", Type::Primitive(TypeId::kTimestampTz)},
          {"s", Type::Primitive(TypeId::kString)},
          {"u", Type::Primitive(TypeId::kUuid)},
          {"bin", Type::Primitive(TypeId::kBinary)},
          {"ints", Type::List(100, false, Type::Primitive(TypeId::kInt))},
          {"texts", Type::List(101, false, Type::Primitive(TypeId::kString))}};
}

std::vector<change::Row> Rows() {
  __int128 big = 1;
  for (int i = 0; i < 37; ++i) big *= 10;
  return {{Value::Bool(true), Value::Int32(-7), Value::Int64(int64_t{1} << 40),
           Value::Float32(1.5f), Value::Float64(-0.0), Value::Decimal(-12345),
           Value::Decimal(-big + 1), Value::Date(-3), Value::Time(86'399'999'999),
           Value::Timestamp(-1), Value::TimestampTz(1'700'000'000'000'000), Value::String("héllo"),
           Value::Uuid(std::string(16, '\x7f')), Value::Binary(std::string("\0\1\2", 3)),
           Value::List({Value::Int32(1), Value::Null(), Value::Int32(3)}),
           Value::List({Value::String("a"), Value::String("")})},
          {Value::Bool(false), Value::Int32(INT32_MIN), Value::Int64(INT64_MAX),
           Value::Float32(std::nanf("")), Value::Float64(1e300), Value::Decimal(0),
           Value::Decimal(big - 1), Value::Date(20000), Value::Time(0), Value::Timestamp(0),
           Value::TimestampTz(-1), Value::String(""), Value::Uuid(std::string(16, '\0')),
           Value::Binary(""), Value::List({}), Value::Null()},
          std::vector<Value>(16, Value::Null())};
}

TEST(RowDecoderTest, WhatTheEncoderWroteDecodesToTheSameValues) {
  std::vector<Column> columns = Columns();
  iceberg::Schema schema;
  std::vector<MappedColumn> mapped;
  std::vector<std::string> names;
  std::vector<Type> types;
  for (size_t i = 0; i < columns.size(); ++i) {
    schema.fields.push_back({static_cast<int>(i) + 1, columns[i].name, false, columns[i].type, ""});
    mapped.push_back({.pg = {.name = columns[i].name}, .iceberg_type = columns[i].type});
    names.push_back(columns[i].name);
    types.push_back(columns[i].type);
  }
  RowEncoder encoder("public.t", mapped);
  auto writer = parquet::ParquetWriter::Create(iceberg::ParquetColumnsFor(schema), {}).value();
  std::vector<change::Row> rows = Rows();
  for (const change::Row& row : rows) ASSERT_TRUE(encoder.Write(row, *writer).ok());
  parquet::ParquetFile file = writer->Finish().value();

  parquet::ParquetReader reader = parquet::ParquetReader::Open(file.bytes).value();
  std::vector<int64_t> positions = {0, 1, 2};
  std::vector<size_t> all(columns.size());
  std::iota(all.begin(), all.end(), 0);
  std::vector<std::vector<parquet::Value>> read = reader.ReadRows(positions, all).value();
  RowDecoder decoder("public.t", names, types);
  ASSERT_EQ(read.size(), rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    change::Row decoded = decoder.DecodeRow(read[r]).value();
    for (size_t c = 0; c < columns.size(); ++c) {
      EXPECT_EQ(decoded[c], rows[r][c]) << "row " << r << ", column " << columns[c].name;
    }
  }
}

TEST(RowDecoderTest, ValuesWrittenBeforeAWideningDecodeAsTheWiderType) {
  RowDecoder decoder(
      "public.t", {"id", "ratio", "price"},
      {Type::Primitive(TypeId::kLong), Type::Primitive(TypeId::kDouble), Type::Decimal(18, 2)});
  EXPECT_EQ(decoder.DecodeValue(parquet::Value(int32_t{-5}), 0).value(), Value::Int64(-5));
  EXPECT_EQ(decoder.DecodeValue(parquet::Value(1.5f), 1).value(), Value::Float64(1.5));
  // decimal(9,2) wrote -1.00 in 4 bytes.
  Bytes four = {std::byte{0xff}, std::byte{0xff}, std::byte{0xff}, std::byte{0x9c}};
  EXPECT_EQ(decoder.DecodeValue(parquet::Value(four), 2).value(), Value::Decimal(-100));
}

TEST(RowDecoderTest, DecimalsInTheInt32AndInt64FormsOtherWritersUseAreRead) {
  // PyIceberg and Spark store decimal(p <= 9) as INT32 and decimal(p <= 18) as INT64.
  RowDecoder decoder("public.t", {"small", "n"}, {Type::Decimal(9, 2), Type::Decimal(12, 2)});
  EXPECT_EQ(decoder.DecodeValue(parquet::Value(int32_t{-100}), 0).value(), Value::Decimal(-100));
  EXPECT_EQ(decoder.DecodeValue(parquet::Value(int64_t{150}), 1).value(), Value::Decimal(150));
}

TEST(RowDecoderTest, AValueOfAnotherPhysicalTypeIsDataLossNamingTheColumn) {
  RowDecoder decoder("public.t", {"id", "price"},
                     {Type::Primitive(TypeId::kLong), Type::Decimal(9, 2)});
  Result<Value> wrong = decoder.DecodeValue(parquet::Value(Bytes(8)), 0);
  EXPECT_EQ(wrong.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(wrong.status().message().find("\"id\""), std::string::npos);
  // A decimal takes 1 to 16 bytes.
  EXPECT_EQ(decoder.DecodeValue(parquet::Value(Bytes(17)), 1).status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(decoder.DecodeValue(parquet::Value(3.5), 0).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(decoder.DecodeRow({parquet::Value(int64_t{1})}).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace pg2iceberg
