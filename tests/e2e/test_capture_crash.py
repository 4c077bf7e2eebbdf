"""SIGKILL at random moments of a streaming run: after every kill, every transaction at or below
the slot's confirmed_flush_lsn is in the staging log exactly once, and at the end replaying the
staging log reproduces the source tables value for value.

The oracle is a second logical slot with Postgres' own test_decoding plugin, created before the
workload: it lists every committed transaction with its xid, end LSN and changes per table."""
import random
import threading
import time

from capture_util import capture_config, flushed_lsn, query, slot_confirmed_lsn, wait_captured
from staging_log import UNCHANGED_TOAST, staged_changes

MIRRORED = ("public.accounts", "public.events")
# SIGKILL rounds per storage configuration. After each kill the whole staging log is read back
# and checked; from moto that costs several times what it costs from a directory, and the
# workload keeps growing the log meanwhile, so the S3 configurations kill fewer times (the kill
# points are no different on S3; the staging log's S3 path is what they add).
KILLS = {"file-sql": 22, "s3-sql": 6, "s3-rest": 6}


def oracle_transactions(mirror, slot):
    """{xid: (end_lsn, {table: change count})} for every committed transaction with mirrored changes."""
    rows = query(mirror, "SELECT lsn::text, xid::text, data FROM pg_logical_slot_peek_changes(%s, NULL, NULL,"
                 " 'include-xids', '1', 'skip-empty-xacts', '1')", slot)
    transactions = {}
    counts = {}
    for lsn, _xid, data in rows:
        if data.startswith("BEGIN"):
            counts = {}
        elif data.startswith("table "):
            table = data[len("table "):data.index(":")]
            if table in MIRRORED:
                counts[table] = counts.get(table, 0) + 1
        elif data.startswith("COMMIT"):
            if counts:
                high, low = lsn.split("/")
                transactions[int(data.split()[1])] = ((int(high, 16) << 32) | int(low, 16), counts)
    return transactions


def staged_transactions(mirror):
    """{xid: (end_lsn, {table: count})} from the staging log; fails on a transaction staged twice
    (its changes not contiguous within a table, or under two commits)."""
    conn = mirror.connect()
    try:
        log = staged_changes(conn, mirror.read_file)
    finally:
        conn.close()
    staged = {}
    for table, changes in log.items():
        seen_done = set()
        previous = None
        for _offset, change in changes:
            if change.xid != previous:
                assert change.xid not in seen_done, f"xid {change.xid} staged twice in {table}"
                if previous is not None:
                    seen_done.add(previous)
                previous = change.xid
            end_lsn, counts = staged.setdefault(change.xid, (change.end_lsn, {}))
            assert end_lsn == change.end_lsn, f"xid {change.xid} staged under two commits"
            counts[table] = counts.get(table, 0) + 1
    return staged, log


def check_exactly_once(mirror, oracle_slot, confirmed):
    oracle = oracle_transactions(mirror, oracle_slot)
    staged, _ = staged_transactions(mirror)
    for xid, (end_lsn, counts) in staged.items():
        assert xid in oracle, f"staged xid {xid} is not a committed transaction of the mirrored tables"
        assert oracle[xid] == (end_lsn, counts), f"xid {xid}: staged {end_lsn:X} {counts}, source {oracle[xid]}"
    missing = [xid for xid, (end_lsn, _) in oracle.items() if end_lsn <= confirmed and xid not in staged]
    assert not missing, f"{len(missing)} transactions at or below confirmed_flush_lsn {confirmed:X} are not staged"
    return len([1 for end_lsn, _ in oracle.values() if end_lsn <= confirmed])


