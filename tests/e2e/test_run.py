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
    # Ranges of about 1 MiB: the table (about 16 MB) is copied as many key ranges on 2 workers.
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
def test_on_a_terminal_the_initial_load_shows_live_progress_and_elsewhere_log_lines(mirror, runs):
    import pty
    import select
    import subprocess

    from conftest import BINARY

    mirror.sql("CREATE TABLE big (id bigint PRIMARY KEY, pad text)",
               "INSERT INTO big SELECT g, repeat('x', 100) FROM generate_series(1, 100000) g")
    path = mirror.write_config(run_config(mirror, ["public.big"]))
    master, slave = pty.openpty()
    process = subprocess.Popen([BINARY, "run", "--config", path], stdin=subprocess.DEVNULL,
                               stdout=slave, stderr=slave)
    os.close(slave)
    output = b""
    try:
        deadline = time.monotonic() + 120
        while b"initial load of public.big committed" not in output and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if ready:
                try:
                    output += os.read(master, 65536)
                except OSError:  # the process closed the terminal
                    break
            assert process.poll() is None, output.decode(errors="replace")
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)
        os.close(master)
    text = output.decode(errors="replace")
    assert code == 0, text
    # The live block (a line per table, redrawn in place) was drawn and then removed.
    assert "initial load of public.big: " in text and " rows" in text, text
    assert "\x1b[1A\x1b[2K" in text, text
    assert "initial load of public.big committed" in text, text
    # Not on a terminal (every other test): plain lines, no terminal codes.
    piped = runs(run_config(mirror, ["public.big"]))
    mirror.sql("UPDATE big SET pad = 'y' WHERE id = 1")
    wait_mirrored(mirror, piped, 1)
    assert piped.stop() == 0
    assert "\x1b[" not in piped.log()


@pytest.mark.storage("file-sql")
def test_delete_mode_equality_writes_equality_deletes_that_duckdb_and_spark_apply(mirror, runs):
    """`sink.delete_mode: equality` (as the existing pg2iceberg writes): rows of earlier commits
    are deleted by key; a restart rebuilds the index through those deletes. PyIceberg refuses
    such tables, so DuckDB and Spark read them."""
    create_items(mirror, 500)
    config = run_config(mirror, ["public.items", "public.other"], **{"sink.delete_mode": "equality"})
    process = runs(config)
    wait_mirrored(mirror, process, 2)
    every_kind_of_change(mirror, 1)
    wait_mirrored(mirror, process, 2)
    assert process.stop() == 0, process.log()
    process = runs(config)
    every_kind_of_change(mirror, 2)
    wait_mirrored(mirror, process, 2)
    assert assert_mirrored(mirror, readers=("duckdb", "spark"))[0] > 400
    contents = [f["content"] for f in mirror.pyiceberg_table("public.items").inspect.files().to_pylist()]
    assert 2 in contents, contents  # equality deletes (content 2); rows of a batch's own files go by position
    assert process.stop() == 0, process.log()
