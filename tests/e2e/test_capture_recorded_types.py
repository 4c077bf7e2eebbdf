"""stream-only decodes a column's type as it was when first seen, not as today's pg_type says.

Capture may decode a change long after it was written (it lags, or was stopped): by then the
column's domain or enum may have been dropped, or dropped and re-created under a new oid. Each
test captures, stops with SIGTERM so capture lags, changes and drops the type, then starts again:
- a type a running pg2iceberg saw (a column's type at start, or added while it ran) decodes as
  recorded, into its base type;
- a type no running pg2iceberg ever saw stops capture with DATA_LOSS naming table, column, type
  oid and the way out — never a guess.
"""
import decimal

import pytest

from capture_util import (COORDINATOR, capture_config, query, staged, wait_captured, wait_slot_created,
                          wait_until)

pytestmark = pytest.mark.storage("file-sql")  # about decoding, not storage

TEXT_OID, NUMERIC_OID, TEXT_ARRAY_OID = 25, 1700, 1009
NUMERIC_10_2 = ((10 << 16) | 2) + 4


def slot_released(mirror, config, timeout=30):
    slot = config["source"]["logical"]["slot_name"]

    def inactive():
        rows = query(mirror, "SELECT active FROM pg_replication_slots WHERE slot_name = %s", slot)
        return not rows or not rows[0][0]
    wait_until(inactive, timeout, f"slot {slot} to be released")


def capture_then_stop(mirror, streams, config):
    """Captures up to now and stops (SIGTERM, exit 0): later changes wait in the slot."""
    process = streams(config)
    wait_slot_created(mirror, process)
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    slot_released(mirror, config)


def capture_again(mirror, streams, config):
    """Starts again, captures everything written meanwhile, stops; returns the staged changes of t."""
    process = streams(config)
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    return staged(mirror)["public.t"]


def recorded_type_oids(mirror):
    if not query(mirror, f"SELECT to_regclass('{COORDINATOR}.types') IS NOT NULL")[0][0]:
        return set()  # a coordinator that records no types
    return {row[0] for row in query(mirror, f"SELECT type_oid::int8 FROM {COORDINATOR}.types")}


def type_oid(mirror, name):
    return query(mirror, "SELECT %s::regtype::oid::int8", name)[0][0]


def column_types(change):
    return {column.name: (column.type_oid, column.typmod) for column in change.schema.columns}


def test_a_domain_dropped_while_capture_lags_decodes_as_its_base_type(mirror, streams):
    mirror.sql("CREATE DOMAIN price AS numeric(10,2) CHECK (VALUE >= 0)",
               "CREATE TABLE t (id int PRIMARY KEY, c price)")
    config = capture_config(mirror, ["public.t"])
    capture_then_stop(mirror, streams, config)
    mirror.sql("INSERT INTO t VALUES (1, 12.34)",
               "ALTER TABLE t DROP COLUMN c",
               "DROP DOMAIN price",
               "INSERT INTO t VALUES (2)")
    log = capture_again(mirror, streams, config)
    assert [(c.kind, c.new_row) for _, c in log] == [("insert", [1, decimal.Decimal("12.34")]), ("insert", [2])]
    assert column_types(log[0][1])["c"] == (NUMERIC_OID, NUMERIC_10_2)


def test_an_enum_dropped_and_recreated_while_capture_lags_decodes_both_as_text(mirror, streams):
    mirror.sql("CREATE TYPE mood AS ENUM ('happy', 'sad')",
               "CREATE TABLE t (id int PRIMARY KEY, c mood)")
    config = capture_config(mirror, ["public.t"])
    capture_then_stop(mirror, streams, config)
    old_oid = type_oid(mirror, "mood")
    mirror.sql("INSERT INTO t VALUES (1, 'happy')",
               "ALTER TABLE t DROP COLUMN c",
               "DROP TYPE mood",
               "CREATE TYPE mood AS ENUM ('sad', 'happy')",  # the same name under a new oid
               "ALTER TABLE t ADD COLUMN c mood",
               "INSERT INTO t VALUES (2, 'sad')")
    assert type_oid(mirror, "mood") != old_oid
    log = capture_again(mirror, streams, config)
    assert [(c.kind, c.new_row) for _, c in log] == [("insert", [1, "happy"]), ("insert", [2, "sad"])]
    assert column_types(log[0][1])["c"] == (TEXT_OID, -1)
    assert column_types(log[1][1])["c"] == (TEXT_OID, -1)


def test_types_added_while_capture_runs_are_recorded_before_they_are_dropped(mirror, streams):
    """No change uses the new columns before the stop: only the running check records their types."""
    mirror.sql("CREATE DOMAIN price AS numeric(10,2)",
               "CREATE DOMAIN positive_price AS price CHECK (VALUE > 0)",
               "CREATE TYPE mood AS ENUM ('happy', 'sad')",
               "CREATE TABLE t (id int PRIMARY KEY)")
    config = capture_config(mirror, ["public.t"])
    process = streams(config)
    wait_captured(mirror, process)
    mirror.sql("ALTER TABLE t ADD COLUMN p positive_price, ADD COLUMN moods mood[]")
    wanted = {type_oid(mirror, "positive_price"), type_oid(mirror, "mood[]")}
    wait_until(lambda: wanted <= recorded_type_oids(mirror), 60, f"type oids {wanted} recorded", process)
    assert process.stop() == 0, process.log()
    slot_released(mirror, config)
    mirror.sql("INSERT INTO t VALUES (1, 12.34, '{happy,NULL,sad}')",
               "ALTER TABLE t DROP COLUMN p, DROP COLUMN moods",
               "DROP DOMAIN positive_price",
               "DROP DOMAIN price",
               "DROP TYPE mood")
    log = capture_again(mirror, streams, config)
    assert [(c.kind, c.new_row) for _, c in log] == [
        ("insert", [1, decimal.Decimal("12.34"), ["happy", None, "sad"]])]
    columns = column_types(log[0][1])
    assert columns["p"] == (NUMERIC_OID, NUMERIC_10_2), "a domain over a domain is staged as its base type"
    assert columns["moods"] == (TEXT_ARRAY_OID, -1), "an enum array is staged as text[]"


def test_a_type_no_running_pg2iceberg_saw_stops_capture_naming_it(mirror, streams):
    mirror.sql("CREATE TABLE t (id int PRIMARY KEY)")
    config = capture_config(mirror, ["public.t"])
    capture_then_stop(mirror, streams, config)
    mirror.sql("CREATE DOMAIN gone AS integer", "ALTER TABLE t ADD COLUMN g gone")
    oid = type_oid(mirror, "gone")
    mirror.sql("INSERT INTO t VALUES (1, 5)", "ALTER TABLE t DROP COLUMN g", "DROP DOMAIN gone")
    process = streams(config)
    code = process.wait_exit(60)
    output = process.log()
    assert code == 1, f"expected exit 1, got {code}:\n{output}"
    for phrase in ["pg2iceberg: error: DATA_LOSS: ", 'table public.t, column "g"', f"column type oid {oid} ",
                   "never recorded", "pg2iceberg cleanup"]:
        assert phrase in output, f"expected {phrase!r} in the output:\n{output}"
    assert staged(mirror).get("public.t", []) == [], "nothing of the undecodable change was staged"
