"""Delete files of every kind — equality deletes, position deletes (format version 2) and
deletion vectors in Puffin files (format version 3) — written by pg2iceberg's writers (through
tests/tools/delete_probe) and applied by DuckDB, PyIceberg and Spark exactly as Postgres applies
the same DELETE. PyIceberg refuses tables with live equality deletes: that refusal is asserted,
so a version that starts reading them is noticed."""
import io
import json
import os
import subprocess
import zlib

import fastavro
import pyarrow.parquet as pq
import pytest
from pyroaring import BitMap64

from readers import assert_same_rows, source_rows

PROBE = os.path.join(os.path.dirname(os.environ.get("PG2ICEBERG_BIN", "build/src/cli/pg2iceberg")),
                     "..", "..", "tests", "tools", "delete_probe")

TABLE = ("CREATE TABLE public.d (id bigint PRIMARY KEY, region text, amount int)",
         "INSERT INTO public.d SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE (ARRAY['eu', 'us', 'ap'])[g % 3 + 1] END, "
         "g * 7 FROM generate_series(1, 2000) g")


def make_table(mirror, format_version):
    mirror.sql(*TABLE)
    mirror.snapshot([{"name": "public.d", "iceberg": {"format_version": format_version}}])


def probe(mirror, request):
    path = os.path.join(mirror.workdir, "deletes.json")
    with open(path, "w") as f:
        json.dump(request, f)
    return subprocess.run([PROBE, mirror.config_path, "public", "d", path], capture_output=True, text=True,
                          timeout=300)


def commit_deletes(mirror, request):
    result = probe(mirror, request)
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def data_files(mirror):
    files = mirror.pyiceberg_table("public.d").inspect.files()
    return [path for path, content in zip(files["file_path"].to_pylist(), files["content"].to_pylist())
            if content == 0]


def delete_entries(mirror):
    """The data_file records of the live delete entries of the current snapshot, read from our
    manifests with fastavro (PyIceberg 0.12 does not expose the version 3 fields)."""
    table = mirror.pyiceberg_table("public.d")
    entries = []
    for manifest in table.current_snapshot().manifests(table.io):
        records = fastavro.reader(io.BytesIO(mirror.read_file(key_of(mirror, manifest.manifest_path))))
        entries += [r["data_file"] for r in records if r["status"] != 2 and r["data_file"]["content"] != 0]
    return entries


def key_of(mirror, location):
    return location.split(mirror.warehouse + "/", 1)[1]


def positions_of(mirror, location, ids):
    """Row positions of `ids` in the data file at `location`, read with pyarrow."""
    column = pq.read_table(io.BytesIO(mirror.read_file(key_of(mirror, location))), columns=["id"])["id"]
    wanted = set(ids)
    return [pos for pos, value in enumerate(column.to_pylist()) if value in wanted]


def expected_after(mirror, delete_sql):
    mirror.sql(delete_sql)
    conn = mirror.connect()
    try:
        return source_rows(conn, "public.d")
    finally:
        conn.close()


def assert_readers_see(mirror, expected, readers=("duckdb", "pyiceberg", "spark")):
    names, types, rows = expected
    read = {"duckdb": lambda: mirror.duckdb_rows("public", "d"),
            "pyiceberg": lambda: mirror.pyiceberg_rows("public.d"),
            "spark": lambda: mirror.spark_rows("public", "d")}
    for reader in readers:
        got_names, got = read[reader]()
        assert got_names == names, reader
        assert_same_rows(rows, got, names, types, reader)


@pytest.mark.parametrize("format_version", [2, 3])
def test_equality_deletes_on_the_key_and_on_a_nullable_column(mirror, format_version):
    make_table(mirror, format_version)
    commit_deletes(mirror, {"kind": "equality", "columns": ["id"], "rows": [[3], [500], [1999], [5000]]})
    commit_deletes(mirror, {"kind": "equality", "columns": ["region", "amount"], "rows": [["eu", 42], [None, 70]]})
    expected = expected_after(mirror, "DELETE FROM public.d WHERE id IN (3, 500, 1999) "
                                      "OR (region = 'eu' AND amount = 42) OR (region IS NULL AND amount = 70)")
    assert len(expected[2]) == 2000 - 5
    assert_readers_see(mirror, expected, readers=("duckdb", "spark"))
    with pytest.raises(ValueError, match="equality delete"):
        mirror.pyiceberg_rows("public.d")
    assert sorted(e["equality_ids"] for e in delete_entries(mirror)) == [[1], [2, 3]]
    summary = mirror.pyiceberg_table("public.d").metadata.current_snapshot().summary
    assert summary.operation.value == "delete"
    assert summary["added-equality-delete-files"] == "1" and summary["added-equality-deletes"] == "2"
    assert summary["total-equality-deletes"] == "6" and summary["total-delete-files"] == "2"


