// ParquetWriter: writes one Parquet file of flat and list columns, row by row, in memory.
//
// File layout (Apache Parquet format): "PAR1", then row groups, each holding one column chunk
// per column: an optional dictionary page (PLAIN) followed by v1 data pages (values PLAIN or
// RLE_DICTIONARY indices; repetition levels for list columns, then definition levels for
// columns with an optional or repeated level, each RLE/bit-packed hybrid at the bit width of
// the column's maximum level with a 4-byte length prefix; each page compressed with the
// codec), then the FileMetaData footer (Thrift compact), its 4-byte little-endian length and
// "PAR1". A page ends only at a row boundary (repetition level 0). Which chunks and pages use
// the dictionary is decided per chunk as column_writer.h describes; docs/parquet.md has the
// whole format.
// Every column chunk carries Statistics: null_count (for a list column, the leaf's entries
// below the maximum definition level: null elements, null lists and empty lists, as Parquet
// counts them), and min_value/max_value over the (element) values in the column's
// type-defined order (see statistics.h), byte-array bounds shortened to at most
// WriterOptions::statistics_bound_bytes_max bytes. Schema elements carry Iceberg field ids
// (a list: the outer group the list's, the element leaf the element's; see column_spec.h).
//
// Usage:
//   ASSIGN_OR_RETURN(auto writer, ParquetWriter::Create(columns, options));
//   for each row:
//     for each column i: writer->AppendInt64(i, v) / AppendNull(i) / ...   (exactly once)
//       a list column instead: AppendNull(i) for a null list, or BeginList(i), then per
//       element AppendInt64(i, v) / AppendNull(i) (a null element), then EndList(i)
//     RETURN_IF_ERROR(writer->EndRow());
//     if (writer->EstimatedFileSizeBytes() >= target) { roll to a new file }
//   ASSIGN_OR_RETURN(ParquetFile file, writer->Finish());
//
// Appends are the hot path: no allocation beyond amortised buffer growth and no virtual call.
// An Append that returns an error has changed nothing, so the caller may append a different
// value to the same column (or give up on the file); likewise an EndRow or Finish refused for
// an incomplete row, after which the caller may supply the missing values. Errors:
//   kInvalidArgument  NULL into a required column (or list element); a value of the wrong
//                     physical type; a FIXED_LEN_BYTE_ARRAY value of the wrong length; a
//                     BYTE_ARRAY value over kMaxByteArrayValueBytes; a second value for a
//                     column in one row; a value for a list column outside BeginList/EndList;
//                     BeginList on a flat column; EndList without BeginList; EndRow or Finish
//                     with a row missing a column's value or with a list still open.
//   kInternal         the compression library failed; the writer must be discarded.
// A column index out of range is a bug (CHECK). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "parquet/column_spec.h"
#include "parquet/column_writer.h"
#include "parquet/compression.h"
#include "parquet/parquet_format.h"
#include "parquet/statistics.h"

namespace pg2iceberg::parquet {

// Largest BYTE_ARRAY value accepted (PostgreSQL's own limit for a field), which keeps every
// page below Parquet's 2 GiB page size limit.
inline constexpr size_t kMaxByteArrayValueBytes = size_t{1} << 30;
// Largest page_size_bytes accepted: keeps a page's value count (8 per byte for BOOLEAN) and
// size within Parquet's 32-bit page fields.
inline constexpr size_t kMaxPageSizeBytes = size_t{128} << 20;

// The default created_by: "pg2iceberg version <project version>".
extern const char kDefaultCreatedBy[];

struct WriterOptions {
  Codec codec = Codec::kZstd;
  int zstd_level = 3;  // kZstd only
  // A row group is closed after the row that brings its buffered bytes (compressed finished
  // pages plus uncompressed open pages and dictionaries) to at least this size. Default:
  // 128 MiB.
  size_t row_group_size_bytes = size_t{128} << 20;
  // A data page is closed after the row that brings its uncompressed values (dictionary
  // indices as bit-packed) plus one byte per definition level to at least this size, or its
  // dictionary indices to this count. 1..kMaxPageSizeBytes. Default: 1 MiB.
  size_t page_size_bytes = size_t{1} << 20;
  // Dictionary-encode column chunks (all but BOOLEAN) where it pays. Default: true.
  bool dictionary_enabled = true;
  // A column chunk whose dictionary page (uncompressed) would grow beyond this size encodes
  // its remaining values PLAIN. 1..kMaxPageSizeBytes. Default: 1 MiB.
  size_t dictionary_page_size_bytes_max = size_t{1} << 20;
  // Longest byte-array min_value/max_value written to chunk statistics; a longer min is cut
  // to a prefix and a longer max to an incremented prefix (or left out). At least 1.
  size_t statistics_bound_bytes_max = kDefaultStatisticsBoundBytesMax;
  std::string created_by = kDefaultCreatedBy;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

// What an Iceberg manifest needs to know about one column of a finished file.
struct ColumnSummary {
  int32_t field_id = 0;               // the leaf's: for a list column, the element's field id
  int64_t compressed_size_bytes = 0;  // sum of total_compressed_size of the column's chunks
  int64_t value_count = 0;            // level entries: nulls (and NaNs, empty lists) included
  int64_t null_count = 0;
  std::optional<int64_t> nan_count;  // FLOAT and DOUBLE columns only
  // Typed bounds (see StatValue) for columns with at least one non-null, non-NaN value;
  // nullopt otherwise. A float bound of zero is -0.0 for min and +0.0 for max. Byte-array
  // bounds are the whole min and max values (never shortened), in the column's order.
  std::optional<StatValue> min;
  std::optional<StatValue> max;
};

struct ParquetFile {
  Bytes bytes;  // the complete file
  int64_t row_count = 0;
  std::vector<ColumnSummary> columns;      // in column order
  std::vector<int64_t> row_group_offsets;  // file offset of each row group (Iceberg split_offsets)
};

class ParquetWriter {
 public:
  // kInvalidArgument for invalid columns (see ValidateColumnSpecs), no columns, or options out
  // of range.
  static Result<std::unique_ptr<ParquetWriter>> Create(std::vector<ColumnSpec> columns,
                                                       WriterOptions options);

