"""Seed corpora for the fuzz targets pgoutput, pg_value and copy_binary, taken from the real
output of a PostgreSQL 15 server (the input layouts are in the comment atop each <name>_fuzz.cc):

  corpus/pgoutput/     the replication streams of four pgoutput slots (protocol 1, protocol 2
                       with streaming, each in text and binary form) over a workload on public.t
                       and an unmirrored table: inserts, updates (one leaving a TOASTed value
                       unchanged), key changes, deletes, TRUNCATE, an origin, REPLICA IDENTITY
                       FULL, logical messages, and streamed transactions with a rolled-back
                       savepoint, an ADD COLUMN mid-stream and a whole rollback. Cut into
                       sequences of at most 8 KB, as raw pgoutput messages and as CopyData.
  corpus/pg_value/     values of every type pg/value_decoding.h and pg/mapped_values.h decode
                       (and arrays and ranges of them): the output and send functions' bytes.
  corpus/copy_binary/  `COPY … TO STDOUT (FORMAT binary)` of a few row sets with the columns of
                       copy_binary_fuzz.cc.

Seeds are named by the SHA-1 of their content, as libFuzzer names them; the three directories
are emptied first, so the script can be re-run. It needs a throwaway server with
wal_level=logical (it creates tables, slots, a publication and an origin, and sets
logical_decoding_work_mem for the whole server), which scripts/with_postgres.py provides:

    .venv/bin/python scripts/with_postgres.py -- \\
        .venv/bin/python fuzz/corpus_from_postgres.py
"""
import hashlib
import io
import pathlib
import select
import struct
import sys
import time
from dataclasses import dataclass

import psycopg2
import psycopg2.extras

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"
MAX_SEED_BYTES = 8192
# pgoutput seeds gather whole units up to this size (one unit alone may fill MAX_SEED_BYTES),
# so that more seeds start at different points of the stream.
PGOUTPUT_PACK_BYTES = 4096
PG_EPOCH_UNIX_MICROS = 946_684_800_000_000

# Capture's replication session settings (src/pg/source_connection.cc): the text forms
# text_values.h and mapped_values.h parse are what a session with them prints.
SESSION_OPTIONS = ("-c client_encoding=UTF8 -c datestyle=ISO,YMD -c timezone=UTC "
                   "-c extra_float_digits=3 -c bytea_output=hex -c intervalstyle=postgres "
                   "-c lc_monetary=C")


def connect():
    """A connection to the server the PG* environment variables name, in capture's settings."""
    conn = psycopg2.connect("", options=SESSION_OPTIONS)
    conn.autocommit = True
    return conn


def execute(conn, *statements):
    with conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)


def in_transaction(conn, *statements):
    execute(conn, "BEGIN", *statements, "COMMIT")


def reset_corpus(target):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.iterdir():
        if path.is_file():
            path.unlink()
    return directory