def test_position_deletes_in_a_version_2_table(mirror):
    make_table(mirror, 2)
    [data_file] = data_files(mirror)
    positions = positions_of(mirror, data_file, [1, 2, 1000, 2000])
    commit_deletes(mirror, {"kind": "position", "positions": {data_file: positions}})
    expected = expected_after(mirror, "DELETE FROM public.d WHERE id IN (1, 2, 1000, 2000)")
    assert_readers_see(mirror, expected)
    [entry] = delete_entries(mirror)
    assert entry["content"] == 1 and entry["referenced_data_file"] == data_file
    assert entry["record_count"] == 4 and entry["equality_ids"] is None
    # The file itself: (file_path, pos) sorted, with the spec's reserved field ids.
    parquet = pq.read_table(io.BytesIO(mirror.read_file(key_of(mirror, entry["file_path"]))))
    assert parquet.column("pos").to_pylist() == sorted(positions)
    assert {f.name: int(f.metadata[b"PARQUET:field_id"]) for f in parquet.schema} == \
        {"file_path": 2147483546, "pos": 2147483545}


def test_deletion_vectors_in_a_version_3_table(mirror):
    make_table(mirror, 3)
    [data_file] = data_files(mirror)
    positions = positions_of(mirror, data_file, list(range(100, 300)) + [7, 1500])
    commit_deletes(mirror, {"kind": "dv", "positions": {data_file: positions}})
    expected = expected_after(mirror, "DELETE FROM public.d WHERE id BETWEEN 100 AND 299 OR id IN (7, 1500)")
    assert_readers_see(mirror, expected)
    table = mirror.pyiceberg_table("public.d")
    summary = table.metadata.current_snapshot().summary
    assert summary["added-dvs"] == "1" and summary["added-position-deletes"] == str(len(positions))
    # The blob, read back independently: CRoaring (pyroaring) decodes the same positions.
    [entry] = delete_entries(mirror)
    assert entry["file_format"] == "PUFFIN" and entry["referenced_data_file"] == data_file
    assert entry["record_count"] == len(positions)
    puffin = mirror.read_file(key_of(mirror, entry["file_path"]))
    offset, size = entry["content_offset"], entry["content_size_in_bytes"]
    blob = puffin[offset:offset + size]
    assert int.from_bytes(blob[:4], "big") == size - 8 and blob[4:8] == bytes.fromhex("d1d33964")
    assert int.from_bytes(blob[-4:], "big") == zlib.crc32(blob[4:-4])
    assert sorted(BitMap64.deserialize(blob[8:-4])) == sorted(positions)
    # The Puffin footer describes the blob as the spec says.
    assert puffin[:4] == b"PFA1" and puffin[-4:] == b"PFA1" and puffin[-8:-4] == bytes(4)
    footer_size = int.from_bytes(puffin[-12:-8], "little")
    footer = json.loads(puffin[-12 - footer_size:-12])
    assert puffin[-16 - footer_size:-12 - footer_size] == b"PFA1"
    [described] = footer["blobs"]
    assert described["type"] == "deletion-vector-v1"
    assert (described["offset"], described["length"]) == (offset, size)
    assert (described["snapshot-id"], described["sequence-number"]) == (-1, -1)
    assert described["properties"] == {"referenced-data-file": data_file, "cardinality": str(len(positions))}


def test_what_a_table_version_cannot_take_is_refused(mirror):
    make_table(mirror, 3)
    [data_file] = data_files(mirror)
    result = probe(mirror, {"kind": "position", "positions": {data_file: [0]}})
    assert result.returncode != 0
    assert "takes deletion vectors, not position delete files" in result.stderr, result.stderr
    commit_deletes(mirror, {"kind": "dv", "positions": {data_file: [0]}})
    result = probe(mirror, {"kind": "dv", "positions": {data_file: [1]}})
    assert result.returncode != 0
    assert "already has a deletion vector" in result.stderr, result.stderr


def test_a_new_snapshot_retires_every_delete_file(mirror):
    make_table(mirror, 2)
    commit_deletes(mirror, {"kind": "equality", "columns": ["id"], "rows": [[1]]})
    [data_file] = data_files(mirror)
    commit_deletes(mirror, {"kind": "position", "positions": {data_file: [5]}})
    mirror.snapshot([{"name": "public.d", "iceberg": {"format_version": 2}}])
    table = mirror.pyiceberg_table("public.d")
    assert delete_entries(mirror) == []
    summary = table.metadata.current_snapshot().summary
    assert summary["removed-delete-files"] == "2" and summary["total-delete-files"] == "0"
    conn = mirror.connect()
    expected = source_rows(conn, "public.d")
    conn.close()
    assert_readers_see(mirror, expected)
