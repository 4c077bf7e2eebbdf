"""One owner per capture group, and tables that join a running mirror (issue 11).

- A second `stream-only` (or a `cleanup`) with the same configuration must never touch the
  running one's state: it waits for the ownership lock, then exits 1 naming the owner, and the
  running capture's staging log stays complete.
- A table added to the configuration after the first start joins at a recorded LSN: its changes
  from then on are captured, none before.
"""
import time

import pytest

from capture_util import COORDINATOR, capture_config, flushed_lsn, lsn_int, query, staged, wait_captured, \
    wait_slot_created

# The second process waits this long for the owner before giving up (stage::GroupLockOptions).
OWNERSHIP_WAIT_S = 30


def insert(mirror, table, first, count):
    mirror.sql(f"INSERT INTO {table} SELECT g, 'row ' || g FROM generate_series({first}, {first + count - 1}) g")


def staged_ids(mirror, table):
    return [change.new_row[0] for _, change in staged(mirror).get(table, []) if change.kind == "insert"]


def indexed_segments_present(mirror):
    rows = query(mirror, f"SELECT object_key FROM {COORDINATOR}.segments ORDER BY segment_id")
    missing = [key for (key,) in rows if not mirror.file_exists(key)]
    assert not missing, f"indexed segments deleted: {missing}"
    return len(rows)


@pytest.mark.storage("file-sql")
def test_a_second_stream_only_waits_then_exits_and_touches_nothing(mirror, streams):
    """Before the fence, the second process's start-up janitor deleted the first one's freshly
    uploaded (not yet indexed) segments on every retry of the busy slot, and emptied its spill
    directory; it retried for minutes instead of saying why."""
    mirror.sql("CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)")
    config = capture_config(mirror, ["public.items"], **{"sink.flush_interval": "50ms"})
    first = streams(config)
    wait_slot_created(mirror, first)
    insert(mirror, "items", 1, 100)
    wait_captured(mirror, first)

    second = streams(config)
    started = time.monotonic()
    next_id = 101
    # Keep the first process uploading while the second one starts (bounded by count and time).
    while second.running() and time.monotonic() - started < OWNERSHIP_WAIT_S + 30 and next_id < 20_000:
        insert(mirror, "items", next_id, 20)
        next_id += 20
        time.sleep(0.05)
    code = second.wait_exit(OWNERSHIP_WAIT_S + 30)
    output = second.log()
    assert code == 1, f"the second stream-only exited {code}:\n{output}"
    assert "CONFLICT" in output and 'coordinator group "default"' in output, output
    assert "is owned by server process" in output, output
    assert "Stop the other process" in output, output
    assert "deleted" not in output, f"the second process deleted something:\n{output}"
    assert "replication slot" not in output.split("is owned by")[0], output

    assert first.running(), f"the owner stopped:\n{first.log()}"
    insert(mirror, "items", next_id, 10)
    wait_captured(mirror, first)
    assert first.stop() == 0, first.log()
    assert indexed_segments_present(mirror) > 0
    ids = staged_ids(mirror, "public.items")
    assert sorted(ids) == list(range(1, next_id + 10)), "the staging log lost or repeated rows"

    # A restart (now the only process) finds every indexed segment in the listing.
    again = streams(config)
    wait_captured(mirror, again)
    assert again.stop() == 0, again.log()


