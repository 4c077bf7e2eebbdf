"""`pg2iceberg run` killed with SIGKILL at random moments, the first kills during the initial
load, and restarted each time, while one writer commits a random workload (two tables, small
transactions and one of about 100 MB, TOASTed values left unchanged or replaced, deletes, a
primary-key change, multi-table transactions, a column added to `events` mid-stream).

The oracle is the workload itself: the writer applies every transaction to a model too and
records, after each COMMIT, the WAL insert position U_i, which bounds the commit's LSN: U_{i-1} <
commit LSN_i <= U_i. At the end the Iceberg tables equal Postgres (DuckDB, PyIceberg), and every
snapshot in each table's history, read with PyIceberg, equals the model after exactly the
transactions its `pg2iceberg.commit-lsn` covers (transaction i when U_i <= commit-lsn, possibly
the one after, whose commit LSN the bounds cannot place): no snapshot ever held part of a
transaction, lost one, or held one twice."""
import bisect
import os
import hashlib
import random
import threading
import time

import pytest

from capture_util import StreamProcess, drop_slots, lsn_int, query
from run_util import assert_mirror_equals_source, run_config, wait_mirrored

ACCOUNTS = 4000
ALTER_AT = 250
KILLS = int(os.environ.get("CRASH_KILLS", "22"))


def doc(seed):
    """For three seeds in four a value Postgres stores out of line (STORAGE EXTERNAL, about
    3 KB); else a short one."""
    text = hashlib.sha256(str(seed).encode()).hexdigest()
    return text * 50 if int(text[:8], 16) % 4 else text


class Workload:
    """One writer: random transactions applied to Postgres and to a model."""

    def __init__(self, mirror, seed):
        self.mirror = mirror
        self.rng = random.Random(seed)
        self.accounts = {i: (0, doc(i)) for i in range(1, ACCOUNTS + 1)}
        self.events = {}
        self.log = []          # per transaction: (U_i, [(table, key, row or None)])
        self.next_key = ACCOUNTS + 1
        self.big_done = False
        self.bulk_rows = 0
        self.bulk = {}
        self.tagged = False  # events has its column `tag` (added after ALTER_AT transactions)

    def create(self):
        self.mirror.sql("CREATE TABLE accounts (id bigint PRIMARY KEY, v bigint NOT NULL, doc text)",
                        "ALTER TABLE accounts ALTER doc SET STORAGE EXTERNAL",
                        "CREATE TABLE events (id bigint PRIMARY KEY, note text NOT NULL)",
                        "CREATE TABLE bulk (id bigint PRIMARY KEY, pad text NOT NULL)",
                        # never changed: only its size matters, so that kills land in its load
                        "CREATE TABLE seed (id bigint PRIMARY KEY, pad text NOT NULL)",
                        "INSERT INTO seed SELECT g, md5(g::text) || md5((-g)::text) FROM generate_series(1, 600000) g")
        conn = self.mirror.connect()
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO accounts VALUES (%s, %s, %s)",
                            [(k, v, d) for k, (v, d) in self.accounts.items()])
        conn.commit()
        conn.close()

    def transaction(self, cur, big):
        """Runs one transaction's statements (not its COMMIT); returns its row changes, already
        applied to the model."""
        ops = []

        def emit(table, key, row):
            ops.append((table, key, row))
            self.apply([(table, key, row)])

        if not self.tagged and len(self.log) >= ALTER_AT:  # a schema change, in its own transaction
            cur.execute("ALTER TABLE events ADD COLUMN tag int")
            self.tagged = True
            return ops
        if big:  # about 100 MB into `bulk`, with one change of `accounts`
            key = self.rng.choice(list(self.accounts))
            v, d = self.accounts[key]
            cur.execute("UPDATE accounts SET v = v + 1 WHERE id = %s", (key,))
            emit("accounts", key, (v + 1, d))
            cur.execute("INSERT INTO bulk SELECT g, repeat(md5(g::text), 100) FROM generate_series(1, 32000) g")
            for g in range(1, 32001):
                emit("bulk", g, (hashlib.md5(str(g).encode()).hexdigest() * 100,))
            self.bulk_rows = 32000
            return ops
        for _ in range(self.rng.randint(1, 12)):
            choice = self.rng.random()
            key = self.rng.choice(list(self.accounts))
            if choice < 0.35:  # doc unchanged (TOAST not resent)
                v, d = self.accounts[key]
                cur.execute("UPDATE accounts SET v = v + 1 WHERE id = %s", (key,))
                emit("accounts", key, (v + 1, d))
            elif choice < 0.45:
                v, _ = self.accounts[key]
                d = doc(self.rng.random())
                cur.execute("UPDATE accounts SET doc = %s WHERE id = %s", (d, key))
                emit("accounts", key, (v, d))
            elif choice < 0.6:
                cur.execute("DELETE FROM accounts WHERE id = %s", (key,))
                emit("accounts", key, None)
            elif choice < 0.65:  # primary-key change; doc unchanged
                new, self.next_key = self.next_key, self.next_key + 1
                row = self.accounts[key]
                cur.execute("UPDATE accounts SET id = %s WHERE id = %s", (new, key))
                emit("accounts", key, None)
                emit("accounts", new, row)
            elif choice < 0.8:
                new, self.next_key = self.next_key, self.next_key + 1
                row = (self.rng.randint(0, 9), doc(new))
                cur.execute("INSERT INTO accounts VALUES (%s, %s, %s)", (new, *row))
                emit("accounts", new, row)
            else:
                event = self.rng.randint(1, 300)
                note = f"note {self.rng.random()}"
                if event in self.events and self.rng.random() < 0.3:
                    cur.execute("DELETE FROM events WHERE id = %s", (event,))
                    emit("events", event, None)
                elif self.tagged:
                    tag = self.rng.randint(0, 1000)
                    cur.execute("INSERT INTO events VALUES (%s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
                                "note = excluded.note, tag = excluded.tag", (event, note, tag))
                    emit("events", event, (note, tag))
                else:  # rows written before the column existed read NULL in it
                    cur.execute("INSERT INTO events VALUES (%s, %s) ON CONFLICT (id) DO UPDATE SET note = "
                                "excluded.note", (event, note))
                    emit("events", event, (note, None))
        return ops

    def apply(self, ops):
        for table, key, row in ops:
            target = {"accounts": self.accounts, "events": self.events, "bulk": self.bulk}[table]
            if row is None:
                target.pop(key, None)
            else:
                target[key] = row

    def run(self, stop, deadline):
        conn = self.mirror.connect()
        try:
            with conn.cursor() as cur:
                while not stop.is_set() and time.monotonic() < deadline:
                    big = not self.big_done and len(self.log) >= 150
                    ops = self.transaction(cur, big)
                    conn.commit()
                    self.big_done = self.big_done or big
                    cur.execute("SELECT pg_current_wal_insert_lsn()::text")
                    conn.commit()
                    self.log.append((lsn_int(cur.fetchone()[0]), ops))
                    time.sleep(self.rng.uniform(0, 0.05))
        finally:
            conn.close()