  size_t column_count() const { return columns_.size(); }
  const ColumnSpec& column(size_t index) const {
    CHECK_MSG(index < columns_.size(), "parquet column index out of range");
    return columns_[index].spec();
  }

  Status AppendNull(size_t column);
  Status AppendBool(size_t column, bool value);
  Status AppendInt32(size_t column, int32_t value);
  Status AppendInt64(size_t column, int64_t value);
  Status AppendFloat(size_t column, float value);
  Status AppendDouble(size_t column, double value);
  // BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY columns; the bytes are copied. STRING columns must
  // receive valid UTF-8 (not checked here); DECIMAL on FIXED_LEN_BYTE_ARRAY takes the unscaled
  // value as big-endian two's complement, sign-extended to the type length.
  Status AppendBytes(size_t column, ByteSpan value);
  // A list column's value for this row: BeginList, its elements (Append…), EndList.
  Status BeginList(size_t column);
  Status EndList(size_t column);
  // Completes the row; every column must have received exactly one value. May cut pages and
  // close the row group.
  Status EndRow();

  // Complete rows so far.
  int64_t row_count() const { return row_count_; }
  // Bytes of the file so far: row groups written plus data buffered for the open row group
  // (as of the last EndRow; open pages and dictionary pages counted uncompressed). Excludes the
  // footer.
  int64_t EstimatedFileSizeBytes() const {
    return static_cast<int64_t>(file_.size() + buffered_bytes_);
  }

  // Closes the open row group and writes the footer. The writer must not be used afterwards.
  Result<ParquetFile> Finish();

 private:
  ParquetWriter(std::vector<ColumnWriter> columns, WriterOptions options,
                std::unique_ptr<Compressor> compressor);

  // Checks that `column` takes a value of `type` and has none yet in this row.
  Status Prepare(size_t column, PhysicalType type);
  Status PrepareError(size_t column, PhysicalType type) const;
  // Checks that `column` has no value (and no list) yet in this row.
  Status PrepareRowValue(size_t column) const;
  Status CheckNoPartialRow() const;
  Status FlushRowGroup();
  format::FileMetaData BuildFileMetaData();
  std::vector<ColumnSummary> BuildSummaries() const;

  std::vector<ColumnWriter> columns_;
  WriterOptions options_;
  std::unique_ptr<Compressor> compressor_;
  ByteWriter file_;
  std::vector<format::RowGroup> row_groups_;
  int64_t rows_in_group_ = 0;
  int64_t row_count_ = 0;
  size_t buffered_bytes_ = 0;
  bool finished_ = false;
};

inline Status ParquetWriter::Prepare(size_t column, PhysicalType type) {
  CHECK_MSG(column < columns_.size(), "parquet column index out of range");
  const ColumnWriter& c = columns_[column];
  if (c.spec().physical_type != type || !c.AcceptsValue(rows_in_group_)) [[unlikely]] {
    return PrepareError(column, type);
  }
  return Status::Ok();
}

inline Status ParquetWriter::AppendBool(size_t column, bool value) {
  RETURN_IF_ERROR(Prepare(column, PhysicalType::kBoolean));
  columns_[column].AppendBool(value);
  return Status::Ok();
}

inline Status ParquetWriter::AppendInt32(size_t column, int32_t value) {
  RETURN_IF_ERROR(Prepare(column, PhysicalType::kInt32));
  columns_[column].AppendInt32(value);
  return Status::Ok();
}

inline Status ParquetWriter::AppendInt64(size_t column, int64_t value) {
  RETURN_IF_ERROR(Prepare(column, PhysicalType::kInt64));
  columns_[column].AppendInt64(value);
  return Status::Ok();
}

inline Status ParquetWriter::AppendFloat(size_t column, float value) {
  RETURN_IF_ERROR(Prepare(column, PhysicalType::kFloat));
  columns_[column].AppendFloat(value);
  return Status::Ok();
}

inline Status ParquetWriter::AppendDouble(size_t column, double value) {
  RETURN_IF_ERROR(Prepare(column, PhysicalType::kDouble));
  columns_[column].AppendDouble(value);
  return Status::Ok();
}

}  // namespace pg2iceberg::parquet
