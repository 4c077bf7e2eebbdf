"""An independent reader of pg2iceberg's staging log, written from docs/staging-segment.md alone.

read_segment() checks a whole segment file (header, directory, trailer, every block) and decodes
every change; staged_changes() walks the coordinator's index in Postgres and reads each table's
log block by block, the way a consumer would. Any violation of the spec raises SegmentError.
"""
import dataclasses
import datetime
import decimal
import os
import struct
import typing
import uuid

import crc32c
import zstandard
from psycopg2 import sql

HEADER_MAGIC = b"P2ISEG\r\n"
END_MAGIC = b"P2IEND\r\n"
FORMAT_VERSION = 1
HEADER_BYTES = 12
TRAILER_BYTES = 16
FRAME_BYTES = 13
_DIRECTORY_ENTRY_MIN_BYTES = 1 + 4 + 8 + 8 + 1 + 1 + 1
_EPOCH_DATE = datetime.date(1970, 1, 1)
_EPOCH = datetime.datetime(1970, 1, 1)
_KINDS = {1: "insert", 2: "update", 3: "delete", 4: "truncate"}
_OLD_KINDS = {0: "none", 1: "key", 2: "full"}
_INT32 = (-(1 << 31), (1 << 31) - 1)


class SegmentError(Exception):
    """The bytes do not follow docs/staging-segment.md (or disagree with the coordinator index)."""


class _UnchangedToast:
    def __repr__(self):
        return "UNCHANGED_TOAST"


UNCHANGED_TOAST = _UnchangedToast()


class Column(typing.NamedTuple):
    name: str
    type_oid: int
    typmod: int
    key: bool


@dataclasses.dataclass(frozen=True)
class TableSchema:
    relid: int
    schema_name: str
    table_name: str
    replica_identity: str
    columns: tuple

    @property
    def qualified_name(self):
        return f"{self.schema_name}.{self.table_name}"


@dataclasses.dataclass
class StagedChange:
    xid: int
    commit_lsn: int
    end_lsn: int
    commit_time_micros: int
    kind: str
    old_kind: str
    old_row: typing.Optional[list]
    new_row: typing.Optional[list]
    schema: TableSchema


@dataclasses.dataclass
class Block:
    table: str
    relid: int
    offset: int
    length: int
    change_count: int
    first_commit_lsn: int
    last_commit_lsn: int
    changes: list = dataclasses.field(default_factory=list)


def lsn_to_int(text):
    """'0/16B3748' -> 23803720."""
    high, sep, low = text.partition("/")
    if not sep or not 0 < len(high) <= 8 or not 0 < len(low) <= 8:
        raise ValueError(f"not an LSN: {text!r}")
    return (int(high, 16) << 32) | int(low, 16)


def int_to_lsn(value):
    if not 0 <= value < 1 << 64:
        raise ValueError(f"LSN out of range: {value}")
    return f"{value >> 32:X}/{value & 0xFFFFFFFF:X}"


class _Reader:
    """Little-endian and LEB128 reads over bytes; every overrun is a SegmentError naming `what`."""

    def __init__(self, data, what):
        self.data = bytes(data)
        self.pos = 0
        self.what = what

    def fail(self, message):
        raise SegmentError(f"{self.what}: {message} (at byte {self.pos})")

    def remaining(self):
        return len(self.data) - self.pos

    def take(self, n):
        end = self.pos + n
        if end > len(self.data):
            self.fail(f"needs {n} bytes, {self.remaining()} left")
        out = self.data[self.pos:end]
        self.pos = end
        return out

    def u8(self):
        if self.pos >= len(self.data):
            self.fail("needs 1 byte, 0 left")
        self.pos += 1
        return self.data[self.pos - 1]

    def fixed(self, width):
        return int.from_bytes(self.take(width), "little")

    def varint(self):
        pos = self.pos
        if pos < len(self.data) and self.data[pos] < 0x80:  # the common one-byte case
            self.pos = pos + 1
            return self.data[pos]
        value = 0
        for i in range(10):
            byte = self.u8()
            if i == 9 and byte > 1:
                self.fail("varint does not fit in 64 bits")
            value |= (byte & 0x7F) << (7 * i)
            if not byte & 0x80:
                return value
        self.fail("varint longer than 10 bytes")

    def zigzag(self, bounds=None):
        raw = self.varint()
        value = (raw >> 1) ^ -(raw & 1)
        if bounds and not bounds[0] <= value <= bounds[1]:
            self.fail(f"value {value} out of range {bounds}")
        return value

    def count(self, min_bytes_each, what):
        n = self.varint()
        if n * min_bytes_each > self.remaining():
            self.fail(f"{what} count {n} does not fit the {self.remaining()} bytes left")
        return n

    def string(self):
        return self.take(self.count(1, "string length"))

    def text(self):
        raw = self.string()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            self.fail(f"invalid UTF-8: {e}")

    def flag(self, allowed, what):
        value = self.u8()
        if value not in allowed:
            self.fail(f"{what} {value} is not one of {sorted(allowed)}")
        return value

    def expect_end(self):
        if self.remaining():
            self.fail(f"{self.remaining()} bytes left over")


