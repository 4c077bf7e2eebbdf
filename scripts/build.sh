#!/usr/bin/env bash
# Builds pg2iceberg. Usage: scripts/build.sh [release|asan|fuzz] [TARGET...]   (default: release, all)
#   TARGET: only these ninja targets (e.g. pg2iceberg, the binary alone), not the tests.
#   release → build/       (RelWithDebInfo; the binary the demo and e2e tests run)
#   asan    → build-asan/  (Debug with AddressSanitizer + UndefinedBehaviorSanitizer)
#   fuzz    → build-fuzz/  (clang, libFuzzer + ASan + UBSan; the fuzz targets, fuzz_targets)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-release}
case "$kind" in
  release) dir="$root/build"; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan) dir="$root/build-asan"; flags=(-DCMAKE_BUILD_TYPE=Debug -DPG2ICEBERG_SANITIZE=ON) ;;
  fuzz) dir="$root/build-fuzz"
        flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPG2ICEBERG_FUZZ=ON
               -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "usage: $0 [release|asan|fuzz]" >&2; exit 2 ;;
esac
# ccache (when installed) shares objects between checkouts: paths inside the checkout are hashed
# relative to it, and the build directory's name is left out of the hash.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
cmake -S "$root" -B "$dir" -G Ninja "${flags[@]}" >/dev/null
shift || true
ninja -C "$dir" "$@"
