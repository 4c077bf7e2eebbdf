#include "table/row_encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "iceberg/parquet_schema.h"
#include "pg/copy_row_decoder.h"

namespace pg2iceberg {
namespace {

void PutI32(Bytes& out, int32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::byte>(v >> shift));
}

// array_send's form of a one-dimensional int4 (or date: same 4-byte elements) array with
// lower bound `lower`; nullopt elements are NULL. `dims` > 1 nests the same elements as the
// rows of a (dims x n/dims) array.
Bytes BinaryArray(uint32_t element_oid, const std::vector<std::optional<int32_t>>& elements,
                  int32_t lower = 1, int32_t rows = 0) {
  Bytes out;
  const bool has_null = std::any_of(elements.begin(), elements.end(), [](auto& e) { return !e; });
  PutI32(out, elements.empty() ? 0 : (rows > 0 ? 2 : 1));
  PutI32(out, has_null ? 1 : 0);
  PutI32(out, static_cast<int32_t>(element_oid));
  if (!elements.empty()) {
    const auto n = static_cast<int32_t>(elements.size());
    if (rows > 0) {
      PutI32(out, rows);
      PutI32(out, 1);
    }
    PutI32(out, rows > 0 ? n / rows : n);
    PutI32(out, lower);
  }
  for (const auto& e : elements) {
    if (!e) {
      PutI32(out, -1);
      continue;
    }
    PutI32(out, 4);
    PutI32(out, *e);
  }
  return out;
}

struct Encoded {
  Status status;
  std::optional<parquet::ParquetFile> file;
};

// Decodes one COPY row of `columns` as the snapshot does (pg/copy_row_decoder.h) and writes it
// through a writer for their schema.
Encoded EncodeRow(const std::vector<MappedColumn>& columns,
                  const std::vector<std::optional<ByteSpan>>& fields) {
  iceberg::Schema schema;
  int id = 1;
  for (const MappedColumn& column : columns) {
    iceberg::Type type = column.iceberg_type;
    const int field_id = id++;
    if (type.is_list()) type = iceberg::Type::List(id++, false, type.element->type);
    schema.fields.push_back({field_id, column.pg.name, false, type, ""});
  }
  auto writer = parquet::ParquetWriter::Create(iceberg::ParquetColumnsFor(schema), {});
  EXPECT_TRUE(writer.ok());
  pg::CopyRowDecoder decoder("public.t", SourceColumnsOf(columns), DecodeOptionsOf(columns));
  RowEncoder encoder("public.t", columns);
  change::Row row;
  Encoded encoded{decoder.Decode(fields, row), std::nullopt};
  if (encoded.status.ok()) encoded.status = encoder.Write(row, **writer);
  if (!encoded.status.ok()) return encoded;
  Result<parquet::ParquetFile> file = (*writer)->Finish();
  EXPECT_TRUE(file.ok());
  encoded.file = std::move(file).value();
  return encoded;
}

// Encodes one row of a single array column `type_oid`.
Encoded EncodeOne(uint32_t array_oid, std::optional<Bytes> value) {
  pg::PgColumn column{"xs", array_oid, -1, false, "integer[]"};
  Result<MappedColumn> mapped = MapColumn("public.t", column);
  EXPECT_TRUE(mapped.ok()) << mapped.status().ToString();
  std::vector<std::optional<ByteSpan>> fields;
  fields.push_back(value ? std::optional<ByteSpan>(*value) : std::nullopt);
  return EncodeRow({*mapped}, fields);
}

constexpr uint32_t kInt4Array = 1007;
constexpr uint32_t kDateArray = 1182;

TEST(RowEncoder, OneDimensionalArrayIsTheListOfItsElements) {
  Encoded e = EncodeOne(kInt4Array, BinaryArray(23, {5, std::nullopt, -3}));
  ASSERT_TRUE(e.status.ok()) << e.status.ToString();
  const parquet::ColumnSummary& xs = e.file->columns[0];
  EXPECT_EQ(xs.field_id, 2);
  EXPECT_EQ(xs.value_count, 3);
  EXPECT_EQ(xs.null_count, 1);
  EXPECT_EQ(xs.min, parquet::StatValue(int32_t{-3}));
  EXPECT_EQ(xs.max, parquet::StatValue(int32_t{5}));
}

TEST(RowEncoder, LowerBoundIsDropped) {
  Encoded e = EncodeOne(kInt4Array, BinaryArray(23, {7, 8}, /*lower=*/0));
  ASSERT_TRUE(e.status.ok()) << e.status.ToString();
  EXPECT_EQ(e.file->columns[0].value_count, 2);
  EXPECT_EQ(e.file->columns[0].null_count, 0);
}

TEST(RowEncoder, EmptyArrayIsTheEmptyListAndNullTheNullList) {
  Encoded empty = EncodeOne(kInt4Array, BinaryArray(23, {}));
  ASSERT_TRUE(empty.status.ok()) << empty.status.ToString();
  EXPECT_EQ(empty.file->columns[0].value_count, 1);
  EXPECT_FALSE(empty.file->columns[0].min.has_value());
  Encoded null = EncodeOne(kInt4Array, std::nullopt);
  ASSERT_TRUE(null.status.ok()) << null.status.ToString();
  EXPECT_EQ(null.file->columns[0].null_count, 1);
}

TEST(RowEncoder, MultiDimensionalArrayIsRefusedNamingItsDimensions) {
  Encoded e = EncodeOne(kInt4Array, BinaryArray(23, {1, 2, 3, 4}, 1, /*rows=*/2));
  EXPECT_EQ(e.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(e.status.message(),
            "table public.t, column \"xs\": array value has 2 dimensions; only one-dimensional "
            "arrays can be stored as an Iceberg list");
}

TEST(RowEncoder, ElementWithNoIcebergFormIsRefusedNamingItsPosition) {
  constexpr int32_t kDateInfinity = 0x7fffffff;  // date 'infinity'
  Encoded e = EncodeOne(kDateArray, BinaryArray(1082, {0, kDateInfinity}));
  EXPECT_EQ(e.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(e.status.message().find("table public.t, column \"xs\""), std::string::npos)
      << e.status.message();
  EXPECT_NE(e.status.message().find("array element 2"), std::string::npos) << e.status.message();
  EXPECT_NE(e.status.message().find("infinity"), std::string::npos) << e.status.message();
}

// numeric(40,2) with iceberg.wide_numeric: string: the decoder gives Postgres' exact text.
TEST(RowEncoder, WideNumericMappedToStringIsWrittenAsItsExactText) {
  pg::PgColumn column{"n", 1700, ((40 << 16) | 2) + 4, false, "numeric(40,2)"};
  Result<MappedColumn> mapped =
      MapColumn("public.t", column, MappingPolicy{.wide_numeric_as_string = true});
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  // numeric_send of -12345678.90: 3 base-10000 digits (1234 5678 9000), weight 1, negative.
  Bytes value;
  for (int16_t v : {3, 1, 0x4000, 2, 1234, 5678, 9000}) {
    value.push_back(static_cast<std::byte>(static_cast<uint16_t>(v) >> 8));
    value.push_back(static_cast<std::byte>(v & 0xff));
  }
  Encoded e = EncodeRow({*mapped}, {ByteSpan(value)});
  ASSERT_TRUE(e.status.ok()) << e.status.ToString();
  const std::string text = "-12345678.90";
  EXPECT_EQ(e.file->columns[0].min,
            parquet::StatValue(Bytes(AsBytes(text).begin(), AsBytes(text).end())));
}

// Writing a row of values (the materializer's path), not only decoded COPY rows.
class RowEncoderValues : public ::testing::Test {
 protected:
  RowEncoderValues() {
    pg::PgColumn id{"id", 23, -1, true, "integer"};
    pg::PgColumn price{"price", 1700, ((5 << 16) | 2) + 4, false, "numeric(5,2)"};
    columns_ = {*MapColumn("public.t", id), *MapColumn("public.t", price)};
    schema_.fields = {{1, "id", true, columns_[0].iceberg_type, ""},
                      {2, "price", false, columns_[1].iceberg_type, ""}};
  }
  Status Write(change::Row row) {
    auto writer = parquet::ParquetWriter::Create(iceberg::ParquetColumnsFor(schema_), {});
    EXPECT_TRUE(writer.ok());
    return RowEncoder("public.t", columns_).Write(row, **writer);
  }
  std::vector<MappedColumn> columns_;
  iceberg::Schema schema_;
};

TEST_F(RowEncoderValues, ValuesOfTheColumnsKindsAreWritten) {
  EXPECT_TRUE(Write({change::Value::Int32(7), change::Value::Decimal(-99999)}).ok());
  EXPECT_TRUE(Write({change::Value::Int32(7), change::Value::Null()}).ok());
}

TEST_F(RowEncoderValues, AValueOfAnotherKindIsAnInternalErrorNamingTheColumn) {
  Status status = Write({change::Value::Int64(7), change::Value::Null()});
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_EQ(status.message().rfind("table public.t, column \"id\": a int64 value", 0), 0u)
      << status.message();
  status = Write({change::Value::Int32(7), change::Value::UnchangedToast()});
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_NE(status.message().find("unchanged-toast"), std::string::npos) << status.message();
}

TEST_F(RowEncoderValues, ADecimalBeyondThePrecisionIsRefused) {
  Status status = Write({change::Value::Int32(7), change::Value::Decimal(100000)});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("column \"price\""), std::string::npos) << status.message();
}

}  // namespace
}  // namespace pg2iceberg
