"""stream-only end to end: what reaches the staging log, when it is flushed, how the slot moves,
and how much memory a huge transaction costs."""
import pytest

from capture_util import (capture_config, current_wal_lsn, flushed_lsn, query, slot_confirmed_lsn, staged,
                          wait_captured, wait_until)


def segment_rows(mirror):
    return query(mirror, "SELECT s.segment_id, count(*) FROM _pg2iceberg.segments s"
                 " JOIN _pg2iceberg.segment_blocks USING (segment_id) GROUP BY 1 ORDER BY 1")


def test_changes_of_every_kind_reach_the_staging_log_in_commit_order(mirror, streams):
    mirror.sql("CREATE TABLE t (id int PRIMARY KEY, v text)", "CREATE TABLE u (id int PRIMARY KEY, n bigint)")
    process = streams(capture_config(mirror, ["public.t", "public.u"]))
    wait_captured(mirror, process, timeout=60)
    mirror.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b')",
               "BEGIN; UPDATE t SET v = 'c' WHERE id = 1; INSERT INTO u VALUES (1, 10); COMMIT",
               "DELETE FROM t WHERE id = 2",
               "TRUNCATE t, u")
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    log = staged(mirror)
    kinds = [(c.kind, c.new_row or c.old_row) for _, c in log["public.t"]]
    assert kinds == [("insert", [1, "a"]), ("insert", [2, "b"]), ("update", [1, "c"]), ("delete", [2, None]),
                     ("truncate", None)]
    assert [(c.kind, c.new_row) for _, c in log["public.u"]] == [("insert", [1, 10]), ("truncate", None)]
    update = log["public.t"][2][1]
    assert update.xid == log["public.u"][0][1].xid, "one transaction across two tables"
    assert [offset for offset, _ in log["public.t"]] == list(range(5))


def test_a_restart_resumes_without_duplicates(mirror, streams):
    mirror.sql("CREATE TABLE t (id int PRIMARY KEY)")
    config = capture_config(mirror, ["public.t"])
    for round_number in range(3):
        process = streams(config)
        wait_captured(mirror, process, timeout=60)
        mirror.sql(f"INSERT INTO t SELECT g FROM generate_series({round_number * 100 + 1}, {round_number * 100 + 100}) g")
        wait_captured(mirror, process)
        assert process.stop() == 0, process.log()
    ids = [c.new_row[0] for _, c in staged(mirror)["public.t"]]
    assert ids == list(range(1, 301))


def test_flush_rows_and_bytes_cut_segments_and_a_large_transaction_is_indexed_whole(mirror, streams):
    mirror.sql("CREATE TABLE t (id int PRIMARY KEY, v text)")
    # flush_interval far longer than the inserts take (a second or two), so rows and bytes cut
    # the segments; the last partial segment waits for it.
    process = streams(capture_config(mirror, ["public.t"], **{"sink.flush_rows": 50, "sink.flush_bytes": "64KiB",
                                                             "sink.flush_interval": "15s"}))
    wait_captured(mirror, process, timeout=60)
    mirror.sql("INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g")  # ~1 MB: many segments
    for i in range(120):
        mirror.sql(f"INSERT INTO t VALUES ({10000 + i}, 'small')")  # flush_rows cuts these
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    segments = segment_rows(mirror)
    assert len(segments) >= 10, segments
    # One object per segment in the warehouse (a directory or a bucket), under the staging prefix.
    assert len(mirror.list_files("_pg2iceberg/stage/")) == len(segments)
    # The 5000-row transaction spans several segments; all of them are indexed, gapless.
    log = staged(mirror)["public.t"]
    first_xid = log[0][1].xid
    assert sum(1 for _, c in log if c.xid == first_xid) == 5000
    assert [offset for offset, _ in log] == list(range(5120))


def test_flush_interval_makes_a_lone_transaction_durable(mirror, streams):
    mirror.sql("CREATE TABLE t (id int PRIMARY KEY)")
    process = streams(capture_config(mirror, ["public.t"], **{"sink.flush_interval": "300ms",
                                                             "sink.flush_rows": 1000000}))
    wait_captured(mirror, process, timeout=60)
    mirror.sql("INSERT INTO t VALUES (1)")
    target = current_wal_lsn(mirror)
    wait_until(lambda: len(segment_rows(mirror)) == 1, 30, "the segment of one transaction", process)
    assert flushed_lsn(mirror) <= target
    assert process.stop() == 0


