"""A source transaction of about 1 GB (a million rows of 1 KB in one INSERT) next to an idle
table: capture spills it, the staging log holds it in many segments, and the materializer
commits it whole in one snapshot — no snapshot of the table ever holds part of it. DuckDB checks
every row's value in place (the table is not moved into Python)."""
import pytest

from capture_util import query
from run_util import assert_mirror_equals_source, run_config, wait_mirrored

ROWS = 1_000_000


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return None


@pytest.mark.storage("file-sql")
def test_a_one_gigabyte_transaction_lands_whole_in_one_snapshot_next_to_an_idle_table(mirror, runs):
    mirror.sql("CREATE TABLE big (id bigint PRIMARY KEY, pad text NOT NULL)",
               "CREATE TABLE idle (id int PRIMARY KEY, v text)",
               "INSERT INTO idle VALUES (1, 'still here')")
    config = run_config(mirror, ["public.big", "public.idle"],
                        **{"source.logical.transaction_buffer_bytes": "64MiB"})
    process = runs(config)
    wait_mirrored(mirror, process, 2)
    mirror.sql(f"INSERT INTO big SELECT g, repeat(md5(g::text), 32) FROM generate_series(1, {ROWS}) g")
    size = query(mirror, "SELECT sum(length(pad)) FROM big")[0][0]
    assert size >= 1_000_000_000
    wait_mirrored(mirror, process, 2, timeout=900)

    location = mirror.metadata_location("public", "big")
    con = mirror.storage.duckdb_connection()
    try:
        count, wrong, low, high = con.execute(
            f"""SELECT count(*), count(*) FILTER (WHERE pad <> repeat(md5(CAST(id AS VARCHAR)), 32)),
                       min(id), max(id) FROM iceberg_scan('{location}')""").fetchone()
    finally:
        con.close()
    assert (count, wrong, low, high) == (ROWS, 0, 1, ROWS)
    # Every snapshot of the table holds none of the transaction or all of it.
    table = mirror.pyiceberg_table("public.big")
    totals = [int(s.summary.additional_properties["total-records"]) for s in table.snapshots()]
    assert totals and set(totals) <= {0, ROWS}, totals
    assert_mirror_equals_source(mirror, "public.idle")
    print(f"\n1 GB transaction: {size} bytes of values in {ROWS} rows; peak RSS of run "
          f"{peak_rss_mib(process.process.pid)} MiB")
    assert process.stop() == 0, process.log()
