"""`snapshot` committing through an Iceberg REST catalog (Apache Iceberg's REST test server over
a JDBC catalog in Postgres), read back through that catalog by PyIceberg and DuckDB.

The server is the session's (`rest` in conftest.py), stopped by PID at the end; missing java or
jars fail the tests (scripts/install.sh fetches them). These tests put the warehouse on file://
(so the REST path is also covered off S3) and a namespace of their own; the s3-rest storage
configuration runs the rest of the suite through the same server on S3."""
import os
import time
import urllib.parse

import duckdb_extensions
import pytest
from pyiceberg.catalog.rest import RestCatalog

from http_proxy import DROP, ForwardingProxy, json_response
from readers import assert_same_rows, duckdb_connection, source_rows
from rest_server import BACKEND_CATALOG_NAME

pytestmark = pytest.mark.storage("file-sql")

SOURCE_TABLE = """CREATE TABLE public.orders (
  id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(12, 2), placed timestamptz,
  shipped date, rush boolean, ref uuid, score double precision)"""
SOURCE_ROWS = """INSERT INTO public.orders
  SELECT g, 'customer ' || (g % 97), (g * 7.31)::numeric(12, 2),
         '2024-01-01 00:00:00+00'::timestamptz + g * interval '37 minutes',
         CASE WHEN g % 5 = 0 THEN NULL ELSE '2024-02-01'::date + g % 300 END,
         g % 3 = 0, md5(g::text)::uuid, CASE WHEN g % 11 = 0 THEN NULL ELSE g / 7.0 END
  FROM generate_series(1, 3000) g"""


def rest_config(mirror, uri, tables, **overrides):
    namespace = overrides.pop("namespace", mirror.database)
    return mirror.config(tables, **{"sink.catalog_type": "rest", "sink.catalog_uri": uri,
                                    "sink.namespace": namespace, **overrides})


def snapshot(mirror, uri, tables, **overrides):
    result = mirror.run("snapshot", rest_config(mirror, uri, tables, **overrides))
    assert result.returncode == 0, f"snapshot failed ({result.returncode}):\n{result.stderr}"
    return result


def pyiceberg_catalog(uri):
    return RestCatalog("rest", uri=uri)


def rows_of(arrow):
    columns = [arrow.column(i).to_pylist() for i in range(arrow.num_columns)]
    return list(zip(*columns)) if columns else []


def assert_reads_back(mirror, uri, namespace, table="orders"):
    """The Iceberg table equals the source, through PyIceberg and through DuckDB."""
    conn = mirror.connect()
    names, types, expected = source_rows(conn, f"public.{table}")
    conn.close()
    loaded = pyiceberg_catalog(uri).load_table(f"{namespace}.{table}")
    arrow = loaded.scan().to_arrow()
    assert arrow.column_names == names
    assert_same_rows(expected, rows_of(arrow), names, types, "pyiceberg rest")
    con = duckdb_connection()
    try:
        duckdb_extensions.import_extension("httpfs", con=con)  # DuckDB speaks to the catalog with it
        con.execute("LOAD httpfs")
        con.execute(f"ATTACH '' AS r (TYPE ICEBERG, ENDPOINT '{uri}', AUTHORIZATION_TYPE 'none')")
        got = con.execute(f'SELECT * FROM r."{namespace}"."{table}"').fetchall()
    finally:
        con.close()
    assert_same_rows(expected, got, names, types, "duckdb rest")
    return loaded


def catalog_tables(uri, namespace):
    catalog = pyiceberg_catalog(uri)
    if (namespace,) not in catalog.list_namespaces():
        return []
    return catalog.list_tables(namespace)


def warehouse_files(mirror):
    return mirror.list_files()


def test_snapshot_commits_through_the_rest_catalog(mirror, rest):
    mirror.sql(SOURCE_TABLE, SOURCE_ROWS)
    snapshot(mirror, rest.uri, ["public.orders"])
    table = assert_reads_back(mirror, rest.uri, mirror.database)
    assert len(table.metadata.snapshots) == 1
    assert table.metadata.location == f"{mirror.warehouse}/{mirror.database}/orders"
    assert table.metadata.current_snapshot().summary["pg2iceberg.operation"] == "snapshot"
    # The catalog wrote the metadata file itself, next to the manifests pg2iceberg wrote.
    assert "/orders/metadata/00000-" in table.metadata_location
    # The JDBC catalog behind the server holds the same pointer a SQL-catalog reader would see.
    conn = mirror.pg.connect(rest.database)
    with conn.cursor() as cur:
        cur.execute("SELECT metadata_location FROM iceberg_tables WHERE catalog_name = %s "
                    "AND table_namespace = %s AND table_name = 'orders'",
                    (BACKEND_CATALOG_NAME, mirror.database))
        assert cur.fetchall() == [(table.metadata_location,)]
    conn.close()


