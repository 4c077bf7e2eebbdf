#!/usr/bin/env bash
# Installs everything pg2iceberg needs to build, run its demo and run its tests.
# Idempotent: a second run checks and returns quickly. Used by both README commands and CI.
#   - Debian packages: compiler toolchain, libraries, PostgreSQL 15 server, Java and Maven
#   - a Python virtual environment (.venv) with the independent readers the tests use
#   - Maven jars the tests run (in ~/.m2): Apache Iceberg's REST catalog test server, the
#     Postgres JDBC driver it stores its catalog with, and for Spark (pyspark, in the venv) the
#     Iceberg Spark runtime and AWS bundle (S3FileIO)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

apt_packages=(
  build-essential cmake ninja-build pkg-config
  libpq-dev libcurl4-openssl-dev libssl-dev libzstd-dev libsnappy-dev zlib1g-dev
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  postgresql-15 postgresql-client-15 python3-venv clang-format
  openjdk-17-jre-headless maven ccache locales clang libclang-rt-14-dev
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install: apt packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Locales whose money has other than two fraction digits (ja_JP: 0, ar_KW: 3): the tests run
# money through a source database with such an lc_monetary. Postgres takes any locale the
# system has, without a restart.
for locale in ja_JP ar_KW; do
  if ! locale -a | grep -qx "$locale.utf8"; then
    echo "install: locale $locale.UTF-8"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd localedef -i "$locale" -f UTF-8 "$locale.UTF-8"
  fi
done

venv="$root/.venv"
requirements="$root/tests/requirements.txt"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "install: python venv at $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"
fi

# Jars for the REST catalog test server (tests/e2e/rest_server.py) and for Spark as a reader
# (tests/e2e/spark_reader.py); both find them in ~/.m2.
jars=(org.apache.iceberg:iceberg-open-api:1.10.1 org.postgresql:postgresql:42.7.14
      org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.11.0 org.apache.iceberg:iceberg-aws-bundle:1.11.0)
for artifact in "${jars[@]}"; do
  IFS=: read -r group name version <<<"$artifact"
  jar="$HOME/.m2/repository/${group//.//}/$name/$version/$name-$version.jar"
  if [ ! -f "$jar" ]; then
    echo "install: maven $artifact"
    mvn -q -B dependency:get -Dartifact="$artifact" -Dtransitive=false
  fi
done

# toxiproxy (fault tests put it in front of S3 and the catalog), built by the Go toolchain into
# .cache/tools/bin; `go install` names the binary "server".
tools="$root/.cache/tools/bin"
if [ ! -x "$tools/toxiproxy-server" ]; then
  echo "install: toxiproxy"
  go_bin=$(command -v go || echo /usr/local/go/bin/go)
  mkdir -p "$tools"
  GOBIN="$tools" "$go_bin" install github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0
  mv "$tools/server" "$tools/toxiproxy-server"
fi
