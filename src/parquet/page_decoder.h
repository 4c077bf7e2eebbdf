// Decodes single pages of a column chunk: the dictionary page into its values, a data page
// (v1 or v2) into its repetition and definition levels and its non-null values. Internal to
// the Parquet reader (column_chunk_reader.h states the checks and errors).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "parquet/column_chunk_reader.h"
#include "parquet/compression.h"
#include "parquet/parquet_format.h"

namespace pg2iceberg::parquet {

struct PageContext {
  const ColumnSpec* spec = nullptr;
  Codec codec = Codec::kUncompressed;
  const ReaderOptions* options = nullptr;
  std::string what;  // names the column and row group
};

// What a data page's header says about its size, before the page is decompressed.
struct PageShape {
  int64_t num_values = 0;           // level entries
  std::optional<int64_t> num_rows;  // known for flat columns and data pages v2
};

Result<PageShape> DataPageShape(const PageContext& page, const format::PageHeader& header);

Result<std::vector<Scalar>> DecodeDictionaryPage(const PageContext& page,
                                                 const format::PageHeader& header, ByteSpan stored);

struct DecodedPage {
  size_t count = 0;                  // level entries
  std::vector<uint32_t> repetition;  // `count` entries for list columns, else empty
  std::vector<uint32_t> definition;  // `count` entries unless the column is required and flat
  std::vector<Scalar> values;        // the non-null values, in order
};

// `dictionary` is the chunk's dictionary, or null when it has none.
Result<DecodedPage> DecodeDataPage(const PageContext& page, const format::PageHeader& header,
                                   ByteSpan stored, const std::vector<Scalar>* dictionary);

}  // namespace pg2iceberg::parquet
