"""Re-snapshotting a table whose source schema changed (docs/schema-evolution.md): added,
dropped, renamed and widened columns evolve the Iceberg schema by field id; DuckDB, PyIceberg
and Spark read the Postgres rows under the new names, and time travel to the snapshot before
the change still reads the old data under the old schema. Changes Iceberg cannot apply are
refused before anything is written."""
import json

import pytest

from readers import assert_same_rows, source_rows
from test_snapshot_types import check_table

TABLE = """CREATE TABLE public.evo (
  id integer PRIMARY KEY, small smallint, ratio real, amount numeric(20, 2), note text,
  legacy text, n integer)"""
ROWS = """INSERT INTO public.evo
  SELECT g, (g % 300)::smallint, g / 8.0, g * 1.25, 'note ' || g, 'legacy ' || g,
         CASE WHEN g % 4 = 0 THEN NULL ELSE g END
  FROM generate_series(1, 200) g"""
CHANGES = [
    "ALTER TABLE public.evo ADD COLUMN added date",
    "ALTER TABLE public.evo DROP COLUMN legacy",
    "ALTER TABLE public.evo RENAME COLUMN note TO remark",
    "ALTER TABLE public.evo ALTER COLUMN small TYPE bigint",
    "ALTER TABLE public.evo ALTER COLUMN ratio TYPE double precision",
    "ALTER TABLE public.evo ALTER COLUMN amount TYPE numeric(30, 2)",
    "UPDATE public.evo SET small = small * 10000000000, added = DATE '2024-01-01' + id WHERE id % 3 = 0",
    "INSERT INTO public.evo (id, small, ratio, amount, remark, n, added) VALUES "
    "(1000, 9223372036854775807, 1e300, 1234567890123456789012345678.99, 'new', 7, '2030-12-31')",
]


def field_ids(table):
    return {f.name: f.field_id for f in table.schema().fields}


def field_types(table):
    return {f.name: str(f.field_type) for f in table.schema().fields}


def source_snapshot(mirror, table):
    conn = mirror.connect()
    try:
        return source_rows(conn, table)
    finally:
        conn.close()


def check_time_travel(mirror, snapshot_id, names, types, expected, name="evo"):
    """Snapshot `snapshot_id` of public.<name> reads as `expected` under its own schema, through
    PyIceberg (scan(snapshot_id=…)) and Spark (VERSION AS OF)."""
    arrow = mirror.pyiceberg_table(f"public.{name}").scan(snapshot_id=snapshot_id).to_arrow()
    assert arrow.column_names == names
    got = list(zip(*[c.to_pylist() for c in arrow.columns]))
    assert_same_rows(expected, got, names, types, "pyiceberg time travel")
    got_names, got = mirror.spark_rows("public", name, version=snapshot_id)
    assert got_names == names
    assert_same_rows(expected, got, names, types, "spark time travel")


def test_add_drop_rename_and_widen_evolve_the_schema_by_field_id(mirror):
    mirror.sql(TABLE, ROWS)
    mirror.snapshot(["public.evo"])
    before = mirror.pyiceberg_table("public.evo")
    ids_before = field_ids(before)
    assert ids_before == {"id": 1, "small": 2, "ratio": 3, "amount": 4, "note": 5, "legacy": 6, "n": 7}
    first_snapshot = before.current_snapshot().snapshot_id
    old_names, old_types, old_rows = source_snapshot(mirror, "public.evo")

    mirror.sql(*CHANGES)
    result = mirror.snapshot(["public.evo"])
    assert "renamed column note to remark (field 5)" in result.stderr, result.stderr
    assert "dropped column legacy (field 6)" in result.stderr

    check_table(mirror, "public.evo")
    after = mirror.pyiceberg_table("public.evo")
    assert field_ids(after) == {"id": 1, "small": 2, "ratio": 3, "amount": 4, "remark": 5, "n": 7,
                                "added": 8}
    assert field_types(after) == {"id": "int", "small": "long", "ratio": "double",
                                  "amount": "decimal(30, 2)", "remark": "string", "n": "int",
                                  "added": "date"}
    assert not after.schema().find_field("added").required
    assert after.schema().identifier_field_names() == {"id"}
    assert after.metadata.last_column_id == 8
    assert len(after.metadata.schemas) == 2
    assert after.current_snapshot().schema_id == after.metadata.current_schema_id == 1
    assert after.properties["pg2iceberg.field-ids"] == "1:1,2:2,3:3,4:4,5:5,7:7,8:8"

    check_time_travel(mirror, first_snapshot, old_names, old_types, old_rows)


