"""The demo's job, run by scripts/demo.sh next to a throwaway Postgres (PG* variables set)."""
import os
import pathlib
import subprocess
import sys

import psycopg2

root = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "tests" / "e2e"))
from readers import duckdb_connection, metadata_location  # noqa: E402

demo_dir = pathlib.Path(os.environ["PG2ICEBERG_DEMO_DIR"])
conn = psycopg2.connect("")
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("""CREATE TABLE public.orders (
        id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(12, 2),
        placed_at timestamptz, tags jsonb)""")
    cur.execute("""INSERT INTO public.orders VALUES
        (1, 'Ada', 12.50, '2026-11-01 09:30:00+00', '{"gift": true}'),
        (2, 'Grace', 99.99, '2026-11-02 14:05:10+00', NULL),
        (3, 'Edsger', 0.01, '1969-07-20 20:17:40+00', '["moon"]'),
        (4, 'Bárbara', NULL, NULL, '{}')""")

config = demo_dir / "pg2iceberg.yaml"
config.write_text(f"""tables:
  - name: public.orders
source:
  postgres:
    host: 127.0.0.1
    port: {os.environ["PGPORT"]}
    database: postgres
    user: {os.environ["PGUSER"]}
    password: {os.environ["PGPASSWORD"]}
    sslmode: disable
sink:
  warehouse: file://{demo_dir}/warehouse
  catalog_name: pg2iceberg
""")
print(f"$ pg2iceberg snapshot --config {config}", flush=True)
subprocess.run([str(root / "build/src/cli/pg2iceberg"), "snapshot", "--config", str(config)], check=True)

location = metadata_location(conn, "pg2iceberg", "public", "orders")
print(f"\nIceberg table public.orders: {location}\nRead back by DuckDB (iceberg_scan):")
duck = duckdb_connection("UTC")
result = duck.execute(f"SELECT * FROM iceberg_scan('{location}') ORDER BY id")
names = [d[0] for d in result.description]
rows = result.fetchall()
widths = [max(len(str(v)) for v in [n] + [r[i] for r in rows]) for i, n in enumerate(names)]
print("  ".join(n.ljust(w) for n, w in zip(names, widths)))
for row in rows:
    print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)))
print(f"\n{len(rows)} rows mirrored; warehouse left in {demo_dir}/warehouse")
