"""The mirror's scenario suite: every scenario of tests/e2e/scenarios/*.scn (format in its
README) under one `pg2iceberg run`, restarted between every two steps; after the setups (the
initial load) and after every step, each mirrored table is read back by DuckDB and PyIceberg and
compared with Postgres, which is the oracle."""
import collections
import datetime
import json
import pathlib
import re

import pytest

from capture_util import StreamProcess, drop_slots
from readers import normalize, source_columns
from run_util import run_config, wait_mirrored

SCENARIOS = pathlib.Path(__file__).resolve().parent / "scenarios"


class Scenario:
    def __init__(self, name):
        self.name = name
        self.schema = "scn_" + re.sub(r"[^a-z0-9]", "_", name.lower())
        self.tables = []  # (name, settings)
        self.setup = ""
        self.steps = []


def parse(text, path):
    """Scenarios of one .scn file; raises ValueError naming the file and line on bad input."""
    scenarios = []
    section = None
    for number, line in enumerate(text.splitlines(), 1):
        where = f"{path.name}:{number}"
        if line.startswith("=== "):
            scenarios.append(Scenario(line[4:].strip()))
            section = None
        elif line.startswith("-- table "):
            name, _, settings = line[len("-- table "):].partition(" ")
            scenarios[-1].tables.append((name.strip(), json.loads(settings) if settings.strip() else {}))
        elif line.strip() == "-- setup":
            section = "setup"
        elif line.strip() == "-- step":
            scenarios[-1].steps.append("")
            section = "step"
        elif line.startswith("--") or not line.strip():
            continue
        elif section == "setup":
            scenarios[-1].setup += line + "\n"
        elif section == "step":
            scenarios[-1].steps[-1] += line + "\n"
        else:
            raise ValueError(f"{where}: SQL outside a setup or step section")
    for scenario in scenarios:
        if not scenario.tables or not scenario.steps:
            raise ValueError(f"{path.name}: scenario {scenario.name} needs tables and steps")
    return scenarios


def all_scenarios():
    scenarios = []
    for path in sorted(SCENARIOS.glob("*.scn")):
        scenarios += parse(path.read_text(), path)
    names = [s.name for s in scenarios]
    assert len(names) == len(set(names)), "scenario names must be unique"
    return scenarios


def run_sql(mirror, schema, script):
    conn = mirror.connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f"SET search_path TO {schema}, public")
            cur.execute(script)
    finally:
        conn.close()


def stored_as_text(pg_type):
    """Types Iceberg holds as the text Postgres prints (docs/type-mapping.md) that psycopg2 does
    not return as that text (inet, cidr and macaddr it does)."""
    return pg_type in ("json", "jsonb", "interval", "money", "xml", "pg_lsn") \
        or pg_type.endswith("range") or pg_type.startswith("bit")


def comparable(value, pg_type):
    if pg_type == "time with time zone" and isinstance(value, datetime.time) and value.tzinfo is not None:
        # stored as the UTC time (docs/type-mapping.md)
        moment = datetime.datetime.combine(datetime.date(2000, 1, 1), value).astimezone(datetime.timezone.utc)
        value = moment.time()
    return repr(normalize(value, pg_type))


def rows_as_multiset(rows, types):
    return collections.Counter(tuple(comparable(v, t) for v, t in zip(row, types)) for row in rows)


def compare(mirror, scenario, table, when):
    qualified = f"{scenario.schema}.{table}"
    conn = mirror.connect()
    try:
        columns = source_columns(conn, qualified)
        select = ", ".join(f'"{n}"::text' if stored_as_text(t) else f'"{n}"' for n, t in columns)
        with conn.cursor() as cur:
            cur.execute(f"SELECT {select} FROM {qualified}")
            rows = cur.fetchall()
        names, types = [n for n, _ in columns], [t for _, t in columns]
    finally:
        conn.close()
    want = rows_as_multiset(rows, types)
    for reader, read in (("duckdb", lambda: mirror.duckdb_rows(scenario.schema, table)),
                         ("pyiceberg", lambda: mirror.pyiceberg_rows(qualified))):
        got_names, got_rows = read()
        assert list(got_names) == names, f"{scenario.name} {when}: {reader} columns {got_names}, source {names}"
        got = rows_as_multiset(got_rows, types)
        if got != want:
            missing = list((want - got).elements())[:3]
            extra = list((got - want).elements())[:3]
            raise AssertionError(f"scenario {scenario.name}, {when}, table {table}, {reader}: "
                                 f"{sum(got.values())} rows vs {sum(want.values())} in Postgres; "
                                 f"missing in Iceberg {missing}; extra in Iceberg {extra}")


@pytest.mark.storage("file-sql")
def test_scenarios(mirror):
    scenarios = all_scenarios()
    assert len(scenarios) >= 50, len(scenarios)
    tables = []
    for scenario in scenarios:
        run_sql(mirror, "public", f"CREATE SCHEMA {scenario.schema}")
        run_sql(mirror, scenario.schema, scenario.setup)
        for name, settings in scenario.tables:
            tables.append({"name": f"{scenario.schema}.{name}", **settings})
    config = run_config(mirror, tables, **{"sink.materializer_interval": "200ms"})
    count = len(tables)
    process = None
    try:
        process = StreamProcess(mirror, config, subcommand="run")
        wait_mirrored(mirror, process, count, timeout=600)
        for scenario in scenarios:
            for table, _ in scenario.tables:
                compare(mirror, scenario, table, "after the initial load")
        rounds = max(len(s.steps) for s in scenarios)
        for step in range(rounds):
            for scenario in scenarios:
                if step < len(scenario.steps):
                    run_sql(mirror, scenario.schema, scenario.steps[step])
            wait_mirrored(mirror, process, count, timeout=600)
            for scenario in scenarios:
                if step < len(scenario.steps):
                    for table, _ in scenario.tables:
                        compare(mirror, scenario, table, f"after step {step + 1}")
            # A restart between every two steps.
            assert process.stop() == 0, process.log()
            process.close()
            process = StreamProcess(mirror, config, subcommand="run")
        wait_mirrored(mirror, process, count, timeout=600)
        assert process.stop() == 0, process.log()
        print(f"\n{len(scenarios)} scenarios, {count} tables, {rounds} rounds of steps, each followed by a restart")
    finally:
        if process is not None:
            process.close()
        drop_slots(mirror)