def test_rerun_replaces_the_contents(mirror, rest):
    mirror.sql(SOURCE_TABLE, SOURCE_ROWS)
    snapshot(mirror, rest.uri, ["public.orders"])
    mirror.sql("DELETE FROM public.orders WHERE id % 4 = 0",
               "UPDATE public.orders SET customer = 'changed' WHERE id % 9 = 0",
               "INSERT INTO public.orders (id, customer) SELECT g, 'new' FROM generate_series(5001, 5100) g")
    snapshot(mirror, rest.uri, ["public.orders"])
    table = assert_reads_back(mirror, rest.uri, mirror.database)
    history = table.metadata.snapshots
    assert len(history) == 2
    assert history[1].parent_snapshot_id == history[0].snapshot_id
    assert history[1].summary.operation.value == "overwrite"
    assert table.metadata.current_snapshot_id == history[1].snapshot_id
    assert "/orders/metadata/00001-" in table.metadata_location


def test_several_tables_in_a_configured_namespace(mirror, rest):
    mirror.sql(SOURCE_TABLE, SOURCE_ROWS,
               "CREATE TABLE public.small (id int PRIMARY KEY, v text)",
               "INSERT INTO public.small VALUES (1, 'a'), (2, NULL)")
    namespace = f"{mirror.database}_n"
    snapshot(mirror, rest.uri, ["public.orders", "public.small"], namespace=namespace)
    assert sorted(catalog_tables(rest.uri, namespace)) == [(namespace, "orders"), (namespace, "small")]
    assert_reads_back(mirror, rest.uri, namespace, "small")


def test_missing_table_creates_nothing_in_the_catalog(mirror, rest):
    mirror.sql("CREATE TABLE public.good (id int PRIMARY KEY, v text)",
               "INSERT INTO public.good VALUES (1, 'x')")
    result = mirror.run("snapshot", rest_config(mirror, rest.uri, ["public.good", "public.missing"]))
    assert result.returncode != 0
    assert "public.missing does not exist" in result.stderr, result.stderr
    assert catalog_tables(rest.uri, mirror.database) == []
    assert warehouse_files(mirror) == []


def test_unsupported_type_creates_nothing_in_the_catalog(mirror, rest):
    mirror.sql("CREATE TABLE public.good (id int PRIMARY KEY, v text)",
               "CREATE TABLE public.odd (id int PRIMARY KEY, c point)")
    result = mirror.run("snapshot", rest_config(mirror, rest.uri, ["public.good", "public.odd"]))
    assert result.returncode != 0
    assert "public.odd" in result.stderr and '"c"' in result.stderr, result.stderr
    assert catalog_tables(rest.uri, mirror.database) == []
    assert warehouse_files(mirror) == []


def test_unreachable_catalog_is_named(mirror, rest):
    mirror.sql("CREATE TABLE public.good (id int PRIMARY KEY)")
    from pg_server import free_port
    uri = f"http://127.0.0.1:{free_port()}"
    result = mirror.run("snapshot", rest_config(mirror, uri, ["public.good"],
                                                **{"sink.catalog_retry_deadline": "1s"}))
    assert result.returncode != 0
    assert "UNAVAILABLE" in result.stderr and "/v1/config" in result.stderr, result.stderr
    assert "gave up after" in result.stderr, result.stderr
    assert warehouse_files(mirror) == []


class AuthProxy(ForwardingProxy):
    """Forwards to the REST server only requests carrying `Bearer <token>`; answers others 401
    as a REST catalog does, and issues that token at /v1/oauth/tokens for one client."""

    def __init__(self, upstream, token, client_id, client_secret):
        super().__init__(upstream)
        self.token = token
        self.client = (client_id, client_secret)
        self.token_requests = 0

    def on_request(self, request):
        if request.path.startswith("/v1/oauth/tokens"):
            form = urllib.parse.parse_qs(request.body.decode())
            self.token_requests += 1
            if (form.get("client_id", [""])[0], form.get("client_secret", [""])[0]) != self.client:
                return json_response(401, {"error": "invalid_client", "error_description": "unknown client"})
            return json_response(200, {"access_token": self.token, "token_type": "bearer", "expires_in": 3600})
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return json_response(401, {"error": {"message": "Not authorized: bad token",
                                                 "type": "NotAuthorizedException", "code": 401}})
        return None


