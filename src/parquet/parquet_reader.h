// ParquetReader: reads back Parquet files of the subset ParquetWriter writes (and the same
// subset written by other writers, e.g. pyarrow; docs/parquet.md lists it), from bytes in
// memory.
//
// Open checks the magic numbers, decodes the footer (FileMetaData, Thrift compact), maps the
// schema to ColumnSpecs (reader_schema.h) and checks every row group against it (one chunk per
// column, row counts adding up to the file's). Values are decoded on demand, one column chunk
// at a time (column_chunk_reader.h), and come back as the writer's Append calls take them
// (value.h), so that columns() and the values of a file the writer wrote equal what it was
// given.
//
// Usage, a primary-key index (key columns only, with row positions):
//   ASSIGN_OR_RETURN(ParquetReader reader, ParquetReader::Open(file_bytes));
//   for (size_t g = 0; g < reader.row_group_count(); ++g) {
//     ASSIGN_OR_RETURN(std::vector<Value> keys, reader.ReadColumn(g, key_column));
//     for (size_t i = 0; i < keys.size(); ++i) index(keys[i], reader.row_group_first_row(g) + i);
//   }
// and whole rows at known positions (unchanged TOAST values):
//   ASSIGN_OR_RETURN(auto rows, reader.ReadRows(positions, all_columns));
//
// The reader borrows the file's bytes, which must outlive it; it holds only the decoded footer.
// Reading is const and allocation is bounded by ReaderOptions. Thread-compatible (concurrent
// const calls are safe). Errors: kDataLoss for a corrupt or truncated file, naming the part
// (magic, footer, column and row group, page); kInvalidArgument for files outside the
// supported subset or beyond the options' limits, and for bad arguments (column index or
// positions out of range, positions not ascending).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "parquet/column_chunk_reader.h"
#include "parquet/column_spec.h"
#include "parquet/parquet_format.h"
#include "parquet/value.h"

namespace pg2iceberg::parquet {

class ParquetReader {
 public:
  static Result<ParquetReader> Open(ByteSpan file, ReaderOptions options = {});

  // The columns, as a writer would have been created with them (field ids absent from the
  // file are 0).
  const std::vector<ColumnSpec>& columns() const { return columns_; }
  std::optional<size_t> FindColumn(std::string_view name) const;
  int64_t row_count() const { return metadata_.num_rows; }
  size_t row_group_count() const { return metadata_.row_groups.size(); }
  int64_t row_group_row_count(size_t row_group) const;
  // File position of the row group's first row.
  int64_t row_group_first_row(size_t row_group) const;
  const format::FileMetaData& metadata() const { return metadata_; }

  // The values of `column` for every row of `row_group`, in row order.
  Result<std::vector<Value>> ReadColumn(size_t row_group, size_t column) const;

  // The rows at file `positions` (strictly ascending, each < row_count()), restricted to
  // `columns` (indices into columns(), in the order wanted): result[i][j] is the value of
  // columns[j] at positions[i]. Only the row groups holding a position are decoded, and within
  // them pages of flat columns holding none are skipped.
  Result<std::vector<std::vector<Value>>> ReadRows(std::span<const int64_t> positions,
                                                   std::span<const size_t> columns) const;

 private:
  ParquetReader(ByteSpan data, ReaderOptions options, format::FileMetaData metadata,
                std::vector<ColumnSpec> columns, std::vector<int64_t> first_rows);

  ChunkContext Chunk(size_t row_group, size_t column) const;
  Status CheckColumn(size_t column) const;

  ByteSpan data_;  // the file up to the footer
  ReaderOptions options_;
  format::FileMetaData metadata_;
  std::vector<ColumnSpec> columns_;
  std::vector<int64_t> first_rows_;  // per row group
};

}  // namespace pg2iceberg::parquet
