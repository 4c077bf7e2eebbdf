// A deterministic mixed-type table for the Parquet writer benchmark, generated up front so the
// timed loops only write. Shaped like a typical mirrored OLTP table: a bigint key, an int, a
// double, a numeric(18,4), a timestamp, a short varchar, a nullable varchar (10% NULL) and a
// boolean.
//
// "Input bytes" (the MB/s figures' numerator) is the sum of the values' in-memory sizes:
// 8 (id) + 4 (int) + 8 (double) + 8 (decimal(18,4) as 8 big-endian bytes) + 8 (timestamp)
// + the string bytes + 1 (bool) per row; a NULL counts 0 bytes. No lengths, no row overhead.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "parquet/column_spec.h"

namespace pg2iceberg::bench {

struct BenchRow {
  int64_t id = 0;
  int32_t quantity = 0;
  double score = 0;
  std::array<std::byte, 8> price{};  // decimal(18,4) unscaled, big-endian two's complement
  int64_t created_us = 0;            // timestamp, microseconds since the epoch
  std::string code;                  // ~20 bytes
  std::optional<std::string> note;   // NULL in ~10% of rows
  bool active = false;
};

struct BenchTable {
  std::vector<BenchRow> rows;
  size_t input_bytes = 0;  // see the file comment
};

// The same rows for the same (row_count, seed).
BenchTable MakeBenchTable(size_t row_count, uint64_t seed);

// The Parquet columns of BenchTable, in BenchRow order.
std::vector<parquet::ColumnSpec> BenchColumns();

// The input bytes laid out column after column (all ids, then all ints, …; strings back to
// back, NULLs absent): exactly input_bytes bytes, the baseline benchmarks' input.
Bytes ColumnMajorInput(const BenchTable& table);

}  // namespace pg2iceberg::bench
