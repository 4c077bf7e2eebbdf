"""Runs a command next to a throwaway PostgreSQL 15 server, then stops the server by PID.

    python scripts/with_postgres.py -- COMMAND [ARGS...]

The command sees PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE=postgres and
PG2ICEBERG_TEST_PG_CONNINFO (a libpq conninfo for the same server). Exits with its status.
"""
import os
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from pg_server import PASSWORD, SUPERUSER, PostgresServer  # noqa: E402


def main(argv):
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print(__doc__, file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1:]
    server = PostgresServer().start()
    try:
        env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(server.port), PGUSER=SUPERUSER,
                   PGPASSWORD=PASSWORD, PGDATABASE="postgres",
                   PG2ICEBERG_TEST_PG_CONNINFO=(f"host=127.0.0.1 port={server.port} "
                                                f"user={SUPERUSER} password={PASSWORD} dbname=postgres"))
        return subprocess.run(command, env=env).returncode
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
