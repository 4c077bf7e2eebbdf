"""Capture rate of `pg2iceberg stream-only` next to pg_recvlogical, draining the same WAL.

On a throwaway PostgreSQL 15 (tests/e2e/pg_server.py), for each scenario: start pg2iceberg once
briefly (it creates its slot and publication), create a second pgoutput slot for pg_recvlogical,
load the workload while nothing consumes either slot, then time
  (a) a second pg2iceberg run from process start until the coordinator's flushed_lsn reaches the
      post-load WAL position, and
  (b) pg_recvlogical on the other slot, same publication and protocol options, to /dev/null,
      with --endpos at that position.
Peak RSS is each command's own maximum resident set size, from /usr/bin/time. See bench/README.md.
"""
import argparse
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from pg_server import PASSWORD, SUPERUSER, PostgresServer  # noqa: E402

BINARY = os.environ.get("PG2ICEBERG_BIN", str(ROOT / "build" / "src" / "cli" / "pg2iceberg"))
PG_RECVLOGICAL = "/usr/lib/postgresql/15/bin/pg_recvlogical"
TIME = "/usr/bin/time"
DDL = "CREATE TABLE bench_rows (id bigint PRIMARY KEY, qty int, note text, price numeric(12,2), at timestamptz)"
# A 40-character note: md5 (32 hex digits) and a fixed 8-character tail.
ROWS = ("SELECT g, mod(g, 10000)::int, md5(g::text) || '-payload', mod(g, 10000000) / 100.0,"
        " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(%s, %s) g")
UPDATE = ("UPDATE bench_rows SET qty = qty + 1, note = md5(note) || '-updated', price = price + 1"
          " WHERE id BETWEEN %s AND %s")
DELETE = "DELETE FROM bench_rows WHERE id BETWEEN %s AND %s"


class Timeout(Exception):
    pass


def wait_until(predicate, timeout_s, what, interval_s=0.02):
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise Timeout(f"timed out after {timeout_s}s waiting for {what}")
        time.sleep(interval_s)


def scalar(conn, query, *args):
    with conn.cursor() as cur:
        cur.execute(query, args)
        row = cur.fetchone()
        return row[0] if row else None


def execute(conn, query, *args):
    with conn.cursor() as cur:
        cur.execute(query, args)
        return cur.rowcount


