#include "parquet/parquet_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>

#include "parquet/test_bytes.h"

namespace pg2iceberg::parquet {
namespace {

using testing::B;
using testing::Hex;

ColumnSpec Required(std::string name, int32_t id, PhysicalType type, int32_t length = 0) {
  return ColumnSpec{std::move(name), id, true, type, length, {}};
}
ColumnSpec Optional(std::string name, int32_t id, PhysicalType type, int32_t length = 0) {
  return ColumnSpec{std::move(name), id, false, type, length, {}};
}

WriterOptions Uncompressed() {
  WriterOptions options;
  options.codec = Codec::kUncompressed;
  return options;
}

std::unique_ptr<ParquetWriter> MakeWriter(std::vector<ColumnSpec> columns,
                                          WriterOptions options = Uncompressed()) {
  auto writer = ParquetWriter::Create(std::move(columns), std::move(options));
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  return std::move(writer).value();
}

uint32_t FooterLength(const Bytes& file) {
  uint32_t length;
  std::memcpy(&length, file.data() + file.size() - 8, 4);
  return length;
}

TEST(ParquetWriter, FileStartsAndEndsWithMagicAroundFooter) {
  auto writer = MakeWriter({Required("a", 1, PhysicalType::kInt32)});
  ASSERT_TRUE(writer->AppendInt32(0, 1).ok());
  ASSERT_TRUE(writer->EndRow().ok());
  ASSERT_TRUE(writer->AppendInt32(0, 2).ok());
  ASSERT_TRUE(writer->EndRow().ok());
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok());
  const Bytes& bytes = file->bytes;
  ASSERT_GT(bytes.size(), 12u);
  EXPECT_EQ(AsStringView(ByteSpan(bytes).first(4)), "PAR1");
  EXPECT_EQ(AsStringView(ByteSpan(bytes).last(4)), "PAR1");
  const uint32_t footer = FooterLength(bytes);
  ASSERT_LT(footer, bytes.size() - 12);
  // The footer starts with FileMetaData field 1 (version 1).
  const size_t footer_start = bytes.size() - 8 - footer;
  EXPECT_EQ(Hex(ByteSpan(bytes).subspan(footer_start, 2)), Hex(B({0x15, 0x02})));
  // The single data page follows the leading magic.
  EXPECT_EQ(Hex(ByteSpan(bytes).subspan(4, footer_start - 4)),
            Hex(B({0x15, 0x00, 0x15, 0x10, 0x15, 0x10,                    // 8-byte page
                   0x2c, 0x15, 0x04, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06,  // 2 values
                   0x00, 0x00,                                            //
                   0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00})));
  EXPECT_EQ(file->row_count, 2);
  EXPECT_EQ(file->row_group_offsets, std::vector<int64_t>{4});
}

TEST(ParquetWriter, OptionalColumnPageHasLengthPrefixedDefinitionLevels) {
  auto writer = MakeWriter({Optional("a", 1, PhysicalType::kInt32)});
  ASSERT_TRUE(writer->AppendInt32(0, 7).ok());
  ASSERT_TRUE(writer->EndRow().ok());
  ASSERT_TRUE(writer->AppendNull(0).ok());
  ASSERT_TRUE(writer->EndRow().ok());
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok());
  // levels [1, 0] bit-packed: 4-byte length 2, header 0x03, bits 0b01.
  EXPECT_EQ(Hex(ByteSpan(file->bytes).subspan(4, 27)),
            Hex(B({0x15, 0x00, 0x15, 0x14, 0x15, 0x14,                    // 10-byte page
                   0x2c, 0x15, 0x04, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06,  // 2 values
                   0x00, 0x00,                                            //
                   0x02, 0x00, 0x00, 0x00, 0x03, 0x01,                    // levels
                   0x07, 0x00, 0x00, 0x00})));
}

