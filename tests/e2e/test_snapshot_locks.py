"""The snapshot locks its tables (issue 11, item 4).

TRUNCATE and table-rewriting ALTER TABLE are not MVCC-safe: committed by another session while
the snapshot runs, they made a table read later look empty under the imported snapshot, and the
snapshot committed that emptiness. The snapshot now takes ACCESS SHARE on every table right
after importing its snapshot, so those statements wait for it; and it refuses a table whose
storage or identity changed between its point in time and the lock.

The concurrent statement is placed deterministically: the snapshot talks to Postgres through a
proxy that holds back its first statement naming a table (pausing_proxy.py) until the test has
done its part.
"""
import os
import subprocess
import tempfile
import threading

import pytest

from capture_util import query, wait_until
from conftest import BINARY
from pausing_proxy import PausingProxy

pytestmark = pytest.mark.storage("file-sql")

ROWS = 50


@pytest.fixture
def tables(mirror):
    mirror.sql("CREATE TABLE public.a (id int PRIMARY KEY, v text)",
               "CREATE TABLE public.b (id int PRIMARY KEY, v int)",
               "INSERT INTO public.a SELECT g, 'a' || g FROM generate_series(1, 1000) g",
               f"INSERT INTO public.b SELECT g, g * 10 FROM generate_series(1, {ROWS}) g")
    return ["public.a", "public.b"]


class Snapshot:
    """`pg2iceberg snapshot` running in the background, its source connections through `proxy`."""

    def __init__(self, mirror, tables, proxy, **overrides):
        config = mirror.config(tables, **{"source.postgres.port": proxy.port, **overrides})
        path = mirror.write_config(config)
        self.log_file = tempfile.NamedTemporaryFile(prefix="snapshot-", suffix=".log", delete=False)
        self.process = subprocess.Popen([BINARY, "snapshot", "--config", path], stdout=self.log_file,
                                        stderr=subprocess.STDOUT)

    def wait(self, timeout=120):
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
            raise AssertionError(f"snapshot still running after {timeout}s:\n{self.log()}")

    def log(self):
        with open(self.log_file.name, errors="replace") as f:
            return f.read()

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        os.unlink(self.log_file.name)


@pytest.fixture
def run_paused(mirror):
    """run_paused(tables, pattern, **overrides) → (snapshot, proxy): the snapshot started, its
    first statement containing `pattern` held back by the proxy (asserted within 60 s)."""
    started = []

    def run(tables, pattern, **overrides):
        proxy = PausingProxy(mirror.pg.port, pattern).start()
        started.append(proxy)
        snapshot = Snapshot(mirror, tables, proxy, **overrides)
        started.append(snapshot)
        if not proxy.wait_paused(60):
            code = snapshot.wait(60)
            raise AssertionError(f"the snapshot never sent a statement with {pattern!r} (exit {code}):\n"
                                 + snapshot.log())
        return snapshot, proxy

    try:
        yield run
    finally:
        for thing in reversed(started):
            if isinstance(thing, PausingProxy):
                thing.stop()
            else:
                thing.close()


class Statement:
    """One SQL statement run in its own autocommit session on a thread, which may block."""

    def __init__(self, mirror, sql):
        self.sql = sql
        self.error = None
        self.conn = mirror.connect()
        self.conn.autocommit = True
        with self.conn.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            self.pid = cur.fetchone()[0]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            with self.conn.cursor() as cur:
                cur.execute(self.sql)
        except Exception as e:  # reported by the test
            self.error = e

    def done(self):
        return not self.thread.is_alive()

    def join(self, timeout=60):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), f"{self.sql} still running after {timeout}s"
        self.conn.close()
        assert self.error is None, f"{self.sql}: {self.error}"


def waiting_for_lock(mirror, pid):
    return query(mirror, "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", pid) == [(True,)]


def b_rows(mirror):
    names, rows = mirror.duckdb_rows("public", "b")
    return sorted((row[names.index("id")], row[names.index("v")]) for row in rows)


EXPECTED_B = [(i, i * 10) for i in range(1, ROWS + 1)]


@pytest.mark.parametrize("statement", ["TRUNCATE public.b", "ALTER TABLE public.b ALTER COLUMN v TYPE bigint"])
def test_a_truncate_or_rewrite_during_the_copy_waits_for_the_snapshot(mirror, tables, run_paused, statement):
    # Held back: the COPY of the first table. Before the fix nothing held public.b yet, so the
    # statement committed at once and public.b was then copied as an empty table.
    snapshot, proxy = run_paused(tables, b'COPY (SELECT "id", "v" FROM "public"."a")')
    concurrent = Statement(mirror, statement)
    wait_until(lambda: concurrent.done() or waiting_for_lock(mirror, concurrent.pid), 30,
               f"{statement} to finish or wait for a lock")
    blocked = not concurrent.done()
    proxy.release()
    assert snapshot.wait() == 0, snapshot.log()
    concurrent.join()
    assert b_rows(mirror) == EXPECTED_B, "public.b must hold its rows as of the snapshot's LSN"
    _, rows = mirror.pyiceberg_rows("public.b")
    assert len(rows) == ROWS
    assert blocked, f"{statement} must wait for the snapshot's ACCESS SHARE lock"


