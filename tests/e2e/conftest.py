import itertools
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest
import yaml

from pg_server import PASSWORD, SUPERUSER, PostgresServer

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("PG2ICEBERG_BIN", str(ROOT / "build" / "src" / "cli" / "pg2iceberg"))
_database_ids = itertools.count()


@pytest.fixture(scope="session")
def pg():
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


class Mirror:
    """One test's source database, warehouse and config, and a way to run the binary on them."""

    def __init__(self, pg, database, warehouse):
        self.pg = pg
        self.database = database
        self.warehouse = warehouse
        self.catalog_name = "pg2iceberg"
        self.config_path = os.path.join(os.path.dirname(warehouse), f"{database}.yaml")

    def sql(self, *statements):
        conn = self.pg.connect(self.database)
        conn.autocommit = True
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
        conn.close()

    def connect(self):
        return self.pg.connect(self.database)

    def config(self, tables, **overrides):
        config = {
            "tables": [{"name": t} if isinstance(t, str) else t for t in tables],
            "source": {"mode": "logical", "postgres": {
                "host": "127.0.0.1", "port": self.pg.port, "database": self.database,
                "user": SUPERUSER, "password": PASSWORD, "sslmode": "disable"}},
            "sink": {"warehouse": "file://" + self.warehouse, "catalog_name": self.catalog_name},
        }
        for path, value in overrides.items():
            node = config
            keys = path.split(".")
            for key in keys[:-1]:
                node = node.setdefault(key, {})
            if value is None:
                node.pop(keys[-1], None)
            else:
                node[keys[-1]] = value
        return config

    def write_config(self, config, text=None):
        with open(self.config_path, "w") as f:
            f.write(text if text is not None else yaml.safe_dump(config))
        return self.config_path

    def run(self, subcommand, config=None, text=None, env=None, timeout=600):
        path = self.write_config(config, text) if (config is not None or text is not None) else self.config_path
        full_env = dict(os.environ, **(env or {}))
        return subprocess.run([BINARY, subcommand, "--config", path], capture_output=True, text=True,
                              timeout=timeout, env=full_env)

    def snapshot(self, tables, **overrides):
        result = self.run("snapshot", self.config(tables, **overrides))
        assert result.returncode == 0, f"snapshot failed ({result.returncode}):\n{result.stderr}"
        return result

    def catalog_uri(self):
        return self.pg.sqlalchemy_uri(self.database)

    def catalog_rows(self):
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT to_regclass('iceberg_tables') IS NOT NULL")
                if not cur.fetchone()[0]:
                    return []
                cur.execute("SELECT table_namespace, table_name FROM iceberg_tables ORDER BY 1, 2")
                return cur.fetchall()
        finally:
            conn.close()


@pytest.fixture
def mirror(pg):
    database = f"e2e_{os.getpid()}_{next(_database_ids)}"
    pg.create_database(database)
    workdir = tempfile.mkdtemp(prefix="pg2iceberg-e2e-")
    warehouse = os.path.join(workdir, "warehouse")
    os.makedirs(warehouse)
    try:
        yield Mirror(pg, database, warehouse)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def streams(mirror):
    """Starts `pg2iceberg stream-only` processes for a test: streams(config) → StreamProcess.
    Every process is killed and every replication slot of the test's database dropped at the end."""
    from capture_util import StreamProcess, drop_slots

    started = []

    def start(config, **kwargs):
        process = StreamProcess(mirror, config, **kwargs)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.close()
        drop_slots(mirror)


@pytest.fixture(scope="module")
def s3():
    """A moto S3 server for the module's tests, stopped by PID at the end."""
    from moto_server import MotoServer

    server = MotoServer().start()
    try:
        yield server
    finally:
        server.stop()