def _numeric_scale(column):
    if column.typmod < 4:
        raise SegmentError(f"column {column.name!r}: decimal value but typmod {column.typmod} has no scale")
    scale = (column.typmod - 4) & 0x7FF
    return scale - 0x800 if scale & 0x400 else scale  # PG15 allows negative scales (11-bit signed)


def _decimal(r, column):
    n = r.u8()
    if not 1 <= n <= 16:
        r.fail(f"decimal width {n} not in 1..16")
    unscaled = int.from_bytes(r.take(n), "big", signed=True)
    magnitude = unscaled if unscaled >= 0 else ~unscaled
    if n != max(1, (magnitude.bit_length() + 8) // 8):
        r.fail(f"decimal {unscaled} stored in {n} bytes is not minimal")
    return decimal.Decimal(unscaled).scaleb(-_numeric_scale(column))


def _date(days):
    try:
        return _EPOCH_DATE + datetime.timedelta(days=days)
    except OverflowError:
        return ("date", days)


def _time(micros):
    if not 0 <= micros < 86_400_000_000:
        return ("time", micros)
    seconds, micro = divmod(micros, 1_000_000)
    return datetime.time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro)


def _timestamp(micros, tz):
    try:
        value = _EPOCH + datetime.timedelta(microseconds=micros)
    except OverflowError:
        return ("timestamptz" if tz else "timestamp", micros)
    return value.replace(tzinfo=datetime.timezone.utc) if tz else value


# Value tag -> reader of its payload (docs/staging-segment.md, "Value"); lists (tag 15) are
# read by _list, into Python lists whose decimals take the scale of the array column.
_VALUES = {
    0: lambda r, column: None,
    1: lambda r, column: UNCHANGED_TOAST,
    2: lambda r, column: r.flag({0, 1}, "bool") == 1,
    3: lambda r, column: r.zigzag(_INT32),
    4: lambda r, column: r.zigzag(),
    5: lambda r, column: struct.unpack("<f", r.take(4))[0],
    6: lambda r, column: struct.unpack("<d", r.take(8))[0],
    7: _decimal,
    8: lambda r, column: r.text(),
    9: lambda r, column: r.string(),
    10: lambda r, column: _date(r.zigzag(_INT32)),
    11: lambda r, column: _time(r.zigzag()),
    12: lambda r, column: _timestamp(r.zigzag(), tz=False),
    13: lambda r, column: _timestamp(r.zigzag(), tz=True),
    14: lambda r, column: uuid.UUID(bytes=r.take(16)),
}


_LIST_TAG = 15
_MAX_LIST_DEPTH = 6


def _list(r, column, depth):
    """A list (a Postgres array) as a Python list; `depth` lists enclose it."""
    if depth >= _MAX_LIST_DEPTH:
        r.fail(f"list nested deeper than {_MAX_LIST_DEPTH}")
    out, kind = [], None
    for _ in range(r.count(1, "list element")):
        tag = r.u8()
        if tag == 1:
            r.fail("unchanged TOAST inside a list")
        if tag != 0:
            if kind is not None and tag != kind:
                r.fail(f"list mixes value tags {kind} and {tag}")
            kind = tag
        out.append(_tagged(r, tag, column, depth + 1))
    return out


def _tagged(r, tag, column, depth):
    if tag == _LIST_TAG:
        return _list(r, column, depth)
    if tag not in _VALUES:
        r.fail(f"unknown value tag {tag}")
    return _VALUES[tag](r, column)


def _value(r, column):
    return _tagged(r, r.u8(), column, 0)


def _row(r, schema):
    n = r.varint()
    if n != len(schema.columns):
        r.fail(f"row of {n} values for a schema of {len(schema.columns)} columns")
    return [_value(r, column) for column in schema.columns]


def _schema(r):
    relid = r.fixed(4)
    schema_name, table_name = r.text(), r.text()
    identity = chr(r.flag({ord(c) for c in "dfin"}, "replica identity"))
    columns = []
    for _ in range(r.count(7, "column")):
        name = r.text()
        type_oid = r.fixed(4)
        typmod = r.zigzag(_INT32)
        key = r.flag({0, 1}, "key flag") == 1
        columns.append(Column(name, type_oid, typmod, key))
    return TableSchema(relid, schema_name, table_name, identity, tuple(columns))


