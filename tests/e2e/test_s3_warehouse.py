"""The same mirror on an S3 warehouse (moto) with the SQL catalog, read back by DuckDB (httpfs)
and PyIceberg (pyarrow's S3 filesystem)."""
import pytest

from moto_server import ACCESS_KEY, REGION, SECRET_KEY
from readers import assert_same_rows, duckdb_connection, metadata_location, source_rows
from pyiceberg.catalog.sql import SqlCatalog
from test_snapshot_types import ROWS, TYPES_TABLE


@pytest.fixture
def bucket(s3, mirror):
    name = mirror.database.replace("_", "-")
    s3.client().create_bucket(Bucket=name)
    return name


def s3_sink(s3, bucket):
    return {"sink.warehouse": f"s3://{bucket}/warehouse", "sink.s3_endpoint": s3.endpoint,
            "sink.s3_access_key": ACCESS_KEY, "sink.s3_secret_key": SECRET_KEY,
            "sink.s3_region": REGION}


def duckdb_s3_rows(s3, location):
    con = duckdb_connection("UTC")
    import duckdb_extensions
    duckdb_extensions.import_extension("httpfs", con=con)
    con.execute("LOAD httpfs")
    con.execute(f"""CREATE SECRET (TYPE S3, KEY_ID '{ACCESS_KEY}', SECRET '{SECRET_KEY}',
                    REGION '{REGION}', ENDPOINT '127.0.0.1:{s3.port}', URL_STYLE 'path',
                    USE_SSL false)""")
    cur = con.execute(f"SELECT * FROM iceberg_scan('{location}')")
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    con.close()
    return names, rows


def pyiceberg_s3_rows(s3, mirror, identifier):
    catalog = SqlCatalog(mirror.catalog_name, uri=mirror.catalog_uri(),
                         **{"s3.endpoint": s3.endpoint, "s3.access-key-id": ACCESS_KEY,
                            "s3.secret-access-key": SECRET_KEY, "s3.region": REGION})
    arrow = catalog.load_table(identifier).scan().to_arrow()
    return arrow.column_names, list(zip(*[c.to_pylist() for c in arrow.columns]))


def check(s3, mirror, table):
    conn = mirror.connect()
    names, types, expected = source_rows(conn, table)
    location = metadata_location(conn, mirror.catalog_name, *table.split("."))
    conn.close()
    assert location.startswith("s3://")
    got_names, got = duckdb_s3_rows(s3, location)
    assert got_names == names
    assert_same_rows(expected, got, names, types, "duckdb(s3)")
    got_names, got = pyiceberg_s3_rows(s3, mirror, table)
    assert got_names == names
    assert_same_rows(expected, got, names, types, "pyiceberg(s3)")
    return len(expected)


def test_every_type_on_s3(s3, bucket, mirror):
    mirror.sql(TYPES_TABLE, "INSERT INTO public.all_types VALUES " + ",\n".join(ROWS))
    mirror.snapshot(["public.all_types"], **s3_sink(s3, bucket))
    assert check(s3, mirror, "public.all_types") == len(ROWS)
    keys = [o["Key"] for o in s3.client().list_objects_v2(Bucket=bucket)["Contents"]]
    assert any(k.startswith("warehouse/public/all_types/data/") and k.endswith(".parquet") for k in keys)


def test_rerun_on_s3_replaces_contents(s3, bucket, mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY, v text)",
               "INSERT INTO public.t SELECT g, repeat('v', g % 40) FROM generate_series(1, 20000) g")
    mirror.snapshot(["public.t"], **s3_sink(s3, bucket))
    mirror.sql("DELETE FROM public.t WHERE id % 2 = 0")
    mirror.snapshot(["public.t"], **s3_sink(s3, bucket))
    assert check(s3, mirror, "public.t") == 10000


def test_missing_bucket_stops_before_writing(s3, mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)")
    overrides = s3_sink(s3, "no-such-bucket")
    result = mirror.run("snapshot", mirror.config(["public.t"], **overrides))
    assert result.returncode != 0
    assert "no-such-bucket" in result.stderr
    assert mirror.catalog_rows() == []


def test_missing_credentials_are_named(s3, bucket, mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)")
    overrides = s3_sink(s3, bucket)
    overrides["sink.s3_access_key"] = None
    overrides["sink.s3_secret_key"] = None
    env = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    result = mirror.run("snapshot", mirror.config(["public.t"], **overrides), env=env)
    assert result.returncode != 0
    assert "no S3 credentials" in result.stderr
    assert mirror.catalog_rows() == []
