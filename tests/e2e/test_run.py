"""`pg2iceberg run`: the whole mirror in one process. The initial load, then every kind of change
(inserts, updates that leave a TOASTed value unchanged, deletes, a primary-key change, a
multi-table transaction, TRUNCATE), through SIGTERM, restart and SIGKILL; a table added later;
writes while the initial load copies. Postgres is the oracle: after each phase every Iceberg
table is read back with DuckDB and PyIceberg (Spark once) and compared value for value."""
import os
import random
import signal
import threading
import time

import pytest

from capture_util import drop_slots
from run_util import assert_mirror_equals_source, run_config, summary, wait_mirrored

BIG = """CREATE FUNCTION big(seed int) RETURNS text LANGUAGE sql VOLATILE AS
         $$ SELECT string_agg(md5(random()::text || seed || x), '') FROM generate_series(1, 100) x $$"""


def create_items(mirror, rows):
    mirror.sql(BIG,
               """CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, doc text,
                                      n numeric(12,2), updated timestamptz)""",
               "ALTER TABLE items ALTER doc SET STORAGE EXTERNAL",
               f"""INSERT INTO items SELECT g, 'item ' || g, CASE WHEN g % 10 = 0 THEN big(g) END,
                                             g * 1.5, '2026-01-01'::timestamptz + g * interval '1 min'
                   FROM generate_series(1, {rows}) g""",
               "CREATE TABLE other (k text PRIMARY KEY, v bigint)",
               "INSERT INTO other SELECT 'k' || g, g FROM generate_series(1, 50) g")


def every_kind_of_change(mirror, base):
    """Changes of every kind the materializer folds; `base` keeps keys of repeated calls apart."""
    mirror.sql(
        # updates that leave the TOASTed doc unchanged
        f"UPDATE items SET name = name || ' v{base}' WHERE id % 10 = 0 AND id <= 500",
        f"DELETE FROM items WHERE id % 7 = {base % 7}",
        f"INSERT INTO items SELECT g, 'new ' || g, big(g), g, now() FROM generate_series({base * 1000} + 100001, {base * 1000} + 100100) g",
        # a primary-key change of a row with a TOASTed value, with another table in the same transaction
        f"""DO $$ BEGIN
              UPDATE items SET id = id + 500000 WHERE id = (SELECT min(id) FROM items WHERE doc IS NOT NULL AND id < 100000);
              INSERT INTO other VALUES ('tx{base}', {base}) ON CONFLICT (k) DO UPDATE SET v = excluded.v;
            END $$""",
        # TOAST set to NULL, TOAST replaced, repeated updates of a TOASTed row
        "UPDATE items SET doc = NULL WHERE id = (SELECT min(id) FROM items WHERE doc IS NOT NULL)",
        f"UPDATE items SET doc = big({base}) WHERE id = (SELECT max(id) FROM items WHERE doc IS NOT NULL)",
        "UPDATE items SET n = n + 1 WHERE id IN (SELECT id FROM items WHERE doc IS NOT NULL ORDER BY id LIMIT 3)",
        "UPDATE items SET n = n + 1 WHERE id IN (SELECT id FROM items WHERE doc IS NOT NULL ORDER BY id LIMIT 3)",
        # update then delete, and insert then delete, in one transaction
        f"""DO $$ BEGIN
              UPDATE items SET name = 'gone' WHERE id = (SELECT max(id) FROM items WHERE doc IS NULL AND id < 100000);
              DELETE FROM items WHERE name = 'gone';
              INSERT INTO items VALUES ({base} + 900000, 'brief', big(1), 0, now());
              DELETE FROM items WHERE id = {base} + 900000;
            END $$""",
        # TRUNCATE between writes
        "TRUNCATE other",
        f"INSERT INTO other VALUES ('after{base}', {base})",
    )


def assert_mirrored(mirror, readers=("duckdb", "pyiceberg")):
    counts = [assert_mirror_equals_source(mirror, t, readers) for t in ("public.items", "public.other")]
    return counts


def test_run_mirrors_every_change_through_restarts_and_kills(mirror, runs):
    create_items(mirror, 2000)
    config = run_config(mirror, ["public.items", "public.other"])
    process = runs(config)
    wait_mirrored(mirror, process, 2)
    assert assert_mirrored(mirror) == [2000, 50]
    loaded = summary(mirror, "public.items")
    assert loaded["pg2iceberg.initial-load"] == "complete", loaded
    assert loaded["pg2iceberg.operation"] == "snapshot", loaded

    every_kind_of_change(mirror, 1)
    wait_mirrored(mirror, process, 2)
    assert_mirrored(mirror)
    after = summary(mirror, "public.items")
    assert after["pg2iceberg.operation"] == "materialize", after
    assert after["pg2iceberg.initial-load"] == "complete", after

    # SIGTERM: the in-flight work is committed and the process exits 0.
    mirror.sql("UPDATE other SET v = v + 1")
    assert process.stop() == 0, process.log()
    assert "materialized" in process.log()

    # A restart resumes from the recorded position; nothing is loaded again.
    process = runs(config)
    every_kind_of_change(mirror, 2)
    wait_mirrored(mirror, process, 2)
    assert_mirrored(mirror)
    assert "initial load of" not in process.log(), process.log()

    # SIGKILL in the middle of a stream of changes, then a restart.
    for round_ in range(3):
        for i in range(5):
            mirror.sql(f"UPDATE items SET n = n + 1 WHERE id % 5 = {i}",
                       f"INSERT INTO other VALUES ('kill{round_}-{i}', {i})")
        time.sleep(random.uniform(0.2, 1.5))
        process.kill()
        process = runs(config)
    wait_mirrored(mirror, process, 2)
    counts = assert_mirrored(mirror, readers=("duckdb", "pyiceberg") + (("spark",) if mirror.storage.name == "file-sql" else ()))
    assert counts[0] > 1500
    assert process.stop() == 0, process.log()


