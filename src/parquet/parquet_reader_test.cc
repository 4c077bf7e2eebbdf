#include "parquet/parquet_reader.h"

#include <gtest/gtest.h>

#include <numeric>
#include <string>

#include "parquet/parquet_reader_test_util.h"

namespace pg2iceberg::parquet {
namespace {

using testing::Column;
using testing::ExpectSameColumns;
using testing::ExpectSameValue;
using testing::ListColumn;
using testing::RandomRows;
using testing::Row;
using testing::WriteRows;

// Every physical type and annotation the writer takes, required and optional, and lists.
std::vector<ColumnSpec> AllColumns() {
  using P = PhysicalType;
  return {
      Column("id", 1, true, P::kInt64),
      Column("flag", 2, false, P::kBoolean),
      Column("i32", 3, false, P::kInt32),
      Column("date", 4, true, P::kInt32, Annotation::Date()),
      Column("f", 5, false, P::kFloat),
      Column("d", 6, false, P::kDouble),
      Column("s", 7, false, P::kByteArray, Annotation::String()),
      Column("bin", 8, true, P::kByteArray),
      Column("uuid", 9, false, P::kFixedLenByteArray, Annotation::Uuid(), 16),
      Column("dec9", 10, false, P::kInt32, Annotation::Decimal(9, 2)),
      Column("dec18", 11, true, P::kInt64, Annotation::Decimal(18, 4)),
      Column("dec38", 12, false, P::kFixedLenByteArray, Annotation::Decimal(38, 10), 16),
      Column("ts", 13, false, P::kInt64, Annotation::Timestamp(false)),
      Column("tstz", 14, false, P::kInt64, Annotation::Timestamp(true)),
      Column("time", 15, false, P::kInt64, Annotation::Time()),
      ListColumn(Column("ints", 16, false, P::kInt64), false, false),
      ListColumn(Column("strs", 17, false, P::kByteArray, Annotation::String()), true, false),
      ListColumn(Column("bools", 18, false, P::kBoolean), false, true),
      ListColumn(Column("fixed", 19, false, P::kFixedLenByteArray, {}, 3), true, true),
  };
}

void ExpectFileHolds(const ParquetReader& reader, const std::vector<Row>& rows) {
  ASSERT_EQ(reader.row_count(), static_cast<int64_t>(rows.size()));
  for (size_t c = 0; c < reader.columns().size(); ++c) {
    for (size_t g = 0; g < reader.row_group_count(); ++g) {
      auto values = reader.ReadColumn(g, c);
      ASSERT_TRUE(values.ok()) << values.status().ToString();
      ASSERT_EQ(values->size(), static_cast<size_t>(reader.row_group_row_count(g)));
      for (size_t i = 0; i < values->size(); ++i) {
        const auto row = static_cast<size_t>(reader.row_group_first_row(g)) + i;
        ExpectSameValue((*values)[i], rows[row][c],
                        "column " + reader.columns()[c].name + " row " + std::to_string(row));
      }
    }
  }
}

struct RoundTripCase {
  Codec codec;
  bool dictionary;
  bool narrow;  // few distinct values: dictionary pages
  size_t page_size_bytes;
  size_t row_group_size_bytes;
};

class ParquetReaderRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(ParquetReaderRoundTrip, ReadsBackEveryValueTheWriterWrote) {
  const RoundTripCase& param = GetParam();
  const std::vector<ColumnSpec> columns = AllColumns();
  const std::vector<Row> rows = RandomRows(columns, 3000, 42, param.narrow);
  WriterOptions options;
  options.codec = param.codec;
  options.dictionary_enabled = param.dictionary;
  options.page_size_bytes = param.page_size_bytes;
  options.row_group_size_bytes = param.row_group_size_bytes;
  options.dictionary_page_size_bytes_max = 2048;  // some chunks fall back to PLAIN
  const ParquetFile file = WriteRows(columns, rows, options);
  auto reader = ParquetReader::Open(file.bytes);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ExpectSameColumns(reader->columns(), columns);
  EXPECT_EQ(reader->row_group_count(), file.row_group_offsets.size());
  ExpectFileHolds(*reader, rows);
}

INSTANTIATE_TEST_SUITE_P(
    CodecsEncodingsAndLayouts, ParquetReaderRoundTrip,
    ::testing::Values(RoundTripCase{Codec::kUncompressed, true, true, 1 << 20, 128 << 20},
                      RoundTripCase{Codec::kSnappy, true, true, 512, 16 << 10},
                      RoundTripCase{Codec::kZstd, true, false, 700, 40 << 10},
                      RoundTripCase{Codec::kZstd, false, true, 300, 128 << 20},
                      RoundTripCase{Codec::kUncompressed, false, false, 1000, 8 << 10},
                      RoundTripCase{Codec::kSnappy, true, false, 1 << 20, 128 << 20}));

TEST(ParquetReader, SeveralRowGroupsAndPagesAreActuallyWritten) {
  const std::vector<ColumnSpec> columns = AllColumns();
  WriterOptions options;
  options.page_size_bytes = 512;
  options.row_group_size_bytes = 16 << 10;
  const ParquetFile file = WriteRows(columns, RandomRows(columns, 3000, 1, true), options);
  auto reader = ParquetReader::Open(file.bytes);
  ASSERT_TRUE(reader.ok());
  EXPECT_GT(reader->row_group_count(), 3u);
}

TEST(ParquetReader, ReadsRowsAtPositionsAcrossRowGroups) {
  const std::vector<ColumnSpec> columns = AllColumns();
  const std::vector<Row> rows = RandomRows(columns, 2000, 7, false);
  WriterOptions options;
  options.page_size_bytes = 400;
  options.row_group_size_bytes = 12 << 10;
  const ParquetFile file = WriteRows(columns, rows, options);
  auto reader = ParquetReader::Open(file.bytes);
  ASSERT_TRUE(reader.ok());
  const std::vector<int64_t> positions = {0, 1, 2, 399, 400, 777, 1500, 1998, 1999};
  const std::vector<size_t> wanted = {15, 0, 6, 18, 11};
  auto read = reader->ReadRows(positions, wanted);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), positions.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    for (size_t j = 0; j < wanted.size(); ++j) {
      ExpectSameValue((*read)[i][j], rows[static_cast<size_t>(positions[i])][wanted[j]],
                      "position " + std::to_string(positions[i]));
    }
  }
  std::vector<int64_t> all(rows.size());
  std::iota(all.begin(), all.end(), 0);
  std::vector<size_t> every_column(columns.size());
  std::iota(every_column.begin(), every_column.end(), 0);
  auto everything = reader->ReadRows(all, every_column);
  ASSERT_TRUE(everything.ok());
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t c = 0; c < columns.size(); ++c) {
      ExpectSameValue((*everything)[i][c], rows[i][c], "row " + std::to_string(i));
    }
  }
}

