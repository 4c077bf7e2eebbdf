"""Format version 3 tables (tables[].iceberg.format_version: 3): row lineage kept in the table
metadata and manifests, read back by DuckDB, PyIceberg and Spark."""
from test_snapshot_types import check_table


def v3_table(name):
    return {"name": name, "iceberg": {"format_version": 3}}


def test_a_version_3_table_is_read_by_every_engine_and_keeps_row_lineage(mirror):
    mirror.sql("CREATE TABLE public.v3 (id bigint PRIMARY KEY, name text, amount numeric(12, 2))",
               "INSERT INTO public.v3 SELECT g, 'n' || g, g * 1.25 FROM generate_series(1, 3000) g")
    mirror.snapshot([v3_table("public.v3")])
    assert check_table(mirror, "public.v3") == 3000
    table = mirror.pyiceberg_table("public.v3")
    assert table.metadata.format_version == 3
    first = table.metadata.current_snapshot()
    assert first.first_row_id == 0 and first.added_rows == 3000
    assert table.metadata.next_row_id == 3000
    # A second snapshot retires the first copy and assigns the next 3000 row ids.
    mirror.sql("DELETE FROM public.v3 WHERE id > 2000")
    mirror.snapshot([v3_table("public.v3")])
    assert check_table(mirror, "public.v3") == 2000
    table = mirror.pyiceberg_table("public.v3")
    second = table.metadata.current_snapshot()
    assert second.first_row_id == 3000 and second.added_rows == 2000
    assert table.metadata.next_row_id == 5000
    # Spark exposes the row ids it inherits: one per row, from the snapshot's first-row-id on.
    _, rows = mirror.spark_rows("public", "v3", columns="_row_id")
    assert sorted(r[0] for r in rows) == list(range(3000, 5000))


def test_a_version_2_table_is_upgraded_not_downgraded(mirror):
    mirror.sql("CREATE TABLE public.up (id int PRIMARY KEY)", "INSERT INTO public.up SELECT generate_series(1, 10)")
    mirror.snapshot(["public.up"])
    assert mirror.pyiceberg_table("public.up").metadata.format_version == 2
    mirror.snapshot([v3_table("public.up")])
    table = mirror.pyiceberg_table("public.up")
    assert table.metadata.format_version == 3
    assert table.metadata.current_snapshot().first_row_id == 0
    assert check_table(mirror, "public.up") == 10
    result = mirror.run("snapshot", mirror.config(["public.up"]))
    assert result.returncode != 0
    assert "is format-version 3, the config asks for 2" in result.stderr, result.stderr


def test_format_version_must_be_2_or_3(mirror):
    mirror.sql("CREATE TABLE public.f (id int PRIMARY KEY)")
    result = mirror.run("snapshot", mirror.config([{"name": "public.f", "iceberg": {"format_version": 4}}]))
    assert result.returncode != 0
    assert "tables[0].iceberg.format_version: 4 is not 2 or 3" in result.stderr, result.stderr
