#include "table/row_encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "iceberg/parquet_schema.h"

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

// Encodes one row of a single array column `type_oid` through a writer for its schema.
Encoded EncodeOne(uint32_t array_oid, std::optional<Bytes> value) {
  pg::PgColumn column{"xs", array_oid, -1, false, "integer[]"};
  Result<MappedColumn> mapped = MapColumn("public.t", column);
  EXPECT_TRUE(mapped.ok()) << mapped.status().ToString();
  iceberg::Schema schema;
  schema.fields.push_back(
      {1, "xs", false, iceberg::Type::List(2, false, mapped->iceberg_type.element->type), ""});
  auto writer = parquet::ParquetWriter::Create(iceberg::ParquetColumnsFor(schema), {});
  EXPECT_TRUE(writer.ok());
  RowEncoder encoder("public.t", {*mapped});
  std::vector<std::optional<ByteSpan>> fields;
  fields.push_back(value ? std::optional<ByteSpan>(*value) : std::nullopt);
  DecodedRow row;
  Encoded encoded{encoder.Decode(fields, row), std::nullopt};
  if (encoded.status.ok()) encoded.status = encoder.Write(row, **writer);
  if (!encoded.status.ok()) return encoded;
  Result<parquet::ParquetFile> file = (*writer)->Finish();
  EXPECT_TRUE(file.ok());
  encoded.file = std::move(file).value();
  return encoded;
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

}  // namespace
}  // namespace pg2iceberg
