#!/usr/bin/env bash
# Runs the libFuzzer targets (fuzz/, docs/fuzzing.md) for a bounded time each.
# Usage: scripts/fuzz.sh [--seconds N] [--jobs J] [--junit FILE] [TARGET...]
#   --seconds N   how long each target runs (default 8: the stage .ci/run runs)
#   --jobs J      targets run at once (default 1)
#   --junit FILE  also write a JUnit report, one test case per target
#   TARGET        e.g. pgoutput, parquet (default: every target in fuzz/)
# Each target starts from its seed corpus (fuzz/corpus/<target>) and its regression inputs
# (fuzz/regressions/<target>: inputs that once failed, each run every time); what it finds new
# is kept in .cache/fuzz/corpus/<target> for the next run. A crash, a sanitizer report, a leak,
# an input running over 20 s or a memory blow-up fails the target: the input is written to
# .cache/fuzz/artifacts/<target>/ and the script exits 1 after every target has run.
# Ends with one line per target: "<target>: ok, N executions in S s (coverage C)".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=8 jobs=1 junit=""
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --junit) junit=$2; shift 2 ;;
    -*) echo "usage: $0 [--seconds N] [--jobs J] [--junit FILE] [TARGET...]" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if ((${#targets[@]} == 0)); then
  for source in "$root"/fuzz/*_fuzz.cc; do
    name=$(basename "$source" _fuzz.cc)
    targets+=("$name")
  done
fi
for t in "${targets[@]}"; do
  [ -f "$root/fuzz/${t}_fuzz.cc" ] || { echo "fuzz: no target $t (fuzz/${t}_fuzz.cc)" >&2; exit 2; }
done

bash "$root/scripts/build.sh" fuzz fuzz_targets >/dev/null || { echo "fuzz: build failed" >&2; exit 1; }

work="$root/.cache/fuzz"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# Runs one target; its log goes to $logs/<target>.log, its exit status to $logs/<target>.rc.
run_target() {
  local t=$1
  local corpus="$work/corpus/$t" artifacts="$work/artifacts/$t"
  rm -rf "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  local seeds=("$root/fuzz/corpus/$t")
  [ -d "$root/fuzz/regressions/$t" ] && seeds+=("$root/fuzz/regressions/$t")
  UBSAN_OPTIONS=print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
    "$root/build-fuzz/fuzz/${t}_fuzz" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "${seeds[@]}" \
    >"$logs/$t.log" 2>&1
  echo $? >"$logs/$t.rc"
}

running=0
for t in "${targets[@]}"; do
  run_target "$t" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n
    running=$((running - 1))
  fi
done
wait

failed=0
cases=""
for t in "${targets[@]}"; do
  rc=$(cat "$logs/$t.rc" 2>/dev/null || echo 1)
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$logs/$t.log" | awk '{print $2}')
  cov=$(grep -o 'cov: [0-9]*' "$logs/$t.log" | tail -n 1 | awk '{print $2}')
  if [ "$rc" -eq 0 ]; then
    echo "$t: ok, ${execs:-0} executions in ${seconds} s (coverage ${cov:-0})"
    cases+="<testcase classname=\"fuzz\" name=\"$t\" time=\"$seconds\"/>"
  else
    failed=$((failed + 1))
    echo "$t: FAILED (exit $rc); the log's end:"
    tail -n 40 "$logs/$t.log" | sed 's/^/    /'
    ls "$work/artifacts/$t" 2>/dev/null | sed "s|^|    input: $work/artifacts/$t/|"
    reason=$(grep -m1 -E 'ERROR|runtime error|Timeout|out-of-memory' "$logs/$t.log" |
             sed 's/[<>&"]//g')
    cases+="<testcase classname=\"fuzz\" name=\"$t\" time=\"$seconds\">"
    cases+="<failure message=\"${reason:-exit $rc}\"/></testcase>"
  fi
done
if [ -n "$junit" ]; then
  printf '<testsuite name="fuzz" tests="%d" failures="%d">%s</testsuite>\n' \
    "${#targets[@]}" "$failed" "$cases" >"$junit"
fi
((failed == 0))