TEST(ParquetWriter, SummariesCountValuesNullsNansAndBounds) {
  auto writer =
      MakeWriter({Optional("i", 10, PhysicalType::kInt64), Optional("f", 11, PhysicalType::kDouble),
                  Optional("s", 12, PhysicalType::kByteArray)});
  const double values[] = {1.5, std::nan(""), -2.0};
  for (int row = 0; row < 3; ++row) {
    ASSERT_TRUE(row == 1 ? writer->AppendNull(0).ok() : writer->AppendInt64(0, row * 10).ok());
    ASSERT_TRUE(writer->AppendDouble(1, values[row]).ok());
    ASSERT_TRUE(writer->AppendBytes(2, AsBytes("x")).ok());
    ASSERT_TRUE(writer->EndRow().ok());
  }
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok());
  ASSERT_EQ(file->columns.size(), 3u);
  const ColumnSummary& i = file->columns[0];
  EXPECT_EQ(i.field_id, 10);
  EXPECT_EQ(i.value_count, 3);
  EXPECT_EQ(i.null_count, 1);
  EXPECT_FALSE(i.nan_count.has_value());
  EXPECT_EQ(i.min, StatValue(int64_t{0}));
  EXPECT_EQ(i.max, StatValue(int64_t{20}));
  EXPECT_GT(i.compressed_size_bytes, 0);
  const ColumnSummary& f = file->columns[1];
  EXPECT_EQ(f.nan_count, 1);
  EXPECT_EQ(f.min, StatValue(-2.0));
  EXPECT_EQ(f.max, StatValue(1.5));
  const ColumnSummary& s = file->columns[2];
  EXPECT_EQ(s.value_count, 3);
  EXPECT_EQ(s.min, StatValue(Bytes{std::byte{'x'}}));
  EXPECT_EQ(s.max, StatValue(Bytes{std::byte{'x'}}));
}

TEST(ParquetWriter, ByteArrayChunkBoundsAreCappedButSummariesWhole) {
  WriterOptions options = Uncompressed();
  options.statistics_bound_bytes_max = 8;
  auto writer = MakeWriter({Required("s", 1, PhysicalType::kByteArray)}, options);
  const std::string longest(100, 'q');
  for (const std::string& value : {std::string("b"), longest}) {
    ASSERT_TRUE(writer->AppendBytes(0, AsBytes(value)).ok());
    ASSERT_TRUE(writer->EndRow().ok());
  }
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->columns[0].max,
            StatValue(Bytes(AsBytes(longest).begin(), AsBytes(longest).end())));
  const std::string_view footer =
      AsStringView(ByteSpan(file->bytes).last(FooterLength(file->bytes) + 8));
  // Statistics field 5 (max_value: delta 2 from null_count, binary, 8 bytes), then field 6.
  std::string statistics = "\x28\x08qqqqqqqr\x18\x01";
  statistics += 'b';
  EXPECT_NE(footer.find(statistics), std::string_view::npos);
  EXPECT_EQ(footer.find("qqqqqqqqq"), std::string_view::npos);
}

TEST(ParquetWriter, SmallRowGroupSizeWritesSeveralRowGroups) {
  WriterOptions options;  // zstd
  options.row_group_size_bytes = 1000;
  options.page_size_bytes = 100;
  auto writer = MakeWriter({Required("a", 1, PhysicalType::kInt64)}, options);
  for (int64_t row = 0; row < 1000; ++row) {
    ASSERT_TRUE(writer->AppendInt64(0, row).ok());
    ASSERT_TRUE(writer->EndRow().ok());
  }
  EXPECT_GT(writer->EstimatedFileSizeBytes(), 4000);
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok());
  EXPECT_GT(file->row_group_offsets.size(), 3u);
  for (int64_t offset : file->row_group_offsets) {
    // Every row group starts with a DATA_PAGE header.
    EXPECT_EQ(Hex(ByteSpan(file->bytes).subspan(offset, 2)), Hex(B({0x15, 0x00})));
  }
  EXPECT_EQ(file->columns[0].value_count, 1000);
  EXPECT_EQ(file->columns[0].max, StatValue(int64_t{999}));
}

