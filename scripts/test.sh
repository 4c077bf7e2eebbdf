#!/usr/bin/env bash
# Runs every test: unit tests (GoogleTest under ctest, in the ASan+UBSan build, with a
# throwaway Postgres, Iceberg REST catalog and S3 server (moto) for the tests that need
# them) and the end-to-end suite (pytest driving the release binary against real Postgres, in
# three storage configurations: file:// + SQL catalog, S3 (moto) + SQL catalog, S3 + REST
# catalog; read back by DuckDB, PyIceberg and Spark), the deterministic simulator's 2,000 CI
# seeds (release build), and a short run of every fuzz target (scripts/fuzz.sh, libFuzzer +
# ASan + UBSan).
# Installs and builds what it needs first. Ends with one line: "N passed, M failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install.sh || exit 1
bash scripts/build.sh release || exit 1
bash scripts/build.sh asan || exit 1

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
python=.venv/bin/python

echo "== unit tests (ASan+UBSan build) =="
(cd build-asan && "$root/$python" "$root/scripts/with_postgres.py" -- \
   "$root/$python" "$root/scripts/with_rest_catalog.py" -- \
   "$root/$python" "$root/scripts/with_moto.py" -- \
   ctest --output-on-failure -j2 --output-junit "$logs/ctest.xml") | tee "$logs/ctest.log"
unit_rc=${PIPESTATUS[0]}

echo "== simulation (release build, 2,000 seeds in two processes; docs/simulation.md) =="
PG2ICEBERG_SIM_FIRST=1 PG2ICEBERG_SIM_SEEDS=1000 build/src/sim/simulator_test \
  --gtest_output="xml:$logs/sim1.xml" > "$logs/sim1.log" 2>&1 &
sim1=$!
PG2ICEBERG_SIM_FIRST=1001 PG2ICEBERG_SIM_SEEDS=1000 build/src/sim/simulator_test \
  --gtest_output="xml:$logs/sim2.xml" > "$logs/sim2.log" 2>&1
sim_rc=$?
wait "$sim1" || sim_rc=1
cat "$logs/sim1.log" "$logs/sim2.log" | grep -E '^\[  (PASSED|FAILED)|Failure|FAILED|replay:|seed ' | head -60

echo "== fuzz targets (8 s each, two at a time) =="
bash scripts/fuzz.sh --seconds 8 --jobs 2 --junit "$logs/fuzz.xml"
fuzz_rc=$?

echo "== end-to-end tests (release build) =="
PG2ICEBERG_BIN="$root/build/src/cli/pg2iceberg" $python -m pytest tests/e2e -q -p no:cacheprovider \
  --junitxml="$logs/pytest.xml" "$@"
e2e_rc=$?

$python - "$logs/ctest.xml" "$logs/sim1.xml" "$logs/sim2.xml" "$logs/fuzz.xml" "$logs/pytest.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except Exception:
        failed += 1  # a runner that wrote no report did not pass
        continue
    for suite in ([root] if root.tag == "testsuite" else root.iter("testsuite")):
        tests = int(suite.get("tests", 0))
        bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skip = int(suite.get("skipped", 0) or suite.get("disabled", 0) or 0)
        passed += tests - bad - skip
        failed += bad
        skipped += skip
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
if [ "$unit_rc" -ne 0 ] || [ "$sim_rc" -ne 0 ] || [ "$fuzz_rc" -ne 0 ] || [ "$e2e_rc" -ne 0 ]; then
  exit 1
fi
