#!/usr/bin/env bash
# Capture rate of `pg2iceberg stream-only` next to pg_recvlogical on the same WAL, on a
# throwaway PostgreSQL 15 (see bench/README.md). Extra arguments go to bench/capture_bench.py:
#   bench/run_capture_bench.sh                          # 1,000,000 changes + one 500,000-row transaction
#   bench/run_capture_bench.sh --changes 200000 --big-rows 0
# Environment: PG2ICEBERG_BIN (default <repo>/build/src/cli/pg2iceberg, a Release build),
# BENCH_TIMEOUT (default 3600): the whole run is stopped after that many seconds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PG2ICEBERG_BIN=${PG2ICEBERG_BIN:-$root/build/src/cli/pg2iceberg}
python=$root/.venv/bin/python
[ -x "$python" ] || python=python3

if [ ! -x "$PG2ICEBERG_BIN" ]; then
  echo "error: $PG2ICEBERG_BIN not found; build it first (cmake --build build)" >&2
  exit 2
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$(dirname "$PG2ICEBERG_BIN")/../../CMakeCache.txt" 2>/dev/null || true)
if [ "$build_type" != "Release" ] && [ "$build_type" != "RelWithDebInfo" ]; then
  echo "warning: $PG2ICEBERG_BIN is from a '${build_type:-unknown}' build; figures are only meaningful for Release" >&2
fi
# SIGTERM first: the driver stops its Postgres server by PID before exiting.
exec timeout --kill-after=60 "${BENCH_TIMEOUT:-3600}" "$python" "$root/bench/capture_bench.py" "$@"
