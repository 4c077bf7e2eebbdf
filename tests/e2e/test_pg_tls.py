"""TLS to the source Postgres, verified end to end: a server of the test's own that accepts only
TLS, with a certificate for `localhost` signed by a test CA, and that authenticates the mirror's
role by client certificate (`cert` in pg_hba.conf) on normal and replication connections alike.
`run` with sslmode verify-full, source.postgres.sslrootcert, sslcert and sslkey mirrors a table
(every connection it opens — capture's replication connection, the load's, the catalog's, the
coordinator's — goes over TLS with the client certificate; pg_stat_ssl shows it); a wrong host
name, a CA that did not sign the server's certificate and a missing client certificate are
each refused with libpq's reason. Postgres is the only server; the warehouse is local."""
import datetime
import os
import pathlib
import shutil
import subprocess
import time

import psycopg2
import psycopg2.errors
import pytest
import yaml

from pg_server import PASSWORD, SUPERUSER, PostgresServer
from readers import duckdb_connection, metadata_location

BINARY = os.environ.get("PG2ICEBERG_BIN",
                        str(pathlib.Path(__file__).resolve().parents[2] / "build" / "src" / "cli" / "pg2iceberg"))
ROLE = "certuser"


def _certificate(subject, issuer_name, issuer_key, public_key, ca=False, dns=None, client=False):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(issuer_name or x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(hours=1))
               .not_valid_after(now + datetime.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if dns:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False)
    if not ca:
        usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def make_pki(directory):
    """A CA, a server certificate for `localhost` and a client certificate for ROLE signed by it,
    and a second CA that signed nothing of this server's. Returns {name: path}."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    paths = {}

    def write(name, data, mode=0o600):
        path = os.path.join(directory, name)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, mode)
        paths[name] = path

    def pem_key(key):
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("pg2iceberg test CA", None, ca_key, ca_key.public_key(), ca=True)
    other_key = ec.generate_private_key(ec.SECP256R1())
    other = _certificate("some other CA", None, other_key, other_key.public_key(), ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = _certificate("localhost", ca.subject, ca_key, server_key.public_key(), dns="localhost")
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = _certificate(ROLE, ca.subject, ca_key, client_key.public_key(), client=True)
    write("ca.pem", ca.public_bytes(serialization.Encoding.PEM), 0o644)
    write("other-ca.pem", other.public_bytes(serialization.Encoding.PEM), 0o644)
    write("server.pem", server.public_bytes(serialization.Encoding.PEM), 0o644)
    write("server.key", pem_key(server_key))
    write("client.pem", client.public_bytes(serialization.Encoding.PEM), 0o644)
    write("client.key", pem_key(client_key))
    return paths


class TlsPostgres(PostgresServer):
    """A PostgresServer that accepts TLS connections only: the superuser by password, ROLE by
    its client certificate, for databases and replication."""

    def __init__(self, pki):
        super().__init__()
        self.pki = pki

    def start(self):
        self._configure = True
        return super().start()

    def _popen(self, args, **kwargs):
        if args[0].endswith("/postgres") and getattr(self, "_configure", False):
            self._configure = False
            data = os.path.join(self.datadir, "data")
            for name in ("server.pem", "server.key", "ca.pem"):
                target = os.path.join(data, name)
                shutil.copy(self.pki[name], target)
                os.chmod(target, 0o600)
                if self._run_as:
                    os.chown(target, self._run_as.pw_uid, self._run_as.pw_gid)
            with open(os.path.join(data, "postgresql.conf"), "a") as conf:
                conf.write("ssl = on\nssl_cert_file = 'server.pem'\nssl_key_file = 'server.key'\n"
                           "ssl_ca_file = 'ca.pem'\n")
            with open(os.path.join(data, "pg_hba.conf"), "w") as hba:
                hba.write(f"hostssl all {ROLE} 127.0.0.1/32 cert\n"
                          f"hostssl replication {ROLE} 127.0.0.1/32 cert\n"
                          "hostssl all postgres 127.0.0.1/32 scram-sha-256\n")
        return super()._popen(args, **kwargs)

    def connect(self, dbname="postgres", **kwargs):
        kwargs.setdefault("sslmode", "require")
        return super().connect(dbname, **kwargs)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    pki = make_pki(str(tmp_path_factory.mktemp("pki")))
    pg = TlsPostgres(pki).start()
    try:
        pg.create_database("tls")
        conn = pg.connect("tls")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f"CREATE ROLE {ROLE} LOGIN SUPERUSER REPLICATION")
            cur.execute("CREATE TABLE t (id int PRIMARY KEY, v text)")
            cur.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 500) g")
        conn.close()
        yield pg
    finally:
        pg.stop()


def config(server, workdir, **postgres):
    settings = {"host": "localhost", "port": server.port, "database": "tls", "user": ROLE,
                "sslmode": "verify-full", "sslrootcert": server.pki["ca.pem"],
                "sslcert": server.pki["client.pem"], "sslkey": server.pki["client.key"]}
    settings.update(postgres)
    settings = {k: v for k, v in settings.items() if v is not None}
    cfg = {"tables": [{"name": "public.t"}],
           "source": {"postgres": settings,
                      "logical": {"spill_dir": f"{workdir}/spill", "standby_interval": "1s",
                                  "slot_name": "tls_slot", "snapshot_workers": 2}},
           "sink": {"warehouse": f"file://{workdir}/warehouse", "flush_interval": "200ms",
                    "materializer_interval": "300ms"}}
    path = os.path.join(workdir, "config.yaml")
    with open(path, "w") as f:
        yaml.safe_dump(cfg, f)
    return path


def connect_pg(server, tmp_path, **postgres):
    return subprocess.run([BINARY, "connect-pg", "--config", config(server, str(tmp_path), **postgres)],
                          capture_output=True, text=True, timeout=60)


def iceberg_count(server):
    conn = server.connect("tls")
    try:
        location = metadata_location(conn, "pg2iceberg", "public", "t")
    except psycopg2.errors.UndefinedTable:  # the catalog's tables come with the first commit
        location = None
    finally:
        conn.close()
    if location is None:
        return None
    return duckdb_connection().execute(f"SELECT count(*) FROM iceberg_scan('{location}')").fetchone()[0]


def test_run_mirrors_over_verified_tls_with_a_client_certificate(server, tmp_path):
    process = subprocess.Popen([BINARY, "run", "--config", config(server, str(tmp_path))],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        conn = server.connect("tls")
        conn.autocommit = True
        deadline = time.monotonic() + 120
        while iceberg_count(server) != 500:
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()[0]
            time.sleep(0.2)
        with conn.cursor() as cur:
            cur.execute("INSERT INTO t SELECT g, 'streamed' FROM generate_series(501, 600) g")
            # Every session of the mirror's role, the walsender included, is TLS with its certificate.
            cur.execute("""SELECT a.backend_type, s.ssl, s.client_dn FROM pg_stat_activity a
                           JOIN pg_stat_ssl s USING (pid) WHERE a.usename = %s""", (ROLE,))
            sessions = cur.fetchall()
        conn.close()
        assert any(kind == "walsender" for kind, _, _ in sessions), sessions
        assert all(ssl and dn == f"/CN={ROLE}" for _, ssl, dn in sessions), sessions
        while iceberg_count(server) != 600:
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()[0]
            time.sleep(0.2)
    finally:
        process.terminate()
        output = process.communicate(timeout=60)[0]
    assert process.returncode == 0, output


def test_a_certificate_for_another_host_name_is_refused(server, tmp_path):
    result = connect_pg(server, tmp_path, host="127.0.0.1")
    assert result.returncode != 0
    assert 'server certificate for "localhost"' in result.stderr, result.stderr
    assert 'does not match host name "127.0.0.1"' in result.stderr, result.stderr
    assert "rejected the connection" in result.stderr and "verify-ca" in result.stderr, result.stderr


def test_a_server_certificate_the_configured_ca_did_not_sign_is_refused(server, tmp_path):
    result = connect_pg(server, tmp_path, sslrootcert=server.pki["other-ca.pem"])
    assert result.returncode != 0
    assert "certificate verify failed" in result.stderr, result.stderr
    assert "rejected the connection" in result.stderr, result.stderr


def test_without_a_client_certificate_the_server_refuses_the_role(server, tmp_path):
    result = connect_pg(server, tmp_path, sslcert=None, sslkey=None)
    assert result.returncode != 0
    assert "certificate" in result.stderr, result.stderr
    assert "pg_hba.conf" in result.stderr or "client certificate" in result.stderr, result.stderr


def test_a_missing_certificate_file_is_a_config_error(server, tmp_path):
    result = connect_pg(server, tmp_path, sslrootcert=str(tmp_path / "nowhere.pem"))
    assert result.returncode != 0
    assert "source.postgres.sslrootcert: cannot read" in result.stderr, result.stderr
    result = connect_pg(server, tmp_path, sslkey=None)
    assert result.returncode != 0
    assert "sslcert and sslkey go together" in result.stderr, result.stderr


def test_sslmode_require_alone_still_works_and_the_server_takes_tls_only(server, tmp_path):
    # The superuser logs in by password over TLS without verifying the server: the mode users of
    # the existing pg2iceberg have today keeps working.
    result = connect_pg(server, tmp_path, host="127.0.0.1", user=SUPERUSER, password=PASSWORD,
                        sslmode="require", sslrootcert=None, sslcert=None, sslkey=None)
    assert result.returncode == 0, result.stderr
    # Without TLS the server takes no one, so every success above was over TLS.
    result = connect_pg(server, tmp_path, host="127.0.0.1", user=SUPERUSER, password=PASSWORD,
                        sslmode="disable", sslrootcert=None, sslcert=None, sslkey=None)
    assert result.returncode != 0
    assert "no encryption" in result.stderr, result.stderr
