"""`connect-iceberg` checks the catalog and the warehouse before a mirror is trusted to them:
it lists the catalog's namespaces, loads each configured table (or reports it not created yet),
and writes, reads back and removes a probe in the warehouse. Runs in every storage configuration
(the catalog and the store differ in each)."""
import os

import pytest


def test_reports_catalog_tables_and_probe_and_leaves_nothing(mirror):
    mirror.sql("CREATE TABLE public.present (id int PRIMARY KEY, v text)",
               "INSERT INTO public.present VALUES (1, 'a')",
               "CREATE TABLE public.absent (id int PRIMARY KEY)")
    mirror.snapshot(["public.present"])
    before = mirror.list_files()
    result = mirror.run("connect-iceberg", mirror.config(["public.present", "public.absent"]))
    assert result.returncode == 0, result.stderr
    assert "catalog:" in result.stdout and "reachable" in result.stdout, result.stdout
    assert "table public.present: exists" in result.stdout, result.stdout
    assert "table public.absent: not created yet" in result.stdout, result.stdout
    assert "probe written, read back and removed" in result.stdout, result.stdout
    assert mirror.list_files() == before, "the probe was left behind"


@pytest.mark.storage("file-sql")
def test_a_warehouse_that_refuses_the_write_fails_naming_the_probe(mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)")
    # A file where the probe's folder would go: the write fails (as it would without permission;
    # the tests run as root, which ignores permissions).
    os.makedirs(os.path.join(mirror.local_warehouse, "_pg2iceberg"), exist_ok=True)
    mirror.write_file("_pg2iceberg/probe", b"in the way")
    result = mirror.run("connect-iceberg", mirror.config(["public.t"]))
    assert result.returncode == 1, result.stdout
    assert "writing a probe" in result.stderr, result.stderr
    assert mirror.warehouse in result.stderr, result.stderr
    assert mirror.list_files() == ["_pg2iceberg/probe"]


@pytest.mark.storage("file-sql")
def test_an_unreachable_catalog_fails(mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)")
    config = mirror.config(["public.t"], **{
        "sink.catalog_uri": "postgresql://nobody:wrong@127.0.0.1:1/none?connect_timeout=2"})
    result = mirror.run("connect-iceberg", config)
    assert result.returncode == 1
    assert "SQL catalog" in result.stderr, result.stderr
