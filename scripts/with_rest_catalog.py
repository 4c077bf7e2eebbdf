"""Runs a command next to a throwaway Iceberg REST catalog, then stops the catalog by PID.

    python scripts/with_postgres.py -- python scripts/with_rest_catalog.py -- COMMAND [ARGS...]

Needs the PG* variables with_postgres.py exports (PGHOST, PGPORT, PGUSER, PGPASSWORD): the
catalog server (Apache Iceberg's REST test server, a JDBC catalog) keeps its tables in a fresh
database of that Postgres, dropped afterwards. The command sees PG2ICEBERG_TEST_REST_URI
(http://127.0.0.1:PORT) and PG2ICEBERG_TEST_REST_WAREHOUSE (the server's default warehouse,
a file:// URI). Exits with the command's status; 2 when the server cannot be started here.
"""
import os
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "e2e"))
import psycopg2  # noqa: E402
from rest_server import RestCatalogServer, missing_reason  # noqa: E402


def admin(database, statement):
    conn = psycopg2.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"],
                            user=os.environ["PGUSER"], password=os.environ.get("PGPASSWORD", ""),
                            dbname=database)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


def main(argv):
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print(__doc__, file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1:]
    missing = [name for name in ("PGHOST", "PGPORT", "PGUSER") if name not in os.environ]
    reason = missing_reason() or (f"{', '.join(missing)} not set (run under with_postgres.py)"
                                  if missing else None)
    if reason:
        print(f"with_rest_catalog: cannot start the REST catalog: {reason}", file=sys.stderr)
        return 2
    database = f"rest_catalog_{os.getpid()}"
    admin("postgres", f'CREATE DATABASE "{database}"')
    server = RestCatalogServer(os.environ["PGHOST"], os.environ["PGPORT"], os.environ["PGUSER"],
                               os.environ.get("PGPASSWORD", ""), database)
    try:
        server.start()
        env = dict(os.environ, PG2ICEBERG_TEST_REST_URI=server.uri,
                   PG2ICEBERG_TEST_REST_WAREHOUSE="file://" + server.warehouse)
        return subprocess.run(command, env=env).returncode
    finally:
        server.stop()
        admin("postgres", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