def _change(r, schemas, commit):
    kind = _KINDS.get(r.u8()) or r.fail("unknown change kind")
    index = r.varint()
    if index >= len(schemas):
        r.fail(f"schema index {index} of {len(schemas)} schemas")
    schema = schemas[index]
    old_kind = _OLD_KINDS.get(r.u8()) or r.fail("unknown old row kind")
    old_row = _row(r, schema) if old_kind != "none" else None
    if old_kind == "key" and any(v is not None for v, c in zip(old_row, schema.columns) if not c.key):
        r.fail("key-only old row has a value in a non-key column")
    new_row = _row(r, schema) if kind in ("insert", "update") else None
    return StagedChange(*commit, kind, old_kind, old_row, new_row, schema)


def decode_payload(payload):
    """Decodes an uncompressed block payload into its changes."""
    r = _Reader(payload, "block payload")
    schemas = [_schema(r) for _ in range(r.count(1, "schema"))]
    if not schemas:
        r.fail("no schema")
    if len({s.relid for s in schemas}) != 1 or len(set(schemas)) != len(schemas):
        r.fail("schemas must share one relid and be distinct")
    changes, commit = [], None
    for _ in range(r.count(1, "change")):
        if r.flag({0, 1}, "commit marker"):
            xid = r.varint()
            if xid >= 1 << 32:
                r.fail(f"xid {xid} exceeds 32 bits")
            commit = (xid, r.varint(), r.varint(), r.zigzag())
        elif commit is None:
            r.fail("the first change has no commit info")
        if changes and commit[1] < changes[-1].commit_lsn:
            r.fail("commit LSNs go backwards")
        changes.append(_change(r, schemas, commit))
    if not changes:
        r.fail("no change")
    r.expect_end()
    return changes


def _payload(block):
    if len(block) < FRAME_BYTES:
        raise SegmentError(f"block of {len(block)} bytes is shorter than its {FRAME_BYTES}-byte frame")
    compression = block[0]
    uncompressed, stored, checksum = struct.unpack_from("<III", block, 1)
    if stored != len(block) - FRAME_BYTES:
        raise SegmentError(f"block stored length {stored} but {len(block) - FRAME_BYTES} bytes follow the frame")
    if crc32c.crc32c(block[:9] + block[FRAME_BYTES:]) != checksum:
        raise SegmentError("block checksum mismatch")
    body = bytes(block[FRAME_BYTES:])
    if compression == 0:
        if uncompressed != stored:
            raise SegmentError(f"uncompressed block with lengths {uncompressed} != {stored}")
        return body
    if compression != 1:
        raise SegmentError(f"unknown block compression {compression}")
    try:
        size = zstandard.get_frame_parameters(body).content_size
        if size != uncompressed:
            raise SegmentError(f"zstd frame content size {size} != uncompressed length {uncompressed}")
        inflater = zstandard.ZstdDecompressor().decompressobj()
        payload = inflater.decompress(body)
    except zstandard.ZstdError as e:
        raise SegmentError(f"zstd: {e}") from e
    if not inflater.eof or inflater.unused_data or len(payload) != uncompressed:
        raise SegmentError("stored bytes are not exactly one zstd frame of the uncompressed length")
    return payload


def decode_block(block):
    """Checks one block, given exactly [offset, offset + length) of its file; returns its changes."""
    return decode_payload(_payload(block))


def read_directory(data):
    """Checks header, trailer and directory; returns Blocks without changes."""
    if len(data) < HEADER_BYTES + TRAILER_BYTES:
        raise SegmentError(f"file of {len(data)} bytes is too short for a segment")
    if data[:8] != HEADER_MAGIC:
        raise SegmentError("not a pg2iceberg segment (bad magic)")
    version, flags = struct.unpack_from("<HH", data, 8)
    if version > FORMAT_VERSION:
        raise SegmentError(f"segment format version {version} is newer than this pg2iceberg reads")
    if version != FORMAT_VERSION or flags != 0:
        raise SegmentError(f"invalid segment version {version} / flags {flags}")
    if data[-8:] != END_MAGIC:
        raise SegmentError("bad end magic (truncated segment?)")
    checksum, length = struct.unpack_from("<II", data, len(data) - TRAILER_BYTES)
    if length > len(data) - HEADER_BYTES - TRAILER_BYTES:
        raise SegmentError(f"directory length {length} exceeds the file")
    start = len(data) - TRAILER_BYTES - length
    directory = bytes(data[start:start + length])
    if crc32c.crc32c(directory) != checksum:
        raise SegmentError("directory checksum mismatch")
    return _directory_entries(_Reader(directory, "segment directory"), start)


