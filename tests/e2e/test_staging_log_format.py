"""The independent staging-log reader (staging_log.py) against the spec's example, hand-built
segments, and a segment written by the real binary."""
import contextlib
import datetime
import decimal
import signal
import struct
import subprocess
import time
import uuid

import crc32c
import pytest
import zstandard

from conftest import BINARY
import staging_log
from staging_log import SegmentError

# The example at the end of docs/staging-segment.md, byte for byte.
SPEC_EXAMPLE = bytes.fromhex("""
50 32 49 53 45 47 0d 0a  01 00  00 00
00  1f 00 00 00  1f 00 00 00  03 1a 37 f6
01
01 00 00 00  01 73  01 74  64  01
01 61  17 00 00 00  01  01
01
01  07 10 18 02
01 00 00  01 03 0a
01
03 73 2e 74  01 00 00 00
0c 00 00 00 00 00 00 00  2c 00 00 00 00 00 00 00
01 10 10
79 98 2a 47  1c 00 00 00  50 32 49 45 4e 44 0d 0a""")


def test_spec_example_decodes_to_what_the_spec_says():
    assert len(SPEC_EXAMPLE) == 100
    [block] = staging_log.read_segment(SPEC_EXAMPLE)
    assert (block.table, block.relid, block.offset, block.length) == ("s.t", 1, 12, 44)
    assert (block.change_count, block.first_commit_lsn, block.last_commit_lsn) == (1, 0x10, 0x10)
    [change] = block.changes
    assert (change.xid, change.commit_lsn, change.end_lsn, change.commit_time_micros) == (7, 0x10, 0x18, 1)
    assert (change.kind, change.old_kind, change.old_row, change.new_row) == ("insert", "none", None, [5])
    schema = change.schema
    assert (schema.relid, schema.schema_name, schema.table_name, schema.replica_identity) == (1, "s", "t", "d")
    assert schema.columns == (("a", 23, -1, True),)


def test_lsn_text_round_trips():
    assert staging_log.lsn_to_int("0/16B3748") == 0x16B3748
    assert staging_log.lsn_to_int("1/0") == 1 << 32
    assert staging_log.int_to_lsn(0x16B3748) == "0/16B3748"
    assert staging_log.int_to_lsn(staging_log.lsn_to_int("FFFFFFFF/FFFFFFFF")) == "FFFFFFFF/FFFFFFFF"
    with pytest.raises(ValueError):
        staging_log.lsn_to_int("16B3748")


def test_every_damaged_copy_of_the_example_is_rejected():
    for i in range(len(SPEC_EXAMPLE)):
        damaged = bytearray(SPEC_EXAMPLE)
        damaged[i] ^= 0x01
        with pytest.raises(SegmentError):
            staging_log.read_segment(bytes(damaged))
    for n in range(len(SPEC_EXAMPLE)):
        with pytest.raises(SegmentError):
            staging_log.read_segment(SPEC_EXAMPLE[:n])


def test_newer_version_is_refused_by_name():
    newer = SPEC_EXAMPLE[:8] + b"\x02\x00" + SPEC_EXAMPLE[10:]
    with pytest.raises(SegmentError, match="version 2 is newer than this pg2iceberg reads"):
        staging_log.read_segment(newer)


# --- hand-built segments: an encoder for tests only, from the spec's tables -------------------

def varint(n):
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def zigzag(n):
    return varint((n << 1) ^ (n >> 63) if n < 0 else n << 1)


def string(b):
    b = b.encode() if isinstance(b, str) else b
    return varint(len(b)) + b


def segment(blocks):
    """blocks: [(table, relid, change_count, first_lsn, last_lsn, payload, compression)]."""
    body, directory, offset = b"", varint(len(blocks)), 12
    for table, relid, count, first, last, payload, compression in blocks:
        stored = zstandard.ZstdCompressor().compress(payload) if compression else payload
        frame = struct.pack("<BII", compression, len(payload), len(stored))
        block = frame + struct.pack("<I", crc32c.crc32c(frame + stored)) + stored
        directory += string(table) + struct.pack("<IQQ", relid, offset, len(block))
        directory += varint(count) + varint(first) + varint(last)
        body += block
        offset += len(block)
    trailer = struct.pack("<II", crc32c.crc32c(directory), len(directory)) + b"P2IEND\r\n"
    return b"P2ISEG\r\n\x01\x00\x00\x00" + body + directory + trailer


