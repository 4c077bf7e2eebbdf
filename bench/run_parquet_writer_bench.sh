#!/usr/bin/env bash
# Builds the Parquet writer benchmark in a Release tree (build-bench, configured if missing)
# and prints its figures as a small table. Extra arguments go to the benchmark binary, e.g.
#   bench/run_parquet_writer_bench.sh --benchmark_filter=ParquetWrite
# Environment: BUILD_DIR (default <repo>/build-bench), MIN_TIME seconds per benchmark
# (default 2), REPETITIONS (default 3; the table shows the median), BENCH (default
# parquet_writer_bench; snapshot_rows_bench measures the snapshot's decode + encode path).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
min_time=${MIN_TIME:-2}
repetitions=${REPETITIONS:-3}
bench=${BENCH:-parquet_writer_bench}

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")
if [ "$build_type" != "Release" ]; then
  echo "warning: $build is a '$build_type' build; figures are only meaningful for Release" >&2
fi
ninja -C "$build" "$bench" >/dev/null

json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$build/bench/$bench" --benchmark_min_time="$min_time" \
  --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@" >&2

python3 - "$json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
rows = [b for b in report["benchmarks"] if b.get("aggregate_name", "median") == "median"]
context = report["context"]
print()
print(f"{int(context['rows']):,} rows, {int(context['input_bytes']):,} input bytes")
print("input MB/s = sum of the values' in-memory sizes (bench_table.h) / CPU second, 1 MB = 1e6 B;")
print("single thread; median of the repetitions; ratio = output bytes / input bytes")
print(f"{'benchmark':<24} {'input MB/s':>11} {'Mrows/s':>9} {'ratio':>7}")
for b in rows:
    name = b["run_name"].removeprefix("BM_")
    print(f"{name:<24} {b['bytes_per_second'] / 1e6:>11.1f} "
          f"{b['items_per_second'] / 1e6:>9.2f} {b['ratio']:>7.3f}")
PY
