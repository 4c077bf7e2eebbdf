"""`snapshot` writing an s3:// warehouse with storage credentials vended by the REST catalog
(`X-Iceberg-Access-Delegation: vended-credentials`) while pg2iceberg's own S3 keys are wrong.

moto requires authentication (only one IAM user's keys work). The Iceberg project's REST server
keeps its tables' metadata in that bucket through S3FileIO with those keys, but does not vend
credentials itself: a proxy adds them to the answers of load-table (as "storage-credentials",
with a shorter prefix carrying wrong keys, so the longest prefix must win) and of staged
creates (as "config") when the request asks for them."""
import json
import re

import pytest
from pyiceberg.catalog.rest import RestCatalog

from moto_server import REGION
from readers import assert_same_rows, source_rows
from http_proxy import ForwardingProxy, Response

pytestmark = pytest.mark.storage("file-sql")  # builds its own S3 sink and REST server

WRONG = {"sink.s3_access_key": "AKIDWRONGWRONGWRONG", "sink.s3_secret_key": "wrong-secret"}
TABLE_PATH = re.compile(r"^/v1/namespaces/[^/]+/tables/[^/?]+$")
TABLES_PATH = re.compile(r"^/v1/namespaces/[^/]+/tables$")


@pytest.fixture
def moto(s3auth):
    return s3auth  # the session's authenticating moto (conftest.py)


@pytest.fixture
def s3_rest(rest_s3auth):
    return rest_s3auth


@pytest.fixture
def bucket(moto, mirror):
    name = mirror.database.replace("_", "-")
    moto.client(*moto.keys).create_bucket(Bucket=name)
    return name


class VendingProxy(ForwardingProxy):
    def __init__(self, upstream, moto, bucket, vend=True):
        super().__init__(upstream)
        self.moto, self.bucket, self.vend = moto, bucket, vend
        self.vended = []  # "load" / "stage-create", per answer that got credentials

    def settings(self, key, secret):
        return {"s3.access-key-id": key, "s3.secret-access-key": secret,
                "s3.endpoint": self.moto.endpoint, "s3.path-style-access": "true",
                "client.region": REGION}

    def on_response(self, request, response):
        asked = request.headers.get("X-Iceberg-Access-Delegation") == "vended-credentials"
        if response.status != 200 or not asked or not self.vend:
            return response
        answer = json.loads(response.body)
        good = self.settings(*self.moto.keys)
        if request.method == "GET" and TABLE_PATH.match(request.path):
            answer["storage-credentials"] = [
                {"prefix": f"s3://{self.bucket}/", "config": self.settings("AKIDSHORTERPREFIX", "no")},
                {"prefix": f"s3://{self.bucket}/warehouse/", "config": good}]
            self.vended.append("load")
        elif request.method == "POST" and TABLES_PATH.match(request.path) and json.loads(request.body).get("stage-create"):
            answer["config"] = good
            self.vended.append("stage-create")
        return Response(response.status, json.dumps(answer).encode())


def vended_config(mirror, uri, bucket, moto, **overrides):
    namespace = overrides.pop("namespace", mirror.database)
    return mirror.config(["public.orders"], **{
        "sink.catalog_type": "rest", "sink.catalog_uri": uri, "sink.namespace": namespace,
        "sink.warehouse": f"s3://{bucket}/warehouse", "sink.s3_endpoint": moto.endpoint,
        "sink.s3_region": REGION, **WRONG, **overrides})


def objects(moto, bucket):
    listed = moto.client(*moto.keys).list_objects_v2(Bucket=bucket)
    return [o["Key"] for o in listed.get("Contents", [])]


def read_back(mirror, s3_rest, moto):
    key, secret = moto.keys
    catalog = RestCatalog("r", uri=s3_rest.uri, **{"s3.endpoint": moto.endpoint, "s3.access-key-id": key,
                                                   "s3.secret-access-key": secret, "s3.region": REGION})
    table = catalog.load_table(f"{mirror.database}.orders")
    conn = mirror.connect()
    names, types, expected = source_rows(conn, "public.orders")
    conn.close()
    arrow = table.scan().to_arrow()
    assert arrow.column_names == names
    assert_same_rows(expected, list(zip(*[c.to_pylist() for c in arrow.columns])), names, types,
                     "pyiceberg rest+s3")
    return table


@pytest.fixture
def orders(mirror):
    mirror.sql("CREATE TABLE public.orders (id int PRIMARY KEY, v text)",
               "INSERT INTO public.orders SELECT g, repeat('v', g % 30) FROM generate_series(1, 2000) g")


def test_vended_credentials_write_new_and_existing_tables(mirror, s3_rest, moto, bucket, orders):
    with VendingProxy(s3_rest.uri, moto, bucket) as proxy:
        result = mirror.run("snapshot", vended_config(mirror, proxy.uri, bucket, moto))
        assert result.returncode == 0, result.stderr
        # A new table: the credentials of the staged create made at planning wrote its files.
        assert proxy.vended == ["stage-create"]
        keys = objects(moto, bucket)
        assert any(k.startswith(f"warehouse/{mirror.database}/orders/data/") for k in keys), keys
        mirror.sql("DELETE FROM public.orders WHERE id % 3 = 0")
        result = mirror.run("snapshot", vended_config(mirror, proxy.uri, bucket, moto))
        assert result.returncode == 0, result.stderr
        # An existing table: the longest storage-credentials prefix of the load answer.
        assert proxy.vended == ["stage-create", "load"]
        assert "wrong-secret" not in result.stderr
    table = read_back(mirror, s3_rest, moto)
    assert len(table.metadata.snapshots) == 2
    assert table.metadata.location == f"s3://{bucket}/warehouse/{mirror.database}/orders"


def test_without_vending_the_wrong_own_keys_fail(mirror, s3_rest, moto, bucket, orders):
    with VendingProxy(s3_rest.uri, moto, bucket) as proxy:
        # static: nothing is asked for, pg2iceberg's own (wrong) keys are used and refused.
        config = vended_config(mirror, proxy.uri, bucket, moto, **{"sink.credential_mode": "static"})
        result = mirror.run("snapshot", config)
        assert result.returncode != 0
        assert "S3 authentication failed" in result.stderr, result.stderr
        assert proxy.vended == []
        assert not any("X-Iceberg-Access-Delegation" in r.headers for r in proxy.requests)
    with VendingProxy(s3_rest.uri, moto, bucket, vend=False) as proxy:
        # The catalog vends nothing: the default falls back to the own keys, which fail…
        result = mirror.run("snapshot", vended_config(mirror, proxy.uri, bucket, moto))
        assert result.returncode != 0
        assert "S3 authentication failed" in result.stderr, result.stderr
        # …and credential_mode vended says so instead of trying them.
        config = vended_config(mirror, proxy.uri, bucket, moto, **{"sink.credential_mode": "vended"})
        result = mirror.run("snapshot", config)
        assert result.returncode != 0
        assert "vended no S3 credentials" in result.stderr, result.stderr
    assert objects(moto, bucket) == []