NUMERIC_10_2 = (10 << 16 | 2) + 4
COLUMNS = [("id", 23, -1, 1), ("n", 1700, NUMERIC_10_2, 0), ("t", 25, -1, 0)]


def schema_bytes(relid=42, columns=COLUMNS):
    out = struct.pack("<I", relid) + string("public") + string("w") + b"d" + varint(len(columns))
    for name, oid, typmod, key in columns:
        out += string(name) + struct.pack("<I", oid) + zigzag(typmod) + bytes([key])
    return out


def row(*values):
    return varint(len(values)) + b"".join(values)


def commit(xid, lsn, end, micros):
    return b"\x01" + varint(xid) + varint(lsn) + varint(end) + zigzag(micros)


def test_hand_built_zstd_block_with_update_and_delete_decodes():
    dec = b"\x07\x02\x30\x39"  # 12345 unscaled -> 123.45
    payload = (varint(1) + schema_bytes() + varint(3)
               + commit(900, 0x100, 0x180, -5) + b"\x01\x00\x00" + row(b"\x03\x02", dec, b"\x08" + string("é"))
               + commit(901, 0x200, 0x280, 7) + b"\x02\x00\x01" + row(b"\x03\x02", b"\x00", b"\x00")
               + row(b"\x03\x02", b"\x07\x01\xff", b"\x01")
               + b"\x00" + b"\x03\x00\x01" + row(b"\x03\x04", b"\x00", b"\x00"))
    data = segment([("public.w", 42, 3, 0x100, 0x200, payload, 1)])
    [block] = staging_log.read_segment(data)
    assert data[12] == 1
    insert, update, delete = block.changes
    assert insert.new_row == [1, decimal.Decimal("123.45"), "é"] and insert.commit_time_micros == -5
    assert (update.kind, update.old_kind, update.old_row) == ("update", "key", [1, None, None])
    assert update.new_row == [1, decimal.Decimal("-0.01"), staging_log.UNCHANGED_TOAST]
    assert (delete.kind, delete.xid, delete.commit_lsn, delete.old_row, delete.new_row) == \
        ("delete", 901, 0x200, [2, None, None], None)


def test_hand_built_lists_decode_to_python_lists():
    columns = [("id", 23, -1, 1), ("ns", 1231, NUMERIC_10_2, 0), ("grid", 1007, -1, 0),
               ("tags", 1009, -1, 0)]
    numbers = b"\x0f\x03" + b"\x07\x02\x30\x39" + b"\x00" + b"\x07\x01\xff"
    grid = b"\x0f\x02" + b"\x0f\x02\x03\x02\x03\x04" + b"\x0f\x02\x03\x06\x00"
    tags = b"\x0f\x00"
    deepest = b"\x0f\x01" * 6 + b"\x03\x0e"
    payload = (varint(1) + schema_bytes(columns=columns) + varint(2) + commit(1, 16, 24, 0)
               + b"\x01\x00\x00" + row(b"\x03\x02", numbers, grid, tags)
               + b"\x00" + b"\x01\x00\x00" + row(b"\x03\x04", b"\x00", deepest, b"\x0f\x01\x08\x01,"))
    [block] = staging_log.read_segment(segment([("public.w", 42, 2, 16, 16, payload, 0)]))
    first, second = block.changes
    assert first.new_row == [1, [decimal.Decimal("123.45"), None, decimal.Decimal("-0.01")],
                             [[1, 2], [3, None]], []]
    assert second.new_row == [2, None, [[[[[[7]]]]]], [","]]