def _directory_entries(r, directory_start):
    blocks, end, relids = [], HEADER_BYTES, set()
    for _ in range(r.count(_DIRECTORY_ENTRY_MIN_BYTES, "block")):
        block = Block(r.text(), r.fixed(4), r.fixed(8), r.fixed(8), r.varint(), r.varint(), r.varint())
        if block.offset != end or block.length < FRAME_BYTES or block.change_count < 1:
            r.fail(f"block at {block.offset} (length {block.length}, {block.change_count} changes)"
                   f" does not follow the previous one ending at {end}")
        if block.relid in relids:
            r.fail(f"relid {block.relid} listed twice")
        if block.first_commit_lsn > block.last_commit_lsn:
            r.fail("block's first commit LSN is after its last")
        relids.add(block.relid)
        end += block.length
        blocks.append(block)
    r.expect_end()
    if end != directory_start:
        r.fail(f"blocks end at {end}, the directory starts at {directory_start}")
    return blocks


def check_block(block, changes):
    """The directory (or index) entry `block` agrees with the block's decoded `changes`."""
    first, last = changes[0], changes[-1]
    facts = [("change count", block.change_count, len(changes)),
             ("relid", block.relid, first.schema.relid),
             ("table", block.table, first.schema.qualified_name),
             ("first commit LSN", block.first_commit_lsn, first.commit_lsn),
             ("last commit LSN", block.last_commit_lsn, last.commit_lsn)]
    for what, listed, found in facts:
        if listed != found:
            raise SegmentError(f"block at {block.offset}: {what} listed as {listed}, block holds {found}")


def read_segment(data):
    """Every Block of a segment file, each with its decoded changes."""
    blocks = read_directory(data)
    for block in blocks:
        block.changes = decode_block(data[block.offset:block.offset + block.length])
        check_block(block, block.changes)
    return blocks


_INDEX_QUERY = """
SELECT t.schema_name, t.table_name, t.relid, t.next_offset, b.first_offset, b.change_count,
       b.block_offset, b.block_length, b.first_commit_lsn::text, b.last_commit_lsn::text,
       s.object_key, s.size_bytes, s.group_name
FROM {s}.tables t
LEFT JOIN {s}.segment_blocks b ON b.table_id = t.table_id
LEFT JOIN {s}.segments s ON s.segment_id = b.segment_id
WHERE t.group_name = %s
ORDER BY t.schema_name, t.table_name, b.first_offset"""


def _index_rows(conn, schema, group):
    with conn.cursor() as cur:
        cur.execute(sql.SQL(_INDEX_QUERY).format(s=sql.Identifier(schema)), (group,))
        return cur.fetchall()


class _SegmentFiles:
    """Segment files of a warehouse, each read and its directory checked once."""

    def __init__(self, warehouse):
        if callable(warehouse):
            self.read = warehouse
        else:
            root = warehouse.removeprefix("file://")
            self.read = lambda key: open(os.path.join(root, key), "rb").read()
        self.cache = {}

    def get(self, key, size):
        if key not in self.cache:
            data = self.read(key)
            if len(data) != size:
                raise SegmentError(f"{key}: {len(data)} bytes, the index says {size}")
            self.cache[key] = (data, {b.offset: b for b in read_directory(data)})
        return self.cache[key]


def staged_changes(conn, warehouse_dir, schema="_pg2iceberg", group="default"):
    """{"schema.table": [(offset, StagedChange)]} for every table of `group`, from the index.
    `warehouse_dir` is a local warehouse directory, or a function from object key to bytes."""
    files, result, ends = _SegmentFiles(warehouse_dir), {}, {}
    for row in _index_rows(conn, schema, group):
        (schema_name, table_name, relid, next_offset, first_offset, count, block_offset, block_length,
         first_lsn, last_lsn, key, size, segment_group) = row
        table = f"{schema_name}.{table_name}"
        log = result.setdefault(table, [])
        ends.setdefault(table, (next_offset, None))
        if first_offset is None:
            continue
        where = f"{table} block at offset {first_offset} ({key} bytes {block_offset}+{block_length})"
        expected_offset = ends[table][1]
        if segment_group != group or (expected_offset is not None and first_offset != expected_offset):
            raise SegmentError(f"{where}: expected group {group}, offset {expected_offset}")
        data, directory = files.get(key, size)
        listed = Block(table, int(relid), block_offset, block_length, count, lsn_to_int(first_lsn),
                       lsn_to_int(last_lsn))
        entry = directory.get(block_offset)
        if entry is None or dataclasses.astuple(entry)[:7] != dataclasses.astuple(listed)[:7]:
            raise SegmentError(f"{where}: the index says {listed}, the segment directory says {entry}")
        changes = decode_block(data[block_offset:block_offset + block_length])
        check_block(listed, changes)
        log.extend((first_offset + i, change) for i, change in enumerate(changes))
        ends[table] = (next_offset, first_offset + count)
    for table, (next_offset, end) in ends.items():
        if end is not None and end != next_offset:
            raise SegmentError(f"{table}: blocks end at offset {end}, tables.next_offset is {next_offset}")
    return result
