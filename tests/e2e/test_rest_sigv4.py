"""`snapshot` through a REST catalog that demands AWS SigV4 (`sink.catalog_auth: sigv4`), as
AWS Glue's and S3 Tables' Iceberg endpoints do. A proxy in front of the Iceberg project's REST
server recomputes every request's signature with botocore from what it received (method, path,
query, signed headers, body) and answers 403 to unsigned requests, wrong signatures, unknown
keys, a body that does not match x-amz-content-sha256, or the wrong region or signing name."""
import hashlib
import re

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from http_proxy import ForwardingProxy, json_response
from rest_server import serve_rest_catalog
from test_rest_catalog import assert_reads_back, catalog_tables, rest_config, warehouse_files

pytestmark = pytest.mark.storage("file-sql")  # the REST path on a file:// warehouse, its own server

ACCESS_KEY = "AKIDPG2ICEBERGTEST"
SECRET_KEY = "sigv4-test-secret/K7MDENG+bPxRfiCY"
SESSION_TOKEN = "session-token-for-the-test"
AUTHORIZATION = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,"
                           r"SignedHeaders=([a-z0-9;-]+),Signature=([0-9a-f]{64})$")
REFUSED = {"message": "The request signature we calculated does not match the signature you provided."}


class SigV4Proxy(ForwardingProxy):
    def __init__(self, upstream, region, service, session_token=None):
        super().__init__(upstream)
        self.region, self.service, self.session_token = region, service, session_token
        self.verified = 0

    def on_request(self, request):
        """A 403 like AWS's for a missing or wrong signature; None (forward) for a good one."""
        refusal = self.refusal(request)
        return json_response(403, refusal) if refusal else None

    def refusal(self, request):
        match = AUTHORIZATION.match(request.headers.get("Authorization", ""))
        if not match:
            return {"message": "Missing Authentication Token"}
        key, day, region, service, signed, signature = match.groups()
        if key != ACCESS_KEY:
            return {"message": "The security token included in the request is invalid."}
        if (region, service) != (self.region, self.service):
            return {"message": f"Credential should be scoped to {self.region}/{self.service}"}
        names = signed.split(";")
        required = {"host", "x-amz-date", "x-amz-content-sha256"}
        if self.session_token:
            required.add("x-amz-security-token")
            if request.headers.get("x-amz-security-token") != self.session_token:
                return {"message": "The security token included in the request is invalid."}
        if not required <= set(names):
            return {"message": f"SignedHeaders lacks {sorted(required - set(names))}"}
        if request.headers.get("x-amz-content-sha256") != hashlib.sha256(request.body).hexdigest():
            return {"message": "The provided x-amz-content-sha256 header does not match"}
        amz_date = request.headers["x-amz-date"]
        if amz_date[:8] != day:
            return {"message": "Date in Credential scope does not match x-amz-date"}
        signed_request = AWSRequest(method=request.method, url="http://" + request.headers["Host"] + request.path,
                                    data=request.body, headers={n: request.headers[n] for n in names})
        signed_request.context["timestamp"] = amz_date
        auth = SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY, self.session_token), service, region)
        expected = auth.signature(auth.string_to_sign(signed_request, auth.canonical_request(signed_request)),
                                  signed_request)
        if expected != signature:
            return REFUSED
        self.verified += 1
        return None


@pytest.fixture(scope="module")
def rest(pg):
    with serve_rest_catalog(pg, "rest_sigv4") as server:
        yield server


@pytest.fixture
def orders(mirror):
    mirror.sql("CREATE TABLE public.orders (id int PRIMARY KEY, v text)",
               "INSERT INTO public.orders SELECT g, 'v' || g FROM generate_series(1, 500) g")


def sigv4_config(mirror, uri, **overrides):
    return rest_config(mirror, uri, ["public.orders"], **{"sink.catalog_auth": "sigv4", **overrides})


def test_signed_requests_commit_and_wrong_keys_are_refused(mirror, rest, orders):
    with SigV4Proxy(rest.uri, "us-east-1", "glue") as proxy:
        wrong = sigv4_config(mirror, proxy.uri, **{"sink.s3_access_key": ACCESS_KEY,
                                                   "sink.s3_secret_key": "not-the-secret"})
        result = mirror.run("snapshot", wrong, env={"AWS_REGION": "us-east-1"})
        assert result.returncode != 0
        assert "INVALID_ARGUMENT" in result.stderr and "signature we calculated" in result.stderr, result.stderr
        assert "not-the-secret" not in result.stderr
        assert proxy.verified == 0
        assert warehouse_files(mirror) == []

        right = sigv4_config(mirror, proxy.uri, **{"sink.s3_access_key": ACCESS_KEY,
                                                   "sink.s3_secret_key": SECRET_KEY})
        result = mirror.run("snapshot", right, env={"AWS_REGION": "us-east-1"})
        assert result.returncode == 0, result.stderr
        # config, load (404), namespace, staged create(s), commit: every one checked.
        assert proxy.verified >= 5
        assert all(r.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256 ") for r in proxy.requests)
        # AWS endpoints take a catalog id, not a storage URI, as ?warehouse=: none is sent …
        assert [r.path for r in proxy.requests if r.path.startswith("/v1/config")][-1] == "/v1/config"
        # … unless sink.catalog_warehouse names one.
        proxy.requests.clear()
        result = mirror.run("snapshot", {**right, "sink": {**right["sink"], "catalog_warehouse": "123456789012"}},
                            env={"AWS_REGION": "us-east-1"})
        assert result.returncode == 0, result.stderr
        assert proxy.requests[0].path == "/v1/config?warehouse=123456789012"
    assert_reads_back(mirror, rest.uri, mirror.database)


def test_unsigned_requests_are_refused(mirror, rest, orders):
    with SigV4Proxy(rest.uri, "us-east-1", "glue") as proxy:
        result = mirror.run("snapshot", rest_config(mirror, proxy.uri, ["public.orders"]))
        assert result.returncode != 0
        assert "Missing Authentication Token" in result.stderr, result.stderr
    assert catalog_tables(rest.uri, mirror.database) == []


def test_environment_credentials_session_token_region_and_signing_name(mirror, rest, orders):
    env = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
           "AWS_SESSION_TOKEN": SESSION_TOKEN, "AWS_REGION": "us-east-1"}
    with SigV4Proxy(rest.uri, "eu-west-1", "s3tables", session_token=SESSION_TOKEN) as proxy:
        # Default region (AWS_REGION) and signing name (glue) are not what this endpoint wants.
        result = mirror.run("snapshot", sigv4_config(mirror, proxy.uri), env=env)
        assert result.returncode != 0
        assert "Credential should be scoped to eu-west-1/s3tables" in result.stderr, result.stderr
        config = sigv4_config(mirror, proxy.uri, **{"sink.catalog_sigv4_region": "eu-west-1",
                                                    "sink.catalog_sigv4_service": "s3tables"})
        result = mirror.run("snapshot", config, env=env)
        assert result.returncode == 0, result.stderr
        assert proxy.verified >= 5
        assert SESSION_TOKEN not in result.stderr and SECRET_KEY not in result.stderr
    assert_reads_back(mirror, rest.uri, mirror.database)
