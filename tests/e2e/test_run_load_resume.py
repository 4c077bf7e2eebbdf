"""The initial load resumes after a crash without starting over and without duplicates: a table
of many key ranges is copied on two connections under a writer that updates (TOASTed values left
unchanged too), deletes, inserts and changes primary keys; `run` is killed with SIGKILL after
some ranges are committed, several times, and restarted. Each restart copies only the ranges not
committed, the changes between the points the ranges were read at are replayed, and the table is
presented as a mirror (pg2iceberg.initial-load: complete) only after that. Postgres is the
oracle: DuckDB and PyIceberg read the result and compare it value for value."""
import random
import re
import threading
import time

import pytest

from capture_util import wait_until
from run_util import assert_mirror_equals_source, run_config, wait_mirrored

ROWS = 120000


def write_forever(mirror, stop, errors):
    conn = mirror.connect()
    conn.autocommit = True
    rng = random.Random(11)
    try:
        with conn.cursor() as cur:
            for i in range(1000000):
                if stop.is_set():
                    break
                key = rng.randint(1, ROWS + 20000)
                choice = rng.random()
                if choice < 0.35:
                    # leaves the TOASTed doc unchanged
                    cur.execute("UPDATE big SET v = v + 1 WHERE id = %s", (key,))
                elif choice < 0.5:
                    cur.execute("UPDATE big SET doc = repeat(md5(%s::text), 100) WHERE id = %s", (i, key))
                elif choice < 0.65:
                    cur.execute("DELETE FROM big WHERE id = %s", (key,))
                elif choice < 0.9:
                    cur.execute("INSERT INTO big VALUES (%s, %s, repeat('y', 150), NULL) ON CONFLICT (id) "
                                "DO UPDATE SET v = big.v + 100", (key, i))
                else:
                    # a primary-key change across the key space, of a row without a TOASTed value
                    cur.execute("UPDATE big SET id = %s WHERE id = %s AND doc IS NULL AND NOT EXISTS "
                                "(SELECT 1 FROM big WHERE id = %s)", (ROWS + 20000 + i, key, ROWS + 20000 + i))
                if i % 50 == 0:
                    time.sleep(0.01)
    except Exception as e:  # reported by the test
        errors.append(e)
    finally:
        conn.close()


def snapshot_states(mirror):
    """(initial-load, commit-lsn, replay-to) of every snapshot of public.big, oldest first."""
    table = mirror.pyiceberg_table("public.big")
    states = []
    for snapshot in sorted(table.snapshots(), key=lambda s: s.sequence_number):
        props = snapshot.summary.additional_properties
        states.append((props.get("pg2iceberg.initial-load"), props.get("pg2iceberg.commit-lsn"),
                       props.get("pg2iceberg.replay-to")))
    return states


