"""A snapshot whose commit the catalog refuses because another writer committed to the table
since it was loaded (HTTP 409 from a REST catalog, a moved pointer in the SQL catalog) reloads
the table and commits again on top of it: the table ends up equal to the source, and the
other writer's snapshot stays in the history."""
import subprocess

import pyarrow as pa
import pytest

from conftest import BINARY
from test_snapshot_types import check_table
from http_proxy import ForwardingProxy

TABLE = "CREATE TABLE public.busy (id integer PRIMARY KEY, v text, amount numeric(20, 2))"
ROWS = """INSERT INTO public.busy
  SELECT g, 'row ' || g, g * 0.5 FROM generate_series(1, {n}) g"""


@pytest.mark.storage("s3-rest")
def test_a_commit_refused_with_409_is_retried_on_the_reloaded_table(mirror, storage):
    mirror.sql(TABLE, ROWS.format(n=500))
    mirror.snapshot(["public.busy"])
    mirror.sql("UPDATE public.busy SET v = 'changed' WHERE id % 2 = 0",
               "ALTER TABLE public.busy ADD COLUMN extra bigint", "UPDATE public.busy SET extra = id")
    foreign = {}

    def commit_in_between(request):
        # Just before pg2iceberg's commit reaches the catalog, another writer appends a row.
        if request.method == "POST" and request.path.endswith("/tables/busy") and not foreign:
            table = mirror.pyiceberg_table("public.busy")
            table.append(pa.Table.from_pylist([{"id": 100000, "v": "foreign", "amount": None}],
                                              schema=table.schema().as_arrow()))
            foreign["snapshot"] = mirror.pyiceberg_table("public.busy").current_snapshot().snapshot_id
        return None

    with ForwardingProxy(storage.rest.uri, on_request=commit_in_between) as proxy:
        result = mirror.snapshot(["public.busy"], **{"sink.catalog_uri": proxy.uri})
        commits = [r for r in proxy.requests if r.method == "POST" and r.path.endswith("/tables/busy")]
    assert foreign, "the commit never reached the proxy"
    assert len(commits) == 2, [r.line for r in proxy.requests]
    assert "HTTP 409" in result.stderr and "attempt 1 of 4" in result.stderr, result.stderr

    check_table(mirror, "public.busy")  # the foreign row is replaced with the source's rows
    table = mirror.pyiceberg_table("public.busy")
    assert table.current_snapshot().parent_snapshot_id == foreign["snapshot"]
    assert len(table.metadata.snapshots) == 3
    assert {f.name: f.field_id for f in table.schema().fields} == {"id": 1, "v": 2, "amount": 3,
                                                                 "extra": 4}


def run_two_snapshots_at_once(mirror):
    path = mirror.write_config(mirror.config(["public.busy"]))
    runs = [subprocess.Popen([BINARY, "snapshot", "--config", path], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (_, stderr) in zip(runs, outputs):
        assert run.returncode == 0, stderr


def test_two_concurrent_first_snapshots_both_succeed(mirror):
    # Both find no table; the one whose create loses (already exists / 409) commits on top.
    mirror.sql(TABLE, ROWS.format(n=20000))
    run_two_snapshots_at_once(mirror)
    check_table(mirror, "public.busy")
    assert len(mirror.pyiceberg_table("public.busy").metadata.snapshots) == 2


def test_two_concurrent_snapshot_runs_both_succeed(mirror):
    mirror.sql(TABLE, ROWS.format(n=20000))
    mirror.snapshot(["public.busy"])
    mirror.sql("DELETE FROM public.busy WHERE id % 3 = 0", "ALTER TABLE public.busy RENAME v TO w")
    run_two_snapshots_at_once(mirror)
    check_table(mirror, "public.busy")
    table = mirror.pyiceberg_table("public.busy")
    assert {f.name: f.field_id for f in table.schema().fields} == {"id": 1, "w": 2, "amount": 3}
    assert len(table.metadata.snapshots) == 3
