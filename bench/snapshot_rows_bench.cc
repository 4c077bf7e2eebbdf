// The snapshot's per-row work on BenchTable (bench_table.h) sent as COPY BINARY fields: the
// fields of every row decoded to the table's values, and those values written to Parquet.
//
//   CopyRowsDecode               decode every row's fields (pg/, reusing one row), no writing.
//   CopyRowsToParquet/<codec>    decode and write every row with the table layer's encoder,
//                                then Finish: what DataFileSink does per file, without the
//                                object store.
//
// Compare CopyRowsToParquet/none with parquet_writer_bench's ParquetWrite/none (the same rows
// appended straight from memory): the difference is the decoding and the row encoding.
// bytes_per_second counts bench_table.h's input bytes, items_per_second rows. Single thread.
#include <benchmark/benchmark.h>

#include <optional>
#include <vector>

#include "base/check.h"
#include "bench/bench_table.h"
#include "bench/copy_fields.h"
#include "parquet/parquet_writer.h"
#include "pg/copy_row_decoder.h"
#include "table/row_encoder.h"

namespace pg2iceberg::bench {
namespace {

constexpr size_t kRowCount = 500'000;
constexpr uint64_t kSeed = 20240501;

const BenchTable& Table() {
  static const BenchTable table = MakeBenchTable(kRowCount, kSeed);
  return table;
}

const CopyFields& Fields() {
  static const CopyFields fields = CopyFieldsOf(Table());
  return fields;
}

RowEncoder Encoder() { return RowEncoder("public.bench", BenchMappedColumns()); }

pg::CopyRowDecoder Decoder() {
  const std::vector<MappedColumn> columns = BenchMappedColumns();
  return pg::CopyRowDecoder("public.bench", SourceColumnsOf(columns), DecodeOptionsOf(columns));
}

void SetThroughput(benchmark::State& state, size_t output_bytes) {
  const auto iterations = static_cast<int64_t>(state.iterations());
  state.SetBytesProcessed(iterations * static_cast<int64_t>(Table().input_bytes));
  state.SetItemsProcessed(iterations * static_cast<int64_t>(Table().rows.size()));
  state.counters["ratio"] =
      static_cast<double>(output_bytes) / static_cast<double>(Table().input_bytes);
}

void BM_CopyRowsDecode(benchmark::State& state) {
  const CopyFields& fields = Fields();
  const pg::CopyRowDecoder decoder = Decoder();
  change::Row row;
  std::vector<std::optional<ByteSpan>> row_fields;
  for (auto _ : state) {
    for (size_t i = 0; i < fields.row_count(); ++i) {
      fields.Row(i, row_fields);
      CHECK_MSG(decoder.Decode(row_fields, row).ok(), "benchmark row not decoded");
      benchmark::DoNotOptimize(row);
    }
  }
  SetThroughput(state, 0);
}

void BM_CopyRowsToParquet(benchmark::State& state, parquet::Codec codec) {
  const CopyFields& fields = Fields();
  const pg::CopyRowDecoder decoder = Decoder();
  const RowEncoder encoder = Encoder();
  change::Row row;
  std::vector<std::optional<ByteSpan>> row_fields;
  parquet::WriterOptions options;
  options.codec = codec;
  size_t output_bytes = 0;
  for (auto _ : state) {
    auto writer = parquet::ParquetWriter::Create(BenchColumns(), options);
    CHECK_MSG(writer.ok(), "benchmark writer not created");
    for (size_t i = 0; i < fields.row_count(); ++i) {
      fields.Row(i, row_fields);
      CHECK_MSG(decoder.Decode(row_fields, row).ok(), "benchmark row not decoded");
      CHECK_MSG(encoder.Write(row, **writer).ok(), "benchmark row not written");
    }
    auto file = (*writer)->Finish();
    CHECK_MSG(file.ok(), "benchmark file not finished");
    output_bytes = file->bytes.size();
  }
  SetThroughput(state, output_bytes);
}

BENCHMARK(BM_CopyRowsDecode)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CopyRowsToParquet, none, parquet::Codec::kUncompressed)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CopyRowsToParquet, zstd, parquet::Codec::kZstd)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pg2iceberg::bench

int main(int argc, char** argv) {
  using pg2iceberg::bench::Table;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("rows", std::to_string(Table().rows.size()));
  benchmark::AddCustomContext("input_bytes", std::to_string(Table().input_bytes));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
