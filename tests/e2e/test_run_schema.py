"""`pg2iceberg run` follows schema changes mid-stream: columns added, dropped, renamed (a
primary-key column too), widened (int -> bigint, real -> double precision, numeric precision),
dropped and added again under the same name, each in order with the rows around it, also while
the mirror is stopped. Changes it cannot follow stop it with the table, the column, the types and
the way out, which is then taken. Postgres is the oracle; DuckDB, PyIceberg (and Spark once) read
the Iceberg side."""
import pytest

from run_util import assert_mirror_equals_source, run_config, wait_mirrored

STEPS = [
    ["ALTER TABLE t ADD COLUMN b int",
     "INSERT INTO t (id, a, b) VALUES (1001, 'added', 7)",
     "UPDATE t SET b = id WHERE id <= 10"],
    # doc (TOASTed) stays unchanged across the rename: carried over from the mirror's files
    ["ALTER TABLE t RENAME COLUMN a TO title",
     "UPDATE t SET title = title || '!' WHERE id % 3 = 0"],
    ["ALTER TABLE t DROP COLUMN gone",
     "INSERT INTO t (id, title) VALUES (1002, 'after drop')"],
    ["ALTER TABLE t ALTER COLUMN n TYPE bigint",
     "UPDATE t SET n = n + 1099511627776 WHERE id % 5 = 0"],
    ["ALTER TABLE t ALTER COLUMN r TYPE double precision",
     "UPDATE t SET r = r + 0.1 WHERE id % 7 = 0"],
    ["ALTER TABLE t ALTER COLUMN d TYPE numeric(14,2)",
     "INSERT INTO t (id, d) VALUES (1003, 123456789012.34)"],
    # dropped and added again under its name: a new column, NULL in every earlier row
    ["ALTER TABLE t DROP COLUMN b", "ALTER TABLE t ADD COLUMN b text",
     "UPDATE t SET b = 'new b' WHERE id % 11 = 0"],
    ["ALTER TABLE t RENAME COLUMN id TO key",
     "UPDATE t SET title = 'by renamed key' WHERE key = 2", "DELETE FROM t WHERE key = 3"],
]


def start(mirror, runs):
    """Creates `t`, starts `run` on it and waits for the mirror; returns (config, process)."""
    create_t(mirror)
    config = run_config(mirror, ["public.t"])
    process = runs(config)
    wait_mirrored(mirror, process, 1)
    return config, process


def create_t(mirror):
    mirror.sql("""CREATE TABLE t (id int PRIMARY KEY, a text, n int, r real, d numeric(10,2),
                                  gone text, doc text)""",
               "ALTER TABLE t ALTER doc SET STORAGE EXTERNAL",
               """INSERT INTO t SELECT g, 'a' || g, g, g / 4.0, g * 1.25, 'x', repeat(md5(g::text), 100)
                  FROM generate_series(1, 200) g""")


def test_schema_changes_are_followed_in_order_with_the_data(mirror, runs):
    config, process = start(mirror, runs)
    first_snapshot = mirror.pyiceberg_table("public.t").current_snapshot().snapshot_id
    for i, step in enumerate(STEPS):
        if i == 4:
            # Changed while the mirror is stopped: the restart starts from the Iceberg table's
            # schema and follows the staged changes.
            assert process.stop() == 0, process.log()
            mirror.sql(*step)
            process = runs(config)
        else:
            mirror.sql(*step)
        if i % 3 == 2:
            wait_mirrored(mirror, process, 1)
            assert_mirror_equals_source(mirror, "public.t")
    wait_mirrored(mirror, process, 1)
    readers = ("duckdb", "pyiceberg") + (("spark",) if mirror.storage.name == "file-sql" else ())
    assert assert_mirror_equals_source(mirror, "public.t", readers) == 202
    log = process.log()
    assert "schema change at commit LSN" in log, log

    table = mirror.pyiceberg_table("public.t")
    fields = {f.name: f.field_id for f in table.schema().fields}
    assert list(fields) == ["key", "title", "n", "r", "d", "doc", "b"], fields
    assert fields["key"] == 1 and fields["title"] == 2 and fields["doc"] == 7, fields
    assert fields["b"] > 8, fields  # not the first b (field 8): a new column
    assert str(table.schema().find_field("n").field_type) == "long"
    assert str(table.schema().find_field("r").field_type) == "double"
    assert str(table.schema().find_field("d").field_type) == "decimal(14, 2)"
    # The initial load's snapshot still reads under the names it was written with.
    old = table.scan(snapshot_id=first_snapshot).to_arrow()
    assert old.column_names == ["id", "a", "n", "r", "d", "gone", "doc"], old.column_names
    assert old.num_rows == 200
    assert process.stop() == 0, process.log()


@pytest.mark.storage("file-sql")
def test_a_type_change_iceberg_cannot_follow_stops_and_the_way_out_works(mirror, runs):
    config, process = start(mirror, runs)
    mirror.sql("UPDATE t SET a = 'before' WHERE id = 1")
    wait_mirrored(mirror, process, 1)
    mirror.sql("ALTER TABLE t ALTER COLUMN a TYPE int USING length(a)",
               "UPDATE t SET a = 42 WHERE id = 2")
    assert process.wait_exit(timeout=120) != 0
    log = process.log()
    assert 'column "a": the source type changed from string to int (Postgres integer)' in log, log
    assert "drop the Iceberg table" in log, log
    # What was committed before the change stays.
    names, rows = mirror.pyiceberg_rows("public.t")
    assert ("before" in {row[names.index("a")] for row in rows}), rows[:3]
    # The way out: drop the Iceberg table and start again; the table is loaded afresh.
    mirror.pyiceberg_catalog().drop_table("public.t")
    process = runs(config)
    wait_mirrored(mirror, process, 1)
    mirror.sql("UPDATE t SET a = 43 WHERE id = 3")
    wait_mirrored(mirror, process, 1)
    assert assert_mirror_equals_source(mirror, "public.t") == 200
    assert process.stop() == 0, process.log()


@pytest.mark.storage("file-sql")
def test_a_column_added_with_a_default_stops_naming_it(mirror, runs):
    config, process = start(mirror, runs)
    mirror.sql("ALTER TABLE t ADD COLUMN flag boolean NOT NULL DEFAULT true",
               "INSERT INTO t (id, flag) VALUES (500, false)")
    assert process.wait_exit(timeout=120) != 0
    log = process.log()
    assert 'table public.t: its columns changed: column "flag" was added with a DEFAULT' in log, log
    assert "pg2iceberg cleanup --drop-iceberg-tables" in log, log
    # Nothing of the batch under the new columns was committed.
    names, rows = mirror.pyiceberg_rows("public.t")
    assert "flag" not in names and len(rows) == 200