@pytest.mark.storage("file-sql")
def test_cleanup_refuses_while_capture_runs(mirror, streams):
    mirror.sql("CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)")
    config = capture_config(mirror, ["public.items"])
    process = streams(config)
    wait_slot_created(mirror, process)
    insert(mirror, "items", 1, 10)
    wait_captured(mirror, process)

    result = mirror.run("cleanup", config, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "is owned by server process" in result.stderr, result.stderr
    slot = config["source"]["logical"]["slot_name"]
    assert query(mirror, "SELECT 1 FROM pg_replication_slots WHERE slot_name = %s", slot), "cleanup dropped the slot"
    assert query(mirror, f"SELECT 1 FROM {COORDINATOR}.capture"), "cleanup deleted the group's state"

    insert(mirror, "items", 11, 10)
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    assert sorted(staged_ids(mirror, "public.items")) == list(range(1, 21))
    assert mirror.run("cleanup", config).returncode == 0


def test_a_table_added_to_the_config_joins_at_a_recorded_lsn(mirror, streams):
    """Before: the start refused ("added to the config after capture started"), or registered the
    table without publishing it."""
    mirror.sql("CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)",
               "CREATE TABLE late (id int PRIMARY KEY, label text NOT NULL)")
    config = capture_config(mirror, ["public.items"])
    process = streams(config)
    wait_slot_created(mirror, process)
    insert(mirror, "items", 1, 10)
    insert(mirror, "late", 1, 5)  # not mirrored yet: never captured
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    insert(mirror, "late", 6, 5)  # committed before the table joins: not captured either

    joined = capture_config(mirror, ["public.items", "public.late"])
    process = streams(joined)
    wait_captured(mirror, process, timeout=60)
    insert(mirror, "late", 11, 5)
    insert(mirror, "items", 11, 5)
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    assert "table public.late joins the mirror: its changes are captured from" in process.log(), process.log()

    rows = query(mirror, f"SELECT added_lsn::text FROM {COORDINATOR}.tables WHERE table_name = %s", "late")
    assert rows and rows[0][0] is not None, "no added_lsn recorded"
    added_lsn = lsn_int(rows[0][0])
    assert query(mirror, f"SELECT added_lsn FROM {COORDINATOR}.tables WHERE table_name = %s", "items") == [(None,)]
    publication = config["source"]["logical"]["publication_name"]
    assert query(mirror, "SELECT tablename FROM pg_publication_tables WHERE pubname = %s ORDER BY 1",
                 publication) == [("items",), ("late",)]
    log = staged(mirror)
    assert [c.new_row[0] for _, c in log["public.late"]] == list(range(11, 16))
    assert all(c.commit_lsn > added_lsn for _, c in log["public.late"]), "a change older than added_lsn"
    assert staged_ids(mirror, "public.items") == list(range(1, 16))
    assert flushed_lsn(mirror) >= added_lsn


@pytest.mark.storage("file-sql")
def test_a_first_start_killed_after_creating_the_slot_is_completed_by_the_next(mirror, streams):
    """Before: the tables and the capture row were written one by one after the slot was created;
    a crash in between left a slot without state and registered tables, and every later start
    refused (the slot "already exists", then CONFLICT "is registered already")."""
    mirror.sql("CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)",
               "CREATE TABLE more (id int PRIMARY KEY, label text NOT NULL)")
    config = capture_config(mirror, ["public.items", "public.more"])
    slot = config["source"]["logical"]["slot_name"]
    crashed = streams(config, extra_env={"PG2ICEBERG_FAILPOINTS": "after-slot-create=kill"})
    assert crashed.wait_exit(60) == -9, crashed.log()
    assert "failpoint after-slot-create fired" in crashed.log(), crashed.log()
    assert query(mirror, "SELECT 1 FROM pg_replication_slots WHERE slot_name = %s", slot), "no slot was created"
    assert query(mirror, f"SELECT slot_created_lsn::text, flushed_lsn::text FROM {COORDINATOR}.capture") == \
        [("0/0", "0/0")], "the capture row is not pending"
    insert(mirror, "items", 1, 5)  # before the new slot: not captured, covered by the initial copy

    process = streams(config)
    wait_slot_created(mirror, process)
    insert(mirror, "items", 6, 5)
    insert(mirror, "more", 1, 3)
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    assert "was interrupted after creating replication slot" in process.log(), process.log()
    created, flushed = query(mirror, f"SELECT slot_created_lsn::text, flushed_lsn::text FROM {COORDINATOR}.capture")[0]
    assert lsn_int(created) > 0 and lsn_int(flushed) >= lsn_int(created)
    assert staged_ids(mirror, "public.items") == list(range(6, 11))
    assert staged_ids(mirror, "public.more") == [1, 2, 3]
