"""Faults between pg2iceberg and its object store and catalog, injected by toxiproxy: latency,
connection resets and a 30-second outage, during a long snapshot (S3 + REST catalog) and during
capture (staging log on S3). The tool must retry by itself and end with exactly the source's
data — nothing lost, nothing twice. Permanent failures (refused credentials, a missing bucket)
must stop it with a message naming the cause, not be retried forever.

moto runs with request authentication on (so wrong keys really fail); every server and proxy
is started for this module and stopped by PID."""
import os
import subprocess
import time

import boto3
import pytest
from pyiceberg.catalog.rest import RestCatalog

from capture_util import capture_config, current_wal_lsn, flushed_lsn, wait_captured, wait_until
from conftest import BINARY
from http_proxy import DROP, ForwardingProxy
from moto_server import REGION
from readers import assert_same_rows, source_rows
from staging_log import staged_changes
from toxiproxy import Toxiproxy, missing_reason

# Its own moto (with auth), REST server and proxies make the sink; the mirror's configuration is
# only the source and the work directory.
pytestmark = pytest.mark.storage("file-sql")

OUTAGE_S = 30
ROWS = 300_000


@pytest.fixture(scope="module")
def toxi():
    reason = missing_reason()
    if reason:
        pytest.fail(f"toxiproxy unavailable: {reason}")  # scripts/install.sh builds it
    with Toxiproxy() as server:
        yield server


class Faulty:
    """This test's bucket and namespace, reached through fresh proxies for S3 and the catalog."""

    def __init__(self, mirror, toxi, s3auth, rest):
        self.mirror = mirror
        self.s3 = s3auth
        self.rest = rest
        name = mirror.database.replace("_", "-")
        self.bucket = name
        self.namespace = mirror.database
        self.client = boto3.client("s3", endpoint_url=s3auth.endpoint, region_name=REGION,
                                   aws_access_key_id=s3auth.keys[0], aws_secret_access_key=s3auth.keys[1])
        self.client.create_bucket(Bucket=self.bucket)
        self.s3_proxy = toxi.proxy(f"s3-{name}", f"127.0.0.1:{s3auth.port}")
        self.rest_proxy = toxi.proxy(f"rest-{name}", f"127.0.0.1:{rest.port}")

    def sink(self, **overrides):
        settings = {"sink.warehouse": f"s3://{self.bucket}/warehouse", "sink.s3_endpoint": self.s3_proxy.url,
                    "sink.s3_access_key": self.s3.keys[0], "sink.s3_secret_key": self.s3.keys[1],
                    "sink.s3_region": REGION, "sink.catalog_type": "rest",
                    "sink.catalog_uri": self.rest_proxy.url, "sink.namespace": self.namespace}
        settings.update(overrides)
        return settings

    def proxies(self):
        return (self.s3_proxy, self.rest_proxy)

    def data_files(self):
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                      Prefix="warehouse/")
        return [o["Key"] for page in pages for o in page.get("Contents", []) if o["Key"].endswith(".parquet")]

    def table(self, name):
        """The Iceberg table, loaded directly (not through the proxies) by PyIceberg."""
        catalog = RestCatalog("rest", uri=self.rest.uri, **{
            "s3.endpoint": self.s3.endpoint, "s3.access-key-id": self.s3.keys[0],
            "s3.secret-access-key": self.s3.keys[1], "s3.region": REGION})
        return catalog.load_table(f"{self.namespace}.{name}")

    def assert_mirror_equals_source(self, table):
        conn = self.mirror.connect()
        names, types, expected = source_rows(conn, f"public.{table}")
        conn.close()
        arrow = self.table(table).scan().to_arrow()
        assert arrow.column_names == names
        got = list(zip(*[c.to_pylist() for c in arrow.columns]))
        assert len(got) == len(expected)  # nothing twice
        assert_same_rows(expected, got, names, types, "pyiceberg rest (after faults)")


@pytest.fixture
def faulty(mirror, toxi, s3auth, rest_s3auth):
    return Faulty(mirror, toxi, s3auth, rest_s3auth)