def load_mixed(conn, changes, batch):
    """Rounds of 7 insert, 2 update and 1 delete transactions of `batch` rows each."""
    total, rounds = 0, max(1, changes // (10 * batch))
    for r in range(rounds):
        first = 7 * batch * r + 1
        for i in range(7):
            total += execute(conn, "INSERT INTO bench_rows " + ROWS, first + i * batch, first + (i + 1) * batch - 1)
        for i in (3, 4):  # rows inserted in this round, never deleted before
            total += execute(conn, UPDATE, first + i * batch, first + (i + 1) * batch - 1)
        total += execute(conn, DELETE, batch * r + 1, batch * (r + 1))
    assert total == rounds * 10 * batch, f"the workload changed {total} rows, expected {rounds * 10 * batch}"
    return total


def load_big(conn, rows):
    """One transaction inserting `rows` rows."""
    return execute(conn, "INSERT INTO bench_rows " + ROWS, 1, rows)


class Timed:
    """A child run under /usr/bin/time, whose %M is the child's own peak RSS. (The rusage a Python
    parent gets from wait4 would not do: Linux carries ru_maxrss across exec, so it would count
    the forked Python interpreter.)"""

    def __init__(self, command, log_path, env=None):
        self.rss_path = log_path + ".rss"
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen([TIME, "-f", "%M %U %S", "-o", self.rss_path, *command], stdout=log,
                                            stderr=subprocess.STDOUT, env=env)
        self.log_path = log_path
        self.pid = None

    def exited(self):
        return self.process.poll() is not None

    def child_pid(self):
        """The measured command's PID (the child of time), to signal it directly."""
        path = f"/proc/{self.process.pid}/task/{self.process.pid}/children"
        pids = []
        wait_until(lambda: self.exited() or pids.extend(open(path).read().split()) or pids, 10,
                   "the measured command to start")
        return int(pids[0])

    def wait(self, timeout_s):
        """(exit code, peak RSS in MB, CPU seconds) of the measured command."""
        try:
            code = self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise Timeout(f"{self.log_path}: still running after {timeout_s}s") from None
        with open(self.rss_path) as f:
            rss_kb, user_s, system_s = f.read().splitlines()[-1].split()
        return code, int(rss_kb) / 1024, float(user_s) + float(system_s)

    def signal(self, signum):
        if self.pid is None:
            self.pid = self.child_pid()
        os.kill(self.pid, signum)

    def stop(self):
        """Kills the measured command, then time, if either is still running."""
        if self.process.poll() is None:
            try:
                self.signal(signal.SIGKILL)
            except (ProcessLookupError, Timeout):
                self.process.kill()
            self.process.wait(timeout=30)

    def log_tail(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()[-3000:]


class Scenario:
    """One database, table, pg2iceberg config and pair of slots on the shared server."""

    def __init__(self, server, name, workdir, timeout_s, overrides, recv_options):
        self.server, self.name, self.timeout_s, self.recv_options = server, name, timeout_s, recv_options
        self.database = f"bench_{name}"
        self.slot, self.recv_slot, self.publication = f"p2i_{name}", f"recv_{name}", f"pub_{name}"
        self.dir = os.path.join(workdir, name)
        os.makedirs(os.path.join(self.dir, "warehouse"))
        server.create_database(self.database)
        self.conn = server.connect(self.database)
        self.conn.autocommit = True
        execute(self.conn, DDL)
        self.config_path = self.write_config(overrides)

    def write_config(self, overrides):
        """The scenario's pg2iceberg config; `overrides` maps dotted paths to values."""
        logical = {"slot_name": self.slot, "publication_name": self.publication, "standby_interval": "1s",
                   "spill_dir": os.path.join(self.dir, "spill")}
        config = {
            "tables": [{"name": "public.bench_rows"}],
            "source": {"mode": "logical", "logical": logical, "postgres": {
                "host": "127.0.0.1", "port": self.server.port, "database": self.database,
                "user": SUPERUSER, "password": PASSWORD, "sslmode": "disable"}},
            "sink": {"warehouse": "file://" + os.path.join(self.dir, "warehouse"), "flush_interval": "200ms"},
        }
        for dotted, value in overrides.items():
            node, keys = config, dotted.split(".")
            for key in keys[:-1]:
                node = node.setdefault(key, {})
            node[keys[-1]] = yaml.safe_load(value) if isinstance(value, str) else value
        path = os.path.join(self.dir, "config.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(config, f)
        return path

    def start_pg2iceberg(self, log_name):
        return Timed([BINARY, "stream-only", "--config", self.config_path], os.path.join(self.dir, log_name))

    def check_alive(self, run):
        if run.exited():
            raise RuntimeError(f"pg2iceberg exited with {run.process.returncode}:\n{run.log_tail()}")

    def prepare(self):
        """First pg2iceberg run (slot, publication, coordinator), then the pg_recvlogical slot."""
        active = "SELECT count(*) FROM pg_replication_slots WHERE slot_name = %s AND active"
        run = self.start_pg2iceberg("first_run.log")
        try:
            wait_until(lambda: self.check_alive(run) or scalar(self.conn, active, self.slot), 60,
                       "the first pg2iceberg run to start streaming", 0.1)
            run.signal(signal.SIGTERM)
            code, _, _ = run.wait(60)
            if code != 0:
                raise RuntimeError(f"first pg2iceberg run exited with {code}:\n{run.log_tail()}")
        finally:
            run.stop()
        wait_until(lambda: not scalar(self.conn, active, self.slot), 30, "the slot to be released", 0.1)
        execute(self.conn, "SELECT pg_create_logical_replication_slot(%s, 'pgoutput')", self.recv_slot)

    def load(self, loader):
        start_lsn = scalar(self.conn, "SELECT pg_current_wal_lsn()")
        began = time.monotonic()
        changes = loader(self.conn)
        self.load_s = time.monotonic() - began
        self.end_lsn = scalar(self.conn, "SELECT pg_current_wal_lsn()::text")
        self.wal_mb = float(scalar(self.conn, "SELECT pg_wal_lsn_diff(%s, %s)", self.end_lsn, start_lsn)) / 1e6
        return changes

    def measure_pg2iceberg(self):
        reached = "SELECT flushed_lsn >= %s::pg_lsn FROM _pg2iceberg.capture WHERE group_name = 'default'"
        began = time.monotonic()
        run = self.start_pg2iceberg("timed_run.log")
        try:
            wait_until(lambda: self.check_alive(run) or scalar(self.conn, reached, self.end_lsn), self.timeout_s,
                       f"flushed_lsn to reach {self.end_lsn}")
            seconds = time.monotonic() - began
            run.signal(signal.SIGTERM)
            code, rss_mb, cpu_s = run.wait(120)
            if code != 0:
                raise RuntimeError(f"pg2iceberg exited with {code}:\n{run.log_tail()}")
        finally:
            run.stop()
        staged = scalar(self.conn, "SELECT coalesce(sum(change_count), 0) FROM _pg2iceberg.segment_blocks")
        segment_mb = float(scalar(self.conn, "SELECT coalesce(sum(size_bytes), 0) FROM _pg2iceberg.segments")) / 1e6
        return {"changes": int(staged), "seconds": seconds, "cpu_s": cpu_s, "rss_mb": rss_mb, "segment_mb": segment_mb}

    def measure_recvlogical(self, changes):
        conninfo = (f"host=127.0.0.1 port={self.server.port} dbname={self.database} user={SUPERUSER}"
                    " sslmode=disable")
        command = [PG_RECVLOGICAL, "-d", conninfo, "--slot", self.recv_slot, "--start", "--no-loop",
                   "--endpos", self.end_lsn, "-f", "/dev/null", "-o", "proto_version=2",
                   "-o", f"publication_names={self.publication}", "-o", "binary=true", *self.recv_options]
        began = time.monotonic()
        run = Timed(command, os.path.join(self.dir, "pg_recvlogical.log"), env=dict(os.environ, PGPASSWORD=PASSWORD))
        try:
            code, rss_mb, cpu_s = run.wait(self.timeout_s)
            seconds = time.monotonic() - began
        finally:
            run.stop()
        if code != 0:
            raise RuntimeError(f"pg_recvlogical exited with {code}:\n{run.log_tail()}")
        return {"changes": changes, "seconds": seconds, "cpu_s": cpu_s, "rss_mb": rss_mb}

    def close(self):
        for slot in (self.slot, self.recv_slot):
            execute(self.conn, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    " WHERE slot_name = %s AND NOT active", slot)
        self.conn.close()


def run_scenario(server, workdir, args, name, loader, overrides):
    # pg2iceberg asks for streaming of large in-progress transactions and logical messages too.
    recv_options = [] if args.recv_no_streaming else ["-o", "streaming=on", "-o", "messages=true"]
    scenario = Scenario(server, name, workdir, args.timeout, dict(overrides, **dict(args.set)), recv_options)
    try:
        scenario.prepare()
        changes = scenario.load(loader)
        print(f"[{name}] loaded {changes:,} changes in {scenario.load_s:.1f}s, {scenario.wal_mb:.1f} MB of WAL"
              f" (up to {scenario.end_lsn})", file=sys.stderr, flush=True)
        p2i = scenario.measure_pg2iceberg()
        recv = scenario.measure_recvlogical(changes)
        if p2i["changes"] != changes:
            raise RuntimeError(f"pg2iceberg staged {p2i['changes']} changes, the workload made {changes}")
        return name, scenario.wal_mb, p2i, recv
    finally:
        scenario.close()


def print_table(results, budget_mb):
    print(f"{'scenario':<10} {'reader':<15} {'changes':>10} {'seconds':>8} {'changes/s':>10} {'WAL MB':>8}"
          f" {'CPU s':>6} {'peak RSS MB':>12}")
    for name, wal_mb, p2i, recv in results:
        for reader, r in (("pg2iceberg", p2i), ("pg_recvlogical", recv)):
            print(f"{name:<10} {reader:<15} {r['changes']:>10,} {r['seconds']:>8.2f}"
                  f" {r['changes'] / r['seconds']:>10,.0f} {wal_mb:>8.1f} {r['cpu_s']:>6.2f} {r['rss_mb']:>12.1f}")
    print()
    for name, _, p2i, recv in results:
        line = (f"{name}: pg2iceberg takes {p2i['seconds'] / recv['seconds']:.2f}x pg_recvlogical's time"
                f" ({p2i['segment_mb']:.1f} MB of segments written)")
        if name == "big_txn":
            line += f"; peak RSS {p2i['rss_mb']:.1f} MB with transaction_buffer_bytes = {budget_mb} MiB"
        print(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=1_000_000, help="row changes in the mixed workload")
    parser.add_argument("--batch", type=int, default=1000, help="rows per transaction in the mixed workload")
    parser.add_argument("--big-rows", type=int, default=500_000, help="rows of the one large transaction (0: skip)")
    parser.add_argument("--budget-mib", type=int, default=16, help="transaction_buffer_bytes of the large one")
    parser.add_argument("--timeout", type=float, default=1800, help="bound on each timed drain, seconds")
    parser.add_argument("--set", action="append", default=[], type=lambda text: tuple(text.split("=", 1)),
                        metavar="KEY=VALUE", help="pg2iceberg config override, e.g. sink.flush_rows=10000")
    parser.add_argument("--recv-no-streaming", action="store_true",
                        help="pg_recvlogical without streaming=on/messages=true (pg2iceberg always asks for them)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (configs, logs)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("capture_bench: terminated"))
    server, workdir = PostgresServer().start(), tempfile.mkdtemp(prefix="pg2iceberg-capture-bench-")
    results = []
    try:
        if args.changes:
            results.append(run_scenario(server, workdir, args, "mixed",
                                        lambda conn: load_mixed(conn, args.changes, args.batch), {}))
        if args.big_rows:
            budget = {"source.logical.transaction_buffer_bytes": f"{args.budget_mib}MiB"}
            results.append(run_scenario(server, workdir, args, "big_txn",
                                        lambda conn: load_big(conn, args.big_rows), budget))
    finally:
        server.stop()
        if args.keep:
            print(f"work directory kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(results, args.budget_mib)


if __name__ == "__main__":
    main()
