"""Running `pg2iceberg run` in e2e tests: its config, waiting until the mirror has caught up with
the source, and comparing every mirrored table with Postgres through engines pg2iceberg did not
write (DuckDB, PyIceberg; Spark where a test asks)."""

from capture_util import COORDINATOR, capture_config, current_wal_lsn, flushed_lsn, query, wait_until
from readers import assert_same_rows, source_rows


def run_config(mirror, tables, **overrides):
    """A config for `run`: capture's test settings (capture_util.capture_config), two snapshot
    workers and a short materializer interval so tests run fast."""
    settings = {"source.logical.snapshot_workers": 2, "sink.materializer_interval": "300ms"}
    settings.update(overrides)
    return capture_config(mirror, tables, **settings)


def applied_everything(mirror, table_count):
    """True when every change staged so far is in Iceberg: each of the `table_count` registered
    tables has a materializer cursor at its log's end (or has no staged change)."""
    rows = query(mirror, f"SELECT to_regclass('{COORDINATOR}.cursors') IS NOT NULL")
    if not rows[0][0]:
        return False
    rows = query(mirror, f"""SELECT count(*), count(*) FILTER (WHERE coalesce(c.next_offset, 0) = t.next_offset)
                             FROM {COORDINATOR}.tables t LEFT JOIN {COORDINATOR}.cursors c
                             ON c.table_id = t.table_id AND c.consumer = 'materializer'""")
    total, applied = rows[0]
    return total == table_count and applied == table_count


def loaded_everything(mirror, table_count):
    """True when each of the `table_count` registered tables has an Iceberg table with a snapshot
    that says its initial load is complete (tests may commit on top with PyIceberg)."""
    rows = query(mirror, f"SELECT to_regclass('{COORDINATOR}.tables') IS NOT NULL")
    if not rows[0][0]:
        return False
    names = query(mirror, f"SELECT schema_name, table_name FROM {COORDINATOR}.tables")
    if len(names) != table_count:
        return False
    for schema, name in names:
        try:
            snapshots = mirror.pyiceberg_table(f"{schema}.{name}").snapshots()
        except Exception:  # not created yet
            return False
        if not any(s.summary and s.summary.additional_properties.get("pg2iceberg.initial-load") == "complete"
                   for s in snapshots):
            return False
    return True


def wait_mirrored(mirror, process, table_count, timeout=180):
    """Waits until every table's initial load is committed and everything committed in the source
    up to now is captured and materialized."""
    wait_until(lambda: loaded_everything(mirror, table_count), timeout, "every initial load committed",
               process)
    target = current_wal_lsn(mirror)
    wait_until(lambda: flushed_lsn(mirror) >= target, timeout, f"flushed_lsn >= {target:X}", process)
    wait_until(lambda: applied_everything(mirror, table_count), timeout, "every staged change applied",
               process)


def summary(mirror, identifier):
    return mirror.pyiceberg_table(identifier).current_snapshot().summary.additional_properties


def assert_mirror_equals_source(mirror, table, readers=("duckdb", "pyiceberg")):
    """The Iceberg table of `table` ("schema.name") holds exactly the source's rows, read by each
    of `readers`."""
    namespace, name = table.split(".")
    conn = mirror.connect()
    try:
        names, types, rows = source_rows(conn, table)
    finally:
        conn.close()
    read = {"duckdb": lambda: mirror.duckdb_rows(namespace, name),
            "pyiceberg": lambda: mirror.pyiceberg_rows(f"{namespace}.{name}"),
            "spark": lambda: mirror.spark_rows(namespace, name)}
    for reader in readers:
        got_names, got = read[reader]()
        assert list(got_names) == names, f"{reader}: columns {got_names}, source has {names}"
        assert_same_rows(rows, got, names, types, reader)
    return len(rows)
