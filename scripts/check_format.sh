#!/usr/bin/env bash
# Fails when a C++ source or header the project tracks is not formatted as .clang-format says
# (Google base, 100 columns). Fix with: git ls-files '*.cc' '*.h' | xargs clang-format -i
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if ! command -v clang-format >/dev/null; then
  echo "clang-format is not installed (scripts/install.sh installs it)" >&2
  exit 1
fi
files=$(git ls-files '*.cc' '*.h' 2>/dev/null || find src bench -name '*.cc' -o -name '*.h')
if ! echo "$files" | xargs clang-format --dry-run -Werror; then
  echo "format check: the files above differ from .clang-format;" \
    "run: git ls-files '*.cc' '*.h' | xargs clang-format -i" >&2
  exit 1
fi
echo "format check: $(echo "$files" | wc -l) files match .clang-format ($(clang-format --version))"
