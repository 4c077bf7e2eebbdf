"""stream-only with an s3:// warehouse (moto): the staging log goes through our S3 client, and
the segments read back from the bucket hold every change exactly once."""
from capture_util import capture_config, query, wait_captured
from moto_server import ACCESS_KEY, REGION, SECRET_KEY
from staging_log import staged_changes


def test_capture_stages_segments_on_s3(mirror, streams, s3):
    bucket = mirror.database.replace("_", "-")
    s3.client().create_bucket(Bucket=bucket)
    mirror.sql("CREATE TABLE t (id int PRIMARY KEY, v text)")
    config = capture_config(mirror, ["public.t"], **{
        "sink.warehouse": f"s3://{bucket}/warehouse", "sink.s3_endpoint": s3.endpoint,
        "sink.s3_access_key": ACCESS_KEY, "sink.s3_secret_key": SECRET_KEY, "sink.s3_region": REGION,
        "sink.flush_bytes": "64KiB"})
    process = streams(config)
    wait_captured(mirror, process, timeout=60)
    mirror.sql("INSERT INTO t SELECT g, repeat('s', 100) FROM generate_series(1, 3000) g",
               "UPDATE t SET v = 'u' WHERE id <= 10", "DELETE FROM t WHERE id > 2990")
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()

    client = s3.client()
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix="warehouse/_pg2iceberg/stage/")["Contents"]]
    assert len(keys) == query(mirror, "SELECT count(*) FROM _pg2iceberg.segments")[0][0] > 1

    def read(key):
        return client.get_object(Bucket=bucket, Key="warehouse/" + key)["Body"].read()

    conn = mirror.connect()
    try:
        log = staged_changes(conn, read)["public.t"]
    finally:
        conn.close()
    assert [c.kind for _, c in log] == ["insert"] * 3000 + ["update"] * 10 + ["delete"] * 10
    assert [c.new_row[0] for _, c in log[:3000]] == list(range(1, 3001))
