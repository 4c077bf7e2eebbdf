"""Fixtures of the end-to-end suite.

Every test that takes `mirror` runs once per storage configuration (storage.py): `file-sql`,
`s3-sql` and `s3-rest`. Select a subset with `--e2e-configs=file-sql,s3-sql` or the
environment variable PG2ICEBERG_E2E_CONFIGS; the default is all three. A test or module marked
`@pytest.mark.storage("file-sql", …)` runs only in those configurations (still only the
selected ones): tests of the command line and of bad configuration, which write nothing worth
reading back, and tests of one configuration's own behaviour.

Servers are shared by the whole session and stopped by PID at its end: PostgreSQL (also the
SQL catalog and the REST catalog's JDBC store), moto (started on first use) and the REST
catalog test server (started on first use). Spark starts on first use too (spark_reader.py).
"""
import itertools
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest
import yaml

from pg_server import PASSWORD, SUPERUSER, PostgresServer
from storage import CONFIGURATIONS, Storage

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("PG2ICEBERG_BIN", str(ROOT / "build" / "src" / "cli" / "pg2iceberg"))
_database_ids = itertools.count()


def pytest_addoption(parser):
    parser.addoption("--e2e-configs", default=None,
                     help="comma-separated storage configurations to run (default: "
                          "$PG2ICEBERG_E2E_CONFIGS or all of " + ",".join(CONFIGURATIONS) + ")")


def pytest_configure(config):
    config.addinivalue_line("markers", "storage(*names): run only in these storage configurations")


def selected_configurations(config):
    text = config.getoption("--e2e-configs") or os.environ.get("PG2ICEBERG_E2E_CONFIGS") or ""
    names = [n.strip() for n in text.split(",") if n.strip()] or list(CONFIGURATIONS)
    unknown = [n for n in names if n not in CONFIGURATIONS]
    if unknown:
        raise pytest.UsageError(f"unknown e2e configuration(s) {unknown}; known: {list(CONFIGURATIONS)}")
    return names


def pytest_generate_tests(metafunc):
    if "storage" not in metafunc.fixturenames:
        return
    names = selected_configurations(metafunc.config)
    marker = metafunc.definition.get_closest_marker("storage")
    if marker is not None:
        names = [n for n in names if n in marker.args]
    if not names:
        wanted = marker.args if marker is not None else ()
        metafunc.parametrize("storage", [pytest.param(wanted[0] if wanted else "none", marks=pytest.mark.skip(
            reason=f"runs only in {', '.join(wanted)}, not selected"))], indirect=True)
        return
    metafunc.parametrize("storage", names, indirect=True)


def pytest_sessionfinish(session, exitstatus):
    import spark_reader
    spark_reader.stop()


@pytest.fixture(scope="session")
def pg():
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3():
    """A moto S3 server for the session, stopped by PID at the end."""
    from moto_server import MotoServer

    server = MotoServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3auth():
    """A second moto server, with request authentication on: only `s3auth.keys` (access key id,
    secret) are accepted, so wrong or missing credentials really fail. Stopped by PID."""
    from moto_server import MotoServer

    server = MotoServer().start()
    try:
        server.keys = server.require_auth()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def rest_s3auth(pg, s3auth):
    """A REST catalog test server (JDBC store in the session's Postgres) writing metadata to
    s3auth with its keys. Stopped by PID."""
    from moto_server import REGION
    from rest_server import serve_rest_catalog

    with serve_rest_catalog(pg, "rest_s3auth", s3auth.endpoint, *s3auth.keys, REGION) as server:
        yield server


@pytest.fixture(scope="session")
def rest(pg, s3):
    """Apache Iceberg's REST catalog test server for the session: a JDBC catalog in a database
    of the session's Postgres (so its state survives a restart of the server), reading and
    writing s3:// (moto) and file:// locations. Stopped by PID at the end."""
    from moto_server import ACCESS_KEY, REGION, SECRET_KEY
    from rest_server import serve_rest_catalog

    with serve_rest_catalog(pg, "rest_catalog", s3.endpoint, ACCESS_KEY, SECRET_KEY, REGION) as server:
        yield server


@pytest.fixture
def storage(request):
    """The storage configuration of this run of the test (parametrized by pytest_generate_tests)."""
    name = request.param
    s3 = request.getfixturevalue("s3") if name.startswith("s3-") else None
    rest = request.getfixturevalue("rest") if name.endswith("-rest") else None
    return Storage(name, s3=s3, rest=rest)


