"""What only the S3 warehouse has: its key layout, and a missing bucket or missing credentials
refused before anything is written. (Every other e2e test also runs on S3, in the s3-sql and
s3-rest storage configurations.)"""
import pytest

from readers import assert_same_rows, source_rows

pytestmark = pytest.mark.storage("s3-sql")


def check(mirror, table):
    conn = mirror.connect()
    names, types, expected = source_rows(conn, table)
    conn.close()
    namespace, name = table.split(".")
    assert mirror.metadata_location(namespace, name).startswith(f"s3://{mirror.bucket}/warehouse/")
    for engine, (got_names, got) in [("duckdb(s3)", mirror.duckdb_rows(namespace, name)),
                                     ("pyiceberg(s3)", mirror.pyiceberg_rows(table))]:
        assert got_names == names
        assert_same_rows(expected, got, names, types, engine)
    return len(expected)


def test_rerun_on_s3_replaces_contents_under_the_warehouse_prefix(mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY, v text)",
               "INSERT INTO public.t SELECT g, repeat('v', g % 40) FROM generate_series(1, 20000) g")
    mirror.snapshot(["public.t"])
    mirror.sql("DELETE FROM public.t WHERE id % 2 = 0")
    mirror.snapshot(["public.t"])
    assert check(mirror, "public.t") == 10000
    keys = [o["Key"] for o in mirror.storage.s3_client().list_objects_v2(Bucket=mirror.bucket)["Contents"]]
    assert all(k.startswith("warehouse/public/t/") for k in keys), keys
    assert any(k.startswith("warehouse/public/t/data/") and k.endswith(".parquet") for k in keys), keys
    assert any(k.startswith("warehouse/public/t/metadata/") and k.endswith(".metadata.json") for k in keys), keys


def test_missing_bucket_stops_before_writing(mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)")
    result = mirror.run("snapshot", mirror.config(["public.t"], **{"sink.warehouse": "s3://no-such-bucket/warehouse"}))
    assert result.returncode != 0
    assert "no-such-bucket" in result.stderr
    assert mirror.catalog_rows() == []


def test_missing_credentials_are_named(mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)")
    overrides = {"sink.s3_access_key": None, "sink.s3_secret_key": None}
    env = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    result = mirror.run("snapshot", mirror.config(["public.t"], **overrides), env=env)
    assert result.returncode != 0
    assert "no S3 credentials" in result.stderr
    assert mirror.catalog_rows() == []
    assert mirror.list_files() == []
