"""The command line: every subcommand of the existing pg2iceberg, honest about what is built."""
import subprocess

import pytest

from conftest import BINARY

pytestmark = pytest.mark.storage("file-sql")  # nothing here writes a table

SUBCOMMANDS = ["run", "snapshot", "cleanup", "compact", "maintain", "verify", "stream-only",
               "materializer-only", "migrate-coord", "connect-pg", "connect-iceberg"]
NOT_BUILT = ["compact", "maintain"]


def run(*args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=60)


def test_help_lists_every_subcommand():
    result = run("--help")
    assert result.returncode == 0
    for name in SUBCOMMANDS:
        assert name in result.stdout, f"{name} missing from --help"


@pytest.mark.parametrize("name", NOT_BUILT)
def test_subcommands_not_built_yet_say_so(name, tmp_path):
    result = run(name, "--config", str(tmp_path / "unused.yaml"))
    assert result.returncode != 0
    assert "not implemented yet" in result.stderr


@pytest.mark.parametrize("name", ["run", "verify"])
def test_built_subcommands_name_a_missing_config_file(name, tmp_path):
    result = run(name, "--config", str(tmp_path / "missing.yaml"))
    assert result.returncode != 0
    assert "missing.yaml" in result.stderr, result.stderr
    assert "not implemented yet" not in result.stderr


def test_materializer_only_requires_worker_id(tmp_path):
    result = run("materializer-only", "--config", str(tmp_path / "unused.yaml"))
    assert result.returncode != 0
    assert "worker-id" in result.stderr


def test_unknown_subcommand_fails():
    assert run("frobnicate").returncode != 0


def test_unknown_config_keys_warn_by_name(mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)")
    config = mirror.config(["public.t"])
    config["sink"]["flush_rowz"] = 5
    config["extra_section"] = {"a": 1}
    result = mirror.run("snapshot", config)
    assert result.returncode == 0, result.stderr
    assert 'unknown config key "sink.flush_rowz"' in result.stderr
    assert 'unknown config key "extra_section"' in result.stderr


def test_connect_pg_reports_server(mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)")
    result = mirror.run("connect-pg", mirror.config(["public.t"]))
    assert result.returncode == 0, result.stderr
    assert "PostgreSQL 15" in result.stdout
    assert "wal_level=logical" in result.stdout
    assert "table public.t: 1 columns" in result.stdout


def test_connect_pg_names_missing_tables(mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)")
    result = mirror.run("connect-pg", mirror.config(["public.t", "public.gone"]))
    assert result.returncode != 0
    assert "table public.gone does not exist" in result.stderr
    assert "1 of 2 configured tables cannot be mirrored" in result.stderr
