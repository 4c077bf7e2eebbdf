"""What the capture crash tests share: a workload, an oracle of the source's committed
transactions, and the check of the coordinator's promise after a crash.

The promise (docs/capture.md, docs/coordinator.md): every transaction of the mirrored tables that
committed at or below the coordinator's recorded `flushed_lsn` is in the staging log exactly
once, and nothing above it is indexed. The slot's `confirmed_flush_lsn` may lag behind (a crash
between the coordinator's commit and the acknowledgement), never lead.

The oracle is a second logical slot with Postgres' own test_decoding plugin, created before the
workload: it lists every committed transaction with its xid, end LSN and changes per table."""
import random
import threading

from capture_util import COORDINATOR, lsn_int, query
from staging_log import UNCHANGED_TOAST, staged_changes

MIRRORED = ("public.accounts", "public.events")
STAGE_PREFIX = "_pg2iceberg/stage/default/"


def create_source(mirror):
    """The mirrored tables, a noise table and the oracle slot; returns the oracle slot's name."""
    mirror.sql("CREATE TABLE accounts (id bigint PRIMARY KEY, batch bigint, payload text, amount numeric(14,2))",
               "CREATE TABLE events (id bigserial PRIMARY KEY, note text)",
               "CREATE TABLE noise (v int)",
               f"ALTER DATABASE {mirror.database} SET logical_decoding_work_mem = '64kB'")
    oracle_slot = f"oracle_{mirror.database}"
    query(mirror, "SELECT pg_create_logical_replication_slot(%s, 'test_decoding')", oracle_slot)
    return oracle_slot


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
                transactions[int(data.split()[1])] = (lsn_int(lsn), counts)
    return transactions


def staged_state(mirror):
    """(flushed_lsn, {xid: (end_lsn, {table: count})}, log) with flushed_lsn and the index read in
    one snapshot of the coordinator, so a flush committing meanwhile cannot make them disagree.
    Fails on a transaction staged twice (its changes not contiguous within a table, or under two
    commits)."""
    conn = mirror.connect()
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cur:
            cur.execute(f"SELECT flushed_lsn::text FROM {COORDINATOR}.capture WHERE group_name = 'default'")
            flushed = lsn_int(cur.fetchone()[0])
        log = staged_changes(conn, mirror.read_file)
        conn.rollback()
    finally:
        conn.close()
    return flushed, transactions_of(log), log


def transactions_of(log):
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
    return staged


def check_promise(mirror, oracle_slot):
    """After a crash (or a stop): every source transaction at or below the recorded flushed_lsn is
    staged exactly once, nothing above it is indexed, and the slot has not been acknowledged
    past it. Returns (flushed_lsn, how many transactions it covers)."""
    confirmed = slot_confirmed(mirror)
    flushed, staged, _ = staged_state(mirror)  # read after confirmed: flushed only grows
    assert confirmed <= flushed, f"slot acknowledged {confirmed:X} past the recorded flushed_lsn {flushed:X}"
    oracle = oracle_transactions(mirror, oracle_slot)
    for xid, (end_lsn, counts) in staged.items():
        assert xid in oracle, f"staged xid {xid} is not a committed transaction of the mirrored tables"
        assert oracle[xid] == (end_lsn, counts), f"xid {xid}: staged {end_lsn:X} {counts}, source {oracle[xid]}"
        assert end_lsn <= flushed, f"xid {xid} (end {end_lsn:X}) is indexed above flushed_lsn {flushed:X}"
    missing = sorted(end for xid, (end, _) in oracle.items() if end <= flushed and xid not in staged)
    assert not missing, (f"{len(missing)} transactions at or below the recorded flushed_lsn {flushed:X} are not "
                         f"staged (slot confirmed_flush_lsn {confirmed:X}; first missing ends at {missing[0]:X})")
    return flushed, len([1 for end_lsn, _ in oracle.values() if end_lsn <= flushed])


def slot_confirmed(mirror):
    rows = query(mirror, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = %s",
                 f"slot_{mirror.database}")
    return lsn_int(rows[0][0]) if rows and rows[0][0] else 0


def unindexed_segments(mirror):
    """Segment objects of the default group that no index row names (a crash between upload and
    index leaves them; start-up deletes them)."""
    indexed = {row[0] for row in query(mirror, f"SELECT object_key FROM {COORDINATOR}.segments")}
    return {key for key in mirror.list_files(STAGE_PREFIX)
            if key not in indexed and not key.rsplit("/", 1)[-1].startswith(".pg2i-tmp-")}


def check_replay(mirror, oracle_slot):
    """Once capture caught up and stopped: every source transaction staged exactly once, and
    replaying the staging log gives the source tables value for value. Returns the count."""
    flushed, total = check_promise(mirror, oracle_slot)
    assert total == len(oracle_transactions(mirror, oracle_slot)), f"transactions above {flushed:X} not staged"
    _, _, log = staged_state(mirror)
    accounts = replay(log["public.accounts"])
    rows = {r[0]: list(r) for r in query(mirror, "SELECT id, batch, payload, amount FROM accounts")}
    assert accounts == rows
    events = replay(log["public.events"])
    assert events == {r[0]: list(r) for r in query(mirror, "SELECT id, note FROM events")}
    return total


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

    def finish(self):
        """Stops and joins; the caller then checks `error`."""
        self.stop_event.set()
        self.join(timeout=60)

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