TEST(ParquetWriter, EmptyFileHasNoRowGroups) {
  auto writer = MakeWriter({Optional("a", 1, PhysicalType::kBoolean)});
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->row_count, 0);
  EXPECT_TRUE(file->row_group_offsets.empty());
  EXPECT_EQ(file->columns[0].value_count, 0);
  EXPECT_EQ(FooterLength(file->bytes) + 12, file->bytes.size());
}

TEST(ParquetWriter, NullIntoRequiredColumnIsRejected) {
  auto writer = MakeWriter({Required("a", 1, PhysicalType::kInt32)});
  Status status = writer->AppendNull(0);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("required"), std::string::npos);
  // Nothing was appended: the row can still be completed.
  ASSERT_TRUE(writer->AppendInt32(0, 1).ok());
  EXPECT_TRUE(writer->EndRow().ok());
}

TEST(ParquetWriter, WrongFixedLengthIsRejected) {
  auto writer = MakeWriter({Required("u", 1, PhysicalType::kFixedLenByteArray, 16)});
  Bytes short_value(15);
  EXPECT_EQ(writer->AppendBytes(0, short_value).code(), StatusCode::kInvalidArgument);
  Bytes value(16);
  EXPECT_TRUE(writer->AppendBytes(0, value).ok());
  EXPECT_TRUE(writer->EndRow().ok());
}