def write_seeds(target, seeds):
    directory = reset_corpus(target)
    seeds = set(seeds)  # the same transaction can come out alike from two slots
    for seed in seeds:
        (directory / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    print(f"{target}: {len(seeds)} seeds, {sum(map(len, seeds))} bytes", flush=True)


# --- pgoutput ------------------------------------------------------------------------------

SCHEMA_SQL = [
    "DROP PUBLICATION IF EXISTS corpus_pub",
    "DROP TABLE IF EXISTS public.t, public.other, public.filler",
    "DROP TYPE IF EXISTS public.mood",
    # An enum makes pgoutput send a Type message before the unmirrored table's Relation.
    "CREATE TYPE public.mood AS ENUM ('happy', 'sad')",
    """CREATE TABLE public.t (
         id int8 PRIMARY KEY, b bool, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8,
         n numeric(12,2), nu numeric, tx text, vc varchar(20), bin bytea, d date, tm time,
         ts timestamp, tz timestamptz, u uuid, j json, jb jsonb, iv interval, m money, ip inet,
         ia int4[], ta text[], big text)""",
    # Stored out of line uncompressed, so `big` is TOASTed and an update leaving it alone
    # sends it as 'u' (unchanged TOAST).
    "ALTER TABLE public.t ALTER COLUMN big SET STORAGE EXTERNAL",
    "CREATE TABLE public.other (k text PRIMARY KEY, mood public.mood, v int4)",
    "ALTER TABLE public.other REPLICA IDENTITY FULL",
    # Not published: its rows only fill the reorder buffer past logical_decoding_work_mem, so
    # the transaction streams while the stream itself stays small.
    "CREATE TABLE public.filler (id int4, pad text)",
    "CREATE PUBLICATION corpus_pub FOR TABLE public.t, public.other",
]

# About 2.5 KB of hex that does not compress much: more than a row's TOAST threshold.
BIG = "(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 80) g)"
ROW_TYPICAL = rf"""(1, true, 1, 100, 10000000000, 1.5, 2.25, 1234.56, 3.14159, 'hello', 'short',
    '\xdeadbeef', '2024-01-31', '12:34:56.789', '2024-01-31 12:34:56.123456',
    '2024-01-31 12:34:56.123456+05:30', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    '{{"a": [1, 2.5, null]}}', '{{"b": {{"c": "ü"}}}}', '1 year 2 mons -3 days 04:05:06.5',
    1234.56, '10.1.2.3/24', '{{1,NULL,3}}', '{{"a b","c\"d",NULL}}', {BIG})"""
ROW_EDGES = r"""(2, false, -32768, -2147483648, -9223372036854775808, '-Infinity', 'NaN',
    -9999999999.99, -0.000000000000000001, '', 'ünïcödé ✓ 日本', '\x', '0044-03-15 BC',
    '00:00:00', '1970-01-01 00:00:00', '1900-01-01 00:00:00+00',
    '00000000-0000-0000-0000-000000000000', '[]', 'null', '-178000000 years', -0.01, '::1',
    '{{1,2},{3,4}}', '{}', 'small')"""
FILL = "INSERT INTO public.filler SELECT g, repeat('x', 200) FROM generate_series(1, 600) g"
# Non-transactional messages the readers read up to: a point of the workload, and its end.
PHASE_MARKER = b"corpus-phase"
END_MARKER = b"corpus-end"


def run_workload(conn, readers):
    """The changes the slots decode, one transaction after another."""
    in_transaction(
        conn, f"INSERT INTO public.t VALUES {ROW_TYPICAL}, {ROW_EDGES}",
        "INSERT INTO public.t (id) VALUES (3)",
        "INSERT INTO public.other VALUES ('a', 'happy', 1), ('b', 'sad', 2)")
    in_transaction(
        conn, "UPDATE public.t SET i4 = i4 + 1, tx = 'updated' WHERE id = 1",  # big: 'u'
        "UPDATE public.t SET id = 20 WHERE id = 2",  # a key change: old key 'K'
        "DELETE FROM public.t WHERE id = 3",
        "UPDATE public.other SET v = v + 1", "DELETE FROM public.other WHERE k = 'b'")
    execute(conn, "SELECT pg_logical_emit_message(false, 'pg2iceberg', 'not transactional')")
    in_transaction(
        conn, "INSERT INTO public.t (id, i4, tx) VALUES (4, 4, 'with a message')",
        r"SELECT pg_logical_emit_message(true, 'pg2iceberg', '\x00ff'::bytea)")
    run_streamed_commit(conn)
    run_streamed_rollback(conn, readers)
    # A transaction replayed from elsewhere: its Begin is followed by an Origin message.
    execute(conn, "SELECT pg_replication_origin_create('corpus_origin')",
            "SELECT pg_replication_origin_session_setup('corpus_origin')")
    in_transaction(
        conn, "SELECT pg_replication_origin_xact_setup('0/12345678', now())",
        "INSERT INTO public.t (id, i4, tx) VALUES (5, 5, 'from an origin')")
    execute(conn, "SELECT pg_replication_origin_session_reset()")
    # Old rows in full ('O') on update and delete.
    execute(conn, "ALTER TABLE public.t REPLICA IDENTITY FULL")
    in_transaction(conn, "UPDATE public.t SET f8 = f8 * 2 WHERE id = 1",
                   "DELETE FROM public.t WHERE id = 4")
    execute(conn, "ALTER TABLE public.t REPLICA IDENTITY DEFAULT")
    in_transaction(conn, "TRUNCATE public.t, public.other RESTART IDENTITY CASCADE")
    in_transaction(conn, f"INSERT INTO public.t VALUES {ROW_TYPICAL}, {ROW_EDGES}")
    in_transaction(conn, "TRUNCATE public.other")
    # Values Iceberg cannot hold exactly (capture stops on them): last, so they end a seed.
    in_transaction(conn, "INSERT INTO public.t (id, nu, d) VALUES (7, 'NaN', 'infinity')")
    execute(conn, f"SELECT pg_logical_emit_message(false, '{END_MARKER.decode()}', '')")


def run_streamed_commit(conn):
    """A transaction past logical_decoding_work_mem, which protocol 2 streams in blocks."""
    in_transaction(
        conn, "INSERT INTO public.t (id, i4, tx) VALUES (100, 1, 'streamed'), (101, 2, 'x')",
        FILL, "UPDATE public.t SET tx = 'streamed, updated' WHERE id = 100",
        # The savepoint's changes are streamed before it rolls back: a Stream Abort of the
        # subtransaction.
        "SAVEPOINT s1", "INSERT INTO public.t (id, i4) VALUES (102, 3)",
        "DELETE FROM public.t WHERE id = 101", FILL, "ROLLBACK TO SAVEPOINT s1",
        "SAVEPOINT s2", "INSERT INTO public.t (id, i4) VALUES (103, 4)", "RELEASE SAVEPOINT s2",
        # A new Relation message for t inside the stream.
        "ALTER TABLE public.t ADD COLUMN extra int4",
        "INSERT INTO public.t (id, i4, extra) VALUES (104, 5, 44)",
        "SELECT pg_logical_emit_message(true, 'pg2iceberg', 'in a streamed transaction')",
        "SELECT pg_logical_emit_message(false, 'pg2iceberg', 'sent at once')", FILL)


def run_streamed_rollback(conn, readers):
    """A streamed transaction rolled back as a whole. A walsender stops streaming a transaction
    it finds already aborted (at its first catalog lookup), so the slots read its blocks while
    it is open, and only then does it roll back."""
    session = connect()
    try:
        execute(session, "BEGIN",
                "INSERT INTO public.t (id, i4, tx) VALUES (200, 1, 'rolled back')",
                "UPDATE public.t SET i4 = 0 WHERE id = 1", FILL)
        execute(conn, f"SELECT pg_logical_emit_message(false, '{PHASE_MARKER.decode()}', '')")
        for reader in readers:
            reader.read_until(PHASE_MARKER)
        execute(session, "ROLLBACK")
    finally:
        session.close()


# The four slots: their START_REPLICATION options, and the framings their seeds get (bit 0 of
# the flag byte: whole CopyData messages). Protocol 1 has one each, as its transactions are
# also in the streams of protocol 2, which has both.
VARIANTS = {
    "corpus_v1_text": ({"proto_version": "1"}, (False,)),
    "corpus_v1_binary": ({"proto_version": "1", "binary": "true"}, (True,)),
    "corpus_v2_stream_text": ({"proto_version": "2", "streaming": "on"}, (False, True)),
    "corpus_v2_stream_binary": (
        {"proto_version": "2", "streaming": "on", "binary": "true"}, (False, True)),
}


@dataclass
class Frame:
    """One XLogData message as received: its header fields and pgoutput payload."""
    data_start: int
    wal_end: int
    send_time: int  # microseconds since 2000-01-01
    payload: bytes

    def copy_data(self, payload=None):
        payload = self.payload if payload is None else payload
        return (b"w" + struct.pack(">QQq", self.data_start, self.wal_end, self.send_time)
                + payload)

    def keepalive(self, reply_requested):
        return b"k" + struct.pack(">Qq?", self.wal_end, self.send_time, reply_requested)


def pg_micros(send_time):
    # psycopg2 hands send_time over as a naive local datetime built from a Unix timestamp.
    return round(send_time.timestamp() * 1_000_000) - PG_EPOCH_UNIX_MICROS


class StreamReader:
    """A slot's replication connection (psycopg2 answers the keepalives), read a marker at a
    time."""

    def __init__(self, slot, options):
        self.slot = slot
        self.conn = psycopg2.connect(
            "", options=SESSION_OPTIONS,
            connection_factory=psycopg2.extras.LogicalReplicationConnection)
        self.cur = self.conn.cursor()
        self.cur.start_replication(slot_name=slot, decode=False, options=dict(
            options, publication_names="corpus_pub", messages="true"))
        self.frames = []

    def read_until(self, marker, timeout_s=120):
        """Reads up to and including the non-transactional message carrying `marker`."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            msg = self.cur.read_message()
            if msg is None:
                select.select([self.cur], [], [], 1.0)
                continue
            self.frames.append(Frame(msg.data_start, msg.wal_end, pg_micros(msg.send_time),
                                     bytes(msg.payload)))
            if msg.payload[:1] == b"M" and marker in msg.payload:
                return
        raise RuntimeError(f"slot {self.slot}: no {marker} after {len(self.frames)} messages")

    def close(self):
        self.conn.close()


@dataclass
class Message:
    """A frame with what seeding needs from its pgoutput message."""
    frame: Frame
    kind: str
    stream_xid: bytes = b""  # the xid field of a change inside a Stream Start … Stop block
    relids: tuple = ()       # the relations a change or Relation message is about
    starts_seed: bool = False  # Begin, first Stream Start, or a message outside transactions
    ends_unit: bool = False    # the assembler is idle after it


def parse_stream(frames):
    """Tags each frame, tracking the Stream Start … Stop blocks the xid fields depend on."""
    messages, in_block, in_txn = [], False, False
    for frame in frames:
        p = frame.payload
        kind = chr(p[0])
        m = Message(frame, kind)
        body = 1
        if in_block and kind in "RYIUDTM":
            m.stream_xid, body = p[1:5], 5
        if kind in "RIUD":
            m.relids = (struct.unpack_from(">I", p, body)[0],)
        elif kind == "T":
            count = struct.unpack_from(">I", p, body)[0]
            m.relids = struct.unpack_from(f">{count}I", p, body + 5)
        if kind == "B":
            m.starts_seed, in_txn = True, True
        elif kind == "S":
            m.starts_seed, in_block = p[5] == 1, True
        elif kind in "CE":
            in_txn = in_block = False
        idle = not (in_txn or in_block)
        m.ends_unit = idle
        if kind == "M" and idle:
            m.starts_seed = True
        messages.append(m)
    return messages


def relation_body(message):
    """A Relation message without its type byte and xid."""
    return message.frame.payload[1 + len(message.stream_xid):]


def render_seed(messages, start, end, copy_data):
    """The seed of messages[start:end], as the fuzz target reads it.

    A fresh walsender describes each relation before its first change, but the stream was read
    in one session, so a seed starting later would lack the Relation (and Type) messages sent
    earlier: they are put back, from the real stream, before the seed's first change of each
    relation, in the form the position needs (with the change's xid inside a stream block)."""
    relations, types_before = {}, {}
    pending_types = []
    for m in messages[:start]:
        if m.kind == "Y":
            pending_types.append(m)
        elif m.kind == "R":
            relations[m.relids[0]], types_before[m.relids[0]] = m, pending_types
            pending_types = []
    parts, described = [], set()

    def add(frame, payload):
        parts.append(frame.copy_data(payload) if copy_data else payload)

    for m in messages[start:end]:
        if m.kind == "R":
            described.add(m.relids[0])
        elif m.kind in "IUDT":
            for relid in m.relids:
                if relid in described or relid not in relations:
                    continue
                for y in types_before[relid]:
                    add(m.frame, b"Y" + m.stream_xid + y.frame.payload[1 + len(y.stream_xid):])
                add(m.frame, b"R" + m.stream_xid + relation_body(relations[relid]))
                described.add(relid)
        add(m.frame, m.frame.payload)
    if copy_data:
        # psycopg2 answers keepalives itself; these two carry the positions of real frames.
        parts.insert(0, messages[start].frame.keepalive(False))
        parts.append(messages[end - 1].frame.keepalive(True))
    return b"".join(struct.pack(">H", len(p)) + p for p in parts)


def pgoutput_seeds(messages, relid, copy_data):
    """Consecutive runs of whole units (transactions, stream blocks, messages outside them) of
    up to PGOUTPUT_PACK_BYTES, or a single unit of up to MAX_SEED_BYTES; a unit too big for
    that is cut to the longest prefix that fits."""
    header = struct.pack(">BI", 1 if copy_data else 0, relid)
    seeds, start = [], 0
    for _ in range(len(messages)):  # each round consumes at least one message
        while start < len(messages) and not messages[start].starts_seed:
            start += 1
        if start == len(messages):
            break
        best = None
        for end in range(start + 1, len(messages) + 1):
            seed = header + render_seed(messages, start, end, copy_data)
            if len(seed) > MAX_SEED_BYTES:
                break
            if messages[end - 1].ends_unit:
                if best is not None and best[1] and len(seed) > PGOUTPUT_PACK_BYTES:
                    break
                best = (seed, True, end)
            elif best is None or not best[1]:
                best = (seed, False, end)
        if best is None:
            start += 1  # a single message over the limit
            continue
        seeds.append(best[0])
        start = best[2]
    return seeds


def drop_slots_and_origin(conn):
    execute(conn, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                  "WHERE slot_name LIKE 'corpus\\_%'",
            "SELECT pg_replication_origin_drop(roname) FROM pg_replication_origin "
            "WHERE roname = 'corpus_origin'")


def capture_pgoutput(conn):
    execute(conn, "ALTER SYSTEM SET logical_decoding_work_mem = '64kB'", "SELECT pg_reload_conf()")
    execute(conn, *SCHEMA_SQL)
    drop_slots_and_origin(conn)  # of an earlier run against the same server
    for slot in VARIANTS:
        execute(conn, f"SELECT pg_create_logical_replication_slot('{slot}', 'pgoutput')")
    with conn.cursor() as cur:
        cur.execute("SELECT 'public.t'::regclass::oid")
        relid = cur.fetchone()[0]
    readers = [StreamReader(slot, options) for slot, (options, _) in VARIANTS.items()]
    try:
        run_workload(conn, readers)
        for reader in readers:
            reader.read_until(END_MARKER)
    finally:
        for reader in readers:
            reader.close()
    seeds = []
    for reader, (_, framings) in zip(readers, VARIANTS.values()):
        messages = parse_stream(reader.frames)
        kinds = "".join(m.kind for m in messages)
        print(f"{reader.slot}: {len(messages)} messages {kinds}", flush=True)
        for copy_data in framings:
            seeds += pgoutput_seeds(messages, relid, copy_data)
    drop_slots_and_origin(conn)
    execute(conn, "ALTER SYSTEM RESET logical_decoding_work_mem", "SELECT pg_reload_conf()")
    return seeds


# --- pg_value ------------------------------------------------------------------------------

# Per column type (as declared, so the type modifier is the real atttypmod): SQL expressions of
# values. The edges: extremes, zero, negatives, NaN and infinities, empty, unicode.
SCALARS = {
    "bool": ["true", "false"],
    "bytea": [r"'\x'", r"'\xdeadbeef00'", "decode(repeat('ab', 40), 'hex')"],
    '"char"': ["'a'", "''"],
    "name": ["'pg_catalog'", "'ünï'"],
    "int8": ["0", "-9223372036854775808", "9223372036854775807"],
    "int2": ["-32768", "32767", "0"],
    "int4": ["-2147483648", "2147483647", "0"],
    "text": ["''", "'hello'", "'ünïcödé ✓ 日本 🎉'", "E'tab\\tnew\\nline \"q\" \\\\'"],
    "oid": ["0", "4294967295"],
    "json": ["'{\"a\": [1, 2.5, null, \"x\"]}'", "'[]'", "'\"é\"'"],
    "float4": ["'-0'", "3.4028235e38", "1.4e-45", "'NaN'", "'-Infinity'", "0.1"],
    "float8": ["0", "'-0'", "1.7976931348623157e308", "5e-324", "'NaN'", "'Infinity'",
               "0.1"],
    "bpchar(5)": ["'ab'", "''"],
    "bpchar": ["'x'"],
    "varchar(20)": ["''", "'ünï ✓'"],
    "varchar": ["'unbounded'"],
    "date": ["'2024-01-31'", "'1970-01-01'", "'0044-03-15 BC'", "'infinity'", "'-infinity'",
             "'5874897-12-31'"],
    "time": ["'00:00:00'", "'12:34:56.789'", "'23:59:59.999999'", "'24:00:00'"],
    "time(3)": ["'12:34:56.789'"],
    "timestamp": ["'2024-01-31 12:34:56.123456'", "'1970-01-01 00:00:00'",
                  "'0044-03-15 12:00:00 BC'", "'infinity'", "'-infinity'",
                  "'294276-12-31 23:59:59.999999'"],
    "timestamptz": ["'2024-01-31 12:34:56.123456+05:30'", "'1900-01-01 00:00:00+00'",
                    "'infinity'", "'-infinity'", "'294276-12-31 23:59:59.999999+00'"],
    "timetz": ["'12:34:56.5+05:30'", "'00:00:00+00'", "'24:00:00+00'", "'23:59:59-15:59'",
               "'01:02:03+01:02:03'"],
    "numeric(12,2)": ["0", "-0.01", "1234567890.12", "-9999999999.99", "'NaN'"],
    "numeric": ["0", "3.14159", "-0.000000000000000001", "99999999999999999999.999999999999999999",
                "12345678901234567890.123456789012345678", "'NaN'", "'Infinity'", "'-Infinity'",
                "1e100", "0.0000000000000000000001"],
    "numeric(38,0)": ["99999999999999999999999999999999999999", "-1"],
    "numeric(40,5)": ["123456789012345678901234567890.12345", "-0.00001"],
    "numeric(5,-2)": ["1234500"],
    "uuid": ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'00000000-0000-0000-0000-000000000000'"],
    "jsonb": ["'{\"b\": [1, {\"c\": null}], \"a\": \"ü\"}'", "'null'", "'12.5'"],
    "xml": ["'<a x=\"1\">text &amp; more</a>'", "'plain'"],
    "cidr": ["'10.0.0.0/8'", "'2001:db8::/32'"],
    "inet": ["'10.1.2.3'", "'10.1.2.3/24'", "'2001:db8::1/64'", "'::ffff:1.2.3.4'"],
    "macaddr8": ["'08:00:2b:01:02:03:04:05'", "'08:00:2b:01:02:03'"],
    "money": ["1234.56", "-0.01", "'92233720368547758.07'", "'-92233720368547758.08'"],
    "macaddr": ["'08:00:2b:01:02:03'"],
    "interval": ["'1 year 2 mons -3 days 04:05:06.5'", "'0'", "'-178000000 years'",
                 "'1 day -00:00:01'", "'00:00:00.000001'",
                 "'178956970 years 7 mons 2147483647 days 2147483647 hours'",
                 # The least interval, whose output its own input refuses (hours over int32).
                 "interval '-178956970 years -8 mons -2147483648 days -2147483647 hours'"
                 " + interval '-414564141:00:54.775808'"],
    "bit(4)": ["B'0101'"],
    "bit(1)": ["B'1'"],
    "varbit": ["B''", "B'101010101'"],
    "pg_lsn": ["'16/B374D848'", "'0/0'", "'FFFFFFFF/FFFFFFFF'"],
    "int4range": ["'[1,10)'", "'empty'", "'(,5]'"],
    "int8range": ["'[-9223372036854775808,0)'", "'(,)'"],
    "numrange": ["'[1.5,2.5]'", "'(,)'", "'(-0.001,1e20)'"],
    "daterange": ["'[2024-01-01,2024-12-31]'", "'empty'", "'[-infinity,2000-01-01)'"],
    "tsrange": ["'[2024-01-01 00:00:00,2024-02-01 00:00:00)'", "'(,infinity]'"],
    "tstzrange": ["'[2024-01-01 00:00:00+05,)'", "'[1999-12-31 23:59:59.999999+00,2000-01-01)'"],
}

# Element types of the arrays array_values.h knows, with two element values each.
ARRAY_ELEMENTS = {
    "bool": ["true", "false"], "bytea": [r"'\x00'", r"'\x'"], "name": ["'a b'", "'NULL'"],
    "int2": ["-1", "2"], "int4": ["1", "-2147483648"], "text": ["'a,b'", "'c\"d\\\\'"],
    "bpchar(3)": ["'x'", "'{y}'"], "varchar(20)": ["''", "'ü ✓'"], "int8": ["1", "-1"],
    "float4": ["'NaN'", "1.5"], "float8": ["'-Infinity'", "0.1"], "oid": ["0", "4294967295"],
    "timestamp": ["'2024-01-31 12:34:56.5'", "'1970-01-01'"], "date": ["'2024-01-31'",
    "'0001-01-01 BC'"], "time": ["'12:00'", "'23:59:59.999999'"],
    "timestamptz": ["'2024-01-31 12:34:56+05:30'", "'2000-01-01 00:00:00+00'"],
    "numeric(12,2)": ["1.5", "-0.01"], "json": ["'{\"a\": 1}'", "'[1, \"x\"]'"],
    "uuid": ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'00000000-0000-0000-0000-000000000001'"],
    "jsonb": ["'{\"a\": [1]}'", "'\"s\"'"], "timetz": ["'12:34:56+05:30'", "'00:00:00-01'"],
    "interval": ["'1 day'", "'-1 mon 00:00:01'"], "inet": ["'10.0.0.1'", "'::1/64'"],
    "cidr": ["'10.0.0.0/8'", "'::/0'"], "macaddr": ["'08:00:2b:01:02:03'", "'00:00:00:00:00:00'"],
    "macaddr8": ["'08:00:2b:01:02:03:04:05'", "'00:00:00:00:00:00:00:00'"],
    "money": ["1.25", "-3"], "bit(2)": ["B'01'", "B'10'"], "varbit": ["B''", "B'1'"],
    "xml": ["'<a/>'", "'b'"], "pg_lsn": ["'0/1'", "'A/B'"],
    "int4range": ["'[1,2)'", "'empty'"], "numrange": ["'(,1.5]'", "'[0,0]'"],
    "tsrange": ["'[2024-01-01,)'", "'empty'"], "tstzrange": ["'(,2024-01-01 00:00+00)'", "'empty'"],
    "daterange": ["'[2024-01-01,2024-01-02)'", "'(,)'"], "int8range": ["'[1,)'", "'[0,0]'"],
}


def array_values(element, a, b):
    """A 1-D array with a NULL, then one of: 2-D with a NULL, empty, lower bound 0, 3-D (by
    element, so every shape appears without each type carrying all of them)."""
    t = f"{element}[]"
    shapes = [f"ARRAY[[{a}, {b}], [{b}, NULL]]::{t}",
              f"'{{}}'::{t}",
              f"('[0:1]=' || array_out(ARRAY[{a}, {b}]::{t})::text)::{t}",
              f"ARRAY[[[{a}], [{b}]], [[NULL], [{a}]]]::{t}"]
    index = list(ARRAY_ELEMENTS).index(element)
    return [f"ARRAY[{a}, NULL, {b}]::{t}", shapes[index % len(shapes)]]


def value_specs():
    """(declared type, value expression, flags) of every pg_value seed; flag bit 1 (wide
    numerics as strings) for the numerics no Iceberg decimal holds."""
    specs = []
    for declared, values in SCALARS.items():
        wide = declared in ("numeric(40,5)", "numeric(5,-2)")
        specs += [(declared, v, 2 if wide else 0) for v in values]
    for element, (a, b) in ARRAY_ELEMENTS.items():
        specs += [(f"{element}[]", v, 0) for v in array_values(element, a, b)]
    specs.append(("numeric[]", "ARRAY[1.5, NULL]::numeric[]", 0))  # refused: no precision
    return specs


def column_types(conn, declared_types):
    """declared type → (type oid, atttypmod), from a table with one column of each."""
    columns = ", ".join(f"c{i} {t}" for i, t in enumerate(declared_types))
    execute(conn, "DROP TABLE IF EXISTS public.value_types",
            f"CREATE TABLE public.value_types ({columns})")
    with conn.cursor() as cur:
        cur.execute("SELECT attnum, atttypid, atttypmod FROM pg_attribute "
                    "WHERE attrelid = 'public.value_types'::regclass AND attnum > 0")
        by_number = {number: (oid, typmod) for number, oid, typmod in cur.fetchall()}
    execute(conn, "DROP TABLE public.value_types")
    return {t: by_number[i + 1] for i, t in enumerate(declared_types)}


def wire_forms(conn, declared, expression, type_oid):
    """(text output, send form) of the value, by the type's own functions (what pgoutput and
    COPY call); None when this server refuses the value (e.g. xml without libxml)."""
    with conn.cursor() as cur:
        cur.execute("SELECT typoutput::regproc::text, typsend::regproc::text FROM pg_type "
                    "WHERE oid = %s", (type_oid,))
        output_fn, send_fn = cur.fetchone()
        try:
            cur.execute(f"SELECT {output_fn}(v)::text, {send_fn}(v) "
                        f"FROM (SELECT CAST({expression} AS {declared}) AS v) s")
        except psycopg2.Error as error:
            print(f"pg_value: skipped {expression}::{declared}: {error.pgerror.strip()}")
            return None
        text, binary = cur.fetchone()
    return text.encode("utf-8"), bytes(binary)


def value_seed(type_oid, typmod, flags, value):
    return struct.pack(">IiB", type_oid, typmod, flags) + value


def capture_pg_values(conn):
    specs = value_specs()
    types = column_types(conn, list(dict.fromkeys(declared for declared, _, _ in specs)))
    seeds = []
    for declared, expression, flags in specs:
        type_oid, typmod = types[declared]
        forms = wire_forms(conn, declared, expression, type_oid)
        if forms is None:
            continue
        seeds.append(value_seed(type_oid, typmod, flags, forms[0]))
        seeds.append(value_seed(type_oid, typmod, flags | 1, forms[1]))
    # timestamptz and timetz text in zones with other offsets (capture's session is UTC; the
    # parser takes any offset): "+05:30", and a local mean time's "-03:06:28".
    for zone, literal in (("Asia/Kolkata", "2024-01-31 12:34:56.5+00"),
                          ("America/Sao_Paulo", "1900-01-01 00:00:00+00")):
        execute(conn, f"SET timezone = '{zone}'")
        for declared in ("timestamptz", "timetz"):
            oid, typmod = types[declared]
            text, _ = wire_forms(conn, declared, f"'{literal}'::timestamptz", oid)
            seeds.append(value_seed(oid, typmod, 0, text))
        execute(conn, "SET timezone = 'UTC'")
    return seeds


# --- copy_binary ---------------------------------------------------------------------------

# copy_binary_fuzz.cc's columns, in its order.
COPY_COLUMNS = ("bigint", "text", "numeric(12,2)", "timestamptz", "jsonb", "bool", "float8",
                "bytea", "uuid", "date", "int4[]", "interval")
COPY_ROWS = {
    "typical": [r"""(1, 'hello', 1234.56, '2024-01-31 12:34:56.123456+00', '{"a": [1, null]}',
                  true, 2.5, '\xdeadbeef', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-01-31',
                  '{1,NULL,3}', '1 year 2 mons -3 days 04:05:06.5')"""],
    "nulls": ["(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"],
    "edges": [r"""(-9223372036854775808, '', -9999999999.99, '0044-03-15 12:00:00+00 BC', 'null',
                false, 'NaN', '\x', '00000000-0000-0000-0000-000000000000', '0044-03-15 BC',
                '{}', '-178000000 years')""",
              r"""(9223372036854775807, 'ünïcödé ✓ 日本', 0, '1970-01-01 00:00:00+00', '[]', true,
                '-Infinity', '\x00', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '1970-01-01',
                '{{1,2},{3,4}}', '00:00:00.000001')"""],
    "none": [],
}


def copy_binary(conn, rows_sql):
    casts = ", ".join(f"c{i}::{t}" for i, t in enumerate(COPY_COLUMNS))
    names = ", ".join(f"c{i}" for i in range(len(COPY_COLUMNS)))
    source = (f"(VALUES {', '.join(rows_sql)}) v({names})" if rows_sql
              else f"(SELECT {', '.join('NULL' for _ in COPY_COLUMNS)} WHERE false) v({names})")
    out = io.BytesIO()
    with conn.cursor() as cur:
        cur.copy_expert(f"COPY (SELECT {casts} FROM {source}) TO STDOUT (FORMAT binary)", out)
    return out.getvalue()


def twenty_rows(conn):
    """20 generated rows, every third column value NULL in turn."""
    values = ["g::bigint", "'row ' || g", "g * 1.25", "'2024-01-01'::timestamptz + g * interval "
              "'1 hour'", "jsonb_build_object('g', g)", "g % 2 = 0", "g / 3.0", "int8send(g)",
              "md5(g::text)::uuid", "'2024-01-01'::date + g", "ARRAY[g, g * g]::int4[]",
              "g * interval '1 minute'"]
    cells = [f"CASE WHEN (g + {i}) % 3 = 0 THEN NULL ELSE ({v})::{t} END"
             for i, (v, t) in enumerate(zip(values, COPY_COLUMNS))]
    out = io.BytesIO()
    with conn.cursor() as cur:
        cur.copy_expert(f"COPY (SELECT {', '.join(cells)} FROM generate_series(1, 20) g) "
                        "TO STDOUT (FORMAT binary)", out)
    return out.getvalue()


def capture_copy_binary(conn):
    streams = {name: copy_binary(conn, rows) for name, rows in COPY_ROWS.items()}
    streams["twenty"] = twenty_rows(conn)
    # The chunk-size byte n feeds n + 1 bytes at a time: 1, 14 and 256 bytes.
    plan = [("typical", 0), ("typical", 13), ("nulls", 255), ("edges", 13), ("edges", 0),
            ("none", 0), ("twenty", 255), ("twenty", 13)]
    seeds = [bytes([chunk]) + streams[name] for name, chunk in plan]
    assert all(len(seed) <= MAX_SEED_BYTES for seed in seeds)
    return seeds


def main():
    conn = connect()
    with conn.cursor() as cur:
        cur.execute("SHOW wal_level")
        if cur.fetchone()[0] != "logical":
            sys.exit("corpus_from_postgres: the server needs wal_level=logical")
    write_seeds("copy_binary", capture_copy_binary(conn))
    write_seeds("pg_value", capture_pg_values(conn))
    write_seeds("pgoutput", capture_pgoutput(conn))
    conn.close()


if __name__ == "__main__":
    main()