def iceberg_snapshots(mirror, identifier):
    """[(commit_lsn, snapshot_id)] of every snapshot in the table's history that pg2iceberg wrote
    and presents as a mirror (initial-load complete: not a load's checkpoint nor its replay)."""
    table = mirror.pyiceberg_table(identifier)
    out = []
    for snapshot in table.snapshots():
        props = snapshot.summary.additional_properties if snapshot.summary else {}
        if "pg2iceberg.commit-lsn" in props and props.get("pg2iceberg.initial-load") == "complete":
            out.append((lsn_int(props["pg2iceberg.commit-lsn"]), snapshot.snapshot_id))
    return table, sorted(out)


def rows_of(table, snapshot_id, name):
    arrow = table.scan(snapshot_id=snapshot_id).to_arrow()
    ids = arrow.column("id").to_pylist()
    if name == "accounts":
        values = zip(arrow.column("v").to_pylist(), arrow.column("doc").to_pylist())
        rows = [(v, hashlib.md5(d.encode()).hexdigest() if d is not None else None) for v, d in values]
    elif name == "events":  # snapshots before the schema change have no `tag`
        tags = arrow.column("tag").to_pylist() if "tag" in arrow.column_names else [None] * len(ids)
        rows = list(zip(arrow.column("note").to_pylist(), tags))
    else:
        rows = [(p,) for p in arrow.column("pad").to_pylist()]
    out = dict(zip(ids, rows))
    assert len(out) == len(ids), f"{name} snapshot {snapshot_id}: a key is live twice"
    return out


def model_rows(state, name):
    if name == "accounts":
        return {k: (v, hashlib.md5(d.encode()).hexdigest() if d is not None else None) for k, (v, d) in state.items()}
    return dict(state)


