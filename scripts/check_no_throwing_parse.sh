#!/usr/bin/env bash
# Fails when production code under src/ (anything but *_test.cc and *test_util.h/.cc) uses a
# parser that throws on outside data or reads garbage silently. Outside data (server rows,
# coordinator rows, config values, file bytes, HTTP bodies) must parse into a Result:
#   numbers        base/parse_number.h (ParseInt64, ParseUint32, ParseDouble, …), not
#                  std::stoi/stol/stoll/stoul/stoull/stof/stod/stold (throw), atoi/strtol/…
#                  (garbage reads as 0 or a prefix) or sscanf (overflow is undefined behaviour)
#   JSON           iceberg/json_util.h (ParseJson and the Get* accessors); Json::parse only there
#                  or with allow_exceptions=false
#   YAML           node.Scalar() after IsScalar(), YAML::convert<T>::decode; never .as<T>()
#   containers     no .at(): it throws std::out_of_range and ends the process. Where the code
#                  itself filled the container with the key, keep .at() with a trailing
#                  comment "at-ok: <why the key is present>".
# See docs/testing.md ("Project checks").
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
files=$(find src -name '*.cc' -o -name '*.h' | grep -vE '_test\.cc$|test_util\.(h|cc)$' | sort)
word='(^|[^A-Za-z0-9_])'
numbers="${word}(sto(i|l|ll|ul|ull|f|d|ld)|ato(i|l|ll|f)|strto(l|ll|ul|ull|f|d|ld|imax|umax)|sscanf)\("
status=0
report() {  # title, hits
  if [ -n "$2" ]; then
    echo "$1"
    echo "$2"
    status=1
  fi
}
# shellcheck disable=SC2086
report "throwing or unchecked number parsing (use base/parse_number.h):" \
  "$(grep -nE "$numbers" $files)"
# shellcheck disable=SC2086
report ".at() in production code (check the size or find(); mark a code-filled key 'at-ok: <why>'):" \
  "$(grep -nE '\.at\(' $files | grep -v 'at-ok:')"
# shellcheck disable=SC2086
report "Json::parse outside iceberg/json_util.cc without allow_exceptions=false:" \
  "$(grep -nE '[Jj]son::parse\(' $files | grep -v '^src/iceberg/json_util\.cc:' |
    grep -v 'allow_exceptions')"
# shellcheck disable=SC2086
report "yaml-cpp .as<T>() throws on a wrong type (check IsScalar(), read Scalar()):" \
  "$(grep -nE '\.as<' $files)"
if [ "$status" -ne 0 ]; then
  echo "no-throwing-parse check failed: outside data must parse into a Result" >&2
  exit 1
fi
echo "no-throwing-parse check: $(echo "$files" | wc -l) production files parse outside data" \
  "without std::sto*, strto*, sscanf, Json::parse or .as<T>(); every .at() is marked at-ok"