TEST(ParquetReader, RefusesBadPositionsAndColumns) {
  const std::vector<ColumnSpec> columns = {Column("id", 1, true, PhysicalType::kInt64)};
  const ParquetFile file = WriteRows(columns, RandomRows(columns, 10, 3, false), {});
  auto reader = ParquetReader::Open(file.bytes);
  ASSERT_TRUE(reader.ok());
  const std::vector<size_t> first = {0};
  EXPECT_EQ(reader->ReadRows(std::vector<int64_t>{10}, first).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->ReadRows(std::vector<int64_t>{3, 3}, first).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->ReadRows(std::vector<int64_t>{-1}, first).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->ReadColumn(0, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->ReadColumn(1, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->FindColumn("id"), std::optional<size_t>(0));
  EXPECT_EQ(reader->FindColumn("nope"), std::nullopt);
}

TEST(ParquetReader, EmptyFileHasColumnsAndNoRows) {
  const std::vector<ColumnSpec> columns = AllColumns();
  const ParquetFile file = WriteRows(columns, {}, {});
  auto reader = ParquetReader::Open(file.bytes);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ExpectSameColumns(reader->columns(), columns);
  EXPECT_EQ(reader->row_count(), 0);
  EXPECT_EQ(reader->row_group_count(), 0u);
}

TEST(ParquetReader, KeepsFloatBitsNegativeZeroAndNaN) {
  const std::vector<ColumnSpec> columns = {Column("f", 1, true, PhysicalType::kFloat),
                                           Column("d", 2, true, PhysicalType::kDouble)};
  const float nan_f = std::numeric_limits<float>::quiet_NaN();
  const double nan_d = -std::numeric_limits<double>::quiet_NaN();
  const std::vector<Row> rows = {
      {-0.0f, 0.0}, {0.0f, -0.0}, {nan_f, nan_d}, {std::numeric_limits<float>::infinity(), 1e308}};
  auto reader_file = WriteRows(columns, rows, {});
  auto reader = ParquetReader::Open(reader_file.bytes);
  ASSERT_TRUE(reader.ok());
  ExpectFileHolds(*reader, rows);
}

TEST(ParquetReader, ChunkValuesMaxBoundsWhatOneReadDecodes) {
  const std::vector<ColumnSpec> columns = {Column("id", 1, true, PhysicalType::kInt64)};
  const ParquetFile file = WriteRows(columns, RandomRows(columns, 100, 3, false), {});
  ReaderOptions options;
  options.chunk_values_max = 99;
  auto reader = ParquetReader::Open(file.bytes, options);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(reader.status().message().find("chunk_values_max"), std::string::npos);
}

}  // namespace
}  // namespace pg2iceberg::parquet
