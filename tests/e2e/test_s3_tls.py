"""An https S3 endpoint whose certificate is signed by a CA of the test's own: trusted only through
sink.s3_ca_file. Large files go up as parallel multipart parts over TLS. Runs in the s3-sql
storage configuration, its endpoint swapped for the TLS front; read back through moto itself."""
import pytest

from test_s3_warehouse import check
from tls_proxy import refuses_clients_without_a_certificate, tls_front

pytestmark = pytest.mark.storage("s3-sql")


@pytest.fixture(scope="module")
def tls(s3, tmp_path_factory):
    with tls_front(str(tmp_path_factory.mktemp("tls")), s3.port) as front:
        yield front


def tls_sink(tls, **more):
    """The mirror's bucket, reached through the TLS front and trusting its CA."""
    proxy, paths = tls
    return {"sink.s3_endpoint": proxy.endpoint, "sink.s3_ca_file": paths["ca.pem"],
            "sink.s3_path_style": True, **more}


def test_https_endpoint_trusted_through_the_configured_ca(tls, mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY, v text)",
               "INSERT INTO public.t SELECT g, md5(g::text) || repeat('x', g % 300) "
               "FROM generate_series(1, 60000) g")
    mirror.snapshot(["public.t"], **tls_sink(tls))
    assert check(mirror, "public.t") == 60000


def test_multipart_parts_go_up_in_parallel_over_tls(tls, mirror):
    # ~14 MiB of incompressible text in one data file: with 5 MiB parts and threshold the file
    # is a multipart upload of three parts.
    mirror.sql("CREATE TABLE public.big (id int PRIMARY KEY, v text)",
               "INSERT INTO public.big SELECT g, string_agg(md5(g::text || ':' || i::text), '') "
               "FROM generate_series(1, 7000) g, generate_series(1, 64) i GROUP BY g")
    overrides = tls_sink(tls, **{
        "sink.s3_upload_concurrency": 3, "sink.s3_part_size": "5MiB",
        "sink.s3_multipart_threshold": "5MiB", "sink.target_file_size": 64 << 20,
        "sink.compression": "none"})
    mirror.snapshot(["public.big"], **overrides)
    assert check(mirror, "public.big") == 7000
    client = mirror.storage.s3_client()
    objects = client.list_objects_v2(Bucket=mirror.bucket, Prefix="warehouse/public/big/data/")["Contents"]
    assert len(objects) == 1 and objects[0]["Size"] > 10 << 20
    head = client.head_object(Bucket=mirror.bucket, Key=objects[0]["Key"])
    assert head["ETag"].strip('"').endswith("-3"), head["ETag"]  # completed from three parts


def test_untrusted_certificate_stops_at_once_with_a_clear_message(tls, mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)", "INSERT INTO public.t VALUES (1)")
    overrides = tls_sink(tls)
    del overrides["sink.s3_ca_file"]
    result = mirror.run("snapshot", mirror.config(["public.t"], **overrides), timeout=60)
    assert result.returncode != 0
    assert "certificate" in result.stderr, result.stderr
    assert "gave up after" not in result.stderr  # not retried: retrying cannot help
    assert mirror.catalog_rows() == []


def test_unreadable_ca_file_is_a_configuration_error(mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)")
    overrides = {"sink.s3_ca_file": "/nonexistent/ca.pem"}
    result = mirror.run("snapshot", mirror.config(["public.t"], **overrides))
    assert result.returncode != 0
    assert "sink.s3_ca_file" in result.stderr and "/nonexistent/ca.pem" in result.stderr
    assert mirror.catalog_rows() == []


def test_a_certificate_for_another_host_name_is_refused(tls, mirror):
    # The front's certificate names 127.0.0.1 only; reached as "localhost" (the same socket, a
    # CA the config trusts) it is the wrong host, and that is refused at once.
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)", "INSERT INTO public.t VALUES (1)")
    proxy, _ = tls
    overrides = tls_sink(tls, **{"sink.s3_endpoint": proxy.endpoint.replace("127.0.0.1", "localhost")})
    result = mirror.run("snapshot", mirror.config(["public.t"], **overrides), timeout=60)
    assert result.returncode != 0
    assert "certificate" in result.stderr and "localhost" in result.stderr, result.stderr
    assert "gave up after" not in result.stderr  # not retried: retrying cannot help
    assert mirror.catalog_rows() == []


def test_an_endpoint_that_asks_for_a_client_certificate_gets_the_configured_one(s3, mirror, tmp_path):
    with tls_front(str(tmp_path), s3.port, client_ca=True) as (proxy, paths):
        assert refuses_clients_without_a_certificate(proxy, paths["ca.pem"])
        mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY, v text)",
                   "INSERT INTO public.t SELECT g, md5(g::text) FROM generate_series(1, 5000) g")
        mirror.snapshot(["public.t"], **{"sink.s3_endpoint": proxy.endpoint, "sink.s3_ca_file": paths["ca.pem"],
                                         "sink.s3_path_style": True, "sink.s3_client_cert": paths["client.pem"],
                                         "sink.s3_client_key": paths["client.key"]})
        assert check(mirror, "public.t") == 5000
