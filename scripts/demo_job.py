"""The demo's job, run by scripts/demo.sh next to a throwaway Postgres (PG* variables set):
`pg2iceberg run` mirrors a table; rows change in Postgres (an insert, an update of a row whose
TOASTed column stays unchanged, a delete) and DuckDB shows the Iceberg table catching up."""
import os
import pathlib
import signal
import subprocess
import sys
import time

import psycopg2

root = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "tests" / "e2e"))
from readers import duckdb_connection, metadata_location  # noqa: E402

demo_dir = pathlib.Path(os.environ["PG2ICEBERG_DEMO_DIR"])
conn = psycopg2.connect("")
conn.autocommit = True


def sql(*statements):
    with conn.cursor() as cur:
        for statement in statements:
            print(f"postgres> {statement}", flush=True)
            cur.execute(statement)


def source_rows():
    with conn.cursor() as cur:
        cur.execute("SELECT id, customer, amount, length(notes) FROM public.orders ORDER BY id")
        return cur.fetchall()


def iceberg_rows():
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('iceberg_tables') IS NOT NULL")
        if not cur.fetchone()[0]:
            return None  # the catalog's tables are created with the first table
    location = metadata_location(conn, "pg2iceberg", "public", "orders")
    if location is None:
        return None
    duck = duckdb_connection("UTC")
    try:
        return duck.execute(f"SELECT id, customer, amount, length(notes) FROM iceberg_scan('{location}') "
                            "ORDER BY id").fetchall()
    finally:
        duck.close()


def show(rows):
    print("  id  customer  amount   length(notes)")
    for row in rows:
        print(f"  {row[0]:<3} {row[1]:<9} {str(row[2]):<8} {row[3]}")


def wait_caught_up(process, timeout=60):
    """Polls DuckDB until the Iceberg table holds what Postgres holds; returns the seconds taken."""
    started = time.monotonic()
    want = source_rows()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            sys.exit(f"pg2iceberg run exited with {process.returncode}")
        if iceberg_rows() == want:
            return time.monotonic() - started
        time.sleep(0.2)
    sys.exit("the Iceberg table did not catch up within %d s" % timeout)


sql("""CREATE TABLE public.orders (id bigint PRIMARY KEY, customer text NOT NULL,
       amount numeric(12, 2), notes text)""",
    "ALTER TABLE public.orders ALTER notes SET STORAGE EXTERNAL",
    """INSERT INTO public.orders VALUES (1, 'Ada', 12.50, NULL), (2, 'Grace', 99.99, repeat('long note ', 1000)),
       (3, 'Edsger', 0.01, 'short'), (4, 'Barbara', NULL, NULL)""")

config = demo_dir / "pg2iceberg.yaml"
config.write_text(f"""tables:
  - name: public.orders
source:
  postgres:
    host: 127.0.0.1
    port: {os.environ["PGPORT"]}
    database: {os.environ.get("PGDATABASE", "postgres")}
    user: {os.environ["PGUSER"]}
    password: {os.environ["PGPASSWORD"]}
    sslmode: disable
  logical:
    spill_dir: {demo_dir}/spill
sink:
  warehouse: file://{demo_dir}/warehouse
  catalog_name: pg2iceberg
  flush_interval: 200ms
  materializer_interval: 500ms
""")
log = open(demo_dir / "pg2iceberg.log", "w")
print(f"\n$ pg2iceberg run --config {config} &   (log: {demo_dir}/pg2iceberg.log)", flush=True)
binary = os.environ.get("PG2ICEBERG_BIN", str(root / "build/src/cli/pg2iceberg"))
process = subprocess.Popen([binary, "run", "--config", str(config)],
                           stdout=log, stderr=subprocess.STDOUT)
try:
    seconds = wait_caught_up(process)
    print(f"\nInitial load visible in Iceberg after {seconds:.1f} s; DuckDB reads:")
    show(iceberg_rows())
    print()
    sql("INSERT INTO public.orders VALUES (5, 'Alan', 42.00, 'new')",
        "UPDATE public.orders SET amount = amount + 1 WHERE id = 2",  # notes (TOASTed) unchanged
        "DELETE FROM public.orders WHERE id = 3")
    seconds = wait_caught_up(process)
    print(f"\nChanges visible in Iceberg after {seconds:.1f} s; DuckDB reads:")
    rows = iceberg_rows()
    show(rows)
finally:
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=60)
print(f"\npg2iceberg run stopped by SIGTERM, exit code {code}; the Iceberg table equals Postgres "
      f"({len(rows)} rows); warehouse left in {demo_dir}/warehouse")
sys.exit(code)
