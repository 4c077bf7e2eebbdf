// Reads the values of one column chunk: its dictionary page (if any), then its data pages
// (v1 as the writer emits them; v2 from other writers), decompressed, with repetition and
// definition levels assembled into one Value per row (value.h). Internal to ParquetReader.
//
// Checks, each a kDataLoss naming the column and row group unless noted: the chunk's byte
// range lies inside the file's data, its physical type matches the schema, each page's
// header and sizes fit the bytes left, levels are within their maxima, a list continues only
// a non-empty list and every page starts a new row, the values cover exactly the chunk's
// value count and the row group's row count. kInvalidArgument for what the reader does not
// support (codecs other than UNCOMPRESSED/SNAPPY/ZSTD, encodings other than PLAIN,
// RLE_DICTIONARY/PLAIN_DICTIONARY, RLE booleans and RLE levels) and for limits exceeded.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "parquet/column_spec.h"
#include "parquet/parquet_format.h"
#include "parquet/value.h"

namespace pg2iceberg::parquet {

struct ReaderOptions {
  // Most level entries (values, nulls, list elements and empty lists) one column chunk may
  // hold, checked from the footer before anything is decoded: decoding a page holds its
  // levels (4 bytes each) and values, and reading a whole chunk holds about 40 bytes per row.
  // Default: 64 Mi.
  int64_t chunk_values_max = int64_t{1} << 26;
  // Largest uncompressed page accepted; a bigger one is refused before it is allocated.
  // Default: 1 GiB + 128 MiB, the largest page the writer can emit (one maximal BYTE_ARRAY
  // value plus a page's worth of others).
  int64_t page_bytes_max = (int64_t{1} << 30) + (int64_t{128} << 20);
};

struct ChunkContext {
  ByteSpan data;  // the file up to the footer: offsets in `meta` index into it
  const ColumnSpec* spec = nullptr;
  const format::ColumnMetaData* meta = nullptr;
  int64_t num_rows = 0;  // of the row group
  std::string what;      // "parquet column 'x', row group 3", for messages
};

// The values of the rows `rows` (strictly ascending row indices within the row group, each
// < num_rows) of the chunk, in that order; every row when `rows` is null. Pages of a flat
// column holding none of `rows` are skipped without decompressing them.
Result<std::vector<Value>> ReadColumnChunk(const ChunkContext& chunk, const ReaderOptions& options,
                                           const std::vector<int64_t>* rows);

}  // namespace pg2iceberg::parquet