def test_dropped_and_re_added_column_gets_a_new_field_id(mirror):
    mirror.sql("CREATE TABLE public.evo (id integer PRIMARY KEY, v text)",
               "INSERT INTO public.evo SELECT g, 'old ' || g FROM generate_series(1, 50) g")
    mirror.snapshot(["public.evo"])
    first = mirror.pyiceberg_table("public.evo")
    first_snapshot = first.current_snapshot().snapshot_id
    old_names, old_types, old_rows = source_snapshot(mirror, "public.evo")

    mirror.sql("ALTER TABLE public.evo DROP COLUMN v", "ALTER TABLE public.evo ADD COLUMN v text",
               "UPDATE public.evo SET v = 'new ' || id WHERE id > 40")
    mirror.snapshot(["public.evo"])
    check_table(mirror, "public.evo")  # ids 1..40 read NULL: the old values stay with field 2
    table = mirror.pyiceberg_table("public.evo")
    assert field_ids(table) == {"id": 1, "v": 3}
    assert table.metadata.last_column_id == 3

    # The same name once more, renamed away and back: the field id follows the column.
    mirror.sql("ALTER TABLE public.evo RENAME COLUMN v TO w", "INSERT INTO public.evo VALUES (99, 'w')")
    mirror.snapshot(["public.evo"])
    check_table(mirror, "public.evo")
    assert field_ids(mirror.pyiceberg_table("public.evo")) == {"id": 1, "w": 3}

    check_time_travel(mirror, first_snapshot, old_names, old_types, old_rows)


@pytest.mark.parametrize("change, column, old_type, new_type", [
    ("ALTER TABLE public.evo ALTER COLUMN note TYPE integer USING length(note)", "note", "string", "int"),
    ("ALTER TABLE public.evo ALTER COLUMN amount TYPE numeric(20, 3)", "amount", "decimal(20,2)",
     "decimal(20,3)"),
    ("ALTER TABLE public.evo ALTER COLUMN n TYPE smallint", "n", "long", "int"),
])
def test_changes_iceberg_cannot_apply_are_refused_and_leave_the_table_unchanged(
        mirror, change, column, old_type, new_type):
    mirror.sql("CREATE TABLE public.evo (id integer PRIMARY KEY, note text, amount numeric(20, 2), n bigint)",
               "INSERT INTO public.evo VALUES (1, 'one', 1.5, 1), (2, NULL, NULL, NULL)")
    mirror.snapshot(["public.evo"])
    location = mirror.metadata_location("public", "evo")
    files = mirror.list_files()

    mirror.sql(change)
    result = mirror.run("snapshot", mirror.config(["public.evo"]))
    assert result.returncode != 0
    assert f'public.evo, column "{column}"' in result.stderr, result.stderr
    assert f"from {old_type} to {new_type}" in result.stderr, result.stderr
    assert "drop the Iceberg table" in result.stderr, result.stderr
    assert mirror.metadata_location("public", "evo") == location
    assert mirror.list_files() == files