def start(mirror, subcommand, config):
    path = mirror.write_config(config)
    log = open(os.path.join(mirror.workdir, f"{subcommand}.log"), "w+")
    process = subprocess.Popen([BINARY, subcommand, "--config", path], stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    return process


def finish(process, timeout):
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.log.seek(0)
    return process.returncode, process.log.read()


def big_table(mirror, table="big", rows=ROWS):
    mirror.sql(f"CREATE TABLE public.{table} (id bigint PRIMARY KEY, label text, amount numeric(12,2), "
               "at timestamptz)",
               f"INSERT INTO public.{table} SELECT g, md5(g::text) || repeat('.', g % 50), g * 1.25, "
               f"'2025-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, {rows}) g")


# --- snapshot ------------------------------------------------------------------------------

def test_snapshot_rides_out_latency(faulty):
    big_table(faulty.mirror, rows=100_000)
    for proxy in faulty.proxies():
        proxy.add_toxic("latency", latency=40, jitter=20)
        proxy.add_toxic("latency", stream="upstream", latency=20, jitter=10)
    faulty.mirror.snapshot(["public.big"], **faulty.sink(**{"sink.target_file_size": 1 << 20}))
    assert len(faulty.data_files()) > 3
    faulty.assert_mirror_equals_source("big")


def test_snapshot_survives_connection_resets(faulty):
    big_table(faulty.mirror, rows=150_000)
    for proxy in faulty.proxies():
        # A third of the connections are reset by the proxy 300 ms after they open, in the
        # middle of whatever request they carry then.
        proxy.add_toxic("reset_peer", stream="upstream", toxicity=0.33, timeout=300)
    faulty.mirror.snapshot(["public.big"], **faulty.sink(**{"sink.target_file_size": 1 << 20}))
    faulty.assert_mirror_equals_source("big")


def test_snapshot_survives_a_30_second_outage_mid_copy(faulty):
    big_table(faulty.mirror)
    # Slow uploads a little so the copy is still running when the outage begins.
    faulty.s3_proxy.add_toxic("latency", stream="upstream", latency=30)
    process = start(faulty.mirror, "snapshot", faulty.mirror.config(
        ["public.big"], **faulty.sink(**{"sink.target_file_size": 1 << 20})))
    try:
        wait_until(lambda: len(faulty.data_files()) >= 2 or process.poll() is not None, 120,
                   "the first data files")
        for proxy in faulty.proxies():
            proxy.disable()
        assert process.poll() is None, "the copy ended before the outage began"
        time.sleep(OUTAGE_S)
        assert process.poll() is None, "the snapshot ended during the outage"
    finally:
        for proxy in faulty.proxies():
            proxy.enable()
    code, log = finish(process, timeout=600)
    assert code == 0, log
    assert "; attempt " in log  # the S3 client reported its retries
    faulty.assert_mirror_equals_source("big")


def test_snapshot_waits_out_a_catalog_outage_at_start(faulty):
    big_table(faulty.mirror, rows=20_000)
    faulty.rest_proxy.disable()
    process = start(faulty.mirror, "snapshot", faulty.mirror.config(["public.big"], **faulty.sink()))
    try:
        time.sleep(OUTAGE_S)
        assert process.poll() is None, "the snapshot gave up during the catalog outage"
    finally:
        faulty.rest_proxy.enable()
    code, log = finish(process, timeout=600)
    assert code == 0, log
    faulty.assert_mirror_equals_source("big")


def test_snapshot_with_refused_credentials_stops_with_a_clear_message(faulty):
    big_table(faulty.mirror, rows=10)
    config = faulty.mirror.config(["public.big"], **faulty.sink(**{"sink.s3_secret_key": "not-the-secret"}))
    started = time.monotonic()
    result = faulty.mirror.run("snapshot", config, timeout=120)
    assert result.returncode != 0
    assert "S3 authentication failed" in result.stderr, result.stderr
    assert "not-the-secret" not in result.stderr
    assert time.monotonic() - started < 60  # not retried until a deadline
    assert faulty.data_files() == []


# --- capture -------------------------------------------------------------------------------

def capture(faulty, streams, **overrides):
    config = capture_config(faulty.mirror, ["public.events"], **faulty.sink(**{
        "sink.flush_bytes": "256KiB", **overrides}))
    return streams(config)


def run_workload(mirror, batches, rows_per_batch=2000, first=1, seconds=None):
    """Bounded: `batches` transactions of inserts, one every 0.2 s, or as many as fit in
    `seconds` when given; returns the next id."""
    deadline = time.monotonic() + seconds if seconds is not None else None
    done = 0
    while (done < batches) if deadline is None else (time.monotonic() < deadline):
        mirror.sql(f"INSERT INTO public.events SELECT g, repeat('e', 200) "
                   f"FROM generate_series({first}, {first + rows_per_batch - 1}) g")
        first += rows_per_batch
        done += 1
        time.sleep(0.2)
    return first


def assert_staged_exactly_once(faulty, count):
    conn = faulty.mirror.connect()
    try:
        def read(key):
            return faulty.client.get_object(Bucket=faulty.bucket, Key="warehouse/" + key)["Body"].read()
        log = staged_changes(conn, read)["public.events"]
    finally:
        conn.close()
    assert [c.kind for _, c in log] == ["insert"] * count
    assert [c.new_row[0] for _, c in log] == list(range(1, count + 1))


def test_capture_rides_out_latency_and_resets(faulty, streams):
    faulty.mirror.sql("CREATE TABLE public.events (id bigint PRIMARY KEY, body text)")
    process = capture(faulty, streams)
    wait_captured(faulty.mirror, process, timeout=60)
    faulty.s3_proxy.add_toxic("latency", latency=50, jitter=25)
    faulty.s3_proxy.add_toxic("reset_peer", stream="upstream", toxicity=0.33, timeout=300)
    next_id = run_workload(faulty.mirror, batches=40)
    wait_captured(faulty.mirror, process, timeout=300)
    assert process.stop() == 0, process.log()
    assert_staged_exactly_once(faulty, next_id - 1)


def test_capture_survives_a_30_second_outage(faulty, streams):
    faulty.mirror.sql("CREATE TABLE public.events (id bigint PRIMARY KEY, body text)")
    process = capture(faulty, streams)
    wait_captured(faulty.mirror, process, timeout=60)
    next_id = run_workload(faulty.mirror, batches=5)
    faulty.s3_proxy.disable()
    try:
        next_id = run_workload(faulty.mirror, batches=0, first=next_id, seconds=OUTAGE_S)
        assert process.running(), process.log()
        # The store really was out: what was written during the outage is not indexed yet.
        assert flushed_lsn(faulty.mirror) < current_wal_lsn(faulty.mirror)
    finally:
        faulty.s3_proxy.enable()
    next_id = run_workload(faulty.mirror, batches=5, first=next_id)
    wait_captured(faulty.mirror, process, timeout=300)
    assert process.stop() == 0, process.log()
    assert_staged_exactly_once(faulty, next_id - 1)
    assert "; attempt " in process.log()  # the S3 client reported its retries


def test_capture_with_refused_credentials_stops_with_a_clear_message(faulty, streams):
    faulty.mirror.sql("CREATE TABLE public.events (id bigint PRIMARY KEY, body text)",
                      "INSERT INTO public.events VALUES (1, 'x')")
    process = capture(faulty, streams, **{"sink.s3_secret_key": "not-the-secret"})
    assert process.wait_exit(timeout=120) != 0
    assert "S3 authentication failed" in process.log(), process.log()
    assert "not-the-secret" not in process.log()


def test_capture_into_a_missing_bucket_stops_with_a_clear_message(faulty, streams):
    faulty.mirror.sql("CREATE TABLE public.events (id bigint PRIMARY KEY, body text)")
    process = capture(faulty, streams, **{"sink.warehouse": "s3://no-such-bucket-here/warehouse"})
    assert process.wait_exit(timeout=120) != 0
    assert "no-such-bucket-here" in process.log() and "does not exist" in process.log(), process.log()


# --- a commit whose answer is lost -------------------------------------------------------------

def is_commit(request):
    """POST …/namespaces/{ns}/tables/{t} (a table commit) or …/transactions/commit."""
    parts = request.path.split("?")[0].rstrip("/").split("/")
    return request.method == "POST" and (
        (len(parts) >= 5 and parts[-2] == "tables" and parts[-4] == "namespaces")
        or parts[-2:] == ["transactions", "commit"])


class LoseCommitAnswers:
    """Lets the first `count` commits reach the catalog, then hangs up instead of answering."""

    def __init__(self, count):
        self.left = count
        self.lost = []

    def __call__(self, request, response):
        if is_commit(request) and self.left > 0 and response.status < 300:
            self.left -= 1
            self.lost.append(request.path)
            return DROP
        return response


def snapshot_ids(faulty, table):
    return [s.snapshot_id for s in faulty.table(table).metadata.snapshots]


@pytest.mark.parametrize("tables", [1, 2])
def test_lost_commit_answers_are_reconciled_not_repeated(faulty, tables):
    names = [f"t{i}" for i in range(tables)]
    for name in names:
        faulty.mirror.sql(f"CREATE TABLE public.{name} (id int PRIMARY KEY, v text)",
                          f"INSERT INTO public.{name} SELECT g, 'v' || g FROM generate_series(1, 1000) g")
    # First run creates the tables, second replaces their contents: both lose every commit answer.
    for run in range(2):
        lose = LoseCommitAnswers(count=tables)
        with ForwardingProxy(faulty.rest.uri, on_response=lose) as proxy:
            faulty.mirror.snapshot([f"public.{n}" for n in names], **faulty.sink(**{"sink.catalog_uri": proxy.uri}))
            commits = [r.path for r in proxy.requests if is_commit(r)]
        assert lose.lost, "no commit answer was lost: the test did not test anything"
        assert commits == lose.lost, f"a commit was sent again after its answer was lost: {commits}"
        for name in names:
            assert len(snapshot_ids(faulty, name)) == run + 1
            faulty.assert_mirror_equals_source(name)
            faulty.mirror.sql(f"UPDATE public.{name} SET v = v || '+' WHERE id % 3 = {run}")
