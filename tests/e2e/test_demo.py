"""scripts/demo_job.py, the job scripts/demo.sh runs, against the session's Postgres: `run`
mirrors a table, the changes show up in Iceberg (read by DuckDB), SIGTERM exits 0."""
import os
import subprocess
import sys

import pytest

from capture_util import drop_slots
from conftest import ROOT
from pg_server import PASSWORD, SUPERUSER


@pytest.mark.storage("file-sql")
def test_the_demo_shows_the_mirror_catching_up(mirror):
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(mirror.pg.port), PGUSER=SUPERUSER,
               PGPASSWORD=PASSWORD, PGDATABASE=mirror.database, PG2ICEBERG_DEMO_DIR=mirror.workdir)
    try:
        result = subprocess.run([sys.executable, str(ROOT / "scripts" / "demo_job.py")], env=env,
                                capture_output=True, text=True, timeout=300)
    finally:
        drop_slots(mirror)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Changes visible in Iceberg" in result.stdout, result.stdout
    assert "  2   Grace     100.99   10000" in result.stdout, result.stdout
    assert "  3   Edsger" not in result.stdout.split("Changes visible")[1], result.stdout
    assert "exit code 0" in result.stdout, result.stdout
