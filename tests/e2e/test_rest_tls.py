"""An https REST catalog whose certificate is signed by a CA of the test's own (a TLS front on
Apache Iceberg's REST test server): trusted only through sink.catalog_ca_file. Without it, or
reached under a host name the certificate does not carry, the catalog is refused at once with a
clear message and nothing is retried. Runs in s3-rest; read back through the plain catalog by
PyIceberg and DuckDB."""
import pytest

from run_util import assert_mirror_equals_source
from tls_proxy import refuses_clients_without_a_certificate, tls_front

pytestmark = pytest.mark.storage("s3-rest")


@pytest.fixture(scope="module")
def tls(rest, tmp_path_factory):
    with tls_front(str(tmp_path_factory.mktemp("rest-tls")), rest.port) as front:
        yield front


def test_a_snapshot_through_an_https_catalog_trusted_through_the_configured_ca(tls, mirror):
    proxy, paths = tls
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY, v text)",
               "INSERT INTO public.t SELECT g, md5(g::text) FROM generate_series(1, 2000) g")
    mirror.snapshot(["public.t"], **{"sink.catalog_uri": proxy.endpoint, "sink.catalog_ca_file": paths["ca.pem"]})
    assert assert_mirror_equals_source(mirror, "public.t") == 2000


@pytest.mark.parametrize("case", ["untrusted", "wrong-host"])
def test_an_untrusted_or_misnamed_catalog_certificate_stops_at_once(tls, mirror, case):
    proxy, paths = tls
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)", "INSERT INTO public.t VALUES (1)")
    overrides = {"sink.catalog_uri": proxy.endpoint, "sink.catalog_ca_file": paths["ca.pem"]}
    if case == "untrusted":
        del overrides["sink.catalog_ca_file"]
    else:
        overrides["sink.catalog_uri"] = proxy.endpoint.replace("127.0.0.1", "localhost")
    result = mirror.run("connect-iceberg", mirror.config(["public.t"], **overrides), timeout=120)
    assert result.returncode != 0
    assert "certificate" in result.stderr, result.stderr
    assert "gave up" not in result.stderr and "retr" not in result.stderr.lower(), result.stderr


def test_an_unreadable_catalog_ca_file_is_a_configuration_error(mirror):
    mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY)")
    result = mirror.run("connect-iceberg", mirror.config(["public.t"], **{"sink.catalog_ca_file": "/nonexistent/ca.pem"}))
    assert result.returncode != 0
    assert "sink.catalog_ca_file: cannot read /nonexistent/ca.pem" in result.stderr, result.stderr


def test_a_catalog_that_asks_for_a_client_certificate_gets_the_configured_one(rest, mirror, tmp_path):
    with tls_front(str(tmp_path), rest.port, client_ca=True) as (proxy, paths):
        assert refuses_clients_without_a_certificate(proxy, paths["ca.pem"])
        mirror.sql("CREATE TABLE public.t (id int PRIMARY KEY, v text)",
                   "INSERT INTO public.t SELECT g, md5(g::text) FROM generate_series(1, 500) g")
        mirror.snapshot(["public.t"], **{"sink.catalog_uri": proxy.endpoint, "sink.catalog_ca_file": paths["ca.pem"],
                                         "sink.catalog_client_cert": paths["client.pem"],
                                         "sink.catalog_client_key": paths["client.key"]})
        assert assert_mirror_equals_source(mirror, "public.t") == 500
