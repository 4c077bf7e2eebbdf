"""`pg2iceberg verify`: compares every configured table in Postgres with its Iceberg mirror at one
point in time. Equal mirrors exit 0; a mirror changed behind pg2iceberg's back (PyIceberg deletes,
rewrites and appends rows) is reported with the keys that differ and a non-zero exit; a table
written to while verify runs gives a correct answer or a clear "no matching point", never a
false difference."""
import subprocess
import threading
import time

import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml

from conftest import BINARY
from test_run import create_items, every_kind_of_change
from run_util import run_config, wait_mirrored


def verify(mirror, *args, timeout=600):
    return subprocess.run([BINARY, "verify", "--config", mirror.config_path, *args],
                          capture_output=True, text=True, timeout=timeout)


def start_mirror(mirror, runs, rows=1000):
    create_items(mirror, rows)
    config = run_config(mirror, ["public.items", "public.other"])
    process = runs(config)
    wait_mirrored(mirror, process, 2)
    return process


@pytest.mark.storage("file-sql", "s3-rest")
def test_verify_reports_equal_mirrors(mirror, runs):
    process = start_mirror(mirror, runs)
    result = verify(mirror)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "public.items: equal (1000 rows;" in result.stdout, result.stdout
    assert "public.other: equal (50 rows;" in result.stdout, result.stdout

    # After changes of every kind (TOAST, deletes, a key change, TRUNCATE) have been merged.
    every_kind_of_change(mirror, 1)
    wait_mirrored(mirror, process, 2)
    result = verify(mirror)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "public.items: equal (" in result.stdout and "public.other: equal (" in result.stdout
    assert process.running(), process.log()


@pytest.mark.storage("file-sql", "s3-rest")
def test_verify_names_the_keys_that_differ(mirror, runs):
    process = start_mirror(mirror, runs)
    table = mirror.pyiceberg_table("public.items")
    # Another writer changes the mirror: deletes id 5, rewrites the name of id 7, adds id 999999.
    table.delete(delete_filter="id == 5")
    row = table.scan(row_filter="id == 7").to_arrow()
    changed = row.set_column(row.schema.get_field_index("name"), row.schema.field("name"),
                             pc.binary_join_element_wise(row["name"], " (edited)", ""))
    table.overwrite(changed, overwrite_filter="id == 7")
    extra = row.set_column(row.schema.get_field_index("id"), row.schema.field("id"),
                           pa.array([999999], type=row.schema.field("id").type))
    table.append(extra)

    result = verify(mirror, "--timeout", "120")
    assert result.returncode != 0, result.stdout + result.stderr
    out = result.stdout
    assert "public.items: different (3 keys differ; 1000 rows in Postgres, 1000 in Iceberg;" in out, out
    assert "missing in Iceberg: id=5" in out, out
    assert "different values: id=7 (columns: name)" in out, out
    assert "extra in Iceberg: id=999999" in out, out
    assert "public.other: equal (50 rows;" in out, out
    assert "1 differ" in result.stderr, result.stderr
    assert process.running(), process.log()


def write_items(mirror, stop, errors):
    """Writes `items` until `stop` (at most 3000 rounds): updates, updates that leave a TOASTed
    value unchanged, inserts, deletes and a primary-key change now and then."""
    try:
        for i in range(3000):
            if stop.is_set():
                return
            statements = [
                f"UPDATE items SET n = n + 1 WHERE id = {i % 400 + 1}",
                f"UPDATE items SET name = name || '.' WHERE id = {(i % 40 + 1) * 10}",  # doc TOASTed
                f"INSERT INTO items VALUES ({100000 + i}, 'w', NULL, {i}, now())",
                f"DELETE FROM items WHERE id = {100000 + i - 1}",
            ]
            if i % 50 == 0:
                statements.append(f"UPDATE items SET id = {300000 + i} WHERE id = {401 + i // 50}")
            mirror.sql(*statements)
            time.sleep(0.005)
    except Exception as e:  # reported by the test
        errors.append(e)


@pytest.mark.storage("file-sql")
def test_verify_during_writes_never_reports_a_false_difference(mirror, runs):
    process = start_mirror(mirror, runs)
    # A real difference in the idle table, to be reported every time.
    mirror.pyiceberg_table("public.other").delete(delete_filter="k == 'k7'")
    stop, errors = threading.Event(), []
    writer = threading.Thread(target=write_items, args=(mirror, stop, errors))
    writer.start()
    outcomes = []
    try:
        for _ in range(3):
            result = verify(mirror, "--timeout", "60", "--attempts", "3")
            out = result.stdout + result.stderr
            assert result.returncode != 0, out
            assert "public.other: different (1 keys differ;" in out and "missing in Iceberg: k=" in out, out
            assert "public.items: different" not in out, out
            items = [line for line in result.stdout.splitlines() if line.startswith("public.items:")]
            assert len(items) == 1 and ("public.items: equal (" in items[0]
                                        or "could not find a matching point" in items[0]), out
            outcomes.append(items[0])
    finally:
        stop.set()
        writer.join(timeout=120)
    assert not errors, errors
    print("verify of items during writes:", outcomes)
    wait_mirrored(mirror, process, 2)
    result = verify(mirror)
    assert "public.items: equal (" in result.stdout, result.stdout + result.stderr
    assert "public.other: different (1 keys differ;" in result.stdout, result.stdout + result.stderr
    assert result.returncode != 0


@pytest.mark.storage("file-sql")
def test_verify_reports_a_table_that_is_not_mirrored(mirror):
    mirror.sql("CREATE TABLE t (id int PRIMARY KEY)")
    mirror.write_config(run_config(mirror, ["public.t"]))
    result = verify(mirror, "--timeout", "5")
    assert result.returncode != 0, result.stdout + result.stderr
    assert "public.t: not yet a mirror" in result.stdout, result.stdout + result.stderr



@pytest.mark.storage("file-sql")
def test_verify_stops_at_its_memory_bound_naming_the_table_and_the_setting(mirror, runs):
    process = start_mirror(mirror, runs, rows=20000)
    # The same mirror, verified with a 1 MiB bound: 20,000 keys and hashes do not fit.
    config = run_config(mirror, ["public.items", "public.other"],
                        **{"sink.materializer_index_memory": "1MiB"})
    path = mirror.config_path + ".small.yaml"
    with open(path, "w") as f:
        yaml.safe_dump(config, f)
    result = subprocess.run([BINARY, "verify", "--config", path], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "public.items: error:" in result.stdout, result.stdout
    assert "sink.materializer_index_memory" in result.stdout, result.stdout
    assert "public.other: equal (50 rows;" in result.stdout, result.stdout
    assert process.running(), process.log()