@pytest.mark.parametrize("payload_tail, error", [
    (b"\x07\x02\x00\x05", "not minimal"),
    (b"\x02\x02", "bool"),
    (b"\x10", "unknown value tag"),
    (b"\x0f\x02\x03\x02\x04\x02", "list mixes value tags 3 and 4"),
    (b"\x0f\x01\x01", "unchanged TOAST inside a list"),
    (b"\x0f\x05\x00", "list element count 5"),
    (b"\x0f\x01" * 7 + b"\x03\x02", "nested deeper than 6"),
    (b"\x08\x01\xff", "UTF-8"),
    (b"\x03" + zigzag(1 << 31), "out of range"),
])
def test_malformed_values_are_rejected(payload_tail, error):
    columns = [("id", 23, -1, 1), ("n", 1700, NUMERIC_10_2, 0)]
    payload = (varint(1) + schema_bytes(columns=columns) + varint(1) + commit(1, 16, 24, 0)
               + b"\x01\x00\x00" + row(b"\x03\x02", payload_tail))
    with pytest.raises(SegmentError, match=error):
        staging_log.read_segment(segment([("public.w", 42, 1, 16, 16, payload, 0)]))


def test_directory_that_disagrees_with_its_block_is_rejected():
    payload = varint(1) + schema_bytes() + varint(1) + commit(1, 16, 24, 0) + b"\x04\x00\x00"
    assert staging_log.read_segment(segment([("public.w", 42, 1, 16, 16, payload, 0)]))
    for bad in [("public.w", 42, 2, 16, 16), ("public.x", 42, 1, 16, 16), ("public.w", 42, 1, 16, 17)]:
        with pytest.raises(SegmentError):
            staging_log.read_segment(segment([bad + (payload, 0)]))


# --- a segment written by the real binary -----------------------------------------------------

TYPES_DDL = """CREATE TABLE typed (id int PRIMARY KEY, big bigint, txt text, num numeric(10,2),
    flag bool, f4 float4, f8 float8, d date, ts timestamp, tstz timestamptz, u uuid, b bytea, j jsonb)"""
UTC = datetime.timezone.utc
ROWS = [
    (1, 9007199254740993, "héllo", decimal.Decimal("12345678.90"), True, 1.5, -2.25,
     datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 12, 34, 56, 789012),
     datetime.datetime(2001, 9, 9, 1, 46, 40, 5, tzinfo=UTC),
     uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), b"\x00\xffbin", '{"a": [1, 2]}'),
    (2, -1, "", decimal.Decimal("-0.01"), False, float("inf"), 0.1, datetime.date(1, 1, 1),
     datetime.datetime(1969, 12, 31, 23, 59, 59, 999999), datetime.datetime(9999, 12, 31, 0, 0, tzinfo=UTC),
     uuid.UUID(int=0), b"", "{}"),
    (3,) + (None,) * 12,
]
UPDATED_NUM = decimal.Decimal("-99999999.99")
# 9,600 hex digits pglz cannot shrink: stored out of line (TOAST).
TOASTED_INSERT = "INSERT INTO typed (id, txt) SELECT 4, string_agg(md5(i::text), '') FROM generate_series(1, 300) i"


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)


def scalar(conn, query, *args):
    with conn.cursor() as cur:
        cur.execute(query, args)
        row = cur.fetchone()
        return row[0] if row else None