def check_history(mirror, initial, log, name):
    """Every snapshot of table `name` equals the model after the transactions its commit-lsn
    covers. Returns the number of snapshots checked."""
    table, snapshots = iceberg_snapshots(mirror, f"public.{name}")
    assert snapshots, f"{name}: no snapshot"
    bounds = [u for u, _ in log]
    state = dict(initial)
    applied = 0
    checked = 0
    for commit_lsn, snapshot_id in snapshots:
        included = bisect.bisect_right(bounds, commit_lsn)  # transactions with U_i <= commit-lsn
        while applied < included:
            for table_name, key, row in log[applied][1]:
                if table_name == name:
                    if row is None:
                        state.pop(key, None)
                    else:
                        state[key] = row
            applied += 1
        got = rows_of(table, snapshot_id, name)
        want = model_rows(state, name)
        if got != want and applied < len(log):  # the next transaction may be in too
            following = dict(state)
            for table_name, key, row in log[applied][1]:
                if table_name == name:
                    if row is None:
                        following.pop(key, None)
                    else:
                        following[key] = row
            want_next = model_rows(following, name)
            if got == want_next:
                checked += 1
                continue
        if got != want:
            missing = sorted(set(want) - set(got))[:5]
            extra = sorted(set(got) - set(want))[:5]
            changed = sorted(k for k in set(want) & set(got) if want[k] != got[k])[:5]
            raise AssertionError(f"{name} snapshot {snapshot_id} (commit-lsn {commit_lsn:X}, after {applied} "
                                 f"transactions): missing {missing}, extra {extra}, different {changed}")
        checked += 1
    return checked


@pytest.mark.storage("file-sql")
def test_sigkill_at_random_moments_keeps_every_snapshot_a_whole_prefix_of_the_source(mirror):
    workload = Workload(mirror, seed=12)
    workload.create()
    initial = {"accounts": dict(workload.accounts), "events": {}, "bulk": {}}
    config = run_config(mirror, ["public.accounts", "public.events", "public.bulk", "public.seed"],
                        **{"source.logical.transaction_buffer_bytes": "16MiB",
                           "sink.materializer_interval": "500ms",
                           "source.logical.snapshot_chunk_size": "4MiB"})
    rng = random.Random(99)
    stop = threading.Event()
    writer = threading.Thread(target=workload.run, args=(stop, time.monotonic() + 400))
    processes = []
    kills_during_load = 0
    resumed_loads = 0  # loads that took up ranges an earlier, killed one committed
    try:
        writer.start()
        for kill in range(KILLS):
            process = StreamProcess(mirror, config, subcommand="run")
            processes.append(process)
            if kill < 4:  # while the initial load copies
                deadline = time.monotonic() + 60
                while "table(s) as of LSN" not in process.log() and time.monotonic() < deadline:
                    assert process.running(), process.log()
                    time.sleep(0.02)
                time.sleep(rng.uniform(0.05, 0.4))
            else:
                time.sleep(rng.uniform(0.3, 3.0))
            assert process.running(), process.log()
            log = process.log()
            if "table(s) as of LSN" in log and "initial load of public.seed committed" not in log:
                kills_during_load += 1
            resumed_loads += log.count(" resumes: ")
            process.kill()
        process = StreamProcess(mirror, config, subcommand="run")
        processes.append(process)
        time.sleep(3)
        stop.set()
        writer.join(timeout=300)
        assert not writer.is_alive()
        killed_at = time.monotonic()
        wait_mirrored(mirror, process, 4, timeout=600)
        caught_up = time.monotonic()
        counts = [assert_mirror_equals_source(mirror, f"public.{t}") for t in ("accounts", "events", "bulk", "seed")]
        assert counts[2] == workload.bulk_rows == 32000
        assert counts[3] == 600000
        checked = {name: check_history(mirror, initial[name], workload.log, name)
                   for name in ("accounts", "events", "bulk")}
        checked_at = time.monotonic()
        assert process.stop() == 0, process.log()
        print(f"\ncaught up in {caught_up - killed_at:.0f} s, compared and checked in {checked_at - caught_up:.0f} s")
        rows = sum(len(ops) for _, ops in workload.log)
        resumed_loads += process.log().count(" resumes: ")
        print(f"\ncrash test: {KILLS} SIGKILLs ({kills_during_load} during the initial load, "
              f"{resumed_loads} load(s) resumed from committed ranges), "
              f"{len(workload.log)} transactions with {rows} row changes, final rows {counts}, "
              f"snapshots checked {checked}")
        assert kills_during_load >= 1
        assert workload.tagged
    finally:
        stop.set()
        for process in processes:
            process.close()
        drop_slots(mirror)
