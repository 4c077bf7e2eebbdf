// Parquet files as the materializer's reader sees them (the primary-key index rebuild, position
// delete files, verify): the footer, every column of every row group, and rows read by position
// with the page skipping that path does.
//
// Input: the file. Reader limits are lowered (64 Ki values per chunk, 1 MiB pages) so that the
// fuzzer's memory limit is never what stops a read; the limits themselves are checked before
// anything is allocated, whatever their value.
#include <cstdint>
#include <vector>

#include "fuzz_input.h"
#include "parquet/parquet_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pg2iceberg;
  fuzz::FuzzInput in(data, size);
  Result<parquet::ParquetReader> reader = parquet::ParquetReader::Open(
      in.Rest(), parquet::ReaderOptions{.chunk_values_max = 1 << 16, .page_bytes_max = 1 << 20});
  if (!reader.ok()) return 0;
  const size_t columns = reader->columns().size();
  for (size_t group = 0; group < reader->row_group_count() && group < 16; ++group) {
    for (size_t column = 0; column < columns && column < 64; ++column) {
      (void)reader->ReadColumn(group, column);
    }
  }
  // Every third row of the first 3,000, all columns.
  std::vector<int64_t> positions;
  for (int64_t row = 0; row < reader->row_count() && row < 3000; row += 3) positions.push_back(row);
  std::vector<size_t> all;
  for (size_t column = 0; column < columns && column < 64; ++column) all.push_back(column);
  (void)reader->ReadRows(positions, all);
  return 0;
}