TEST(ParquetWriter, WrongPhysicalTypeIsRejected) {
  auto writer = MakeWriter({Required("a", 1, PhysicalType::kInt32)});
  EXPECT_EQ(writer->AppendInt64(0, 1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->AppendBytes(0, AsBytes("x")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->AppendDouble(0, 1).code(), StatusCode::kInvalidArgument);
}

TEST(ParquetWriter, SecondValueInOneRowIsRejected) {
  auto writer = MakeWriter({Optional("a", 1, PhysicalType::kInt32)});
  ASSERT_TRUE(writer->AppendInt32(0, 1).ok());
  EXPECT_EQ(writer->AppendInt32(0, 2).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->AppendNull(0).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(writer->EndRow().ok());
}

TEST(ParquetWriter, MissingValueFailsEndRowAndPartialRowFailsFinish) {
  auto writer =
      MakeWriter({Optional("a", 1, PhysicalType::kInt32), Optional("b", 2, PhysicalType::kInt32)});
  ASSERT_TRUE(writer->AppendInt32(0, 1).ok());
  Status status = writer->EndRow();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'b'"), std::string::npos);
  EXPECT_EQ(writer->Finish().status().code(), StatusCode::kInvalidArgument);
  // Supplying the missing value completes the row.
  ASSERT_TRUE(writer->AppendNull(1).ok());
  ASSERT_TRUE(writer->EndRow().ok());
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->row_count, 1);
  EXPECT_EQ(file->columns[1].null_count, 1);
}

TEST(ParquetWriter, CreateRejectsBadOptionsAndColumns) {
  EXPECT_EQ(ParquetWriter::Create({}, WriterOptions()).status().code(),
            StatusCode::kInvalidArgument);
  WriterOptions zero_page;
  zero_page.page_size_bytes = 0;
  EXPECT_EQ(
      ParquetWriter::Create({Required("a", 1, PhysicalType::kInt32)}, zero_page).status().code(),
      StatusCode::kInvalidArgument);
  WriterOptions huge_page;
  huge_page.page_size_bytes = kMaxPageSizeBytes + 1;
  EXPECT_EQ(
      ParquetWriter::Create({Required("a", 1, PhysicalType::kInt32)}, huge_page).status().code(),
      StatusCode::kInvalidArgument);
  WriterOptions zero_bound;
  zero_bound.statistics_bound_bytes_max = 0;
  EXPECT_EQ(
      ParquetWriter::Create({Required("a", 1, PhysicalType::kInt32)}, zero_bound).status().code(),
      StatusCode::kInvalidArgument);
  WriterOptions bad_level;
  bad_level.zstd_level = 1000;
  EXPECT_EQ(
      ParquetWriter::Create({Required("a", 1, PhysicalType::kInt32)}, bad_level).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ParquetWriter::Create({Required("u", 1, PhysicalType::kFixedLenByteArray)}, WriterOptions())
          .status()
          .code(),
      StatusCode::kInvalidArgument);
}

TEST(ParquetWriter, BooleansArePackedLeastSignificantBitFirst) {
  auto writer = MakeWriter({Required("b", 1, PhysicalType::kBoolean)});
  for (bool v : {true, false, true, true, false, false, false, false, true}) {
    ASSERT_TRUE(writer->AppendBool(0, v).ok());
    ASSERT_TRUE(writer->EndRow().ok());
  }
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok());
  // Header (17 bytes for a 2-byte page of 9 values), then 0b00001101, 0b00000001.
  EXPECT_EQ(Hex(ByteSpan(file->bytes).subspan(4 + 17, 2)), Hex(B({0x0d, 0x01})));
  EXPECT_EQ(file->columns[0].min, StatValue(false));
  EXPECT_EQ(file->columns[0].max, StatValue(true));
}

ColumnSpec OptionalList(std::string name, int32_t id, int32_t element_id, PhysicalType type) {
  ColumnSpec spec = Optional(std::move(name), id, type);
  spec.list_element = ListElementSpec{element_id, false};
  return spec;
}

// Rows [7, NULL], NULL, [] of an optional list of optional int: levels (repetition,
// definition) (0,3) (1,2) (0,0) (0,1).
void AppendThreeListRows(ParquetWriter& writer) {
  ASSERT_TRUE(writer.BeginList(0).ok());
  ASSERT_TRUE(writer.AppendInt32(0, 7).ok());
  ASSERT_TRUE(writer.AppendNull(0).ok());
  ASSERT_TRUE(writer.EndList(0).ok());
  ASSERT_TRUE(writer.EndRow().ok());
  ASSERT_TRUE(writer.AppendNull(0).ok());
  ASSERT_TRUE(writer.EndRow().ok());
  ASSERT_TRUE(writer.BeginList(0).ok());
  ASSERT_TRUE(writer.EndList(0).ok());
  ASSERT_TRUE(writer.EndRow().ok());
}

TEST(ParquetWriter, ListPageHasRepetitionThenDefinitionLevels) {
  auto writer = MakeWriter({OptionalList("l", 1, 2, PhysicalType::kInt32)});
  AppendThreeListRows(*writer);
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->row_count, 3);
  // Repetition [0,1,0,0] at width 1, definition [3,2,0,1] at width 2, both bit-packed.
  EXPECT_EQ(Hex(ByteSpan(file->bytes).subspan(4, 34)),
            Hex(B({0x15, 0x00, 0x15, 0x22, 0x15, 0x22,                    // 17-byte page
                   0x2c, 0x15, 0x08, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06,  // 4 entries
                   0x00, 0x00,                                            //
                   0x02, 0x00, 0x00, 0x00, 0x03, 0x02,                    // repetition
                   0x03, 0x00, 0x00, 0x00, 0x03, 0x4b, 0x00,              // definition
                   0x07, 0x00, 0x00, 0x00})));                            // the one value
}

TEST(ParquetWriter, ListSummaryIsTheElementsWithParquetNullCount) {
  auto writer = MakeWriter({OptionalList("l", 1, 2, PhysicalType::kInt32)});
  AppendThreeListRows(*writer);
  ASSERT_TRUE(writer->BeginList(0).ok());
  ASSERT_TRUE(writer->AppendInt32(0, -4).ok());
  ASSERT_TRUE(writer->AppendInt32(0, 9).ok());
  ASSERT_TRUE(writer->EndList(0).ok());
  ASSERT_TRUE(writer->EndRow().ok());
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok());
  const ColumnSummary& l = file->columns[0];
  EXPECT_EQ(l.field_id, 2);  // the element's
  EXPECT_EQ(l.value_count, 6);
  EXPECT_EQ(l.null_count, 3);  // the null element, the null list and the empty list
  EXPECT_EQ(l.min, StatValue(int32_t{-4}));
  EXPECT_EQ(l.max, StatValue(int32_t{9}));
}

