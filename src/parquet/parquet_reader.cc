#include "parquet/parquet_reader.h"

#include <algorithm>
#include <string>

#include "parquet/format_decoder.h"
#include "parquet/reader_schema.h"

namespace pg2iceberg::parquet {
namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr size_t kTrailerBytes = 8;  // footer length + magic

Status Corrupt(const std::string& problem) {
  return Status::DataLoss("parquet file corrupt: " + problem);
}

// The footer's bytes; checks both magic numbers and the footer length.
Result<ByteSpan> FooterBytes(ByteSpan file) {
  if (file.size() < kMagic.size() + kTrailerBytes) {
    return Corrupt("only " + std::to_string(file.size()) + " bytes, too short for a file");
  }
  if (AsStringView(file.first(4)) != kMagic || AsStringView(file.last(4)) != kMagic) {
    return Corrupt(
        "magic number PAR1 missing at the start or end (not a Parquet file, or "
        "truncated)");
  }
  uint32_t length = 0;
  const ByteSpan length_bytes = file.last(kTrailerBytes).first(4);
  for (int b = 0; b < 4; ++b) length |= static_cast<uint32_t>(length_bytes[b]) << (8 * b);
  if (length > file.size() - kMagic.size() - kTrailerBytes) {
    return Corrupt("footer length " + std::to_string(length) + " exceeds the file");
  }
  return file.subspan(file.size() - kTrailerBytes - length, length);
}

// Checks every row group against the columns; returns each row group's first row.
Result<std::vector<int64_t>> CheckRowGroups(const format::FileMetaData& meta,
                                            const std::vector<ColumnSpec>& columns,
                                            const ReaderOptions& options) {
  std::vector<int64_t> first_rows;
  int64_t rows = 0;
  for (size_t g = 0; g < meta.row_groups.size(); ++g) {
    const format::RowGroup& group = meta.row_groups[g];
    const std::string label = "row group " + std::to_string(g);
    if (group.columns.size() != columns.size()) {
      return Corrupt(label + " has " + std::to_string(group.columns.size()) +
                     " column chunks for " + std::to_string(columns.size()) + " columns");
    }
    // A row takes at least one level entry in every column, so chunk_values_max bounds rows.
    if (group.num_rows < 0) return Corrupt(label + " has a negative row count");
    if (group.num_rows > options.chunk_values_max) {
      return Status::InvalidArgument(
          "parquet " + label + " row count " + std::to_string(group.num_rows) +
          " exceeds the reader's chunk_values_max of " + std::to_string(options.chunk_values_max));
    }
    for (const format::ColumnChunk& chunk : group.columns) {
      if (chunk.file_path && !chunk.file_path->empty()) {
        return Status::InvalidArgument("parquet " + label +
                                       " has a column chunk in another "
                                       "file ('" +
                                       *chunk.file_path + "'): not supported");
      }
    }
    first_rows.push_back(rows);
    rows += group.num_rows;
  }
  if (rows != meta.num_rows) {
    return Corrupt("row groups hold " + std::to_string(rows) + " rows, the footer says " +
                   std::to_string(meta.num_rows));
  }
  return first_rows;
}

}  // namespace

ParquetReader::ParquetReader(ByteSpan data, ReaderOptions options, format::FileMetaData metadata,
                             std::vector<ColumnSpec> columns, std::vector<int64_t> first_rows)
    : data_(data),
      options_(options),
      metadata_(std::move(metadata)),
      columns_(std::move(columns)),
      first_rows_(std::move(first_rows)) {}

Result<ParquetReader> ParquetReader::Open(ByteSpan file, ReaderOptions options) {
  ASSIGN_OR_RETURN(ByteSpan footer, FooterBytes(file));
  ASSIGN_OR_RETURN(format::FileMetaData metadata, DecodeFileMetaData(footer));
  ASSIGN_OR_RETURN(std::vector<ColumnSpec> columns, ColumnsFromSchema(metadata.schema));
  ASSIGN_OR_RETURN(std::vector<int64_t> first_rows, CheckRowGroups(metadata, columns, options));
  const ByteSpan data = file.first(file.size() - kTrailerBytes - footer.size());
  return ParquetReader(data, options, std::move(metadata), std::move(columns),
                       std::move(first_rows));
}

std::optional<size_t> ParquetReader::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return i;
  }
  return std::nullopt;
}

int64_t ParquetReader::row_group_row_count(size_t row_group) const {
  CHECK_MSG(row_group < metadata_.row_groups.size(), "row group index out of range");
  return metadata_.row_groups[row_group].num_rows;
}

int64_t ParquetReader::row_group_first_row(size_t row_group) const {
  CHECK_MSG(row_group < first_rows_.size(), "row group index out of range");
  return first_rows_[row_group];
}

Status ParquetReader::CheckColumn(size_t column) const {
  if (column < columns_.size()) return Status::Ok();
  return Status::InvalidArgument("parquet column index " + std::to_string(column) +
                                 " out of range (the file has " + std::to_string(columns_.size()) +
                                 " columns)");
}

ChunkContext ParquetReader::Chunk(size_t row_group, size_t column) const {
  const format::RowGroup& group = metadata_.row_groups[row_group];
  return ChunkContext{
      data_, &columns_[column], &group.columns[column].meta_data, group.num_rows,
      "parquet column '" + columns_[column].name + "', row group " + std::to_string(row_group)};
}

Result<std::vector<Value>> ParquetReader::ReadColumn(size_t row_group, size_t column) const {
  RETURN_IF_ERROR(CheckColumn(column));
  if (row_group >= metadata_.row_groups.size()) {
    return Status::InvalidArgument("parquet row group " + std::to_string(row_group) +
                                   " out of range");
  }
  return ReadColumnChunk(Chunk(row_group, column), options_, nullptr);
}

Result<std::vector<std::vector<Value>>> ParquetReader::ReadRows(
    std::span<const int64_t> positions, std::span<const size_t> columns) const {
  for (size_t column : columns) RETURN_IF_ERROR(CheckColumn(column));
  for (size_t i = 0; i < positions.size(); ++i) {
    if (positions[i] < 0 || positions[i] >= row_count() ||
        (i > 0 && positions[i] <= positions[i - 1])) {
      return Status::InvalidArgument("parquet row positions must be ascending and below " +
                                     std::to_string(row_count()) + " (at " + std::to_string(i) +
                                     ": " + std::to_string(positions[i]) + ")");
    }
  }
  std::vector<std::vector<Value>> rows(positions.size(), std::vector<Value>(columns.size()));
  size_t next = 0;  // first position not yet read
  for (size_t g = 0; g < first_rows_.size() && next < positions.size(); ++g) {
    const int64_t first = first_rows_[g];
    const int64_t end = first + metadata_.row_groups[g].num_rows;
    std::vector<int64_t> wanted;
    for (size_t p = next; p < positions.size() && positions[p] < end; ++p) {
      wanted.push_back(positions[p] - first);
    }
    if (wanted.empty()) continue;
    for (size_t j = 0; j < columns.size(); ++j) {
      ASSIGN_OR_RETURN(std::vector<Value> values,
                       ReadColumnChunk(Chunk(g, columns[j]), options_, &wanted));
      if (values.size() != wanted.size())
        return Status::Internal("parquet row selection lost rows");
      for (size_t k = 0; k < wanted.size(); ++k) rows[next + k][j] = std::move(values[k]);
    }
    next += wanted.size();
  }
  return rows;
}

}  // namespace pg2iceberg::parquet