@pytest.mark.storage("file-sql", "s3-rest")
def test_writes_during_the_initial_load_are_neither_lost_nor_doubled(mirror, runs):
    mirror.sql("CREATE TABLE big (id bigint PRIMARY KEY, v int NOT NULL, pad text)",
               "INSERT INTO big SELECT g, 0, repeat('x', 200) FROM generate_series(1, 60000) g")
    # Ranges of about 1 MiB: the table (about 16 MB) is copied as many CTID ranges on 2 workers.
    config = run_config(mirror, ["public.big"], **{"source.logical.snapshot_chunk_size": "1MiB"})
    stop = threading.Event()
    errors = []

    def writer():
        conn = mirror.connect()
        conn.autocommit = True
        rng = random.Random(7)
        try:
            with conn.cursor() as cur:
                for i in range(100000):
                    if stop.is_set():
                        break
                    key = rng.randint(1, 70000)
                    choice = rng.random()
                    if choice < 0.5:
                        cur.execute("UPDATE big SET v = v + 1 WHERE id = %s", (key,))
                    elif choice < 0.75:
                        cur.execute("DELETE FROM big WHERE id = %s", (key,))
                    else:
                        cur.execute("INSERT INTO big VALUES (%s, %s, 'y') ON CONFLICT (id) DO UPDATE "
                                    "SET v = big.v + 100", (key, i))
        except Exception as e:  # reported below
            errors.append(e)
        finally:
            conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        process = runs(config)
        deadline = time.monotonic() + 120
        while "initial load of public.big committed" not in process.log() and time.monotonic() < deadline:
            assert process.running(), process.log()
            time.sleep(0.2)
        time.sleep(2)  # writes after the load too
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not errors, errors
    assert "initial load of public.big committed" in process.log(), process.log()
    wait_mirrored(mirror, process, 1)
    assert_mirror_equals_source(mirror, "public.big")
    assert process.stop() == 0, process.log()


@pytest.mark.storage("file-sql")
def test_a_table_added_later_is_loaded_while_the_others_stream(mirror, runs):
    create_items(mirror, 300)
    process = runs(run_config(mirror, ["public.items"]))
    wait_mirrored(mirror, process, 1)
    assert process.stop() == 0, process.log()
    mirror.sql("INSERT INTO other SELECT 'late' || g, g FROM generate_series(1, 20) g")
    process = runs(run_config(mirror, ["public.items", "public.other"]))
    mirror.sql("UPDATE items SET n = n + 1", "UPDATE other SET v = -v WHERE v % 2 = 0")
    wait_mirrored(mirror, process, 2)
    assert assert_mirrored(mirror) == [300, 70]
    log = process.log()
    assert "initial load of public.other committed" in log, log
    assert "initial load of public.items" not in log, log
    assert process.stop() == 0, log


@pytest.mark.storage("file-sql")
def test_a_table_without_a_primary_key_is_refused_at_start(mirror, runs):
    mirror.sql("CREATE TABLE nokey (a int, b text)")
    result = mirror.run("run", run_config(mirror, ["public.nokey"]), timeout=120)
    assert result.returncode != 0
    assert "public.nokey has no primary key" in result.stderr, result.stderr
    assert "tables[].primary_key" in result.stderr, result.stderr
    drop_slots(mirror)


@pytest.mark.storage("file-sql")
def test_a_column_added_mid_stream_stops_the_mirror_naming_the_table_and_column(mirror, runs):
    """Schema changes are not followed yet: the mirror stops rather than write rows it cannot
    hold, and what it committed before stays exact."""
    mirror.sql("CREATE TABLE t (id int PRIMARY KEY, a text)", "INSERT INTO t VALUES (1, 'one')")
    config = run_config(mirror, ["public.t"])
    process = runs(config)
    wait_mirrored(mirror, process, 1)
    mirror.sql("INSERT INTO t VALUES (2, 'two')")
    wait_mirrored(mirror, process, 1)
    mirror.sql("ALTER TABLE t ADD COLUMN b int", "INSERT INTO t VALUES (3, 'three', 3)")
    assert process.wait_exit(timeout=120) != 0
    log = process.log()
    assert 'table public.t: column "b" arrived in a change but is not in the Iceberg table' in log, log
    names, rows = mirror.pyiceberg_rows("public.t")
    assert sorted(rows) == [(1, "one"), (2, "two")]
    # A restart refuses to go on rather than mirror the table under the old schema.
    result = mirror.run("run", config, timeout=120)
    assert result.returncode != 0
    assert "public.t: its columns changed since its Iceberg table was loaded" in result.stderr, result.stderr
