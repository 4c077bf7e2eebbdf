"""Seed corpora for the fuzz targets that read what pg2iceberg and its servers write, taken from
real output: a real `pg2iceberg run` (and `stream-only`, `snapshot`) against a throwaway
PostgreSQL, the Iceberg REST catalog test server and moto (S3).

    .venv/bin/python scripts/with_postgres.py -- \
        .venv/bin/python scripts/with_rest_catalog.py -- \
        .venv/bin/python scripts/with_moto.py -- .venv/bin/python fuzz/corpus_from_run.py

It empties and refills fuzz/corpus/<target>/ for these targets (input layouts: the comment at
the top of fuzz/<target>_fuzz.cc), each seed named by the SHA-1 of its content:

    staged            0 + a staging segment file; 1 + one block of it (cut out at the offset and
                      length its directory gives); 2 + the change codec's parts of a block's
                      payload (its schema list, then its row changes without commit markers)
    coordinator_rows  the rows of the `_pg2iceberg` schema, as answers to the coordinator's
                      SELECTs in the order the target asks them (after stream-only, while and
                      after `run` materializes, after an interrupted load)
    avro              0/1 + manifests, 0/2 + manifest lists, from the warehouses
    iceberg_json      0 + metadata files; 1 + REST answers (config, listings, load, create,
                      commit); 2 + HTTP status (2 bytes, big-endian) + REST error bodies
    parquet           data and delete files (position, equality) from the warehouses, and files
                      written by pyarrow (types, dictionary/plain, page v1/v2, row groups)
    puffin            the deletion vectors `run` writes for a format version 3 table
    s3_xml            HTTP status (2 bytes, big-endian) + moto's XML answers (listing pages,
                      DeleteObjects, multipart, errors)
    config_yaml       the configs written for these runs, variants with ${PG_PASSWORD} and
                      password_file, and the YAML examples of README.md and docs/
    load_plan         range count (2 bytes, big-endian) + the ranges-done text as a part
                      (2-byte length) + a load plan document copied while `run` loaded a table
                      split into key ranges (source.logical.snapshot_chunk_size: 1MiB)

Environment (exported by the with_*.py scripts): PGHOST, PGPORT, PGUSER, PGPASSWORD;
PG2ICEBERG_TEST_REST_URI (REST seeds are skipped without it); PG2ICEBERG_TEST_S3_ENDPOINT and,
with moto's authentication on, PG2ICEBERG_TEST_S3_ACCESS_KEY_ID / _SECRET_ACCESS_KEY (S3 seeds
are skipped without the endpoint). PG2ICEBERG_BIN overrides the binary
(build/src/cli/pg2iceberg). Work files go to a temporary directory, removed at the end; every
process started is stopped by its PID, every wait is bounded.
"""
import base64
import hashlib
import io
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import psycopg2
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
BINARY = os.environ.get("PG2ICEBERG_BIN", str(ROOT / "build" / "src" / "cli" / "pg2iceberg"))
CORPUS = ROOT / "fuzz" / "corpus"
TARGETS = ("staged", "coordinator_rows", "avro", "iceberg_json", "parquet", "puffin", "s3_xml",
           "config_yaml", "load_plan")
MAX_SEED_BYTES = 64 * 1024
SCHEMA = "_pg2iceberg"
GROUP = "default"
REGION = "us-east-1"


def log(message):
    print(f"corpus_from_run: {message}", file=sys.stderr, flush=True)


# --- the corpus ------------------------------------------------------------------------------


class Corpus:
    """The seed directories: emptied at start, one file per distinct seed, named by its SHA-1."""

    def __init__(self, root, targets):
        self.root = root
        self.counts = {t: 0 for t in targets}
        self.skipped = {t: 0 for t in targets}
        for target in targets:
            directory = root / target
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(parents=True)

    def add(self, target, data, limit=MAX_SEED_BYTES):
        """Adds one seed; False when it is too large or already there."""
        if len(data) > limit:
            self.skipped[target] += 1
            return False
        path = self.root / target / hashlib.sha1(data).hexdigest()
        if path.exists():
            return False
        path.write_bytes(data)
        self.counts[target] += 1
        return True

    def report(self):
        for target, count in self.counts.items():
            size = sum(p.stat().st_size for p in (self.root / target).iterdir())
            log(f"{target}: {count} seeds, {size} bytes"
                + (f" ({self.skipped[target]} over {MAX_SEED_BYTES} bytes left out)"
                   if self.skipped[target] else ""))


def u16(value):
    return value.to_bytes(2, "big")


# --- Postgres --------------------------------------------------------------------------------


def pg_connect(database):
    return psycopg2.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"],
                            user=os.environ["PGUSER"], password=os.environ.get("PGPASSWORD", ""),
                            dbname=database)


def sql(database, *statements):
    conn = pg_connect(database)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    finally:
        conn.close()


def transaction(database, *statements):
    """The statements in one transaction (one commit in the replication stream)."""
    conn = pg_connect(database)
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
        conn.commit()
    finally:
        conn.close()


def query(database, text, params=()):
    conn = pg_connect(database)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(text, params)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


def create_database(name):
    sql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')


def drop_database(name):
    """Drops the database and the replication slots left in it."""
    for (slot,) in query("postgres", "SELECT slot_name FROM pg_replication_slots WHERE database = %s",
                         (name,)):
        for _ in range(50):
            try:
                query("postgres", "SELECT pg_drop_replication_slot(%s)", (slot,))
                break
            except psycopg2.Error:  # still active for a moment after its client left
                time.sleep(0.2)
    sql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def lsn_int(text):
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def coordinator_exists(database, table):
    return query(database, "SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.{table}",))[0][0]


def flushed_lsn(database):
    if not coordinator_exists(database, "capture"):
        return 0
    rows = query(database, f"SELECT flushed_lsn::text FROM {SCHEMA}.capture WHERE group_name = %s",
                 (GROUP,))
    return lsn_int(rows[0][0]) if rows else 0


def current_lsn(database):
    return lsn_int(query(database, "SELECT pg_current_wal_lsn()::text")[0][0])


def applied_everything(database, table_count):
    """Every registered table's materializer cursor is at its log's end (as tests/e2e/run_util)."""
    if not coordinator_exists(database, "cursors"):
        return False
    total, applied = query(database, f"""
        SELECT count(*), count(*) FILTER (WHERE coalesce(c.next_offset, 0) = t.next_offset)
        FROM {SCHEMA}.tables t LEFT JOIN {SCHEMA}.cursors c
        ON c.table_id = t.table_id AND c.consumer = 'materializer'""")[0]
    return total == table_count and applied == table_count


# --- pg2iceberg processes ----------------------------------------------------------------------


class Pg2iceberg:
    """One `pg2iceberg <subcommand>` process; its output goes to a log file."""

    def __init__(self, subcommand, config_path, workdir, env=None):
        self.subcommand = subcommand
        self.log_path = os.path.join(workdir, f"{subcommand}-{time.monotonic_ns()}.log")
        self.log_file = open(self.log_path, "wb")
        self.process = subprocess.Popen([BINARY, subcommand, "--config", config_path],
                                        stdout=self.log_file, stderr=subprocess.STDOUT,
                                        env=dict(os.environ, **(env or {})))

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def running(self):
        return self.process.poll() is None

    def stop(self, timeout=90):
        """SIGTERM (it commits what was captured and exits 0), SIGKILL if it lingers."""
        if self.running():
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            code = None
        self.log_file.close()
        return code

    def kill(self):
        if self.running():
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log_file.close()


