"""`pg2iceberg stream-only` refuses to go on when the publication or the partitions of a mirrored
table would make PostgreSQL send less than every change (docs/capture.md, "The publication and
the partitions").

pgoutput decodes each change under the catalog as it was when the change was written: a
publication that publishes only inserts, or has a row filter or a column list, drops changes
for good, and partition maintenance under publish_via_partition_root (DETACH, ATTACH, DROP of a
partition, TRUNCATE of a single partition) sends no change at all. Each test expects capture to
refuse at start, or to stop while running before it records (and acknowledges) any position
decoded after the change — the staging log then equals the source as it was before it.
"""
import pytest

from capture_util import (assert_says, capture_config, current_wal_lsn, exits_while_running, flushed_lsn,
                          publication_of, query, refused_start, slot_confirmed_lsn, slot_of, staged, wait_captured,
                          wait_slot_created, wait_slot_inactive)


pytestmark = pytest.mark.storage("file-sql")  # the guards are the source's, not the storage's


# --- helpers -----------------------------------------------------------------------------------


def replayed(log, table, key_columns):
    """The rows the staged changes of `table` leave, by key (what a materializer would build)."""
    rows = {}
    for _, change in log.get(table, []):
        if change.kind == "truncate":
            rows.clear()
            continue
        if change.old_row is not None:
            rows.pop(tuple(change.old_row[i] for i in key_columns), None)
        elif change.kind in ("update", "delete"):
            rows.pop(tuple(change.new_row[i] for i in key_columns), None)
        if change.new_row is not None:
            rows[tuple(change.new_row[i] for i in key_columns)] = list(change.new_row)
    return rows


def source_rows(mirror, table, key_columns):
    rows = query(mirror, f"SELECT * FROM {table}")
    return {tuple(row[i] for i in key_columns): list(row) for row in rows}


def assert_nothing_recorded_after(mirror, config, lsn, table, expected, key_columns):
    """Nothing decoded at or after `lsn` was recorded or acknowledged, and the staging log of
    `table` equals `expected` (the source's rows before `lsn`)."""
    recorded = flushed_lsn(mirror)
    assert recorded < lsn, f"flushed_lsn {recorded:X} is past the catalog change at {lsn:X}"
    assert slot_confirmed_lsn(mirror, slot_of(config)) <= recorded
    log = staged(mirror)
    late = [c for _, c in log.get(table, []) if c.end_lsn > lsn]
    assert not late, f"changes decoded after the catalog change were staged: {late}"
    assert replayed(log, table, key_columns) == expected


# --- 1. the publication: refused at the first start --------------------------------------------

def create_items(mirror):
    mirror.sql("CREATE TABLE public.items (id int PRIMARY KEY, label text NOT NULL)")


@pytest.mark.parametrize("definition, phrases", [
    ("FOR TABLE public.items WITH (publish = 'insert')",
     ["publishes only insert: updates, deletes and truncates of the mirrored tables would never be sent",
      "SET (publish = 'insert, update, delete, truncate')"]),
    ("FOR TABLE public.items WHERE (id > 5)",
     ["publishes mirrored table public.items with a row filter (WHERE (id > 5))", "DROP TABLE public.items",
      "ADD TABLE public.items"]),
    ("FOR TABLE public.items (id)",
     ["publishes mirrored table public.items with a column list (id)", "DROP TABLE public.items",
      "ADD TABLE public.items"]),
], ids=["publish-insert-only", "row-filter", "column-list"])
def test_first_start_refuses_a_publication_that_would_not_send_every_change(mirror, streams, definition, phrases):
    create_items(mirror)
    config = capture_config(mirror, ["public.items"])
    publication = publication_of(config)
    mirror.sql(f"CREATE PUBLICATION {publication} {definition}")

    output = refused_start(streams, config)
    assert_says(output, "pg2iceberg: error: INVALID_ARGUMENT: ", f'publication "{publication}"', *phrases,
                "source.logical.publication_name")
    assert not query(mirror, "SELECT 1 FROM pg_replication_slots WHERE slot_name = %s", slot_of(config)), \
        "the refused start created the slot"
    assert flushed_lsn(mirror) == 0


# --- 2. the publication changed under a running capture, or while it was stopped --------------

def capture_items(mirror, streams, config):
    """Captures 10 rows, stops cleanly, and starts again; returns the running process."""
    process = streams(config)
    wait_slot_created(mirror, process)
    mirror.sql("INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 10) g")
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    wait_slot_inactive(mirror, slot_of(config))
    process = streams(config)
    mirror.sql("UPDATE public.items SET label = 'changed' WHERE id <= 3", "DELETE FROM public.items WHERE id = 4")
    wait_captured(mirror, process)
    return process


@pytest.mark.parametrize("alteration, phrases", [
    ("SET (publish = 'insert')", ["publishes only insert"]),
    ("SET TABLE public.items WHERE (id < 100)", ["with a row filter (WHERE (id < 100))"]),
], ids=["publish-insert-only", "row-filter"])
def test_stops_when_the_publication_is_altered_while_running(mirror, streams, alteration, phrases):
    create_items(mirror)
    config = capture_config(mirror, ["public.items"])
    publication = publication_of(config)
    process = capture_items(mirror, streams, config)
    before = source_rows(mirror, "public.items", [0])
    mirror.sql(f"ALTER PUBLICATION {publication} {alteration}")
    altered_at = current_wal_lsn(mirror)
    # Under the altered publication the update and delete are not sent at all; the insert is
    # sent, and must not be recorded either (it was decoded after the change).
    mirror.sql("UPDATE public.items SET label = 'lost' WHERE id = 5", "DELETE FROM public.items WHERE id = 6",
               "INSERT INTO public.items VALUES (11, 'after')")

    output = exits_while_running(process)
    assert_says(output, "pg2iceberg: error: DATA_LOSS: ", f'publication "{publication}"', *phrases,
                "pg2iceberg cleanup")
    assert_nothing_recorded_after(mirror, config, altered_at, "public.items", before, [0])