TEST(ParquetWriter, ListPagesAreCutOnlyBetweenRows) {
  WriterOptions options = Uncompressed();
  options.page_size_bytes = 1;
  ColumnSpec list = Required("l", 1, PhysicalType::kInt64);
  list.list_element = ListElementSpec{2, true};
  auto writer = MakeWriter({list}, options);
  ASSERT_TRUE(writer->BeginList(0).ok());
  for (int64_t v = 1; v <= 3; ++v) ASSERT_TRUE(writer->AppendInt64(0, v).ok());
  ASSERT_TRUE(writer->EndList(0).ok());
  ASSERT_TRUE(writer->EndRow().ok());
  ASSERT_TRUE(writer->BeginList(0).ok());
  ASSERT_TRUE(writer->EndList(0).ok());
  ASSERT_TRUE(writer->EndRow().ok());
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok());
  // First page: the whole first row. Required list of required longs: definition 1 only for
  // the empty list, max level 1: repetition [0,1,1], definition [1,1,1] (RLE-free, packed).
  EXPECT_EQ(Hex(ByteSpan(file->bytes).subspan(4, 17 + 6 + 6 + 24)),
            Hex(B({0x15, 0x00, 0x15, 0x48, 0x15, 0x48,                    // 36-byte page
                   0x2c, 0x15, 0x06, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06,  // 3 entries
                   0x00, 0x00,                                            //
                   0x02, 0x00, 0x00, 0x00, 0x03, 0x06,                    // repetition
                   0x02, 0x00, 0x00, 0x00, 0x03, 0x07,                    // definition
                   1,    0,    0,    0,    0,    0,    0,    0,    2,    0, 0, 0,
                   0,    0,    0,    0,    3,    0,    0,    0,    0,    0, 0, 0})));
  // Second page: the empty list, one entry at repetition 0, definition 0.
  EXPECT_EQ(Hex(ByteSpan(file->bytes).subspan(4 + 17 + 36 + 6, 3)), Hex(B({0x2c, 0x15, 0x02})));
}

TEST(ParquetWriter, ListMisuseIsRejected) {
  ColumnSpec required_elements = OptionalList("r", 3, 4, PhysicalType::kInt32);
  required_elements.list_element->required = true;
  auto writer = MakeWriter({OptionalList("l", 1, 2, PhysicalType::kInt32),
                            Optional("a", 5, PhysicalType::kInt32), required_elements});
  EXPECT_EQ(writer->AppendInt32(0, 1).code(), StatusCode::kInvalidArgument);  // outside a list
  EXPECT_EQ(writer->EndList(0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->BeginList(1).code(), StatusCode::kInvalidArgument);  // flat column
  ASSERT_TRUE(writer->BeginList(0).ok());
  EXPECT_EQ(writer->BeginList(0).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(writer->AppendNull(1).ok());
  ASSERT_TRUE(writer->BeginList(2).ok());
  EXPECT_EQ(writer->AppendNull(2).code(), StatusCode::kInvalidArgument);  // required element
  ASSERT_TRUE(writer->EndList(2).ok());
  Status open = writer->EndRow();
  EXPECT_EQ(open.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(open.message().find("without EndList"), std::string::npos) << open.message();
  EXPECT_EQ(writer->Finish().status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(writer->EndList(0).ok());
  EXPECT_EQ(writer->AppendNull(0).code(), StatusCode::kInvalidArgument);  // second list
  ASSERT_TRUE(writer->EndRow().ok());
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->row_count, 1);
}

}  // namespace
}  // namespace pg2iceberg::parquet