@pytest.mark.parametrize("statement,message", [
    ("TRUNCATE public.b", "was truncated or rewritten"),
    ("ALTER TABLE public.b ALTER COLUMN v TYPE bigint", "was truncated or rewritten"),
    ("DROP TABLE public.b; CREATE TABLE public.b (id int PRIMARY KEY, v int);"
     " INSERT INTO public.b VALUES (1, 1)", "was dropped and recreated"),
])
def test_a_change_between_the_point_in_time_and_the_lock_stops_the_snapshot(
        mirror, tables, run_paused, statement, message):
    # Held back: the first statement naming public.a (the lock, or before the fix its COPY),
    # after the snapshot was imported. What commits now is after the point in time but before
    # the snapshot holds any lock: it cannot be read around, so the snapshot must refuse.
    snapshot, proxy = run_paused(tables, b'"public"."a"')
    mirror.sql(statement)
    proxy.release()
    code = snapshot.wait()
    log = snapshot.log()
    assert code != 0, "the snapshot must not commit public.b as it now reads:\n" + log
    assert "CONFLICT" in log and "public.b" in log and message in log, log
    assert "Run the snapshot again" in log, log
    assert mirror.catalog_rows() == [], "nothing is committed"


def test_a_table_locked_by_another_session_stops_the_snapshot_after_the_lock_timeout(mirror, tables, run_paused):
    snapshot, proxy = run_paused(tables, b'"public"."b"', **{"source.postgres.lock_timeout": "1s"})
    holder = mirror.connect()
    try:
        with holder.cursor() as cur:
            cur.execute("LOCK TABLE public.b IN ACCESS EXCLUSIVE MODE")
            cur.execute("SELECT pg_backend_pid()")
            holder_pid = cur.fetchone()[0]
        proxy.release()
        try:
            code = snapshot.wait(timeout=60)
        finally:
            holder.rollback()
    finally:
        holder.close()
    log = snapshot.log()
    assert code != 0, log
    assert "UNAVAILABLE" in log and "could not lock table public.b" in log, log
    assert "source.postgres.lock_timeout" in log, log
    assert f"process {holder_pid} " in log and "holds an ACCESS EXCLUSIVE lock" in log, log
    assert mirror.catalog_rows() == []


@pytest.fixture
def partitioned(mirror):
    mirror.sql("CREATE TABLE public.a (id int PRIMARY KEY, v text)",
               "INSERT INTO public.a SELECT g, 'a' || g FROM generate_series(1, 1000) g",
               "CREATE TABLE public.p (id int, v int, PRIMARY KEY (id)) PARTITION BY RANGE (id)",
               "CREATE TABLE public.p_low PARTITION OF public.p FOR VALUES FROM (1) TO (26)",
               "CREATE TABLE public.p_high PARTITION OF public.p FOR VALUES FROM (26) TO (1000)",
               f"INSERT INTO public.p SELECT g, g * 10 FROM generate_series(1, {ROWS}) g")
    return ["public.a", "public.p"]


def test_a_truncate_of_a_partition_during_the_copy_waits_for_the_snapshot(mirror, partitioned, run_paused):
    snapshot, proxy = run_paused(partitioned, b'COPY (SELECT "id", "v" FROM "public"."a")')
    concurrent = Statement(mirror, "TRUNCATE public.p_high")
    wait_until(lambda: concurrent.done() or waiting_for_lock(mirror, concurrent.pid), 30,
               "the TRUNCATE to finish or wait for a lock")
    blocked = not concurrent.done()
    proxy.release()
    assert snapshot.wait() == 0, snapshot.log()
    concurrent.join()
    names, rows = mirror.duckdb_rows("public", "p")
    assert sorted((r[names.index("id")], r[names.index("v")]) for r in rows) == EXPECTED_B
    assert blocked, "TRUNCATE of a partition must wait for the lock the snapshot holds on its parent"


def test_a_partition_truncated_before_the_lock_stops_the_snapshot(mirror, partitioned, run_paused):
    snapshot, proxy = run_paused(partitioned, b'"public"."a"')
    mirror.sql("TRUNCATE public.p_high")
    proxy.release()
    code = snapshot.wait()
    log = snapshot.log()
    assert code != 0, log
    assert "table public.p (its partition public.p_high) was truncated or rewritten" in log, log
    assert mirror.catalog_rows() == []
