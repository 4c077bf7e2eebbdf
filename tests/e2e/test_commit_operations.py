"""The commit's operations (src/iceberg/table_commit.h, docs/commit.md), driven through
tests/tools/delete_probe and read back by engines we did not write: a row delta, a delete file
replaced by a newer one for the same data file (a deletion vector in format version 3, a
position delete file in version 2), a rewrite ("replace"), and an overwrite that removes a data
file — with the delete files referencing it — while adding another (TRUNCATE then inserts).
After each step DuckDB and PyIceberg read exactly the rows Postgres holds after the same
change, and PyIceberg reads the operation and summary counts the commit set."""
import io
import json
import os
import subprocess

import fastavro
import pyarrow.parquet as pq
import pytest

from readers import assert_same_rows, source_rows

PROBE = os.path.join(os.path.dirname(os.environ.get("PG2ICEBERG_BIN", "build/src/cli/pg2iceberg")),
                     "..", "..", "tests", "tools", "delete_probe")

TABLES = ("CREATE TABLE public.d (id bigint PRIMARY KEY, region text, amount int)",
          "INSERT INTO public.d SELECT g, (ARRAY['eu', 'us', 'ap'])[g % 3 + 1], g * 7 "
          "FROM generate_series(1, 2000) g",
          "CREATE TABLE public.e (id bigint PRIMARY KEY, region text, amount int)",
          "INSERT INTO public.e SELECT g, 'new', g FROM generate_series(5001, 5300) g")


def commit(mirror, table, request):
    path = os.path.join(mirror.workdir, "commit.json")
    with open(path, "w") as f:
        json.dump(request, f)
    result = subprocess.run([PROBE, mirror.config_path, "public", table, path], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def key_of(mirror, location):
    return location.split(mirror.warehouse + "/", 1)[1]


def live_files(mirror, table, content):
    files = mirror.pyiceberg_table(f"public.{table}").inspect.files()
    return [p for p, c in zip(files["file_path"].to_pylist(), files["content"].to_pylist()) if c == content]


def positions_of(mirror, location, ids):
    column = pq.read_table(io.BytesIO(mirror.read_file(key_of(mirror, location))), columns=["id"])["id"]
    return [pos for pos, value in enumerate(column.to_pylist()) if value in set(ids)]


def entry_statuses(mirror, table):
    """file path → manifest entry status (0 existing, 1 added, 2 deleted) in the current
    snapshot's manifests, read with fastavro."""
    t = mirror.pyiceberg_table(f"public.{table}")
    statuses = {}
    for manifest in t.current_snapshot().manifests(t.io):
        for record in fastavro.reader(io.BytesIO(mirror.read_file(key_of(mirror, manifest.manifest_path)))):
            statuses[record["data_file"]["file_path"]] = record["status"]
    return statuses


def summary(mirror, table):
    return mirror.pyiceberg_table(f"public.{table}").metadata.current_snapshot().summary


def pg_rows(mirror, table):
    conn = mirror.connect()
    try:
        return source_rows(conn, f"public.{table}")
    finally:
        conn.close()


def assert_readers_see(mirror, table, expected):
    names, types, rows = expected
    for reader, read in (("duckdb", lambda: mirror.duckdb_rows("public", table)),
                         ("pyiceberg", lambda: mirror.pyiceberg_rows(f"public.{table}"))):
        got_names, got = read()
        assert got_names == names, reader
        assert_same_rows(rows, got, names, types, reader)


@pytest.mark.parametrize("format_version", [2, 3])
def test_row_delta_replacement_rewrite_and_overwrite(mirror, format_version):
    mirror.sql(*TABLES)
    mirror.snapshot([{"name": f"public.{t}", "iceberg": {"format_version": format_version}} for t in "de"])
    first = summary(mirror, "d")
    assert first.operation.value == "append"  # a fresh table: data files added only
    assert first["total-records"] == "2000" and first["total-data-files"] == "1"
    assert first["pg2iceberg.operation"] == "snapshot" and "pg2iceberg.commit-lsn" in first
    kind = "dv" if format_version >= 3 else "position"
    [data_file] = live_files(mirror, "d", 0)

    # A row delta: delete ids 1..10.
    commit(mirror, "d", {"kind": kind, "positions": {data_file: positions_of(mirror, data_file, range(1, 11))}})
    mirror.sql("DELETE FROM public.d WHERE id <= 10")
    assert_readers_see(mirror, "d", pg_rows(mirror, "d"))
    s = summary(mirror, "d")
    assert s.operation.value == "delete" and s["total-position-deletes"] == "10"
    [old_delete] = live_files(mirror, "d", 1)

    # The delete file replaced by a newer one for the same data file: old positions plus new.
    commit(mirror, "d", {"kind": kind, "positions": {data_file: positions_of(mirror, data_file, range(1, 21))},
                         "remove": [old_delete]})
    mirror.sql("DELETE FROM public.d WHERE id <= 20")
    assert_readers_see(mirror, "d", pg_rows(mirror, "d"))
    s = summary(mirror, "d")
    assert s.operation.value == "delete"
    assert s["removed-dvs" if format_version >= 3 else "removed-position-delete-files"] == "1"
    assert s["removed-delete-files"] == "1" and s["added-delete-files"] == "1"
    assert s["total-delete-files"] == "1" and s["total-position-deletes"] == "20"
    assert s["total-records"] == "2000"  # data rows, before deletes
    assert entry_statuses(mirror, "d")[old_delete] == 2
    [new_delete] = live_files(mirror, "d", 1)

    # A rewrite of e's only data file (compaction): same rows, operation "replace".
    [e_file] = live_files(mirror, "e", 0)
    commit(mirror, "e", {"kind": "none", "copy": [e_file], "remove": [e_file], "rewrite": True})
    assert_readers_see(mirror, "e", pg_rows(mirror, "e"))
    s = summary(mirror, "e")
    assert s.operation.value == "replace"
    assert s["added-data-files"] == "1" and s["deleted-data-files"] == "1" and s["total-records"] == "300"
    [e_copy] = live_files(mirror, "e", 0)
    assert e_copy != e_file and entry_statuses(mirror, "e")[e_file] == 2

    # TRUNCATE d, then insert e's rows, in one commit: d's data file is removed, and with it the
    # delete file that references it; e's data file is added.
    commit(mirror, "d", {"kind": "none", "remove": [data_file], "add_from": {"table": "e", "files": [e_copy]}})
    mirror.sql("TRUNCATE public.d", "INSERT INTO public.d SELECT * FROM public.e")
    assert_readers_see(mirror, "d", pg_rows(mirror, "d"))
    s = summary(mirror, "d")
    assert s.operation.value == "overwrite"
    assert s["deleted-data-files"] == "1" and s["deleted-records"] == "2000" and s["added-data-files"] == "1"
    assert s["removed-delete-files"] == "1" and s["total-delete-files"] == "0"
    assert s["total-records"] == "300" and s["total-data-files"] == "1" and s["total-position-deletes"] == "0"
    statuses = entry_statuses(mirror, "d")
    assert statuses[data_file] == 2 and statuses[new_delete] == 2 and statuses[e_copy] == 1


def test_removing_a_file_that_is_not_live_is_refused(mirror):
    mirror.sql(*TABLES)
    mirror.snapshot([{"name": "public.d"}])
    path = os.path.join(mirror.workdir, "commit.json")
    with open(path, "w") as f:
        json.dump({"kind": "none", "remove": ["file:///nowhere/x.parquet"]}, f)
    result = subprocess.run([PROBE, mirror.config_path, "public", "d", path], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode != 0
    assert "is not live in snapshot" in result.stderr, result.stderr