def test_refuses_a_publication_altered_and_restored_while_stopped(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, ["public.items"])
    publication = publication_of(config)
    process = capture_items(mirror, streams, config)
    assert process.stop() == 0, process.log()
    wait_slot_inactive(mirror, slot_of(config))
    recorded = flushed_lsn(mirror)
    # The update is written while the publication sends only inserts: decoded later, it is
    # dropped even though the publication is restored before capture starts again.
    mirror.sql(f"ALTER PUBLICATION {publication} SET (publish = 'insert')",
               "UPDATE public.items SET label = 'lost' WHERE id = 5",
               f"ALTER PUBLICATION {publication} SET (publish = 'insert, update, delete, truncate')")

    output = refused_start(streams, config)
    assert_says(output, "pg2iceberg: error: DATA_LOSS: ", f'publication "{publication}" was altered',
                "pg2iceberg cleanup")
    assert flushed_lsn(mirror) == recorded
    assert slot_confirmed_lsn(mirror, slot_of(config)) <= recorded


# --- 3. partition maintenance ------------------------------------------------------------------

PARTITIONED = "public.m"
KEY = [0, 1]


def create_partitioned(mirror):
    mirror.sql("CREATE TABLE public.m (id int, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region)",
               "CREATE TABLE public.m_eu PARTITION OF public.m FOR VALUES IN ('eu')",
               "CREATE TABLE public.m_us PARTITION OF public.m FOR VALUES IN ('us')",
               # A table with rows of its own, to be attached.
               "CREATE TABLE public.m_as (id int NOT NULL, region text NOT NULL)",
               "INSERT INTO public.m_as VALUES (100, 'as'), (101, 'as')")


# Each operation changes the rows of public.m without any change record pgoutput sends.
OPERATIONS = {
    "detach": ("ALTER TABLE public.m DETACH PARTITION public.m_us", "partition public.m_us",
               "was detached or dropped"),
    "drop": ("DROP TABLE public.m_us", "partition public.m_us", "was detached or dropped"),
    "attach": ("ALTER TABLE public.m ATTACH PARTITION public.m_as FOR VALUES IN ('as')", "partition public.m_as",
               "was attached or created"),
    "truncate-leaf": ("TRUNCATE public.m_us", "partition public.m_us", "was truncated"),
}


def capture_partitioned(mirror, streams, config):
    """Captures 10 rows, stops cleanly, and starts again; returns the running process."""
    process = streams(config)
    wait_slot_created(mirror, process)
    mirror.sql("INSERT INTO public.m SELECT g, CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END"
               " FROM generate_series(1, 10) g")
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    wait_slot_inactive(mirror, slot_of(config))
    process = streams(config)
    mirror.sql("INSERT INTO public.m VALUES (11, 'eu'), (12, 'us')", "DELETE FROM public.m WHERE id = 1")
    wait_captured(mirror, process)
    return process


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_stops_on_partition_maintenance_while_running(mirror, streams, operation):
    statement, partition, what = OPERATIONS[operation]
    create_partitioned(mirror)
    config = capture_config(mirror, [PARTITIONED])
    process = capture_partitioned(mirror, streams, config)
    before = source_rows(mirror, PARTITIONED, KEY)
    mirror.sql(statement)
    changed_at = current_wal_lsn(mirror)
    mirror.sql("INSERT INTO public.m VALUES (13, 'eu')")  # sent, but decoded after the change

    output = exits_while_running(process)
    assert_says(output, "pg2iceberg: error: DATA_LOSS: ", partition, "of mirrored table public.m", what,
                "pg2iceberg cleanup")
    assert_nothing_recorded_after(mirror, config, changed_at, PARTITIONED, before, KEY)
    assert source_rows(mirror, PARTITIONED, KEY) != before, "the operation did not change public.m"


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_refuses_partition_maintenance_done_while_stopped(mirror, streams, operation):
    statement, partition, what = OPERATIONS[operation]
    create_partitioned(mirror)
    config = capture_config(mirror, [PARTITIONED])
    process = capture_partitioned(mirror, streams, config)
    assert process.stop() == 0, process.log()
    wait_slot_inactive(mirror, slot_of(config))
    recorded = flushed_lsn(mirror)
    mirror.sql(statement, "INSERT INTO public.m VALUES (13, 'eu')")

    output = refused_start(streams, config)
    assert_says(output, "pg2iceberg: error: DATA_LOSS: ", partition, "of mirrored table public.m", what,
                "pg2iceberg cleanup")
    assert flushed_lsn(mirror) == recorded
    assert slot_confirmed_lsn(mirror, slot_of(config)) <= recorded


def test_first_start_refuses_an_unlogged_partition(mirror, streams):
    # Changes to an UNLOGGED table are not written to the WAL, so they are never decoded.
    create_partitioned(mirror)
    mirror.sql("CREATE UNLOGGED TABLE public.m_ul PARTITION OF public.m FOR VALUES IN ('ul')")
    config = capture_config(mirror, [PARTITIONED])

    output = refused_start(streams, config)
    assert_says(output, "pg2iceberg: error: INVALID_ARGUMENT: ", "partition public.m_ul",
                "of mirrored table public.m is UNLOGGED", "ALTER TABLE public.m_ul SET LOGGED")
    assert flushed_lsn(mirror) == 0