def wait_until(predicate, timeout, what, process=None, during=None, interval=0.1):
    """Polls `predicate` (calling `during` each time) until it holds; raises after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if during:
            during()
        if predicate():
            return
        if process is not None and not process.running():
            raise RuntimeError(f"{process.subcommand} exited ({process.process.returncode}) while "
                               f"waiting for {what}:\n{process.log()[-3000:]}")
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout}s waiting for {what}"
                       + (f":\n{process.log()[-3000:]}" if process else ""))


def run_once(subcommand, config_path, workdir, timeout=300, env=None):
    """Runs a subcommand that exits by itself (snapshot); raises unless it exits 0."""
    process = Pg2iceberg(subcommand, config_path, workdir, env)
    try:
        code = process.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise RuntimeError(f"{subcommand} did not finish in {timeout}s:\n{process.log()[-3000:]}")
    process.log_file.close()
    if code != 0:
        raise RuntimeError(f"{subcommand} exited {code}:\n{process.log()[-3000:]}")
    return process.log()


# --- configs ----------------------------------------------------------------------------------


def make_config(database, warehouse, workdir, tables, sink=None, **overrides):
    """A config in the shape tests/e2e/conftest.py writes, with `overrides` as dotted keys."""
    config = {
        "tables": tables,
        "source": {"mode": "logical",
                   "postgres": {"host": os.environ["PGHOST"], "port": int(os.environ["PGPORT"]),
                                "database": database, "user": os.environ["PGUSER"],
                                "password": os.environ.get("PGPASSWORD", ""), "sslmode": "disable"},
                   "logical": {"standby_interval": "1s", "slot_name": f"slot_{database}",
                               "publication_name": f"pub_{database}",
                               "spill_dir": os.path.join(workdir, "spill"),
                               "snapshot_workers": 2}},
        "sink": {"warehouse": warehouse, "catalog_name": "pg2iceberg", "flush_interval": "200ms",
                 "materializer_interval": "300ms", **(sink or {})},
    }
    for path, value in overrides.items():
        node = config
        keys = path.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
    return config


def write_config(config, path, configs):
    text = yaml.safe_dump(config, sort_keys=False)
    pathlib.Path(path).write_text(text)
    configs.append(text)
    return path


# --- the staging log ---------------------------------------------------------------------------


class Bytes:
    """A cursor over bytes with the staging format's primitives (docs/staging-segment.md)."""

    def __init__(self, data, position=0):
        self.data = data
        self.position = position

    def take(self, n):
        if self.position + n > len(self.data):
            raise ValueError("past the end")
        part = self.data[self.position:self.position + n]
        self.position += n
        return part

    def u8(self):
        return self.take(1)[0]

    def uint(self, n):
        return int.from_bytes(self.take(n), "little")

    def varint(self):
        value = shift = 0
        for _ in range(10):
            byte = self.u8()
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7
        raise ValueError("varint too long")

    def string(self):
        return self.take(self.varint())


def segment_blocks(segment):
    """(offset, length) of each block named by the segment's directory."""
    if len(segment) < 28 or segment[:8] != b"P2ISEG\r\n" or segment[-8:] != b"P2IEND\r\n":
        raise ValueError("not a whole segment")
    length = int.from_bytes(segment[-12:-8], "little")
    directory = Bytes(segment[len(segment) - 16 - length:len(segment) - 16])
    blocks = []
    for _ in range(directory.varint()):
        directory.string()  # table
        directory.uint(4)  # relid
        offset, size = directory.uint(8), directory.uint(8)
        directory.varint(), directory.varint(), directory.varint()
        blocks.append((offset, size))
    return blocks


def block_payload(block):
    """The block's payload, decompressed (zstd through the zstandard module)."""
    compression, stored = block[0], block[13:]
    if compression == 0:
        return stored
    import zstandard
    return zstandard.ZstdDecompressor().decompress(stored,
                                                   max_output_size=int.from_bytes(block[1:5], "little"))


def skip_value(reader):
    tag = reader.u8()
    if tag in (3, 4, 10, 11, 12, 13):
        reader.varint()
    else:
        sizes = {0: 0, 1: 0, 2: 1, 5: 4, 6: 8, 14: 16}
        if tag in sizes:
            reader.take(sizes[tag])
        elif tag == 7:
            reader.take(reader.u8())
        elif tag in (8, 9):
            reader.string()
        elif tag == 15:
            for _ in range(reader.varint()):
                skip_value(reader)
        else:
            raise ValueError(f"value tag {tag}")


def skip_row(reader):
    for _ in range(reader.varint()):
        skip_value(reader)


def codec_parts(payload):
    """A block payload as the change codec's parts: the schema list followed by the row changes,
    without the commit markers and commit infos between them (staged_fuzz.cc, mode 2)."""
    reader = Bytes(payload)
    for _ in range(reader.varint()):
        reader.uint(4), reader.string(), reader.string(), reader.u8()
        for _ in range(reader.varint()):
            reader.string(), reader.uint(4), reader.varint(), reader.u8()
    parts = [payload[:reader.position]]
    for _ in range(reader.varint()):
        if reader.u8() == 1:
            for _ in range(4):
                reader.varint()
        start = reader.position
        kind = reader.u8()
        reader.varint()
        if reader.u8() != 0:
            skip_row(reader)
        if kind in (1, 2):
            skip_row(reader)
        parts.append(payload[start:reader.position])
    return b"".join(parts)


