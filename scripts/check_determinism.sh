#!/usr/bin/env bash
# Fails when production code outside src/env (and src/cli, which builds the Env and reads the
# command line) reads a clock, sleeps, seeds randomness, starts threads or reads the
# environment: those must come through the Env so a simulator can control them.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pattern='system_clock::now|steady_clock::now|high_resolution_clock::now|this_thread::sleep|std::random_device|std::thread[ (]|std::jthread|std::async\(|[^a-z_]rand\(\)|[^a-z_]srand\(|[^a-z_]time\(NULL\)|[^a-z_]time\(nullptr\)|getenv\(|gettimeofday\(|clock_gettime\('
hits=$(grep -rnE "$pattern" "$root/src" --include='*.cc' --include='*.h' \
  | grep -vE "^$root/src/(env|cli)/" | grep -vE '_test\.cc:')
if [ -n "$hits" ]; then
  echo "nondeterminism outside src/env (route it through the Env):"
  echo "$hits"
  exit 1
fi
echo "determinism check: no clock, sleep, randomness, thread or getenv use outside src/env"
