// Malformed input never crashes the reader: every truncation and many byte corruptions of
// small files yield errors (or, for corruptions that keep the file well-formed, values).
#include <gtest/gtest.h>

#include <string>

#include "parquet/parquet_reader.h"
#include "parquet/parquet_reader_test_util.h"

namespace pg2iceberg::parquet {
namespace {

using testing::Column;
using testing::ListColumn;
using testing::RandomRows;
using testing::WriteRows;

std::vector<ColumnSpec> SmallColumns() {
  using P = PhysicalType;
  return {Column("id", 1, true, P::kInt64), Column("s", 2, false, P::kByteArray),
          Column("b", 3, false, P::kBoolean),
          ListColumn(Column("l", 4, false, P::kInt32), false, false)};
}

// Opens `bytes` and reads every column of every row group, and some rows.
Status ReadEverything(ByteSpan bytes) {
  ASSIGN_OR_RETURN(ParquetReader reader, ParquetReader::Open(bytes));
  for (size_t g = 0; g < reader.row_group_count(); ++g) {
    for (size_t c = 0; c < reader.columns().size(); ++c) {
      RETURN_IF_ERROR(reader.ReadColumn(g, c).status());
    }
  }
  if (reader.row_count() > 0) {
    const std::vector<int64_t> positions = {reader.row_count() - 1};
    const std::vector<size_t> columns = {0};
    RETURN_IF_ERROR(reader.ReadRows(positions, columns).status());
  }
  return Status::Ok();
}

ParquetFile SmallFile(Codec codec) {
  WriterOptions options;
  options.codec = codec;
  options.page_size_bytes = 64;
  options.row_group_size_bytes = 600;
  const std::vector<ColumnSpec> columns = SmallColumns();
  return WriteRows(columns, RandomRows(columns, 40, 5, true), options);
}

class ParquetReaderCorrupt : public ::testing::TestWithParam<Codec> {};

TEST_P(ParquetReaderCorrupt, EveryTruncationIsAnError) {
  const ParquetFile file = SmallFile(GetParam());
  ASSERT_TRUE(ReadEverything(file.bytes).ok());
  for (size_t size = 0; size < file.bytes.size(); ++size) {
    const Status status = ReadEverything(ByteSpan(file.bytes).first(size));
    ASSERT_FALSE(status.ok()) << "prefix of " << size << " bytes";
    EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  }
}

// A truncated file whose footer is intact (the data before it cut short) still fails.
TEST_P(ParquetReaderCorrupt, DataCutBeforeAnIntactFooterIsAnError) {
  const ParquetFile file = SmallFile(GetParam());
  const size_t footer = file.bytes.size() - 8 - [&] {
    uint32_t length = 0;
    for (int b = 0; b < 4; ++b) {
      length |= static_cast<uint32_t>(file.bytes[file.bytes.size() - 8 + b]) << (8 * b);
    }
    return length;
  }();
  for (size_t cut = 1; cut < footer - 4; cut += 3) {
    Bytes bytes(file.bytes.begin(), file.bytes.begin() + static_cast<ptrdiff_t>(footer - cut));
    bytes.insert(bytes.end(), file.bytes.begin() + static_cast<ptrdiff_t>(footer),
                 file.bytes.end());
    EXPECT_FALSE(ReadEverything(bytes).ok()) << "cut " << cut;
  }
}

TEST_P(ParquetReaderCorrupt, CorruptedBytesNeverCrash) {
  const ParquetFile file = SmallFile(GetParam());
  int errors = 0;
  for (size_t at = 0; at < file.bytes.size(); ++at) {
    for (uint8_t flip : {0x01, 0x80, 0xFF}) {
      Bytes bytes = file.bytes;
      bytes[at] ^= static_cast<std::byte>(flip);
      errors += ReadEverything(bytes).ok() ? 0 : 1;
    }
  }
  EXPECT_GT(errors, 0);
}

INSTANTIATE_TEST_SUITE_P(Codecs, ParquetReaderCorrupt,
                         ::testing::Values(Codec::kUncompressed, Codec::kSnappy, Codec::kZstd));

TEST(ParquetReaderMalformed, BadMagicAndFooterLengthNameThePart) {
  ParquetFile file = SmallFile(Codec::kUncompressed);
  Bytes bad_magic = file.bytes;
  bad_magic[0] = std::byte{'X'};
  auto reader = ParquetReader::Open(bad_magic);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(reader.status().message().find("magic"), std::string::npos);

  Bytes bad_length = file.bytes;
  bad_length[bad_length.size() - 5] = std::byte{0x7F};
  reader = ParquetReader::Open(bad_length);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("footer length"), std::string::npos);

  Bytes bad_thrift = file.bytes;
  const size_t footer_start = bad_thrift.size() - 8 - 40;
  for (size_t i = footer_start; i < footer_start + 8; ++i) bad_thrift[i] = std::byte{0xFF};
  const Status status = ReadEverything(bad_thrift);
  EXPECT_FALSE(status.ok());
}

}  // namespace
}  // namespace pg2iceberg::parquet
