"""stream-only end to end for the types capture maps: an enum and a domain become their base type
in the staged schema, timetz becomes a UTC time of day, interval, inet and ranges become the
text Postgres prints — the same whether pgoutput sends binary or text values."""
import datetime
import decimal

import pytest

from capture_util import capture_config, staged, wait_captured

TEXT_OID, NUMERIC_OID, TIMETZ_OID = 25, 1700, 1266
NUMERIC_10_2 = ((10 << 16) | 2) + 4




@pytest.mark.parametrize("binary", ["true", "false"])
def test_enum_domain_timetz_interval_inet_and_range_values_reach_the_staging_log(mirror, streams, binary):
    mirror.sql("CREATE TYPE mood AS ENUM ('happy', 'sad')",
               "CREATE DOMAIN price AS numeric(10,2) CHECK (VALUE >= 0)",
               "CREATE TABLE t (id int PRIMARY KEY, m mood, p price, at timetz, span interval, host inet,"
               " period int4range, during tstzrange)")
    process = streams(capture_config(mirror, ["public.t"], **{"source.logical.binary": binary}))
    wait_captured(mirror, process, timeout=60)
    mirror.sql("INSERT INTO t VALUES (1, 'happy', 12.34, '12:34:56.789+05:30', '1 year 2 mons -3 days 04:05:06.5',"
               " '192.168.1.5/24', '[1,10)', '[2024-01-01 00:00:00+05:30,)')",
               "INSERT INTO t VALUES (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
               "UPDATE t SET m = 'sad', p = 0.5, at = '01:00:00-08', span = '-1 days +02:00:00', host = '::1',"
               " period = 'empty', during = '(,2024-02-01 00:00:00+00]' WHERE id = 1")
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    log = staged(mirror)["public.t"]
    assert [(c.kind, c.new_row) for _, c in log] == [
        ("insert", [1, "happy", decimal.Decimal("12.34"), datetime.time(7, 4, 56, 789000),
                    "1 year 2 mons -3 days +04:05:06.5", "192.168.1.5/24", "[1,10)",
                    '["2023-12-31 18:30:00+00",)']),
        ("insert", [2, None, None, None, None, None, None, None]),
        ("update", [1, "sad", decimal.Decimal("0.50"), datetime.time(9, 0), "-1 days +02:00:00", "::1", "empty",
                    '(,"2024-02-01 00:00:00+00"]']),
    ]
    columns = {column.name: (column.type_oid, column.typmod) for column in log[0][1].schema.columns}
    assert columns["m"] == (TEXT_OID, -1), "an enum is staged as text"
    assert columns["p"] == (NUMERIC_OID, NUMERIC_10_2), "a domain is staged as its base type"
    assert columns["at"][0] == TIMETZ_OID, "timetz keeps its own oid; its values are UTC times"


@pytest.mark.parametrize("binary", ["true", "false"])
def test_arrays_of_enums_domains_and_mapped_types_become_lists(mirror, streams, binary):
    mirror.sql("CREATE TYPE mood AS ENUM ('happy', 'sad')",
               "CREATE DOMAIN price AS numeric(10,2) CHECK (VALUE >= 0)",
               "CREATE TABLE t (id int PRIMARY KEY, moods mood[], prices price[], spans interval[], hosts inet[])")
    process = streams(capture_config(mirror, ["public.t"], **{"source.logical.binary": binary}))
    wait_captured(mirror, process, timeout=60)
    mirror.sql("INSERT INTO t VALUES (1, '{happy,NULL,sad}', '{1.5,2}', '{\"1 day\",\"-02:00:00\"}',"
               " '{10.0.0.1,::1/64}')")
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    [(_, change)] = staged(mirror)["public.t"]
    assert change.new_row == [1, ["happy", None, "sad"], [decimal.Decimal("1.50"), decimal.Decimal("2.00")],
                              ["1 day", "-02:00:00"], ["10.0.0.1", "::1/64"]]
    columns = {column.name: (column.type_oid, column.typmod) for column in change.schema.columns}
    assert columns["moods"] == (1009, -1), "an enum array is staged as text[]"
    assert columns["prices"] == (1231, NUMERIC_10_2), "a domain array as numeric(10,2)[]"