class SegmentCollector:
    """Copies each whole staging segment found under a warehouse directory (segments are deleted
    once every cursor has passed them, so a running mirror is polled)."""

    def __init__(self, warehouse_dir):
        self.stage_dir = pathlib.Path(warehouse_dir) / SCHEMA
        self.segments = {}

    def poll(self):
        if not self.stage_dir.is_dir():
            return
        for path in self.stage_dir.rglob("*"):
            if path.name in self.segments or not path.is_file():
                continue
            try:
                data = path.read_bytes()
                segment_blocks(data)
            except (OSError, ValueError):
                continue  # gone already, or not written whole yet
            self.segments[path.name] = data

    def add_seeds(self, corpus, limit=16):
        blocks = []
        for name in sorted(self.segments, key=lambda n: len(self.segments[n]))[:limit // 2]:
            segment = self.segments[name]
            corpus.add("staged", b"\x00" + segment)
            blocks += [segment[o:o + n] for o, n in segment_blocks(segment)]
        for block in sorted(blocks, key=len)[:limit]:
            corpus.add("staged", b"\x01" + block)
            try:
                corpus.add("staged", b"\x02" + codec_parts(block_payload(block)))
            except (ValueError, ImportError) as error:
                log(f"a block's payload was not split into codec parts: {error}")


# --- the coordinator's rows ----------------------------------------------------------------------

SEGMENT_COLUMNS = ("s.segment_id, s.object_key, s.size_bytes, s.first_commit_lsn, "
                   "s.last_commit_lsn, s.checksum")
BLOCKS = ("SELECT b.segment_id, s.object_key, b.table_id, b.first_offset, b.change_count, "
          "b.block_offset, b.block_length, b.first_commit_lsn, b.last_commit_lsn, b.checksum FROM "
          f"{SCHEMA}.segment_blocks b JOIN {SCHEMA}.segments s USING (segment_id) WHERE ")


def coordinator_answers(database):
    """The rows of each SELECT coordinator_rows_fuzz.cc makes the coordinator run, in its order
    (src/stage/coordinator*.cc): Open (the advisory lock of the migration), LoadCapture,
    LoadTables, RecordedFlushed, LoadCursors, BlocksFrom, BlocksOfSegment, NewestSegment,
    Segments, SegmentsPassedByCursors (cursors, then segments), LoadTypes, LoadWatched."""
    s = SCHEMA
    capture = ("SELECT system_identifier, database_name, slot_name, publication_name, "
               f"slot_created_lsn, flushed_lsn, checksum FROM {s}.capture WHERE group_name = %s",
               (GROUP,))
    table_id = query(database, f"SELECT coalesce(min(table_id), 1) FROM {s}.segment_blocks")[0][0]
    segment_id = query(database, f"SELECT coalesce(max(segment_id), 1) FROM {s}.segments")[0][0]
    statements = [
        ("SELECT pg_advisory_xact_lock(hashtext(%s))", ("pg2iceberg:" + s,)),
        capture,
        ("SELECT table_id, schema_name, table_name, relid, next_offset, checksum, added_lsn FROM "
         f"{s}.tables WHERE group_name = %s ORDER BY table_id", (GROUP,)),
        capture,
        (f"SELECT c.table_id, c.next_offset, c.checksum FROM {s}.cursors c JOIN {s}.tables t "
         "USING (table_id) WHERE t.group_name = %s AND c.consumer = %s", (GROUP, "materializer")),
        (BLOCKS + "b.table_id = %s AND b.first_offset + b.change_count > %s "
         "ORDER BY b.first_offset LIMIT %s", (table_id, 0, 100)),
        (BLOCKS + "b.segment_id = %s ORDER BY b.block_offset", (segment_id,)),
        (f"SELECT {SEGMENT_COLUMNS} FROM {s}.segments s WHERE s.group_name = %s "
         "ORDER BY 1 DESC LIMIT 1", (GROUP,)),
        (f"SELECT {SEGMENT_COLUMNS} FROM {s}.segments s WHERE s.group_name = %s ORDER BY 1",
         (GROUP,)),
        (f"SELECT c.table_id, c.consumer, c.next_offset, c.checksum FROM {s}.cursors c JOIN "
         f"{s}.tables t USING (table_id) WHERE t.group_name = %s", (GROUP,)),
        (f"SELECT {SEGMENT_COLUMNS} FROM {s}.segments s WHERE s.group_name = %s AND NOT EXISTS "
         f"(SELECT 1 FROM {s}.segment_blocks b WHERE b.segment_id = s.segment_id AND (NOT EXISTS "
         f"(SELECT 1 FROM {s}.cursors c WHERE c.table_id = b.table_id) OR EXISTS (SELECT 1 FROM "
         f"{s}.cursors c WHERE c.table_id = b.table_id AND c.next_offset < b.first_offset + "
         "b.change_count))) ORDER BY s.segment_id", (GROUP,)),
        ("SELECT type_oid, resolved_oid, type_modifier, declared_name, checksum FROM "
         f"{s}.types WHERE group_name = %s ORDER BY type_oid", (GROUP,)),
        # The target asks for the fingerprint named "catalog"; capture records "publication".
        (f"SELECT fingerprint, checksum::text FROM {s}.watched_catalog WHERE group_name = %s "
         "AND name = %s", (GROUP, "publication")),
    ]
    return [query(database, text, params) for text, params in statements]


def encode_answers(answers, rows_max=7):
    """The answers in coordinator_rows_fuzz.cc's layout: a row count byte (at most 7 rows: the
    target takes it mod 8), then per cell a length byte (255: NULL) and the bytes; cells longer
    than 254 bytes are cut to 254."""
    out = bytearray()
    for rows in answers:
        rows = rows[:rows_max]
        out.append(len(rows))
        for row in rows:
            for cell in row:
                if cell is None:
                    out.append(255)
                    continue
                text = str(cell).encode()[:254]
                out.append(len(text))
                out += text
    return bytes(out)


def add_coordinator_seed(corpus, database):
    answers = coordinator_answers(database)
    corpus.add("coordinator_rows", encode_answers(answers))
    # The same state with at most one row per answer: other paths through the loops.
    corpus.add("coordinator_rows", encode_answers(answers, rows_max=1))


# --- the warehouse's files ------------------------------------------------------------------------


def files(directory, suffix):
    return sorted(p for p in pathlib.Path(directory).rglob("*" + suffix) if p.is_file())


def spread(paths, count):
    """At most `count` of `paths`, taken at equal steps (first and last included)."""
    paths = list(paths)
    if len(paths) <= count:
        return paths
    if count <= 1:
        return paths[-1:] if count == 1 else []
    step = (len(paths) - 1) / (count - 1)
    return [paths[round(i * step)] for i in range(count)]


def by_table(paths):
    """Paths grouped by the directory holding their `metadata/` or `data/` directory."""
    groups = {}
    for path in paths:
        parts = path.parts
        for anchor in ("metadata", "data"):
            if anchor in parts:
                key = pathlib.Path(*parts[:parts.index(anchor)])
                break
        else:
            key = path.parent
        groups.setdefault(key, []).append(path)
    return groups


def add_warehouse_seeds(corpus, warehouse_dir, per_table=3, parquet_per_table=5):
    """Metadata JSON, manifests and manifest lists, Parquet and Puffin files of every table,
    `per_table` of each kind (spread over the table's history), Parquet files up to 64 KB."""
    for group in by_table(files(warehouse_dir, ".metadata.json")).values():
        group.sort(key=lambda p: p.stat().st_mtime_ns)
        for path in spread(group, per_table):
            corpus.add("iceberg_json", b"\x00" + path.read_bytes())
    for group in by_table(files(warehouse_dir, ".avro")).values():
        group.sort(key=lambda p: p.stat().st_mtime_ns)
        add_avro_seeds(corpus, [p.read_bytes() for p in group], per_table)
    for group in by_table(files(warehouse_dir, ".parquet")).values():
        small = [p for p in group if p.stat().st_size <= MAX_SEED_BYTES]
        for path in spread(sorted(small, key=lambda p: p.stat().st_mtime_ns), parquet_per_table):
            corpus.add("parquet", path.read_bytes())
    for path in files(warehouse_dir, ".puffin"):
        corpus.add("puffin", path.read_bytes())


def add_avro_seeds(corpus, avro_files, per_table):
    """Manifest lists as mode 2, manifests (data and delete manifests) as mode 1, and a few of
    each as mode 0 (the container alone)."""
    lists = [data for data in avro_files if b'"manifest_path"' in data]
    manifests = [data for data in avro_files if b'"manifest_path"' not in data]
    # A delete manifest says so in its metadata: "content" -> "deletes" (Avro strings).
    deletes = [data for data in manifests if b"\x0econtent\x0edeletes" in data]
    manifests = spread(deletes, 1) + spread([m for m in manifests if m not in deletes],
                                            per_table - min(1, len(deletes)))
    for index, data in enumerate(spread(lists, 2)):
        corpus.add("avro", b"\x02" + data)
        if index == 0:
            corpus.add("avro", b"\x00" + data)
    for index, data in enumerate(spread(manifests, per_table)):
        corpus.add("avro", b"\x01" + data)
        if index == 0:
            corpus.add("avro", b"\x00" + data)


# --- scenario 1: run on a file:// warehouse with the SQL catalog ---------------------------------

KINDS_COLUMNS = """id bigint PRIMARY KEY, amount numeric(12,2), at timestamptz, name text,
    uid uuid, flag boolean, ratio double precision, day date, doc jsonb, ints int4[],
    small smallint, blob bytea, tm time, iv interval, feeling mood, pos posint, big numeric(38,10)"""


def kinds_rows(table, first, last):
    """Rows of every kind of value, NULLs in every nullable column."""
    return f"""INSERT INTO {table} SELECT g,
      CASE WHEN g % 7 = 0 THEN NULL ELSE (g * 12.34)::numeric(12,2) END,
      CASE WHEN g % 11 = 0 THEN NULL ELSE timestamptz '2024-02-28 23:00:00+00' + g * interval '37 minutes' END,
      CASE WHEN g % 5 = 0 THEN NULL ELSE 'name-' || g || repeat('é', g % 13) END,
      CASE WHEN g % 9 = 0 THEN NULL ELSE md5(g::text)::uuid END,
      CASE WHEN g % 4 = 0 THEN NULL ELSE g % 2 = 0 END,
      CASE WHEN g % 6 = 0 THEN NULL ELSE g / 7.0 END,
      date '2020-02-29' + g,
      CASE WHEN g % 8 = 0 THEN NULL ELSE jsonb_build_object('g', g, 'tags', jsonb_build_array('a', g % 3)) END,
      CASE WHEN g % 10 = 0 THEN NULL ELSE ARRAY[g, NULL, -g] END,
      (g % 300 - 150)::smallint,
      CASE WHEN g % 3 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END,
      time '00:00' + g * interval '71 seconds',
      g * interval '1 hour 3 seconds',
      (ARRAY['sad', 'ok', 'happy'])[1 + g % 3]::mood,
      CASE WHEN g % 12 = 0 THEN NULL ELSE g END,
      CASE WHEN g % 13 = 0 THEN NULL ELSE g * -1234567.0123456789 END
    FROM generate_series({first}, {last}) g"""


def parted_rows(first, last):
    return f"""INSERT INTO parted SELECT g, (ARRAY['eu', 'us', 'ap'])[1 + g % 3],
      timestamptz '2024-03-30 12:00+00' + g * interval '5 hours',
      CASE WHEN g % 4 = 0 THEN NULL ELSE 'note ' || g END, g * 0.5
    FROM generate_series({first}, {last}) g"""


def create_run_tables(database):
    sql(database,
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE DOMAIN posint AS integer CHECK (VALUE > 0)",
        f"CREATE TABLE kinds ({KINDS_COLUMNS})",
        f"CREATE TABLE kinds_v3 ({KINDS_COLUMNS})",
        """CREATE TABLE parted (id int PRIMARY KEY, region text NOT NULL,
             created_at timestamptz NOT NULL, note varchar(40), score real)""",
        """CREATE TABLE pairs (region text, n int, v numeric(20,5), label char(4),
             PRIMARY KEY (region, n))""",
        kinds_rows("kinds", 1, 300),
        kinds_rows("kinds_v3", 1, 300),
        parted_rows(1, 200),
        """INSERT INTO pairs SELECT (ARRAY['north', 'south', 'é-east'])[1 + g % 3], g,
             CASE WHEN g % 5 = 0 THEN NULL ELSE g * 3.14159 END, lpad((g % 97)::text, 4, '0')
           FROM generate_series(1, 150) g""")


def run_tables():
    return [{"name": "public.kinds"},
            {"name": "public.kinds_v3", "iceberg": {"format_version": 3}},
            {"name": "public.parted",
             "iceberg": {"partition": ["day(created_at)", "bucket[4](id)"], "delete_mode": "equality"}},
            {"name": "public.pairs"}]


def streaming_steps(database):
    """Changes capture stages before `run` loads the tables, each step in segments of its own: a
    large insert, updates and deletes, a key change, one transaction over every table, a column
    added between two updates (a block with two schemas), a TRUNCATE."""
    yield lambda: sql(database, kinds_rows("kinds", 301, 340))
    yield lambda: sql(database,
                      "UPDATE kinds SET name = name || '!', amount = amount + 1 WHERE id % 10 = 1",
                      "DELETE FROM kinds WHERE id % 17 = 0")
    yield lambda: sql(database,
                      "UPDATE kinds SET id = id + 1000 WHERE id = 3",
                      "UPDATE pairs SET v = NULL WHERE n % 4 = 0")
    yield lambda: transaction(database,
                              "UPDATE kinds_v3 SET flag = NOT flag WHERE id < 20",
                              "INSERT INTO parted VALUES (201, 'eu', '2024-04-01 00:00+00', NULL, NULL)",
                              "DELETE FROM pairs WHERE n = 7",
                              "DELETE FROM kinds WHERE id = 5")
    yield lambda: sql(database,
                      "UPDATE pairs SET v = v + 1 WHERE n < 10",
                      "ALTER TABLE pairs ADD COLUMN memo text",
                      "UPDATE pairs SET memo = 'memo ' || n WHERE n < 10")
    yield lambda: sql(database, "TRUNCATE parted", parted_rows(1, 200))


def workload_rounds(database):
    """Rounds of changes `run` materializes one after the other: deletes (position deletes,
    deletion vectors, equality deletes), updates, a key change, a column added, a TRUNCATE."""
    yield lambda: sql(database,
                      "DELETE FROM kinds WHERE id % 9 = 0",
                      "DELETE FROM kinds_v3 WHERE id % 9 = 0",
                      "UPDATE parted SET note = 'moved', score = -score WHERE id % 6 = 0",
                      "DELETE FROM parted WHERE id % 10 = 0",
                      "UPDATE pairs SET label = 'zz' WHERE n % 5 = 0")
    yield lambda: sql(database,
                      "DELETE FROM kinds_v3 WHERE id % 7 = 1",
                      "UPDATE kinds_v3 SET doc = '{\"again\": true}' WHERE id % 5 = 2",
                      "UPDATE kinds SET id = id + 5000 WHERE id BETWEEN 40 AND 45",
                      "ALTER TABLE kinds ADD COLUMN extra text",
                      "UPDATE kinds SET extra = 'added ' || id WHERE id % 3 = 0",
                      kinds_rows("kinds_v3", 400, 420))
    yield lambda: sql(database,
                      "TRUNCATE pairs",
                      "INSERT INTO pairs VALUES ('west', 1, 1.5, 'ab'), ('west', 2, NULL, NULL)",
                      "DELETE FROM kinds_v3 WHERE id % 11 = 3",
                      "DELETE FROM parted WHERE id % 7 = 0")


def scenario_file_run(corpus, workdir, configs):
    """stream-only, then run, on a file:// warehouse with the SQL catalog: segments, coordinator
    rows in several states, metadata, manifests, data and delete files, deletion vectors."""
    database = "corpus_run"
    create_database(database)
    create_run_tables(database)
    warehouse = os.path.join(workdir, "warehouse-run")
    os.makedirs(warehouse)
    config = make_config(database, "file://" + warehouse, workdir, run_tables())
    path = write_config(config, os.path.join(workdir, "run.yaml"), configs)
    segments = SegmentCollector(warehouse)
    count = len(run_tables())
    try:
        # Capture alone: segments stay, indexed, with no cursor.
        stream = Pg2iceberg("stream-only", path, workdir)
        try:
            wait_until(lambda: flushed_lsn(database) > 0, 60, "capture to start", stream)
            for step in streaming_steps(database):
                step()
                target = current_lsn(database)
                wait_until(lambda: flushed_lsn(database) >= target, 60, "the changes staged",
                           stream, segments.poll)
            add_coordinator_seed(corpus, database)
        finally:
            stream.stop()
        segments.poll()
        # The whole mirror: load, then materialize rounds of changes.
        run = Pg2iceberg("run", path, workdir)
        try:
            wait_until(lambda: all(f"initial load of public.{t['name'].split('.')[1]} committed"
                                   in run.log() for t in run_tables()),
                       120, "every initial load", run, segments.poll)
            for round_ in workload_rounds(database):
                round_()
                target = current_lsn(database)
                wait_until(lambda: flushed_lsn(database) >= target
                           and applied_everything(database, count),
                           120, "the round materialized", run, segments.poll, interval=0.05)
                add_coordinator_seed(corpus, database)
        finally:
            code = run.stop()
            if code != 0:
                log(f"run exited {code}:\n{run.log()[-2000:]}")
        segments.poll()
        add_coordinator_seed(corpus, database)
        segments.add_seeds(corpus)
        add_warehouse_seeds(corpus, warehouse)
    finally:
        drop_database(database)


# --- scenario 2: an initial load split into key ranges, interrupted and resumed -----------------


def create_load_tables(database, rows):
    """Two tables of about 8 MB each (1.4 kB rows kept inline and uncompressed), one with a
    bigint key, one with a (text, timestamptz) key."""
    sql(database,
        "CREATE TABLE big (id bigint PRIMARY KEY, v int NOT NULL, pad text)",
        "ALTER TABLE big ALTER pad SET STORAGE PLAIN",
        f"""INSERT INTO big SELECT g * 3, g, repeat(md5(g::text), 44)
            FROM generate_series(1, {rows}) g""",
        """CREATE TABLE events (source text, at timestamptz, payload text,
             PRIMARY KEY (source, at))""",
        "ALTER TABLE events ALTER payload SET STORAGE PLAIN",
        f"""INSERT INTO events SELECT (ARRAY['api', 'web', 'app "x"', 'ünï'])[1 + g % 4],
              timestamptz '2023-12-31 23:59:59.5+00' + g * interval '1 second 1 millisecond',
              repeat(md5(g::text), 44)
            FROM generate_series(1, {rows}) g""",
        "ANALYZE big", "ANALYZE events")


def plan_files(warehouse):
    return {p.name: p for p in pathlib.Path(warehouse).rglob("pg2iceberg-load-plan-*.json")}


def load_plan_seeds(corpus, plans, warehouse):
    """Each plan with some ranges-done texts of the checkpoints that name it (from every snapshot
    summary in the metadata files: every one with a gap, a few without), an empty set and the
    full set."""
    done = {}
    for path in files(warehouse, ".metadata.json"):
        for snapshot in json.loads(path.read_text()).get("snapshots", []):
            summary = snapshot.get("summary", {})
            key = summary.get("pg2iceberg.load-plan")
            if key:
                done.setdefault(key.rsplit("/", 1)[-1], set()).add(
                    summary.get("pg2iceberg.load-ranges-done", ""))
    for name, document in plans.items():
        ranges = len(json.loads(document)["boundaries"]) + 1
        texts = sorted(done.get(name, set()), key=lambda t: (len(t), t))
        chosen = [t for t in texts if "," in t] + spread([t for t in texts if "," not in t], 3)
        for text in sorted(set(chosen) | {"", f"0-{ranges - 1}"}):
            corpus.add("load_plan", u16(ranges) + u16(len(text)) + text.encode() + document)
    return sum(len(done.get(name, ())) for name in plans)


def scenario_load_plan(corpus, workdir, configs, rows=6000):
    """`run` on two tables larger than snapshot_chunk_size (1 MiB): each is split into key ranges,
    its plan file copied while the load runs; the load is killed after a checkpoint and resumed
    (summaries in-progress, replaying, complete)."""
    database = "corpus_load"
    create_database(database)
    warehouse = os.path.join(workdir, "warehouse-load")
    os.makedirs(warehouse)
    tables = [{"name": "public.big"}, {"name": "public.events"}]
    config = make_config(database, "file://" + warehouse, workdir, tables,
                         **{"source.logical.snapshot_chunk_size": "1MiB",
                            "source.logical.snapshot_workers": 3})
    path = write_config(config, os.path.join(workdir, "load.yaml"), configs)
    plans = {}

    def copy_plans():
        for name, plan in plan_files(warehouse).items():
            if name not in plans:
                try:
                    plans[name] = plan.read_bytes()
                    json.loads(plans[name])
                except (OSError, ValueError):
                    plans.pop(name, None)

    try:
        create_load_tables(database, rows)
        run = Pg2iceberg("run", path, workdir)
        try:
            wait_until(lambda: "key ranges committed" in run.log()
                       or "initial load of public.events committed" in run.log(),
                       120, "a checkpoint of the load", run, copy_plans, interval=0.005)
            copy_plans()
        finally:
            run.kill()
        add_coordinator_seed(corpus, database)
        run = Pg2iceberg("run", path, workdir)
        try:
            wait_until(lambda: all(f"initial load of public.{t} committed" in run.log()
                                   for t in ("big", "events")),
                       180, "the resumed load", run, copy_plans, interval=0.005)
            resumed = re.findall(r"resumes: \d+ of \d+ key ranges were copied", run.log())
            log(f"load: {len(plans)} plan files copied; resumed: {resumed or 'nothing'}")
        finally:
            run.stop()
        checkpoints = load_plan_seeds(corpus, plans, warehouse)
        log(f"load: {checkpoints} ranges-done texts from checkpoints")
        add_warehouse_seeds(corpus, warehouse, per_table=3, parquet_per_table=1)
    finally:
        drop_database(database)


# --- scenario 3: the REST catalog -------------------------------------------------------------------


def http(method, url, body=None, headers=None, timeout=30):
    """(status, body bytes) of one request; HTTP errors are answers too."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and not request.has_header("Content-type"):  # urllib's spelling
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def add_rest_answer(corpus, answer, what):
    status, body = answer
    if not body:
        log(f"REST {what}: {status} without a body")
    elif 200 <= status < 300:
        corpus.add("iceberg_json", b"\x01" + body)
    else:
        corpus.add("iceberg_json", b"\x02" + u16(status) + body)


def table_request(name, location):
    return {"name": name, "location": location, "stage-create": False,
            "schema": {"type": "struct", "schema-id": 0, "identifier-field-ids": [1],
                       "fields": [{"id": 1, "name": "id", "required": True, "type": "long"},
                                  {"id": 2, "name": "amount", "required": False,
                                   "type": "decimal(12, 2)"},
                                  {"id": 3, "name": "at", "required": False, "type": "timestamptz"},
                                  {"id": 4, "name": "tags", "required": False,
                                   "type": {"type": "list", "element-id": 5, "element": "string",
                                            "element-required": False}}]},
            "partition-spec": {"spec-id": 0, "fields": [
                {"source-id": 3, "field-id": 1000, "name": "at_day", "transform": "day"}]},
            "write-order": {"order-id": 0, "fields": []},
            "properties": {"owner": "corpus"}}


def rest_answers(corpus, uri, warehouse):
    """The REST catalog's answers to what pg2iceberg asks, and its errors."""
    v1 = uri.rstrip("/") + "/v1"
    ns = "corpus_ns"
    answers = [
        ("config", http("GET", f"{v1}/config")),
        ("config with warehouse", http("GET", f"{v1}/config?warehouse="
                                       + urllib.parse.quote(warehouse, safe=""))),
        ("namespaces", http("GET", f"{v1}/namespaces")),
        ("a namespace page", http("GET", f"{v1}/namespaces?pageSize=1")),
        ("namespace", http("GET", f"{v1}/namespaces/public")),
        ("tables", http("GET", f"{v1}/namespaces/public/tables")),
        ("a table page", http("GET", f"{v1}/namespaces/public/tables?pageSize=1")),
        ("load", http("GET", f"{v1}/namespaces/public/tables/items")),
        ("load, vended", http("GET", f"{v1}/namespaces/public/tables/items",
                              headers={"X-Iceberg-Access-Delegation": "vended-credentials"})),
        ("create namespace", http("POST", f"{v1}/namespaces",
                                  {"namespace": [ns], "properties": {"owner": "corpus"}})),
        ("staged create", http("POST", f"{v1}/namespaces/{ns}/tables",
                               dict(table_request("staged", f"{warehouse}/{ns}/staged"),
                                    **{"stage-create": True}))),
        ("create", http("POST", f"{v1}/namespaces/{ns}/tables",
                        table_request("made", f"{warehouse}/{ns}/made"))),
        ("oauth token", http("POST", f"{v1}/oauth/tokens",
                             b"grant_type=client_credentials&client_id=corpus&client_secret=corpus"
                             b"&scope=PRINCIPAL_ROLE%3AALL",
                             {"Content-Type": "application/x-www-form-urlencoded"})),
        # errors
        ("load of a missing table", http("GET", f"{v1}/namespaces/public/tables/missing")),
        ("tables of a missing namespace", http("GET", f"{v1}/namespaces/missing/tables")),
        ("create of an existing namespace", http("POST", f"{v1}/namespaces",
                                                 {"namespace": [ns], "properties": {}})),
        ("create of an existing table", http("POST", f"{v1}/namespaces/{ns}/tables",
                                             table_request("made", f"{warehouse}/{ns}/made"))),
        ("malformed body", http("POST", f"{v1}/namespaces", b"{\"namespace\": ")),
        ("drop of a missing table", http("DELETE", f"{v1}/namespaces/public/tables/missing")),
        ("drop of a non-empty namespace", http("DELETE", f"{v1}/namespaces/public")),
    ]
    loaded = dict(answers)["load"]
    if loaded[0] == 200:
        metadata = json.loads(loaded[1])["metadata"]
        uuid = metadata["table-uuid"]
        commit = {"requirements": [{"type": "assert-table-uuid", "uuid": uuid}],
                  "updates": [{"action": "set-properties", "updates": {"corpus.note": "set"}}]}
        answers.append(("commit", http("POST", f"{v1}/namespaces/public/tables/items", commit)))
        stale = {"requirements": [{"type": "assert-ref-snapshot-id", "ref": "main",
                                   "snapshot-id": 1}], "updates": []}
        answers.append(("commit conflict", http("POST", f"{v1}/namespaces/public/tables/items",
                                                stale)))
        answers.append(("commit of a missing table", http(
            "POST", f"{v1}/namespaces/public/tables/missing",
            {"requirements": [{"type": "assert-table-uuid", "uuid": uuid}], "updates": []})))
        answers.append(("transaction conflict", http("POST", f"{v1}/transactions/commit", {
            "table-changes": [dict(stale, identifier={"namespace": ["public"], "name": "items"})]})))
    for what, answer in answers:
        add_rest_answer(corpus, answer, what)
    log("REST: " + ", ".join(f"{what} {answer[0]}" for what, answer in answers))


def scenario_rest(corpus, workdir, configs, uri, rest_warehouse):
    """`snapshot` into the REST catalog (its metadata files are written by the Java server), then
    the catalog's answers and errors captured with urllib."""
    database = "corpus_rest"
    create_database(database)
    warehouse = rest_warehouse.rstrip("/") + "/corpus"
    try:
        sql(database,
            """CREATE TABLE items (id bigint PRIMARY KEY, name text, price numeric(10,2),
                 added timestamptz, tags text[])""",
            """INSERT INTO items SELECT g, 'item ' || g, g * 0.99,
                 timestamptz '2024-01-01 00:00+00' + g * interval '1 day',
                 CASE WHEN g % 3 = 0 THEN NULL ELSE ARRAY['a', 'b' || g] END
               FROM generate_series(1, 120) g""",
            "CREATE TABLE notes (k text PRIMARY KEY, body text)",
            "INSERT INTO notes VALUES ('a', 'first'), ('b', NULL)")
        tables = [{"name": "public.items"},
                  {"name": "public.notes", "iceberg": {"partition": ["truncate[1](k)"]}}]
        config = make_config(database, warehouse, workdir, tables,
                             sink={"catalog_type": "rest", "catalog_uri": uri,
                                   "compression": "none", "parquet_dictionary": False})
        path = write_config(config, os.path.join(workdir, "rest.yaml"), configs)
        run_once("snapshot", path, workdir)
        sql(database, "INSERT INTO items VALUES (1000, 'late', 1.00, now(), '{}')")
        run_once("snapshot", path, workdir)
        rest_answers(corpus, uri, warehouse)
        add_warehouse_seeds(corpus, urllib.parse.urlparse(warehouse).path, per_table=3)
    finally:
        drop_database(database)


# --- scenario 4: S3 (moto) ----------------------------------------------------------------------------


class S3:
    """Signed requests to moto, answering (status, raw body)."""

    def __init__(self, endpoint, access_key, secret_key):
        self.endpoint = endpoint.rstrip("/")
        self.keys = (access_key, secret_key)

    def request(self, method, bucket, key="", query="", body=b"", headers=None, keys=None):
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        path = "/" + bucket + ("/" + urllib.parse.quote(key, safe="/-_.~") if key else "")
        url = self.endpoint + path + ("?" + query if query else "")
        request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
        keys = keys or self.keys
        if keys != ("", ""):
            S3SigV4Auth(Credentials(*keys), "s3", REGION).add_auth(request)
        return http(method, url, body if body or method in ("PUT", "POST") else None,
                    headers=dict(request.headers.items()))


def quote_query(**params):
    return "&".join(f"{k.replace('_', '-')}={urllib.parse.quote(str(v), safe='-_.~')}"
                    for k, v in params.items())


def delete_objects_body(keys):
    objects = "".join(f"<Object><Key>{k.replace('&', '&amp;').replace('<', '&lt;')}</Key></Object>"
                      for k in keys)
    body = f'<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>false</Quiet>{objects}</Delete>'
    return body.encode(), {"Content-MD5": base64.b64encode(hashlib.md5(body.encode()).digest()).decode(),
                           "Content-Type": "application/xml"}


def s3_answers(s3, bucket):
    """Listing pages (continuation tokens, common prefixes, keys that need escaping, URL
    encoding), DeleteObjects, a multipart upload, and error bodies."""
    odd = ["odd/a&b<c>\"'.txt", "odd/ünï cödé.txt", "odd/tab\tand%41+plus", "odd/x]]>y"]
    for key in odd:
        s3.request("PUT", bucket, key, body=b"odd")
    answers = [("list page 1", s3.request("GET", bucket, query=quote_query(list_type=2, max_keys=3)))]
    token = re.search(rb"<NextContinuationToken>([^<]+)<", answers[0][1][1])
    for page in range(2, 5):
        if not token:
            break
        answer = s3.request("GET", bucket, query=quote_query(
            continuation_token=token.group(1).decode(), list_type=2, max_keys=3))
        answers.append((f"list page {page}", answer))
        token = re.search(rb"<NextContinuationToken>([^<]+)<", answer[1])
    answers += [
        ("list, delimiter", s3.request("GET", bucket, query=quote_query(delimiter="/", list_type=2))),
        ("list, prefix", s3.request("GET", bucket, query=quote_query(list_type=2, prefix="wh/"))),
        ("list, odd keys", s3.request("GET", bucket, query=quote_query(list_type=2, prefix="odd/"))),
        ("list, odd keys url-encoded", s3.request("GET", bucket, query=quote_query(
            encoding_type="url", list_type=2, prefix="odd/"))),
        ("list, empty", s3.request("GET", bucket, query=quote_query(list_type=2, prefix="none/"))),
    ]
    body, headers = delete_objects_body(odd[:2] + ["odd/never-there"])
    answers.append(("delete objects", s3.request("POST", bucket, query="delete", body=body,
                                                 headers=headers)))
    started = s3.request("POST", bucket, "multi/part.bin", query="uploads")
    answers.append(("create multipart upload", started))
    upload = re.search(rb"<UploadId>([^<]+)<", started[1])
    if upload:
        upload_id = upload.group(1).decode()
        part = s3.request("PUT", bucket, "multi/part.bin", body=b"p" * 1000,
                          query=quote_query(partNumber=1, uploadId=upload_id))
        answers.append(("upload part", part))
        bad = ('<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"0000"</ETag>'
               "</Part></CompleteMultipartUpload>").encode()
        answers.append(("complete with a wrong part", s3.request(
            "POST", bucket, "multi/part.bin", query=quote_query(uploadId=upload_id), body=bad)))
        etag = hashlib.md5(b"p" * 1000).hexdigest()  # a part's ETag: the MD5 of its bytes
        good = (f'<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"{etag}"</ETag>'
                "</Part></CompleteMultipartUpload>").encode()
        answers.append(("complete multipart upload", s3.request(
            "POST", bucket, "multi/part.bin", query=quote_query(uploadId=upload_id), body=good)))
    answers += [
        ("abort of a missing upload", s3.request("DELETE", bucket, "multi/none.bin",
                                                 query=quote_query(uploadId="nope"))),
        ("get of a missing key", s3.request("GET", bucket, "no/such/key")),
        ("list of a missing bucket", s3.request("GET", "no-such-bucket", query=quote_query(list_type=2))),
        ("put if none match", s3.request("PUT", bucket, "odd/x]]>y", body=b"again",
                                         headers={"If-None-Match": "*"})),
        ("range past the end", s3.request("GET", bucket, "odd/x]]>y", headers={"Range": "bytes=100-200"})),
        ("delete of a non-empty bucket", s3.request("DELETE", bucket)),
        ("create of an existing bucket", s3.request("PUT", bucket)),
        ("wrong secret", s3.request("GET", bucket, query=quote_query(list_type=2),
                                    keys=(s3.keys[0], "wrong-secret"))),
        ("unknown key id", s3.request("GET", bucket, query=quote_query(list_type=2),
                                      keys=("AKIAUNKNOWNKEY000000", "whatever"))),
        ("no signature", s3.request("GET", bucket, query=quote_query(list_type=2), keys=("", ""))),
    ]
    return answers


def add_bucket_seeds(corpus, s3, bucket, prefix):
    """The table files `snapshot` wrote to the bucket (snappy Parquet, manifests, metadata)."""
    status, listing = s3.request("GET", bucket, query=quote_query(list_type=2, prefix=prefix))
    keys = re.findall(r"<Key>([^<]+)</Key>", listing.decode())
    avro_files = []
    for key in keys:
        if not key.endswith((".parquet", ".avro", ".metadata.json")):
            continue
        status, data = s3.request("GET", bucket, key)
        if status != 200:
            continue
        if key.endswith(".parquet"):
            corpus.add("parquet", data)
        elif key.endswith(".avro"):
            avro_files.append(data)
        else:
            corpus.add("iceberg_json", b"\x00" + data)
    add_avro_seeds(corpus, avro_files, 2)


def scenario_s3(corpus, workdir, configs, endpoint, access_key, secret_key):
    """`snapshot` to an s3:// warehouse on moto (SQL catalog), then moto's XML answers."""
    database = "corpus_s3"
    bucket = "corpus-bucket"
    s3 = S3(endpoint, access_key, secret_key)
    status, body = s3.request("PUT", bucket)
    if status != 200:
        raise RuntimeError(f"creating bucket {bucket}: {status} {body[:300]!r}")
    create_database(database)
    try:
        sql(database,
            "CREATE TABLE orders (id int PRIMARY KEY, item text, qty smallint, at date)",
            """INSERT INTO orders SELECT g, 'item ' || g, g % 9, date '2024-01-01' + g
               FROM generate_series(1, 80) g""")
        config = make_config(database, f"s3://{bucket}/wh", workdir, [{"name": "public.orders"}],
                             sink={"s3_endpoint": endpoint, "s3_region": REGION,
                                   "compression": "snappy"})
        path = write_config(config, os.path.join(workdir, "s3.yaml"), configs)
        # The keys come from the environment, so the config seed holds none.
        run_once("snapshot", path, workdir,
                 env={"AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key})
        add_bucket_seeds(corpus, s3, bucket, "wh/")
        answers = s3_answers(s3, bucket)
        for what, (status, body) in answers:
            if body:
                corpus.add("s3_xml", u16(status) + body)
        log("S3: " + ", ".join(f"{what} {answer[0]}" for what, answer in answers))
    finally:
        drop_database(database)


# --- other writers: PyIceberg and pyarrow ---------------------------------------------------------


def scenario_pyiceberg(corpus, workdir):
    """A table written by PyIceberg (its manifests, manifest lists, metadata and Parquet files):
    another writer's files, as the materializer may meet them."""
    import pyarrow as pa
    from pyiceberg.catalog.sql import SqlCatalog

    database = "corpus_other"
    create_database(database)
    warehouse = os.path.join(workdir, "warehouse-other")
    os.makedirs(warehouse)
    try:
        uri = (f"postgresql+psycopg2://{os.environ['PGUSER']}:"
               f"{urllib.parse.quote(os.environ.get('PGPASSWORD', ''), safe='')}@"
               f"{os.environ['PGHOST']}:{os.environ['PGPORT']}/{database}")
        catalog = SqlCatalog("other", uri=uri, warehouse="file://" + warehouse)
        catalog.create_namespace("other")
        data = pa.table({"id": pa.array(range(50), pa.int64()),
                         "name": pa.array([None if i % 7 == 0 else f"n{i}" for i in range(50)]),
                         "score": pa.array([i / 3 for i in range(50)], pa.float64())})
        table = catalog.create_table("other.t", schema=data.schema)
        table.append(data)
        table.append(data.slice(0, 10))
        table.delete("id < 5")
        table.overwrite(data.slice(20, 10))
        add_warehouse_seeds(corpus, warehouse, per_table=3)
    finally:
        drop_database(database)


def pyarrow_files():
    """Parquet files pyarrow writes: many types, dictionary and plain, page versions, codecs,
    several row groups."""
    import datetime
    import decimal
    import uuid

    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 300
    table = pa.table({
        "id": pa.array(range(n), pa.int64()),
        "i32": pa.array([None if i % 11 == 0 else i - 150 for i in range(n)], pa.int32()),
        "flag": pa.array([None if i % 5 == 0 else i % 2 == 0 for i in range(n)]),
        "f32": pa.array([i / 7 for i in range(n)], pa.float32()),
        "f64": pa.array([None if i % 13 == 0 else i * 1e-3 for i in range(n)], pa.float64()),
        "dec": pa.array([None if i % 9 == 0 else decimal.Decimal(i * 1234) / 100 for i in range(n)],
                        pa.decimal128(12, 2)),
        "wide": pa.array([decimal.Decimal(i) * 10 ** 20 for i in range(n)], pa.decimal128(38, 4)),
        "text": pa.array([None if i % 6 == 0 else f"value {i % 17}" for i in range(n)]),
        "bin": pa.array([bytes([i % 256]) * (i % 5) for i in range(n)], pa.binary()),
        "uuid": pa.array([uuid.UUID(int=i * 7919).bytes for i in range(n)], pa.binary(16)),
        "day": pa.array([datetime.date(2024, 1, 1) + datetime.timedelta(days=i) for i in range(n)]),
        "tm": pa.array([i * 1_000_000 for i in range(n)], pa.time64("us")),
        "ts": pa.array([i * 3_600_000_000 for i in range(n)], pa.timestamp("us")),
        "tstz": pa.array([None if i % 4 == 0 else i * 60_000_000 for i in range(n)],
                         pa.timestamp("us", tz="UTC")),
        "ints": pa.array([None if i % 8 == 0 else [i, None, -i][: i % 4] for i in range(n)],
                         pa.list_(pa.int32())),
    })
    variants = [
        dict(compression="none", use_dictionary=True),
        dict(compression="snappy", use_dictionary=False),
        dict(compression="zstd", use_dictionary=True, data_page_version="2.0"),
        dict(compression="none", use_dictionary=False, row_group_size=64, data_page_size=512),
        dict(compression="gzip", use_dictionary=["text"], write_statistics=False),
    ]
    for options in variants:
        out = io.BytesIO()
        pq.write_table(table, out, **options)
        yield out.getvalue()
    # A position delete file's shape, as other writers produce it.
    deletes = pa.table({"file_path": pa.array(["s3://b/t/data/00000-0-x.parquet"] * 40),
                        "pos": pa.array(range(0, 400, 10), pa.int64())})
    out = io.BytesIO()
    pq.write_table(deletes, out, compression="zstd")
    yield out.getvalue()


# --- config files ---------------------------------------------------------------------------------


def doc_yaml_examples():
    """Every ```yaml block of README.md and docs/*.md."""
    examples = []
    for path in [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md")):
        examples += re.findall(r"```yaml\n(.*?)```", path.read_text(), re.S)
    return examples


def config_variants(text, workdir):
    """A real config with its password from ${PG_PASSWORD}, from a password file, unset
    variables, literal `$${`, and misspelled or malformed keys."""
    password = os.environ.get("PGPASSWORD", "")
    password_file = os.path.join(workdir, "pg-password")
    pathlib.Path(password_file).write_text(password + "\n")
    with_variable = text.replace(f"password: {password}", "password: ${PG_PASSWORD}")
    yield with_variable
    yield text.replace(f"password: {password}", f"password_file: {password_file}")
    yield with_variable.replace(f"port: {os.environ['PGPORT']}", "port: ${PGPORT}")
    yield with_variable.replace("catalog_name: pg2iceberg", "catalog_name: ${EMPTY}pg2i$${literal}")
    yield with_variable.replace("flush_interval: 200ms", "flush_rowz: 10\n  flush_interval: 1m30s")
    yield with_variable.replace("standby_interval: 1s", "standby_interval: 999999999999999999999s")
    yield with_variable.replace("snapshot_workers: 2", "snapshot_workers: abc")


def add_config_seeds(corpus, configs, workdir):
    """Every config written for a run, variants of the first one, the documentation's examples."""
    for text in configs:
        corpus.add("config_yaml", text.encode())
    for variant in config_variants(configs[0], workdir) if configs else ():
        corpus.add("config_yaml", variant.encode())
    for example in doc_yaml_examples():
        corpus.add("config_yaml", example.encode())


# --- main -----------------------------------------------------------------------------------------


def wait_for_binary(timeout=60):
    deadline = time.monotonic() + timeout
    while not os.access(BINARY, os.X_OK):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{BINARY} is not there (build it first)")
        time.sleep(1)


def main():
    missing = [name for name in ("PGHOST", "PGPORT", "PGUSER") if name not in os.environ]
    if missing:
        print(__doc__, file=sys.stderr)
        log(f"{', '.join(missing)} not set: run under scripts/with_postgres.py")
        return 2
    wait_for_binary()
    corpus = Corpus(CORPUS, TARGETS)
    configs = []
    workdir = tempfile.mkdtemp(prefix="pg2iceberg-corpus-")
    env = os.environ
    scenarios = [("file warehouse run", lambda: scenario_file_run(corpus, workdir, configs)),
                 ("load plan", lambda: scenario_load_plan(corpus, workdir, configs))]
    if env.get("PG2ICEBERG_TEST_REST_URI"):
        scenarios.append(("REST catalog", lambda: scenario_rest(
            corpus, workdir, configs, env["PG2ICEBERG_TEST_REST_URI"],
            env.get("PG2ICEBERG_TEST_REST_WAREHOUSE") or "file://" + workdir + "/warehouse-rest")))
    else:
        log("PG2ICEBERG_TEST_REST_URI not set: no REST answers (run under with_rest_catalog.py)")
    if env.get("PG2ICEBERG_TEST_S3_ENDPOINT"):
        scenarios.append(("S3", lambda: scenario_s3(
            corpus, workdir, configs, env["PG2ICEBERG_TEST_S3_ENDPOINT"],
            env.get("PG2ICEBERG_TEST_S3_ACCESS_KEY_ID", "corpus-key"),
            env.get("PG2ICEBERG_TEST_S3_SECRET_ACCESS_KEY", "corpus-secret"))))
    else:
        log("PG2ICEBERG_TEST_S3_ENDPOINT not set: no S3 answers (run under with_moto.py)")
    scenarios += [("PyIceberg", lambda: scenario_pyiceberg(corpus, workdir)),
                  ("pyarrow", lambda: [corpus.add("parquet", data) for data in pyarrow_files()]),
                  ("configs", lambda: add_config_seeds(corpus, configs, workdir))]
    failed = []
    try:
        for name, scenario in scenarios:
            log(f"{name} ...")
            try:
                scenario()
            except Exception as error:  # reported; the other scenarios still run
                log(f"{name} failed: {error}")
                failed.append(name)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    corpus.report()
    if failed:
        log(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