# Tests below marked file-sql stage nothing (or write nothing at all): the storage configuration
# plays no part in them.
@pytest.mark.storage("file-sql")
def test_an_idle_slot_advances_while_other_tables_are_written(mirror, streams):
    mirror.sql("CREATE TABLE t (id int PRIMARY KEY)", "CREATE TABLE busy (v text)")
    config = capture_config(mirror, ["public.t"])
    process = streams(config)
    wait_captured(mirror, process, timeout=60)
    slot = config["source"]["logical"]["slot_name"]
    before = slot_confirmed_lsn(mirror, slot)
    for _ in range(5):
        mirror.sql("INSERT INTO busy SELECT repeat('w', 500) FROM generate_series(1, 20000)")  # ~10 MB of WAL each
    written_to = current_wal_lsn(mirror)
    assert written_to - before > 40 * 1024 * 1024
    wait_until(lambda: slot_confirmed_lsn(mirror, slot) >= written_to, 60, "the slot to pass the other table's WAL",
               process)
    # restart_lsn follows once the server has decoded a running-transactions record past our
    # confirmation (the checkpoint writes one).
    mirror.sql("CHECKPOINT")

    def retained():
        return query(mirror, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) FROM pg_replication_slots"
                     " WHERE slot_name = %s", slot)[0][0]

    wait_until(lambda: retained() < 16 * 1024 * 1024, 60, "the slot to release the other table's WAL", process)
    assert segment_rows(mirror) == []
    assert process.stop() == 0


def test_partitioned_tables_are_captured_under_the_root(mirror, streams):
    mirror.sql("CREATE TABLE m (id int, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region)",
               "CREATE TABLE m_eu PARTITION OF m FOR VALUES IN ('eu')",
               "CREATE TABLE m_us PARTITION OF m FOR VALUES IN ('us')")
    process = streams(capture_config(mirror, ["public.m"]))
    wait_captured(mirror, process, timeout=60)
    mirror.sql("INSERT INTO m VALUES (1, 'eu'), (2, 'us')", "UPDATE m SET id = 3 WHERE id = 2")
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    log = staged(mirror)
    assert list(log) == ["public.m"]
    assert [(c.kind, c.new_row) for _, c in log["public.m"]] == [
        ("insert", [1, "eu"]), ("insert", [2, "us"]), ("update", [3, "us"])]


@pytest.mark.storage("file-sql")
def test_an_existing_publication_gets_the_missing_tables(mirror, streams):
    mirror.sql("CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (id int PRIMARY KEY)")
    config = capture_config(mirror, ["public.a", "public.b"])
    publication = config["source"]["logical"]["publication_name"]
    mirror.sql(f"CREATE PUBLICATION {publication} FOR TABLE a")
    process = streams(config)
    wait_captured(mirror, process, timeout=60)
    assert process.stop() == 0
    published = query(mirror, "SELECT tablename FROM pg_publication_tables WHERE pubname = %s ORDER BY 1", publication)
    assert published == [("a",), ("b",)]


def peak_rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def test_a_transaction_many_times_the_memory_budget_stays_within_it(mirror, streams):
    budget = 8 * 1024 * 1024
    mirror.sql("CREATE TABLE t (id bigint PRIMARY KEY, v text)")
    process = streams(capture_config(mirror, ["public.t"], **{
        "source.logical.transaction_buffer_bytes": "8MiB", "sink.flush_bytes": "4MiB"}))
    wait_captured(mirror, process, timeout=60)
    baseline = peak_rss_bytes(process.process.pid)
    # ~120 MB of row data in one transaction: 15 times the budget.
    mirror.sql("INSERT INTO t SELECT g, repeat(md5(g::text), 6) FROM generate_series(1, 600000) g")
    wait_captured(mirror, process, timeout=300)
    peak = peak_rss_bytes(process.process.pid)
    assert process.stop() == 0, process.log()
    log = staged(mirror)["public.t"]
    assert len(log) == 600000 and len({c.xid for _, c in log}) == 1
    # Budget, two spill chunks, two copies of a 4 MiB segment and slack for the allocator.
    allowance = budget + 2 * 8 * 1024 * 1024 + 2 * 4 * 1024 * 1024 + 32 * 1024 * 1024
    print(f"baseline RSS {baseline / 2**20:.1f} MiB, peak {peak / 2**20:.1f} MiB, budget {budget / 2**20:.0f} MiB")
    assert peak - baseline < allowance, f"peak RSS grew by {(peak - baseline) / 2**20:.1f} MiB"