@pytest.mark.storage("file-sql")
def test_a_table_without_the_field_id_property_is_matched_by_name_once(mirror):
    mirror.sql("CREATE TABLE public.evo (id integer PRIMARY KEY, a text, b integer)",
               "INSERT INTO public.evo SELECT g, 'a' || g, g FROM generate_series(1, 20) g")
    mirror.snapshot(["public.evo"])
    # As a table written before pg2iceberg recorded the property: remove it from the metadata.
    location = mirror.metadata_location("public", "evo")
    key = location[len(mirror.warehouse) + 1:]
    metadata = json.loads(mirror.read_file(key))
    del metadata["properties"]["pg2iceberg.field-ids"]
    mirror.write_file(key, json.dumps(metadata).encode())

    mirror.sql("ALTER TABLE public.evo RENAME COLUMN a TO a2", "ALTER TABLE public.evo ADD COLUMN c date")
    result = mirror.snapshot(["public.evo"])
    assert "matching its fields to source columns by name" in result.stderr, result.stderr
    check_table(mirror, "public.evo")
    table = mirror.pyiceberg_table("public.evo")
    # Matched by name: b keeps its id; the rename cannot be told from drop + add.
    assert field_ids(table) == {"id": 1, "a2": 4, "b": 3, "c": 5}
    assert table.properties["pg2iceberg.field-ids"] == "1:1,2:4,3:3,4:5"

    # Recorded from now on: the next rename keeps the id.
    mirror.sql("ALTER TABLE public.evo RENAME COLUMN b TO b2")
    mirror.snapshot(["public.evo"])
    check_table(mirror, "public.evo")
    assert field_ids(mirror.pyiceberg_table("public.evo")) == {"id": 1, "a2": 4, "b2": 3, "c": 5}


def test_two_tables_evolve_in_one_commit(mirror):
    mirror.sql("CREATE TABLE public.evo (id integer PRIMARY KEY, a integer)",
               "CREATE TABLE public.other (id integer PRIMARY KEY, r real, gone text)",
               "INSERT INTO public.evo SELECT g, g FROM generate_series(1, 30) g",
               "INSERT INTO public.other SELECT g, g / 4.0, 'x' FROM generate_series(1, 30) g")
    tables = ["public.evo", "public.other"]
    mirror.snapshot(tables)
    mirror.sql("ALTER TABLE public.evo ALTER COLUMN a TYPE bigint", "ALTER TABLE public.evo RENAME a TO b",
               "ALTER TABLE public.other ALTER COLUMN r TYPE double precision",
               "ALTER TABLE public.other DROP COLUMN gone", "ALTER TABLE public.other ADD COLUMN n numeric(10, 3)",
               "UPDATE public.other SET n = id / 3.0")
    mirror.snapshot(tables)
    check_table(mirror, "public.evo")
    check_table(mirror, "public.other")
    assert field_types(mirror.pyiceberg_table("public.evo")) == {"id": "int", "b": "long"}
    other = mirror.pyiceberg_table("public.other")
    assert field_ids(other) == {"id": 1, "r": 2, "n": 4}
    assert field_types(other) == {"id": "int", "r": "double", "n": "decimal(10, 3)"}


def test_a_partitioned_table_evolves_and_keeps_its_spec(mirror):
    mirror.sql("CREATE TABLE public.evo (id integer PRIMARY KEY, day date, v text)",
               "INSERT INTO public.evo SELECT g, DATE '2024-01-01' + g % 40, 'v' || g FROM generate_series(1, 300) g")
    tables = [{"name": "public.evo", "iceberg": {"partition": ["bucket[4](id)", "month(day)"]}}]
    mirror.snapshot(tables)
    mirror.sql("ALTER TABLE public.evo RENAME COLUMN v TO note", "ALTER TABLE public.evo ALTER COLUMN id TYPE bigint",
               "ALTER TABLE public.evo ADD COLUMN n real", "UPDATE public.evo SET n = id / 2.0")
    mirror.snapshot(tables)
    check_table(mirror, "public.evo")
    table = mirror.pyiceberg_table("public.evo")
    assert field_ids(table) == {"id": 1, "day": 2, "note": 3, "n": 4}
    assert field_types(table)["id"] == "long"
    assert [(f.source_id, str(f.transform)) for f in table.spec().fields] == [(1, "bucket[4]"), (2, "month")]