def lsn(text):
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def test_a_killed_initial_load_resumes_its_key_ranges_and_replays_the_changes_between(mirror, runs):
    mirror.sql(f"""CREATE TABLE big (id bigint PRIMARY KEY, v int NOT NULL, pad text, doc text)""",
               "ALTER TABLE big ALTER doc SET STORAGE EXTERNAL",
               f"""INSERT INTO big SELECT g, 0, repeat('x', 150),
                          CASE WHEN g % 20 = 0 THEN repeat(md5(g::text), 100) END
                   FROM generate_series(1, {ROWS}) g""",
               "ANALYZE big")
    # Ranges of about 1 MiB: the table (about 27 MB) is many key ranges, each committed as it is
    # copied (a checkpoint per range below 32 ranges per 32 checkpoints).
    config = run_config(mirror, ["public.big"], **{"source.logical.snapshot_chunk_size": "1MiB"})
    stop = threading.Event()
    errors = []
    writer = threading.Thread(target=write_forever, args=(mirror, stop, errors))
    writer.start()
    resumed = []
    try:
        kills = 0
        process = runs(config)
        for attempt in range(3):
            # Killed once some ranges (more than earlier) are committed, while others are not.
            deadline = time.monotonic() + 120
            pattern = re.compile(r"initial load of public\.big: (\d+) of (\d+) key ranges committed")
            while time.monotonic() < deadline:
                assert process.running(), process.log()
                found = [int(m.group(1)) for m in pattern.finditer(process.log())]
                if "initial load of public.big committed" in process.log() or len(found) >= 2:
                    break
                time.sleep(0.02)
            if "initial load of public.big committed" in process.log():
                break
            process.kill()
            kills += 1
            states = snapshot_states(mirror)
            assert states and all(state[0] == "in-progress" for state in states), states
            process = runs(config)
            wait_until(lambda: "resumes:" in process.log() or "committed" in process.log(), 60,
                       "the load resumed", process)
            match = re.search(r"resumes: (\d+) of (\d+) key ranges were copied", process.log())
            assert match, process.log()
            copied, total = int(match.group(1)), int(match.group(2))
            assert 0 < copied < total, process.log()
            resumed.append((copied, total))
        wait_until(lambda: "initial load of public.big committed" in process.log(), 180,
                   "the load committed", process)
        time.sleep(1)  # changes after the load too
    finally:
        stop.set()
        writer.join(timeout=60)
    assert not errors, errors
    assert kills >= 2 and len(resumed) == kills, (kills, resumed, process.log())
    # Each resumed load copied ranges the earlier ones had not: progress was kept across kills.
    assert resumed == sorted(resumed), resumed
    wait_mirrored(mirror, process, 1)
    assert_mirror_equals_source(mirror, "public.big")

    # No key twice, read by an engine pg2iceberg did not write.
    names, rows = mirror.duckdb_rows("public", "big")
    ids = [row[names.index("id")] for row in rows]
    assert len(ids) == len(set(ids)), "a key is in the mirror twice"

    # The history: checkpoints, then the last ranges ("replaying", read up to replay-to), and
    # "complete" only from a commit at or past replay-to; never "complete" before.
    states = snapshot_states(mirror)
    kinds = [state[0] for state in states]
    assert "replaying" in kinds, states
    first_replaying = kinds.index("replaying")
    first_complete = kinds.index("complete")
    assert all(kind == "in-progress" for kind in kinds[:first_replaying]), states
    assert first_complete > first_replaying, states
    assert all(kind == "replaying" for kind in kinds[first_replaying:first_complete]), states
    assert all(kind == "complete" for kind in kinds[first_complete:]), states
    replay_to = lsn(states[first_replaying][2])
    assert lsn(states[first_complete][1]) >= replay_to, states
    assert "consistent mirror from this commit on" in process.log(), process.log()

    # The load's plan is removed once every range is copied.
    assert not [key for key in mirror.list_files("public/big/metadata/") if "load-plan" in key]
    print(process.log())
    assert process.stop() == 0, process.log()


def kill_after_checkpoints(process, count):
    """SIGKILLs `process` once its load of public.big has committed `count` checkpoints."""
    pattern = re.compile(r"initial load of public\.big: \d+ of \d+ key ranges committed")
    wait_until(lambda: len(pattern.findall(process.log())) >= count, 120, f"{count} checkpoints", process)
    assert "initial load of public.big committed" not in process.log(), process.log()
    process.kill()


@pytest.mark.storage("file-sql")
def test_a_load_whose_source_columns_changed_while_it_was_down_starts_afresh(mirror, runs):
    mirror.sql("CREATE TABLE big (id bigint PRIMARY KEY, v int NOT NULL, pad text)",
               f"INSERT INTO big SELECT g, 0, repeat('x', 150) FROM generate_series(1, {ROWS}) g")
    config = run_config(mirror, ["public.big"], **{"source.logical.snapshot_chunk_size": "1MiB"})
    kill_after_checkpoints(runs(config), 2)
    plans = [key for key in mirror.list_files("public/big/metadata/") if "load-plan" in key]
    assert len(plans) == 1, plans
    mirror.sql("ALTER TABLE big ADD COLUMN extra int", "UPDATE big SET extra = id % 3 WHERE id % 100 = 0")
    process = runs(config)
    wait_mirrored(mirror, process, 1)
    assert "is not resumed (the source table's columns changed); loading the table afresh" in process.log(), \
        process.log()
    assert " resumes: " not in process.log(), process.log()
    assert_mirror_equals_source(mirror, "public.big")
    # The abandoned plan and the new load's plan are both gone.
    assert not [key for key in mirror.list_files("public/big/metadata/") if "load-plan" in key]
    assert process.stop() == 0, process.log()
