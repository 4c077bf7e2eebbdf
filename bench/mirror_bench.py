"""`pg2iceberg run` on a throwaway PostgreSQL 15 (tests/e2e/pg_server.py), a local warehouse and
the SQL catalog. Two measurements (see bench/README.md):

  freshness  a writer commits --rate rows/s (transactions of 10 inserts) for --seconds; a poller
             reads the Iceberg table every 100 ms through the SQL catalog and DuckDB (max(id):
             the materializer commits whole transactions in order, so a snapshot holds a prefix);
             per transaction, freshness = first poll that sees it − the writer's COMMIT return.
  index      a table of --index-rows rows is loaded by `run`, which is stopped; the second start
             rebuilds the primary-key index from the table's data files and logs its size and
             time, and that process's peak RSS (VmHWM). The initial load's time is
             printed next to Postgres' own COPY of the same table to /dev/null (the baseline).
"""
import argparse
import os
import pathlib
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from pg_server import PASSWORD, SUPERUSER, PostgresServer  # noqa: E402
from readers import duckdb_connection, metadata_location  # noqa: E402

BINARY = os.environ.get("PG2ICEBERG_BIN", str(ROOT / "build" / "src" / "cli" / "pg2iceberg"))


def config(server, database, workdir, table, interval):
    return {"tables": [{"name": table}],
            "source": {"postgres": {"host": "127.0.0.1", "port": server.port, "database": database,
                                    "user": SUPERUSER, "password": PASSWORD, "sslmode": "disable"},
                       # a slot per phase: slots are per cluster, the phases' databases are not
                       "logical": {"spill_dir": f"{workdir}/spill", "standby_interval": "1s",
                                   "slot_name": f"bench_{database}"}},
            "sink": {"warehouse": f"file://{workdir}/warehouse", "flush_interval": "200ms",
                     "materializer_interval": interval}}