def test_wrong_bearer_token_is_refused_and_the_right_one_commits(mirror, rest):
    mirror.sql("CREATE TABLE public.orders (id int PRIMARY KEY, v text)",
               "INSERT INTO public.orders VALUES (1, 'a'), (2, 'b')")
    with AuthProxy(rest.uri, "right-token", "pg2iceberg", "client-secret") as proxy:
        result = mirror.run("snapshot", rest_config(mirror, proxy.uri, ["public.orders"], **{
            "sink.catalog_auth": "bearer", "sink.catalog_token": "wrong-token"}))
        assert result.returncode != 0
        assert "Not authorized: bad token" in result.stderr, result.stderr
        assert "wrong-token" not in result.stderr
        assert warehouse_files(mirror) == []
        snapshot(mirror, proxy.uri, ["public.orders"], **{
            "sink.catalog_auth": "bearer", "sink.catalog_token": "right-token"})
    assert_reads_back(mirror, rest.uri, mirror.database)


def test_oauth2_client_credentials(mirror, rest):
    mirror.sql("CREATE TABLE public.orders (id int PRIMARY KEY, v text)",
               "INSERT INTO public.orders VALUES (1, 'a'), (2, 'b')")
    with AuthProxy(rest.uri, "issued-token", "pg2iceberg", "client-secret") as proxy:
        result = mirror.run("snapshot", rest_config(mirror, proxy.uri, ["public.orders"], **{
            "sink.catalog_auth": "oauth2", "sink.catalog_client_id": "pg2iceberg",
            "sink.catalog_client_secret": "not-the-secret"}))
        assert result.returncode != 0
        assert "invalid_client: unknown client" in result.stderr, result.stderr
        assert "not-the-secret" not in result.stderr
        snapshot(mirror, proxy.uri, ["public.orders"], **{
            "sink.catalog_auth": "oauth2", "sink.catalog_client_id": "pg2iceberg",
            "sink.catalog_client_secret": "client-secret"})
        assert proxy.token_requests == 2  # one refused, then one token for the whole run
    assert_reads_back(mirror, rest.uri, mirror.database)


class OutageProxy(ForwardingProxy):
    """Forwards every request to the REST server and records it. Once armed, the first commit
    request (a POST to a table or to /transactions/commit) reaches the server but its answer is
    dropped, and for `outage_s` seconds after that every request is answered 503 — an outage
    starting mid-commit."""

    def __init__(self, upstream, outage_s=0.0):
        super().__init__(upstream)
        self.outage_s = outage_s
        self.armed, self.down_until = False, None
        self.refused = 0

    def commits(self):
        return [r.line for r in self.requests if is_commit(r.line)]

    def on_request(self, request):
        with self.lock:
            down = self.down_until is not None and time.monotonic() < self.down_until
            if down:
                self.refused += 1
                self.requests.remove(request)  # never reached the catalog
        if down:
            return json_response(503, {"error": {"message": "catalog down",
                                                 "type": "ServiceUnavailableException", "code": 503}})
        return None

    def on_response(self, request, response):
        with self.lock:
            if not (self.armed and is_commit(request.line)):
                return response
            self.armed = False
            self.down_until = time.monotonic() + self.outage_s
        return DROP  # the commit happened; its answer never arrives


def is_commit(line):
    return line.startswith("POST ") and (line.endswith("/transactions/commit") or "/tables/" in line)


def test_a_two_table_resnapshot_moves_both_tables_in_one_transaction(mirror, rest):
    mirror.sql(SOURCE_TABLE, SOURCE_ROWS,
               "CREATE TABLE public.small (id int PRIMARY KEY, v text)",
               "INSERT INTO public.small VALUES (1, 'a'), (2, NULL)")
    tables = ["public.orders", "public.small"]
    with OutageProxy(rest.uri) as proxy:
        snapshot(mirror, proxy.uri, tables)
        # New tables cannot join a transaction on this server: each is created on its own.
        assert len(proxy.commits()) == 2 and not any(
            c.endswith("/transactions/commit") for c in proxy.commits()), proxy.commits()
        mirror.sql("UPDATE public.small SET v = 'changed'", "DELETE FROM public.orders WHERE id > 2000")
        proxy.requests.clear()
        snapshot(mirror, proxy.uri, tables)
        assert proxy.commits() == ["POST /v1/transactions/commit"], proxy.requests
    for name in ("orders", "small"):
        table = assert_reads_back(mirror, rest.uri, mirror.database, name)
        assert len(table.metadata.snapshots) == 2


