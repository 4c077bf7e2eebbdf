"""The snapshot reads the source at a replication slot's consistent point and records that LSN as
`pg2iceberg.commit-lsn` in every Iceberg snapshot summary: the mirror holds exactly the
transactions that committed at or before it, checked against a test_decoding oracle while a
writer commits rows throughout the run."""
import re
import threading
import time

from capture_util import current_wal_lsn, lsn_int, query

ONE_ROW_TRANSACTIONS_MAX = 200_000


def summary_lsns(mirror, identifiers):
    return [mirror.pyiceberg_table(i).metadata.current_snapshot().summary["pg2iceberg.commit-lsn"]
            for i in identifiers]


def test_every_table_records_the_same_consistent_point(mirror):
    mirror.sql("CREATE TABLE public.a (id int PRIMARY KEY)", "CREATE TABLE public.b (id int PRIMARY KEY)",
               "INSERT INTO public.a SELECT generate_series(1, 10)", "INSERT INTO public.b VALUES (1)")
    before = current_wal_lsn(mirror)
    result = mirror.snapshot(["public.a", "public.b"])
    after = current_wal_lsn(mirror)
    lsns = summary_lsns(mirror, ["public.a", "public.b"])
    assert lsns[0] == lsns[1]
    assert re.fullmatch(r"[0-9A-F]{1,8}/[0-9A-F]{1,8}", lsns[0]), lsns[0]
    assert before <= lsn_int(lsns[0]) <= after
    assert f"reading the source as of LSN {lsns[0]}" in result.stderr
    # The temporary slot went with its connection.
    assert query(mirror, "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE %s",
                 "pg2iceberg_snapshot_%") == [(0,)]


def committed_ids_by_lsn(mirror, slot):
    """(commit end LSN, inserted ids) of every transaction the oracle slot decoded."""
    transactions, ids = [], []
    for lsn, data in query(mirror, "SELECT lsn::text, data FROM pg_logical_slot_peek_changes(%s, NULL, NULL)", slot):
        match = re.match(r"table public\.w: INSERT: id\[integer\]:(\d+)", data)
        if match:
            ids.append(int(match.group(1)))
        elif data.startswith("COMMIT"):
            transactions.append((lsn_int(lsn), ids))
            ids = []
    return transactions


def test_concurrent_commits_split_exactly_at_the_recorded_lsn(mirror):
    mirror.sql("CREATE TABLE public.w (id int PRIMARY KEY, v text)")
    mirror.sql("SELECT pg_create_logical_replication_slot('lsn_oracle', 'test_decoding')")
    stop = threading.Event()
    written = [0]

    def write():
        conn = mirror.connect()
        conn.autocommit = True
        with conn.cursor() as cur:
            while not stop.is_set() and written[0] < ONE_ROW_TRANSACTIONS_MAX:
                cur.execute("INSERT INTO public.w VALUES (%s, 'row')", (written[0] + 1,))
                written[0] += 1
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        deadline = time.monotonic() + 60
        while written[0] < 300 and time.monotonic() < deadline:
            time.sleep(0.05)
        mirror.snapshot(["public.w"])
        at_end = written[0]
        while written[0] < at_end + 300 and time.monotonic() < deadline + 60:
            time.sleep(0.05)
    finally:
        stop.set()
        writer.join(timeout=60)
    try:
        transactions = committed_ids_by_lsn(mirror, "lsn_oracle")
    finally:
        mirror.sql("SELECT pg_drop_replication_slot('lsn_oracle')")

    point = lsn_int(summary_lsns(mirror, ["public.w"])[0])
    expected = sorted(i for lsn, ids in transactions if lsn <= point for i in ids)
    later = [i for lsn, ids in transactions if lsn > point for i in ids]
    assert expected and later, "the writer must commit on both sides of the consistent point"
    for engine, (names, rows) in [("duckdb", mirror.duckdb_rows("public", "w")),
                                  ("pyiceberg", mirror.pyiceberg_rows("public.w"))]:
        got = sorted(row[names.index("id")] for row in rows)
        assert got == expected, f"{engine}: {len(got)} rows, expected {len(expected)} (ids <= LSN {point})"


def test_a_user_without_replication_is_told_what_the_snapshot_needs(mirror):
    mirror.sql("CREATE TABLE public.n (id int PRIMARY KEY)", "INSERT INTO public.n VALUES (1)",
               "CREATE ROLE no_replication LOGIN PASSWORD 'pw'",
               "GRANT SELECT ON public.n TO no_replication")
    try:
        result = mirror.run("snapshot", mirror.config(["public.n"], **{
            "source.postgres.user": "no_replication", "source.postgres.password": "pw"}))
    finally:
        mirror.sql("DROP OWNED BY no_replication", "DROP ROLE no_replication")
    assert result.returncode != 0
    assert "REPLICATION attribute" in result.stderr, result.stderr
    assert mirror.catalog_rows() == []