def peak_rss_mib(pid):
    """VmHWM of process `pid` (the peak resident set so far), in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def start(cfg, workdir, name):
    path = f"{workdir}/{name}.yaml"
    with open(path, "w") as f:
        yaml.safe_dump(cfg, f)
    log = open(f"{workdir}/{name}.log", "w")
    return subprocess.Popen([BINARY, "run", "--config", path], stdout=log, stderr=subprocess.STDOUT), \
        f"{workdir}/{name}.log"


def wait_log(path, pattern, process, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = open(path).read()
        match = re.search(pattern, text)
        if match:
            return match
        if process.poll() is not None:
            sys.exit(f"pg2iceberg exited ({process.returncode}):\n{text}")
        time.sleep(0.05)
    sys.exit(f"timed out waiting for /{pattern}/ in {path}")


def stop(process):
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=120)


def freshness(server, args, workdir):
    database = "fresh"
    server.create_database(database)
    conn = server.connect(database)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE fresh (id bigint PRIMARY KEY, v int NOT NULL, note text)")
        cur.execute("INSERT INTO fresh VALUES (0, 0, 'seed')")
    process, log = start(config(server, database, workdir, "public.fresh", args.interval), workdir, "fresh")
    wait_log(log, r"initial load of public\.fresh committed", process, 120)
    commits = []  # (last id, wall time the COMMIT returned)
    done = threading.Event()

    def writer():
        try:
            write()
        finally:
            done.set()

    def write():
        wconn = server.connect(database)
        period = 10.0 / args.rate
        next_at = time.monotonic()
        key = 1
        with wconn.cursor() as cur:
            end = time.monotonic() + args.seconds
            while time.monotonic() < end:
                cur.execute("INSERT INTO fresh SELECT g, g %% 100, md5(g::text) FROM generate_series(%s, %s) g",
                            (key, key + 9))
                wconn.commit()
                commits.append((key + 9, time.time()))
                key += 10
                next_at += period
                time.sleep(max(0.0, next_at - time.monotonic()))
        wconn.close()

    seen = []  # (max id visible, wall time of the poll)
    thread = threading.Thread(target=writer)
    thread.start()
    duck = duckdb_connection()
    last_location = None
    visible = 0
    while True:
        location = metadata_location(conn, "pg2iceberg", "public", "fresh")
        now = time.time()
        if location != last_location:
            last_location = location
            visible = duck.execute(f"SELECT max(id) FROM iceberg_scan('{location}')").fetchone()[0]
            seen.append((visible, now))
        if done.is_set() and commits and visible >= commits[-1][0]:
            break
        if done.is_set() and (not commits or time.time() - commits[-1][1] > 120):
            sys.exit("the mirror did not catch up within 120 s of the last commit")
        time.sleep(0.1)
    thread.join()
    rc = stop(process)
    lags = []
    j = 0
    for last_id, committed in commits:
        while seen[j][0] < last_id:
            j += 1
        lags.append(max(0.0, seen[j][1] - committed))
    lags.sort()
    rate = len(commits) * 10 / (commits[-1][1] - commits[0][1])
    p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
    print(f"freshness: {len(commits) * 10} rows in {len(commits)} transactions at {rate:.0f} rows/s; "
          f"commit in Postgres -> visible in Iceberg: median {statistics.median(lags):.2f} s, "
          f"p99 {p99:.2f} s, max {lags[-1]:.2f} s "
          f"(sink.flush_interval 200ms, sink.materializer_interval {args.interval}; run exit {rc})")


def index(server, args, workdir):
    database = "indexed"
    server.create_database(database)
    conn = server.connect(database)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE big (id bigint PRIMARY KEY, qty int, note text, at timestamptz)")
        cur.execute("INSERT INTO big SELECT g, g %% 1000, md5(g::text), now() FROM generate_series(1, %s) g",
                    (args.index_rows,))
        cur.execute("VACUUM ANALYZE big")
        started = time.monotonic()
        with open(os.devnull, "wb") as null:
            cur.copy_expert("COPY big TO STDOUT (FORMAT binary)", null)
        copy_seconds = time.monotonic() - started
    cfg = config(server, database, workdir, "public.big", "1s")
    logical = cfg["source"]["logical"]
    logical["snapshot_workers"] = args.load_workers
    if args.chunk:
        logical["snapshot_chunk_size"] = args.chunk
    process, log = start(cfg, workdir, "index1")
    started = time.monotonic()
    wait_log(log, r"initial load of public\.big committed", process, 3600)
    load_seconds = time.monotonic() - started
    ranges = re.search(r"copied as (\d+) key range", open(log).read())
    stop(process)
    process, log = start(cfg, workdir, "index2")
    match = wait_log(log, r"materializing public\.big \(index of (\d+) keys, (\d+) bytes, built in (\d+) ms\)",
                     process, 3600)
    time.sleep(1)
    rss = peak_rss_mib(process.pid)
    stop(process)
    keys, size, ms = int(match.group(1)), int(match.group(2)), int(match.group(3))
    print(f"initial load: {args.index_rows} rows in {load_seconds:.1f} s from process start "
          f"({args.index_rows / load_seconds:,.0f} rows/s; {ranges.group(1) if ranges else '?'} key range(s) on "
          f"{args.load_workers} connection(s)); Postgres' own binary COPY to /dev/null: "
          f"{copy_seconds:.1f} s ({args.index_rows / copy_seconds:,.0f} rows/s)")
    print(f"index rebuild at restart: {keys} keys, {size / 1e6:.1f} MB accounted ({size / keys:.0f} bytes/key), "
          f"{ms / 1000:.2f} s ({keys / max(ms, 1) * 1000:,.0f} keys/s); peak RSS of that process "
          f"{rss:.0f} MiB")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=1000, help="rows per second (default 1000)")
    parser.add_argument("--seconds", type=int, default=60, help="writer duration (default 60)")
    parser.add_argument("--interval", default="1s", help="sink.materializer_interval (default 1s)")
    parser.add_argument("--index-rows", type=int, default=1_000_000, help="rows of the index table")
    parser.add_argument("--chunk", default=None,
                        help="source.logical.snapshot_chunk_size of the index table's load (default: the config's)")
    parser.add_argument("--load-workers", type=int, default=2, help="source.logical.snapshot_workers (default 2)")
    parser.add_argument("--only", choices=["freshness", "index"], default=None)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="pg2iceberg-mirror-bench-")
    server = PostgresServer().start()
    try:
        if args.only in (None, "freshness"):
            freshness(server, args, workdir)
        if args.only in (None, "index"):
            index(server, args, workdir)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