class Mirror:
    """One test's source database, warehouse and config, a way to run the binary on them, and the
    independent readers of what it wrote, in the test's storage configuration."""

    def __init__(self, pg, database, workdir, storage=None):
        self.pg = pg
        self.database = database
        self.workdir = workdir
        self.storage = storage or Storage("file-sql")
        self.catalog_name = "pg2iceberg"
        self.config_path = os.path.join(workdir, f"{database}.yaml")
        self.bucket = database.replace("_", "-") if self.storage.s3 else None
        if self.storage.s3:
            self.local_warehouse = None
            self.warehouse = f"s3://{self.bucket}/warehouse"
        else:
            self.local_warehouse = os.path.join(workdir, "warehouse")
            os.makedirs(self.local_warehouse, exist_ok=True)
            self.warehouse = "file://" + self.local_warehouse
        self._spark = None

    # --- source ---------------------------------------------------------------------------------

    def sql(self, *statements):
        conn = self.pg.connect(self.database)
        conn.autocommit = True
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
        conn.close()

    def connect(self):
        return self.pg.connect(self.database)

    # --- config and binary ----------------------------------------------------------------------

    def config(self, tables, **overrides):
        config = {
            "tables": [{"name": t} if isinstance(t, str) else t for t in tables],
            "source": {"mode": "logical", "postgres": {
                "host": "127.0.0.1", "port": self.pg.port, "database": self.database,
                "user": SUPERUSER, "password": PASSWORD, "sslmode": "disable"}},
            "sink": {"warehouse": self.warehouse, "catalog_name": self.catalog_name,
                     **self.storage.sink_settings()},
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

    # --- the SQL catalog in the source database -------------------------------------------------

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

    # --- the warehouse, as keys relative to it ---------------------------------------------------

    def list_files(self, prefix=""):
        """Keys (relative to the warehouse) of every file under `prefix`, sorted."""
        if self.storage.s3:
            client = self.storage.s3_client()
            keys = []
            for page in client.get_paginator("list_objects_v2").paginate(
                    Bucket=self.bucket, Prefix="warehouse/" + prefix):
                keys += [o["Key"][len("warehouse/"):] for o in page.get("Contents", [])]
            return sorted(keys)
        root = pathlib.Path(self.local_warehouse)
        keys = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        return sorted(k for k in keys if k.startswith(prefix))

    def read_file(self, key):
        if self.storage.s3:
            return self.storage.s3_client().get_object(Bucket=self.bucket, Key="warehouse/" + key)["Body"].read()
        with open(os.path.join(self.local_warehouse, key), "rb") as f:
            return f.read()

    def write_file(self, key, data):
        if self.storage.s3:
            self.storage.s3_client().put_object(Bucket=self.bucket, Key="warehouse/" + key, Body=data)
            return
        with open(os.path.join(self.local_warehouse, key), "wb") as f:
            f.write(data)

    def delete_file(self, key):
        if self.storage.s3:
            self.storage.s3_client().delete_object(Bucket=self.bucket, Key="warehouse/" + key)
            return
        os.unlink(os.path.join(self.local_warehouse, key))

    def file_exists(self, key):
        return key in self.list_files(key)

    def delete_warehouse(self):
        for key in self.list_files():
            self.delete_file(key)

    # --- independent readers --------------------------------------------------------------------

    def metadata_location(self, namespace, name):
        """The table's current metadata file, from the catalog of this configuration; None when
        the catalog has no such table."""
        return self.storage.metadata_location(self, namespace, name)

    def duckdb_rows(self, namespace, name, timezone="UTC"):
        return self.storage.duckdb_rows(self, namespace, name, timezone)

    def pyiceberg_catalog(self):
        return self.storage.pyiceberg_catalog(self)

    def pyiceberg_table(self, identifier):
        return self.pyiceberg_catalog().load_table(identifier)

    def pyiceberg_rows(self, identifier):
        arrow = self.pyiceberg_table(identifier).scan().to_arrow()
        return arrow.column_names, list(zip(*[c.to_pylist() for c in arrow.columns]))

    def spark_rows(self, namespace, name, columns="*", version=None):
        import spark_reader
        if self._spark is None:
            self._spark = spark_reader.session_for(self)
        return spark_reader.rows(self._spark, self.storage.spark_catalog(self), namespace, name, columns,
                                 version)


@pytest.fixture
def mirror(pg, storage):
    database = f"e2e_{os.getpid()}_{next(_database_ids)}"
    pg.create_database(database)
    workdir = tempfile.mkdtemp(prefix="pg2iceberg-e2e-")
    mirror = Mirror(pg, database, workdir, storage)
    if mirror.bucket:
        storage.s3_client().create_bucket(Bucket=mirror.bucket)
    try:
        yield mirror
    finally:
        storage.clean_up(mirror)
        shutil.rmtree(workdir, ignore_errors=True)


def _processes(mirror, subcommand):
    """A starter of long-running `pg2iceberg <subcommand>` processes: start(config) →
    StreamProcess. On exit every process is killed and every replication slot of the test's
    database dropped."""
    from capture_util import StreamProcess, drop_slots

    started = []

    def start(config, **kwargs):
        process = StreamProcess(mirror, config, subcommand=subcommand, **kwargs)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.close()
        drop_slots(mirror)


@pytest.fixture
def streams(mirror):
    """Starts `pg2iceberg stream-only` processes for a test (see _processes)."""
    yield from _processes(mirror, "stream-only")


@pytest.fixture
def runs(mirror):
    """Starts `pg2iceberg run` processes for a test (see _processes)."""
    yield from _processes(mirror, "run")