def test_the_snapshot_survives_a_catalog_outage_that_swallows_the_commit_reply(mirror, rest):
    mirror.sql(SOURCE_TABLE, SOURCE_ROWS,
               "CREATE TABLE public.small (id int PRIMARY KEY, v text)",
               "INSERT INTO public.small VALUES (1, 'a'), (2, NULL)")
    tables = ["public.orders", "public.small"]
    snapshot(mirror, rest.uri, tables)
    mirror.sql("UPDATE public.small SET v = 'after the outage'")
    with OutageProxy(rest.uri, outage_s=30) as proxy:
        proxy.armed = True
        result = snapshot(mirror, proxy.uri, tables)
        # The transaction reached the catalog once; its lost answer was reconciled by reloading
        # the tables (retried through the outage), not by committing again.
        assert proxy.commits() == ["POST /v1/transactions/commit"], proxy.requests
        assert proxy.refused > 0
    assert "retrying in" in result.stderr and "catalog down" in result.stderr, result.stderr
    for name in ("orders", "small"):
        table = assert_reads_back(mirror, rest.uri, mirror.database, name)
        assert len(table.metadata.snapshots) == 2


class LateCommitProxy(ForwardingProxy):
    """Once armed, the first commit request (a POST to a table or to /transactions/commit) is
    held: the client gets a hang-up at once, and the request reaches the catalog only after the
    client's next `loads` table loads have been answered (they therefore still show the tables
    as they were). The client's resend then meets a catalog that has applied the first send: 409. This
    is a catalog that applies a commit after its client timed out (issue 11 item 2)."""

    def __init__(self, upstream, loads):
        super().__init__(upstream)
        self.armed, self.held, self.late_status = False, None, None
        self.loads_left = loads

    def commits(self):
        return [r.line for r in self.requests if is_commit(r.line)]

    def on_request(self, request):
        with self.lock:
            if self.armed and is_commit(request.line):
                self.armed, self.held = False, request
                return DROP
        return None

    def on_response(self, request, response):
        held = None
        with self.lock:
            if self.held is not None and request.method == "GET" and "/tables/" in request.path:
                self.loads_left -= 1
                if self.loads_left == 0:
                    held, self.held = self.held, None
        if held is not None:
            self.late_status = self.forward(held).status  # applied only now, after the loads
        return response


def referenced_files_exist(table):
    """Every manifest list, manifest and data/delete file of every snapshot of `table` exists."""
    missing, seen = [], 0
    io = table.io

    def check(location):
        nonlocal seen
        seen += 1
        if not os.path.exists(urllib.parse.urlparse(location).path):
            missing.append(location)

    for snap in table.metadata.snapshots:
        check(snap.manifest_list)
        for manifest in snap.manifests(io):
            check(manifest.manifest_path)
            for entry in manifest.fetch_manifest_entry(io, discard_deleted=False):
                if entry.status.name != "DELETED":
                    check(entry.data_file.file_path)
    assert not missing, f"the table references {len(missing)} missing files: {missing[:5]}"
    return seen


@pytest.mark.parametrize("case", ["create", "commit", "transaction"])
def test_a_commit_applied_after_its_client_gave_up_is_found_not_deleted(mirror, rest, case):
    mirror.sql(SOURCE_TABLE, SOURCE_ROWS,
               "CREATE TABLE public.small (id int PRIMARY KEY, v text)",
               "INSERT INTO public.small VALUES (1, 'a'), (2, NULL)")
    tables = ["public.orders", "public.small"] if case == "transaction" else ["public.orders"]
    if case != "create":
        snapshot(mirror, rest.uri, tables)
        mirror.sql("UPDATE public.small SET v = 'late'", "DELETE FROM public.orders WHERE id > 2000")
    with LateCommitProxy(rest.uri, loads=len(tables)) as proxy:
        proxy.armed = True
        result = mirror.run("snapshot", rest_config(mirror, proxy.uri, tables))
        # Send 1 (held, applied late), then the resend, refused because send 1 applied.
        commits = proxy.commits()
        assert proxy.late_status in (200, 204), proxy.late_status
    assert result.returncode == 0, f"snapshot failed ({result.returncode}):\n{result.stderr}"
    assert len(commits) == 2 and commits[0] == commits[1], commits
    if case == "transaction":
        assert commits[0] == "POST /v1/transactions/commit", commits
    for name in [t.split(".")[1] for t in tables]:
        table = assert_reads_back(mirror, rest.uri, mirror.database, name)
        assert len(table.metadata.snapshots) == (1 if case == "create" else 2)
        assert referenced_files_exist(table) > 2
