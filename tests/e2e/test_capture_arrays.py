"""stream-only captures array columns: inserts and updates reach the staging log as lists (read
by the independent reader, staging_log.py), from pgoutput's binary and its text form."""
import decimal

import pytest

from capture_util import capture_config, wait_captured
from staging_log import staged_changes

DDL = """CREATE TABLE arr (id int PRIMARY KEY, ints int[], texts text[], nums numeric(10,2)[],
    grid int[][])"""
D = decimal.Decimal
INSERTS = [
    """INSERT INTO arr VALUES (1, '{1,NULL,-3}', ARRAY['a,b', 'q"uote', E'back\\\\slash', '{}', 'NULL', NULL],
        '{1.50,NULL,-2}', '{{1,2},{3,NULL}}')""",
    "INSERT INTO arr VALUES (2, '{}', '{}', '{}', '{}')",
    "INSERT INTO arr (id) VALUES (3)",
    "INSERT INTO arr VALUES (4, '[0:1]={7,8}', '{{x,y},{NULL,\" z \"}}', '{{0.01},{NULL}}', '{{{1}},{{2}}}')",
]
UPDATES = [
    "UPDATE arr SET ints = ints || 4, nums = '{99999999.99}' WHERE id = 1",
    "UPDATE arr SET texts = ARRAY[NULL, 'é']::text[] WHERE id = 2",
]
INSERTED = [
    [1, [1, None, -3], ["a,b", 'q"uote', "back\\slash", "{}", "NULL", None], [D("1.50"), None, D("-2.00")],
     [[1, 2], [3, None]]],
    [2, [], [], [], []],
    [3, None, None, None, None],
    [4, [7, 8], [["x", "y"], [None, " z "]], [[D("0.01")], [None]], [[[1]], [[2]]]],
]
UPDATED = [
    [1, [1, None, -3, 4], INSERTED[0][2], [D("99999999.99")], INSERTED[0][4]],
    [2, [], [None, "é"], [], []],
]


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_array_inserts_and_updates_reach_the_staging_log_as_lists(mirror, streams, binary):
    mirror.sql(DDL)
    process = streams(capture_config(mirror, ["public.arr"], **{"source.logical.binary": binary}))
    wait_captured(mirror, process, timeout=60)
    mirror.sql(*INSERTS, *UPDATES)
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    conn = mirror.connect()
    try:
        log = staged_changes(conn, mirror.read_file)["public.arr"]
    finally:
        conn.close()
    changes = [change for _, change in log]
    assert [c.kind for c in changes] == ["insert"] * 4 + ["update"] * 2
    assert [c.new_row for c in changes] == INSERTED + UPDATED
    columns = changes[0].schema.columns
    assert [(c.name, c.type_oid) for c in columns] == [("id", 23), ("ints", 1007), ("texts", 1009),
                                                       ("nums", 1231), ("grid", 1007)]
    assert columns[3].typmod == (10 << 16 | 2) + 4
    # Decimals inside lists take the column's scale, as top-level ones do.
    assert str(changes[0].new_row[3][0]) == "1.50"
