"""`pg2iceberg stream-only` refuses to go on when the staging log could no longer be proven complete.

Every test first captures normally (rows inserted, captured, SIGTERM → exit 0), then breaks one
thing the capture depends on, then starts again (or keeps running) and expects:
  - exit code 1, by itself, within a bounded time;
  - a message naming the cause and the way out;
  - nothing acknowledged to the slot past what the coordinator recorded.
"""
import os
import shutil
import tempfile

from capture_util import (COORDINATOR, StreamProcess, assert_says, capture_config, exits_while_running, flushed_lsn,
                          lsn_int, publication_of, query, refused_start, slot_confirmed_lsn, slot_of, wait_captured,
                          wait_slot_created, wait_slot_inactive)
from conftest import Mirror
from pg_server import PASSWORD, SUPERUSER, PostgresServer

TABLE = "public.items"


# --- setup and normal capture ------------------------------------------------------------------

def create_items(mirror):
    mirror.sql("CREATE TABLE public.items (id int PRIMARY KEY, label text NOT NULL)")


def insert_items(mirror, first_id, count=10):
    mirror.sql(f"INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series({first_id}, "
               f"{first_id + count - 1}) g")


def staged_offset(mirror, table="items"):
    rows = query(mirror, f"SELECT next_offset FROM {COORDINATOR}.tables WHERE table_name = %s", table)
    return rows[0][0]


def capture_normally(mirror, streams, config, first_id=1, count=10):
    """One clean run: capture `count` new rows, stop with SIGTERM (exit 0). Returns the flushed LSN."""
    offset_before = staged_offset(mirror) if flushed_lsn(mirror) else 0
    process = streams(config)
    wait_slot_created(mirror, process)
    insert_items(mirror, first_id, count)
    wait_captured(mirror, process)
    code = process.stop()
    assert code == 0, f"normal capture exited {code}:\n{process.log()}"
    assert staged_offset(mirror) == offset_before + count, process.log()
    wait_slot_inactive(mirror, slot_of(config))
    return flushed_lsn(mirror)


def start_capturing(mirror, streams, config, first_id, count=5):
    """Starts capture again and waits until it streams (new rows captured); returns the process."""
    process = streams(config)
    insert_items(mirror, first_id, count)
    wait_captured(mirror, process)
    return process


# --- expectations ------------------------------------------------------------------------------


def assert_data_loss(output, *phrases):
    assert_says(output, "pg2iceberg: error: DATA_LOSS: ", *phrases)


def assert_rebuild_advice(output):
    assert_says(output, "pg2iceberg cleanup")


def assert_nothing_acknowledged(mirror, slot, recorded):
    """The slot was not confirmed past `recorded`, the LSN the coordinator recorded."""
    confirmed = slot_confirmed_lsn(mirror, slot)
    assert confirmed <= recorded, (f"slot {slot} confirmed {confirmed:X}, past the recorded {recorded:X}")


def assert_state_untouched(mirror, slot, recorded, confirmed):
    """A refused start changed neither the coordinator's flushed LSN nor the slot."""
    assert flushed_lsn(mirror) == recorded
    assert slot_confirmed_lsn(mirror, slot) == confirmed


def slot_exists(mirror, slot):
    return bool(query(mirror, "SELECT 1 FROM pg_replication_slots WHERE slot_name = %s", slot))


# --- 1. system_identifier ----------------------------------------------------------------------

def state_url(mirror):
    return (f"postgresql://{SUPERUSER}:{PASSWORD}@127.0.0.1:{mirror.pg.port}/{mirror.database}"
            "?sslmode=disable")


def test_refuses_a_different_cluster_at_startup(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE], **{"state.postgres_url": state_url(mirror)})
    slot = slot_of(config)
    recorded = capture_normally(mirror, streams, config)

    other = PostgresServer().start()
    try:
        other.create_database(mirror.database)
        other_mirror = Mirror(other, mirror.database, mirror.workdir)
        create_items(other_mirror)
        insert_items(other_mirror, 1)
        config["source"]["postgres"]["port"] = other.port
        output = refused_start(streams, config)
        assert_data_loss(output, "different PostgreSQL cluster")
        assert_rebuild_advice(output)
        assert not slot_exists(other_mirror, slot), "a slot was created on the other cluster"
    finally:
        other.stop()
    assert_nothing_acknowledged(mirror, slot, recorded)
    assert flushed_lsn(mirror) == recorded