class Workload(threading.Thread):
    """Committed, rolled-back and partly rolled-back transactions of many sizes, until stopped or
    a count is reached."""

    def __init__(self, mirror, seed, max_transactions=100000):
        super().__init__(daemon=True)
        self.mirror = mirror
        self.random = random.Random(seed)
        self.max_transactions = max_transactions
        self.stop_event = threading.Event()
        self.error = None
        self.committed = 0
        self.next_id = 1

    def run(self):
        try:
            conn = self.mirror.connect()
            with conn.cursor() as cur:
                for _ in range(self.max_transactions):
                    if self.stop_event.is_set():
                        break
                    self.one_transaction(cur)
                    conn.commit()
                    self.committed += 1
            conn.close()
        except Exception as e:  # reported by the test
            self.error = e

    def one_transaction(self, cur):
        r = self.random.random()
        if r < 0.02:
            self.batch(cur, 1500)  # several segments' worth; streamed by the server; spilled by us
        elif r < 0.10:
            self.batch(cur, 100)
        elif r < 0.15:
            cur.execute("INSERT INTO noise SELECT generate_series(1, 500)")
        elif r < 0.20:
            self.batch(cur, 5)
            cur.execute("SAVEPOINT s")
            self.batch(cur, 50)
            cur.execute("ROLLBACK TO SAVEPOINT s")
            self.batch(cur, 3)
        else:
            self.batch(cur, self.random.randint(1, 8))

    def batch(self, cur, rows):
        first = self.next_id
        self.next_id += rows
        big = self.random.random() < 0.15
        cur.execute("INSERT INTO accounts SELECT g, %s, CASE WHEN %s THEN repeat(md5(g::text), 120) ELSE 'p' || g END,"
                    " g * 1.25 FROM generate_series(%s, %s) g", (first, big, first, first + rows - 1))
        cur.execute("INSERT INTO events (note) SELECT 'n' || g FROM generate_series(1, %s) g", (max(1, rows // 4),))
        if first > 50:
            low = self.random.randint(1, first - 40)
            cur.execute("UPDATE accounts SET amount = amount + 1 WHERE id BETWEEN %s AND %s", (low, low + 5))
            cur.execute("DELETE FROM accounts WHERE id BETWEEN %s AND %s", (low + 20, low + 22))
            cur.execute("DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY random() LIMIT 1)")


def replay(changes, key_column=0):
    """The table state the staging log describes: {key: row}."""
    state = {}
    for _offset, change in changes:
        if change.kind == "truncate":
            state.clear()
        elif change.kind == "insert":
            state[change.new_row[key_column]] = list(change.new_row)
        elif change.kind == "update":
            old_key = change.old_row[key_column] if change.old_row else change.new_row[key_column]
            previous = state.pop(old_key)
            state[change.new_row[key_column]] = [p if v is UNCHANGED_TOAST else v
                                                 for v, p in zip(change.new_row, previous)]
        else:
            del state[change.old_row[key_column]]
    return state


def test_sigkill_at_random_moments_loses_and_duplicates_nothing(mirror, streams):
    mirror.sql("CREATE TABLE accounts (id bigint PRIMARY KEY, batch bigint, payload text, amount numeric(14,2))",
               "CREATE TABLE events (id bigserial PRIMARY KEY, note text)",
               "CREATE TABLE noise (v int)",
               f"ALTER DATABASE {mirror.database} SET logical_decoding_work_mem = '64kB'")
    oracle_slot = f"oracle_{mirror.database}"
    query(mirror, "SELECT pg_create_logical_replication_slot(%s, 'test_decoding')", oracle_slot)
    config = capture_config(mirror, list(MIRRORED), **{
        "sink.flush_interval": "100ms", "sink.flush_rows": 700, "sink.flush_bytes": "96KiB",
        "source.logical.transaction_buffer_bytes": "1MiB"})
    slot = config["source"]["logical"]["slot_name"]
    first = streams(config)
    wait_captured(mirror, first, timeout=60)
    assert first.stop() == 0, first.log()

    chaos = random.Random(20261123)
    workload = Workload(mirror, seed=7)
    workload.start()
    checked = []
    try:
        kills = KILLS[mirror.storage.name]
        for kill in range(kills):
            process = streams(config)
            time.sleep(chaos.uniform(0.3, 2.5))
            assert process.running(), f"stream-only exited early (kill {kill}):\n{process.log()}"
            process.kill()
            assert workload.error is None, workload.error
            confirmed = slot_confirmed_lsn(mirror, slot)
            assert confirmed <= flushed_lsn(mirror), "slot acknowledged past the recorded flushed LSN"
            checked.append(check_exactly_once(mirror, oracle_slot, confirmed))
    finally:
        workload.stop_event.set()
        workload.join(timeout=60)
    assert workload.error is None, workload.error
    assert workload.committed > 100

    final = streams(config)
    wait_captured(mirror, final, timeout=180)
    assert final.stop() == 0, final.log()
    confirmed = slot_confirmed_lsn(mirror, slot)
    total = check_exactly_once(mirror, oracle_slot, confirmed)
    assert total == len(oracle_transactions(mirror, oracle_slot))
    assert checked[-1] > checked[0], f"kills did not make progress: {checked}"

    _, log = staged_transactions(mirror)
    accounts = replay(log["public.accounts"])
    rows = {r[0]: list(r) for r in query(mirror, "SELECT id, batch, payload, amount FROM accounts")}
    assert accounts == rows
    events = replay(log["public.events"])
    assert events == {r[0]: list(r) for r in query(mirror, "SELECT id, note FROM events")}
    print(f"{kills} kills; transactions checked after each: {checked}; final {total}; "
          f"workload committed {workload.committed}")
    query(mirror, "SELECT pg_drop_replication_slot(%s)", oracle_slot)