@contextlib.contextmanager
def capturing(mirror, slot, conn):
    """Runs stream-only around the body; afterwards waits until everything written is staged
    (the coordinator's flushed_lsn reaches the WAL position after the body) and SIGTERMs it."""
    config = mirror.config(["public.typed"], **{
        "source.logical.slot_name": slot, "source.logical.publication_name": slot,
        "source.logical.standby_interval": "1s", "sink.flush_interval": "200ms"})
    process = subprocess.Popen([BINARY, "stream-only", "--config", mirror.write_config(config)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: process.poll() is not None or scalar(
            conn, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = %s AND active", slot), 60,
            "the capture to start")
        assert process.poll() is None, process.communicate(timeout=30)[0]
        yield
        target = scalar(conn, "SELECT pg_current_wal_lsn()::text")
        wait_for(lambda: process.poll() is not None or scalar(
            conn, "SELECT flushed_lsn >= %s::pg_lsn FROM _pg2iceberg.capture", target), 60,
            f"flushed_lsn to reach {target}")
        assert process.poll() is None, process.communicate(timeout=30)[0]
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
        assert process.returncode == 0, output
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


def test_real_segment_decodes_to_the_inserted_values(mirror):
    slot = f"reader_{mirror.database}"
    mirror.sql(TYPES_DDL)
    conn = mirror.connect()
    conn.autocommit = True
    try:
        with capturing(mirror, slot, conn), conn.cursor() as cur:
            as_sql = [[str(v) if isinstance(v, uuid.UUID) else v for v in row] for row in ROWS]
            cur.executemany("INSERT INTO typed VALUES (" + ", ".join(["%s"] * 13) + ")", as_sql)
            cur.execute("UPDATE typed SET num = %s WHERE id = 1", (UPDATED_NUM,))
            cur.execute("DELETE FROM typed WHERE id = 2")
            cur.execute(TOASTED_INSERT)
            cur.execute("UPDATE typed SET big = 7 WHERE id = 4")
            cur.execute("TRUNCATE typed")
            cur.execute("SELECT string_agg(md5(i::text), '') FROM generate_series(1, 300) i")
            toasted = cur.fetchone()[0]
        check_staged(staging_log.staged_changes(conn, mirror.read_file)["public.typed"], toasted)
        damage_and_check(conn, mirror)
    finally:
        drop_slot(conn, slot)
        conn.close()


def drop_slot(conn, slot):
    active = "SELECT count(*) FROM pg_replication_slots WHERE slot_name = %s AND active"
    wait_for(lambda: not scalar(conn, active, slot), 30, f"slot {slot} to be released")
    with conn.cursor() as cur:
        cur.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = %s",
                    (slot,))


def check_staged(log, toasted):
    assert [offset for offset, _ in log] == list(range(len(log)))
    changes = [change for _, change in log]
    assert [c.kind for c in changes] == ["insert"] * 3 + ["update", "delete", "insert", "update", "truncate"]
    assert [tuple(c.new_row) for c in changes[:3]] == ROWS
    updated = list(ROWS[0])
    updated[3] = UPDATED_NUM
    assert changes[3].new_row == updated
    assert changes[4].old_kind == "key" and changes[4].old_row == [2] + [None] * 12
    assert [col.name for col in changes[0].schema.columns][:3] == ["id", "big", "txt"]
    assert [col.key for col in changes[0].schema.columns] == [True] + [False] * 12
    assert changes[5].new_row == [4, None, toasted] + [None] * 10
    # The update left the out-of-line text alone, so the server did not send it.
    assert changes[6].new_row == [4, 7, staging_log.UNCHANGED_TOAST] + [None] * 10
    assert changes[7].old_row is None and changes[7].new_row is None
    assert len({c.xid for c in changes}) == 8
    assert all(a.commit_lsn < b.commit_lsn for a, b in zip(changes, changes[1:]))


def damage_and_check(conn, mirror):
    """Every damaged copy of a real segment is refused; read from and written back to the
    warehouse of the test's configuration."""
    with conn.cursor() as cur:
        cur.execute("SELECT s.object_key, b.block_offset, b.block_length FROM _pg2iceberg.segment_blocks b"
                    " JOIN _pg2iceberg.segments s USING (segment_id) ORDER BY b.first_offset LIMIT 1")
        key, offset, length = cur.fetchone()
    original = mirror.read_file(key)
    assert staging_log.read_segment(original)
    for position in range(len(original)):
        damaged = bytearray(original)
        damaged[position] ^= 0x20
        with pytest.raises(SegmentError):
            staging_log.read_segment(bytes(damaged))
    for position in (offset, offset + 5, offset + 13, offset + length // 2, offset + length - 1):
        damaged = bytearray(original)
        damaged[position] ^= 0x20
        mirror.write_file(key, bytes(damaged))
        with pytest.raises(SegmentError):
            staging_log.staged_changes(conn, mirror.read_file)
    mirror.write_file(key, original)