# --- 2.–4. the replication slot ----------------------------------------------------------------

def test_refuses_a_dropped_slot_at_startup(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    recorded = capture_normally(mirror, streams, config)
    query(mirror, "SELECT pg_drop_replication_slot(%s)", slot)
    insert_items(mirror, 11)

    output = refused_start(streams, config)
    assert_data_loss(output, f'replication slot "{slot}" no longer exists')
    assert_rebuild_advice(output)
    assert not slot_exists(mirror, slot), "the refused start created the slot again"
    assert flushed_lsn(mirror) == recorded


def test_refuses_a_recreated_slot_at_startup(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    recorded = capture_normally(mirror, streams, config)
    query(mirror, "SELECT pg_drop_replication_slot(%s)", slot)
    insert_items(mirror, 11)
    query(mirror, "SELECT pg_create_logical_replication_slot(%s, 'pgoutput')", slot)
    confirmed = slot_confirmed_lsn(mirror, slot)
    assert confirmed > recorded

    output = refused_start(streams, config)
    assert_data_loss(output, f'replication slot "{slot}"', "advanced or recreated")
    assert_rebuild_advice(output)
    assert_state_untouched(mirror, slot, recorded, confirmed)


def test_refuses_a_slot_advanced_by_someone_else_at_startup(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    recorded = capture_normally(mirror, streams, config)
    insert_items(mirror, 11)
    query(mirror, "SELECT pg_replication_slot_advance(%s, pg_current_wal_lsn())", slot)
    confirmed = slot_confirmed_lsn(mirror, slot)
    assert confirmed > recorded

    output = refused_start(streams, config)
    assert_data_loss(output, f'replication slot "{slot}"', "advanced or recreated")
    assert_rebuild_advice(output)
    assert_state_untouched(mirror, slot, recorded, confirmed)


# --- 5. wal_status = lost ----------------------------------------------------------------------

def wal_status(mirror, slot):
    rows = query(mirror, "SELECT wal_status FROM pg_replication_slots WHERE slot_name = %s", slot)
    return rows[0][0] if rows else None


def make_slot_lose_wal(mirror, slot, rounds=40):
    """Writes and recycles WAL (switch + checkpoint) until the server invalidates the slot."""
    mirror.sql("CREATE TABLE public.filler (id bigserial PRIMARY KEY, pad text)")
    seen = []
    for _ in range(rounds):
        mirror.sql("INSERT INTO public.filler (pad) SELECT repeat('x', 1000) FROM generate_series(1, 2000)",
                   "SELECT pg_switch_wal()", "CHECKPOINT")
        seen.append(wal_status(mirror, slot))
        if seen[-1] == "lost":
            return
    raise AssertionError(f"slot {slot} never reached wal_status = lost; statuses seen: {seen}")


def test_refuses_a_slot_that_lost_wal_at_startup():
    # A server of its own: the test lowers max_slot_wal_keep_size and churns WAL.
    server = PostgresServer().start()
    workdir = tempfile.mkdtemp(prefix="pg2iceberg-e2e-")
    processes = []

    def start(config):
        process = StreamProcess(mirror, config)
        processes.append(process)
        return process

    try:
        server.create_database("walloss")
        mirror = Mirror(server, "walloss", workdir)  # file-sql: the guard is the slot's, not the storage's
        mirror.sql("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'", "SELECT pg_reload_conf()")
        create_items(mirror)
        config = capture_config(mirror, [TABLE])
        slot = slot_of(config)
        recorded = capture_normally(mirror, start, config)
        make_slot_lose_wal(mirror, slot)

        output = refused_start(start, config)
        assert_data_loss(output, f'replication slot "{slot}"', "wal_status = lost")
        assert_rebuild_advice(output)
        assert_nothing_acknowledged(mirror, slot, recorded)
        assert flushed_lsn(mirror) == recorded
    finally:
        for process in processes:
            process.close()
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


# --- 6. mirrored table dropped and recreated ---------------------------------------------------

RECREATE_ITEMS = ("BEGIN; DROP TABLE public.items; "
                  "CREATE TABLE public.items (id int PRIMARY KEY, label text NOT NULL); COMMIT")


def test_refuses_a_recreated_table_at_startup(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    recorded = capture_normally(mirror, streams, config)
    mirror.sql(RECREATE_ITEMS)
    insert_items(mirror, 11)

    output = refused_start(streams, config)
    assert_data_loss(output, "mirrored table public.items was dropped and recreated")
    assert_rebuild_advice(output)
    assert_nothing_acknowledged(mirror, slot, recorded)
    assert flushed_lsn(mirror) == recorded


def test_stops_when_a_table_is_recreated_while_running(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    capture_normally(mirror, streams, config)
    process = start_capturing(mirror, streams, config, first_id=11)
    mirror.sql(RECREATE_ITEMS)
    insert_items(mirror, 21)

    output = exits_while_running(process)
    assert_data_loss(output)
    assert ("was dropped and recreated" in output or "missing from publication" in output), output
    assert_says(output, "pg2iceberg cleanup")
    assert_nothing_acknowledged(mirror, slot, flushed_lsn(mirror))


# --- 7. table missing from the publication -----------------------------------------------------

def drop_from_publication(mirror, config):
    mirror.sql(f'ALTER PUBLICATION "{publication_of(config)}" DROP TABLE public.items')


def test_refuses_a_table_missing_from_the_publication_at_startup(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    recorded = capture_normally(mirror, streams, config)
    drop_from_publication(mirror, config)
    insert_items(mirror, 11)

    output = refused_start(streams, config)
    assert_data_loss(output, f'mirrored table public.items is missing from publication "{publication_of(config)}"',
                     "ALTER PUBLICATION", "pg2iceberg cleanup")
    assert_nothing_acknowledged(mirror, slot, recorded)
    assert flushed_lsn(mirror) == recorded


def test_stops_when_a_table_leaves_the_publication_while_running(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    capture_normally(mirror, streams, config)
    process = start_capturing(mirror, streams, config, first_id=11)
    drop_from_publication(mirror, config)
    insert_items(mirror, 21)

    output = exits_while_running(process)
    assert_data_loss(output, "mirrored table public.items is missing from publication", "ALTER PUBLICATION",
                     "pg2iceberg cleanup")
    assert_nothing_acknowledged(mirror, slot, flushed_lsn(mirror))


# --- 8. coordinator rows failing their checksum ------------------------------------------------

def corrupt_capture_row(mirror):
    """Sets flushed_lsn to 0/1 without fixing the checksum; returns the LSN it replaced."""
    rows = query(mirror, f"WITH old AS (SELECT group_name, flushed_lsn FROM {COORDINATOR}.capture"
                         " WHERE group_name = 'default' FOR UPDATE)"
                         f" UPDATE {COORDINATOR}.capture c SET flushed_lsn = '0/1' FROM old"
                         " WHERE c.group_name = old.group_name RETURNING old.flushed_lsn::text")
    return lsn_int(rows[0][0])


def corrupt_table_row(mirror):
    mirror.sql(f"UPDATE {COORDINATOR}.tables SET next_offset = next_offset + 1 WHERE table_name = 'items'")


def test_refuses_a_capture_row_failing_its_checksum_at_startup(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    recorded = capture_normally(mirror, streams, config)
    assert corrupt_capture_row(mirror) == recorded

    output = refused_start(streams, config)
    assert_data_loss(output, f'coordinator row "{COORDINATOR}".capture', "fails its checksum", "pg2iceberg cleanup")
    assert_nothing_acknowledged(mirror, slot, recorded)
    assert flushed_lsn(mirror) == lsn_int("0/1")


def test_refuses_a_table_row_failing_its_checksum_at_startup(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    recorded = capture_normally(mirror, streams, config)
    corrupt_table_row(mirror)

    output = refused_start(streams, config)
    assert_data_loss(output, f'coordinator row "{COORDINATOR}".tables', "public.items", "fails its checksum",
                     "pg2iceberg cleanup")
    assert_nothing_acknowledged(mirror, slot, recorded)
    assert flushed_lsn(mirror) == recorded


def test_stops_when_the_capture_row_is_edited_while_running(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    capture_normally(mirror, streams, config)
    process = start_capturing(mirror, streams, config, first_id=11)
    replaced = corrupt_capture_row(mirror)

    output = exits_while_running(process)
    assert_data_loss(output, f'coordinator row "{COORDINATOR}".capture', "fails its checksum", "pg2iceberg cleanup")
    assert_nothing_acknowledged(mirror, slot, replaced)


def test_stops_when_a_table_row_is_edited_while_running(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    capture_normally(mirror, streams, config)
    process = start_capturing(mirror, streams, config, first_id=11)
    corrupt_table_row(mirror)
    insert_items(mirror, 21)  # its flush claims offsets from the edited row

    output = exits_while_running(process)
    assert_says(output, "pg2iceberg: error: ", "public.items", "edited outside pg2iceberg")
    recorded = flushed_lsn(mirror)
    assert_nothing_acknowledged(mirror, slot, recorded)
    # The way out is named once capture starts again: the edited row fails its checksum.
    output = refused_start(streams, config)
    assert_data_loss(output, f'coordinator row "{COORDINATOR}".tables', "public.items", "fails its checksum",
                     "pg2iceberg cleanup")
    assert_nothing_acknowledged(mirror, slot, recorded)
    assert flushed_lsn(mirror) == recorded


# --- 9. staging segment failing verification ---------------------------------------------------

def newest_segment_key(mirror):
    """The newest segment's key relative to the warehouse (a directory or a bucket)."""
    rows = query(mirror, f"SELECT object_key FROM {COORDINATOR}.segments WHERE group_name = 'default'"
                         " ORDER BY segment_id DESC LIMIT 1")
    assert rows, "the normal capture staged no segment"
    key = rows[0][0]
    assert mirror.file_exists(key), f"newest segment {key} not under the warehouse {mirror.warehouse}"
    return key


def test_refuses_a_corrupted_segment_at_startup(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    recorded = capture_normally(mirror, streams, config)
    key = newest_segment_key(mirror)
    data = bytearray(mirror.read_file(key))
    data[len(data) // 2] ^= 0xFF
    mirror.write_file(key, bytes(data))

    output = refused_start(streams, config)
    assert_data_loss(output, "staging segment", os.path.basename(key), "fails verification",
                     "pg2iceberg cleanup")
    assert_nothing_acknowledged(mirror, slot, recorded)
    assert flushed_lsn(mirror) == recorded
    assert mirror.read_file(key) == bytes(data), "the refused start touched the damaged segment"


def test_refuses_a_missing_segment_at_startup(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    recorded = capture_normally(mirror, streams, config)
    key = newest_segment_key(mirror)
    mirror.delete_file(key)

    output = refused_start(streams, config)
    assert_data_loss(output, "staging segment", os.path.basename(key), "is missing", "pg2iceberg cleanup")
    assert_nothing_acknowledged(mirror, slot, recorded)
    assert flushed_lsn(mirror) == recorded


# --- 10. slot name changed in the config -------------------------------------------------------

def test_refuses_a_changed_slot_name_at_startup(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    recorded = capture_normally(mirror, streams, config)
    renamed = f"renamed_{mirror.database}"
    config["source"]["logical"]["slot_name"] = renamed

    output = refused_start(streams, config)
    assert_says(output, "pg2iceberg: error: ", "source.logical.slot_name", f'"{renamed}"', f'"{slot}"')
    assert not slot_exists(mirror, renamed), "the refused start created a slot under the new name"
    assert_nothing_acknowledged(mirror, slot, recorded)
    assert flushed_lsn(mirror) == recorded


# --- a first start meeting a slot it did not create --------------------------------------------

def test_first_start_refuses_an_existing_slot_and_keeps_it(mirror, streams):
    create_items(mirror)
    config = capture_config(mirror, [TABLE])
    slot = slot_of(config)
    query(mirror, "SELECT pg_create_logical_replication_slot(%s, 'pgoutput')", slot)
    confirmed = slot_confirmed_lsn(mirror, slot)

    output = refused_start(streams, config)
    assert_says(output, "pg2iceberg: error: ", f'replication slot "{slot}" already exists',
                "pg_drop_replication_slot", "source.logical.slot_name")
    assert slot_exists(mirror, slot), "the refused first start dropped a slot it did not create"
    assert slot_confirmed_lsn(mirror, slot) == confirmed
    assert flushed_lsn(mirror) == 0, "the refused first start recorded capture state"
