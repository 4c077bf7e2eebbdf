#!/usr/bin/env bash
# The embedded default, end to end: starts a throwaway local Postgres, creates a small table,
# runs `pg2iceberg run` into a local-filesystem warehouse with the Iceberg catalog kept in
# that Postgres, changes rows and prints the Iceberg table catching up as DuckDB reads it. Installs and builds
# what it needs first. Leaves the warehouse in $PG2ICEBERG_DEMO_DIR (default /tmp/pg2iceberg-demo).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install.sh
bash scripts/build.sh release pg2iceberg >/dev/null  # the binary only, not the tests
export PG2ICEBERG_DEMO_DIR=${PG2ICEBERG_DEMO_DIR:-/tmp/pg2iceberg-demo}
rm -rf "$PG2ICEBERG_DEMO_DIR" && mkdir -p "$PG2ICEBERG_DEMO_DIR/warehouse"
exec .venv/bin/python scripts/with_postgres.py -- .venv/bin/python scripts/demo_job.py
