// Parquet writer throughput next to the physical baselines on the same bytes.
//
//   ParquetWrite/<codec>  ParquetWriter over BenchTable: Create, every Append and EndRow,
//                         Finish (footer included). One file, one row group at this size.
//                         Default options: dictionary encoding where it pays.
//   ParquetWrite/<codec>_plain  The same with WriterOptions::dictionary_enabled = false.
//   Memcpy                memcpy of the column-major input (bench_table.h): the floor.
//   ZstdCompress          ZSTD_compressCCtx at the writer's default level (3) over the
//                         column-major input in 1 MiB pieces (the writer's page size).
//   SnappyCompress        snappy::RawCompress of the same pieces.
//
// bytes_per_second counts INPUT bytes (the sum of the values' in-memory sizes, see
// bench_table.h), never output bytes, so every row is comparable; items_per_second is rows.
// Single thread. The counter ratio is output bytes / input bytes.
#include <benchmark/benchmark.h>
#include <snappy.h>
#include <zstd.h>

#include <cstring>
#include <string>
#include <utility>

#include "base/check.h"
#include "bench/bench_table.h"
#include "parquet/parquet_writer.h"

namespace pg2iceberg::bench {
namespace {

constexpr size_t kRowCount = 500'000;
constexpr uint64_t kSeed = 20240501;
constexpr size_t kPieceBytes = size_t{1} << 20;

const BenchTable& Table() {
  static const BenchTable table = MakeBenchTable(kRowCount, kSeed);
  return table;
}

const Bytes& Input() {
  static const Bytes input = ColumnMajorInput(Table());
  return input;
}

void AppendRow(parquet::ParquetWriter& w, const BenchRow& row) {
  bool ok = w.AppendInt64(0, row.id).ok() && w.AppendInt32(1, row.quantity).ok() &&
            w.AppendDouble(2, row.score).ok() && w.AppendBytes(3, row.price).ok() &&
            w.AppendInt64(4, row.created_us).ok() && w.AppendBytes(5, AsBytes(row.code)).ok() &&
            (row.note ? w.AppendBytes(6, AsBytes(*row.note)) : w.AppendNull(6)).ok() &&
            w.AppendBool(7, row.active).ok() && w.EndRow().ok();
  CHECK_MSG(ok, "benchmark row rejected");
}

size_t WriteFile(parquet::Codec codec, bool dictionary) {
  parquet::WriterOptions options;
  options.codec = codec;
  options.dictionary_enabled = dictionary;
  auto writer = parquet::ParquetWriter::Create(BenchColumns(), options);
  CHECK_MSG(writer.ok(), "benchmark writer not created");
  for (const BenchRow& row : Table().rows) AppendRow(**writer, row);
  auto file = (*writer)->Finish();
  CHECK_MSG(file.ok(), "benchmark file not finished");
  return file->bytes.size();
}

void SetThroughput(benchmark::State& state, size_t output_bytes) {
  const auto iterations = static_cast<int64_t>(state.iterations());
  state.SetBytesProcessed(iterations * static_cast<int64_t>(Table().input_bytes));
  state.SetItemsProcessed(iterations * static_cast<int64_t>(Table().rows.size()));
  state.counters["ratio"] =
      static_cast<double>(output_bytes) / static_cast<double>(Table().input_bytes);
}

void BM_ParquetWrite(benchmark::State& state, parquet::Codec codec, bool dictionary) {
  Table();  // generated before timing starts
  size_t output_bytes = 0;
  for (auto _ : state) output_bytes = WriteFile(codec, dictionary);
  SetThroughput(state, output_bytes);
}

void BM_Memcpy(benchmark::State& state) {
  const Bytes& input = Input();
  Bytes copy(input.size());
  for (auto _ : state) {
    std::memcpy(copy.data(), input.data(), input.size());
    benchmark::ClobberMemory();
  }
  SetThroughput(state, copy.size());
}

void BM_ZstdCompress(benchmark::State& state) {
  const Bytes& input = Input();
  ZSTD_CCtx* context = ZSTD_createCCtx();
  Bytes out(ZSTD_compressBound(kPieceBytes));
  size_t output_bytes = 0;
  for (auto _ : state) {
    output_bytes = 0;
    for (size_t at = 0; at < input.size(); at += kPieceBytes) {
      const size_t size = std::min(kPieceBytes, input.size() - at);
      const size_t written =
          ZSTD_compressCCtx(context, out.data(), out.size(), input.data() + at, size, 3);
      CHECK_MSG(!ZSTD_isError(written), "zstd failed");
      output_bytes += written;
    }
  }
  ZSTD_freeCCtx(context);
  SetThroughput(state, output_bytes);
}

void BM_SnappyCompress(benchmark::State& state) {
  const Bytes& input = Input();
  std::string out(snappy::MaxCompressedLength(kPieceBytes), '\0');
  size_t output_bytes = 0;
  for (auto _ : state) {
    output_bytes = 0;
    for (size_t at = 0; at < input.size(); at += kPieceBytes) {
      size_t written = 0;
      snappy::RawCompress(reinterpret_cast<const char*>(input.data()) + at,
                          std::min(kPieceBytes, input.size() - at), out.data(), &written);
      output_bytes += written;
    }
  }
  SetThroughput(state, output_bytes);
}

BENCHMARK(BM_Memcpy)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SnappyCompress)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ZstdCompress)->Unit(benchmark::kMillisecond);

// ParquetWrite/<codec> (dictionary where it pays, the default) and <codec>_plain.
void RegisterParquetWrites() {
  const std::pair<const char*, parquet::Codec> codecs[] = {{"none", parquet::Codec::kUncompressed},
                                                           {"snappy", parquet::Codec::kSnappy},
                                                           {"zstd", parquet::Codec::kZstd}};
  for (bool dictionary : {true, false}) {
    for (const auto& [name, codec] : codecs) {
      const std::string label =
          std::string("BM_ParquetWrite/") + name + (dictionary ? "" : "_plain");
      benchmark::RegisterBenchmark(label.c_str(), BM_ParquetWrite, codec, dictionary)
          ->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace
}  // namespace pg2iceberg::bench

int main(int argc, char** argv) {
  using pg2iceberg::bench::Table;
  pg2iceberg::bench::RegisterParquetWrites();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("rows", std::to_string(Table().rows.size()));
  benchmark::AddCustomContext("input_bytes", std::to_string(Table().input_bytes));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