@pytest.mark.storage("file-sql")
def test_migrate_coord_creates_and_reports_the_schema(mirror):
    config = capture_config(mirror, ["public.t"], **{"state.coordinator_schema": "my_state"})
    first = mirror.run("migrate-coord", config)
    assert first.returncode == 0, first.stderr
    assert "my_state: version 2 (was 0)" in first.stdout
    second = mirror.run("migrate-coord", config)
    assert "version 2 (was 2)" in second.stdout
    tables = query(mirror, "SELECT tablename FROM pg_tables WHERE schemaname = 'my_state' ORDER BY 1")
    assert [t for (t,) in tables] == ["capture", "cursors", "schema_version", "segment_blocks", "segments", "tables",
                                      "types", "watched_catalog"]


@pytest.mark.storage("file-sql")
def test_bad_capture_settings_are_refused_by_name(mirror):
    for key, value, phrase in [("sink.flush_interval", "soon", "sink.flush_interval"),
                               ("sink.flush_bytes", "lots", "sink.flush_bytes"),
                               ("source.logical.standby_interval", "-1s", "source.logical.standby_interval"),
                               ("source.logical.transaction_buffer_bytes", "1KiB", "transaction_buffer_bytes"),
                               ("source.logical.spill_dir", "relative/dir", "spill_dir")]:
        result = mirror.run("stream-only", capture_config(mirror, ["public.t"], **{key: value}))
        assert result.returncode != 0
        assert phrase in result.stderr, result.stderr


def test_cleanup_removes_slot_publication_state_and_staging_log(mirror, streams):
    mirror.sql("CREATE TABLE t (id int PRIMARY KEY)")
    config = capture_config(mirror, ["public.t"])
    slot = config["source"]["logical"]["slot_name"]
    publication = config["source"]["logical"]["publication_name"]
    process = streams(config)
    wait_captured(mirror, process, timeout=60)
    mirror.sql("INSERT INTO t SELECT generate_series(1, 100)")
    wait_captured(mirror, process)
    busy = mirror.run("cleanup", config)
    assert busy.returncode != 0 and "is owned by server process" in busy.stderr, busy.stderr
    assert process.stop() == 0
    staging = "_pg2iceberg/stage/default/"
    assert mirror.list_files(staging)
    result = mirror.run("cleanup", config)
    assert result.returncode == 0, result.stderr
    assert query(mirror, "SELECT 1 FROM pg_replication_slots WHERE slot_name = %s", slot) == []
    assert query(mirror, "SELECT 1 FROM pg_publication WHERE pubname = %s", publication) == []
    for table in ("capture", "tables", "segments", "segment_blocks", "cursors"):
        assert query(mirror, f"SELECT count(*) FROM _pg2iceberg.{table}") == [(0,)], table
    assert mirror.list_files(staging) == []
    assert mirror.run("cleanup", config).returncode == 0, "cleanup is repeatable"
    # A fresh start begins a new mirror.
    again = streams(config)
    wait_captured(mirror, again, timeout=60)
    mirror.sql("INSERT INTO t VALUES (1000)")
    wait_captured(mirror, again)
    assert again.stop() == 0
    assert [c.new_row for _, c in staged(mirror)["public.t"]] == [[1000]]


def test_a_lost_replication_connection_is_resumed_without_loss_or_duplicates(mirror, streams):
    mirror.sql("CREATE TABLE t (id int PRIMARY KEY)")
    config = capture_config(mirror, ["public.t"])
    slot = config["source"]["logical"]["slot_name"]
    process = streams(config)
    wait_captured(mirror, process, timeout=60)
    for round_number in range(3):
        first = round_number * 1000 + 1
        mirror.sql(f"INSERT INTO t SELECT generate_series({first}, {first + 999})")
        # Cut the walsender off mid-stream; capture reconnects and resumes from the recorded LSN.
        query(mirror, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = %s", slot)
        wait_captured(mirror, process, timeout=90)
    assert process.running()
    assert process.stop() == 0, process.log()
    assert "capture interrupted" in process.log()
    ids = [c.new_row[0] for _, c in staged(mirror)["public.t"]]
    assert ids == list(range(1, 3001))


def test_an_existing_publication_is_made_to_publish_partitions_under_their_root(mirror, streams):
    mirror.sql("CREATE TABLE m (id int, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region)",
               "CREATE TABLE m_eu PARTITION OF m FOR VALUES IN ('eu')")
    config = capture_config(mirror, ["public.m"])
    publication = config["source"]["logical"]["publication_name"]
    mirror.sql(f"CREATE PUBLICATION {publication} FOR TABLE m")  # publish_via_partition_root = false
    process = streams(config)
    wait_captured(mirror, process, timeout=60)
    mirror.sql("INSERT INTO m VALUES (1, 'eu')")
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    assert query(mirror, "SELECT pubviaroot FROM pg_publication WHERE pubname = %s", publication) == [(True,)]
    assert [c.new_row for _, c in staged(mirror)["public.m"]] == [[1, "eu"]]
