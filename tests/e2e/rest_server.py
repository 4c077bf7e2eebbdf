"""A throwaway Apache Iceberg REST catalog for tests: the REST test server of the Iceberg
project (org.apache.iceberg.rest.RESTCatalogServer, from the iceberg-open-api fat jar) backed by
a JDBC catalog in a PostgreSQL database.

Started with `java` on 127.0.0.1 and a free port; ready once GET /v1/config answers; stopped by
PID, even when a test fails. The jars come from the local Maven repository (scripts/install.sh
fetches them); `missing_reason()` says what is missing when they are not there.
"""
import contextlib
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from pg_server import free_port

M2 = pathlib.Path(os.environ.get("PG2ICEBERG_M2_REPOSITORY", pathlib.Path.home() / ".m2" / "repository"))
ICEBERG_VERSION = "1.10.1"
POSTGRES_JDBC_VERSION = "42.7.14"
OPEN_API_JAR = M2 / f"org/apache/iceberg/iceberg-open-api/{ICEBERG_VERSION}/iceberg-open-api-{ICEBERG_VERSION}.jar"
POSTGRES_JAR = M2 / f"org/postgresql/postgresql/{POSTGRES_JDBC_VERSION}/postgresql-{POSTGRES_JDBC_VERSION}.jar"
MAIN_CLASS = "org.apache.iceberg.rest.RESTCatalogServer"
# The JDBC catalog name the server uses unless CATALOG_CATALOG__NAME says otherwise.
BACKEND_CATALOG_NAME = "rest_backend"


def missing_reason():
    """Why the server cannot start here, or None."""
    if shutil.which("java") is None:
        return "java is not installed"
    for jar in (OPEN_API_JAR, POSTGRES_JAR):
        if not jar.is_file():
            return f"{jar} is missing (mvn dependency:get, see scripts/install.sh)"
    return None


class RestCatalogServer:
    """The REST test server over the JDBC catalog in database `dbname` of a Postgres server."""

    def __init__(self, pg_host, pg_port, pg_user, pg_password, dbname, s3_endpoint=None,
                 s3_access_key=None, s3_secret_key=None, s3_region="us-east-1"):
        self.port = free_port()
        self.uri = f"http://127.0.0.1:{self.port}"
        self.workdir = tempfile.mkdtemp(prefix="pg2iceberg-rest-")
        self.warehouse = os.path.join(self.workdir, "warehouse")
        os.makedirs(self.warehouse)
        self.jdbc_uri = f"jdbc:postgresql://{pg_host}:{pg_port}/{dbname}"
        self._jdbc_user = pg_user
        self._jdbc_password = pg_password
        # With an S3 endpoint the server reads and writes s3:// (path-style, those keys) as well as
        # file:// locations: ResolvingFileIO picks S3FileIO or HadoopFileIO by scheme.
        self._s3 = None
        if s3_endpoint:
            self._s3 = {"CATALOG_IO__IMPL": "org.apache.iceberg.io.ResolvingFileIO",
                        "CATALOG_S3_ENDPOINT": s3_endpoint, "CATALOG_S3_PATH__STYLE__ACCESS": "true",
                        "CATALOG_S3_ACCESS__KEY__ID": s3_access_key,
                        "CATALOG_S3_SECRET__ACCESS__KEY": s3_secret_key,
                        "CATALOG_CLIENT_REGION": s3_region, "AWS_REGION": s3_region}
        self.process = None
        self.log = None
        # More CATALOG_* properties (e.g. CATALOG_IO__IMPL for S3FileIO) or AWS_* variables.

    def start(self, timeout_s=60):
        env = dict(os.environ, CATALOG_URI=self.jdbc_uri, CATALOG_JDBC_USER=self._jdbc_user,
                   CATALOG_JDBC_PASSWORD=self._jdbc_password,
                   CATALOG_WAREHOUSE="file://" + self.warehouse, CATALOG_REST_PORT=str(self.port),
                   **(self._s3 or {}))
        self.log = open(os.path.join(self.workdir, "server.log"), "wb")
        self.process = subprocess.Popen(
            ["java", "-cp", f"{OPEN_API_JAR}:{POSTGRES_JAR}", MAIN_CLASS], env=env,
            stdout=self.log, stderr=subprocess.STDOUT, cwd=self.workdir)
        try:
            self._wait_ready(time.monotonic() + timeout_s)
        except Exception:
            self.stop()
            raise
        return self

    def _wait_ready(self, deadline):
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("the REST catalog server exited during start-up: " + self.log_text())
            try:
                with urllib.request.urlopen(self.uri + "/v1/config", timeout=2) as response:
                    json.load(response)
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
                if time.monotonic() > deadline:
                    raise RuntimeError("the REST catalog server did not answer /v1/config in time: "
                                       + self.log_text())
                time.sleep(0.2)

    def log_text(self, limit=4000):
        path = os.path.join(self.workdir, "server.log")
        try:
            with open(path, "rb") as f:
                return f.read()[-limit:].decode(errors="replace")
        except OSError:
            return "(no log)"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log:
            self.log.close()
            self.log = None
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextlib.contextmanager
def serve_rest_catalog(pg, name, s3_endpoint=None, s3_access_key=None, s3_secret_key=None,
                       s3_region="us-east-1"):
    """A RestCatalogServer whose JDBC store is a fresh database `<name>_<pid>` of the test
    Postgres `pg` (reading and writing s3:// through the given moto when s3_endpoint is set),
    started for the with-block and stopped by PID after it. Missing java or jars fail the test:
    scripts/install.sh provides them, so their absence is not a reason to skip."""
    import pytest
    from pg_server import PASSWORD, SUPERUSER

    reason = missing_reason()
    if reason:
        pytest.fail(f"REST catalog server unavailable: {reason}")
    database = f"{name}_{os.getpid()}"
    pg.create_database(database)
    server = RestCatalogServer("127.0.0.1", pg.port, SUPERUSER, PASSWORD, database,
                               s3_endpoint=s3_endpoint, s3_access_key=s3_access_key,
                               s3_secret_key=s3_secret_key, s3_region=s3_region)
    server.database = database
    server.start()
    try:
        yield server
    finally:
        server.stop()
