"""A TLS front for a plain-HTTP test server, so clients can be tested against https with a CA of
the test's own.

As a library: `make_ca_and_cert(dir)` writes ca.pem, server.pem and server.key (a throwaway CA
and a certificate for 127.0.0.1 signed by it); `TlsProxy(cert, key, upstream_port).start()` runs
this file as a process that accepts TLS on 127.0.0.1 and a free port and forwards the decrypted
bytes to 127.0.0.1:upstream_port; `stop()` ends it by PID.
"""
import contextlib
import datetime
import ipaddress
import os
import socket
import ssl
import subprocess
import sys
import threading
import time

from pg_server import free_port, stop_process


def make_ca_and_cert(directory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pg2iceberg test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pg2iceberg test client")]))
              .issuer_name(ca_name).public_key(client_key.public_key())
              .serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(hours=1))
              .not_valid_after(now + datetime.timedelta(days=2))
              .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                             critical=False)
              .sign(ca_key, hashes.SHA256()))
    paths = {name: os.path.join(directory, name)
             for name in ("ca.pem", "server.pem", "server.key", "client.pem", "client.key")}
    with open(paths["client.pem"], "wb") as f:
        f.write(client.public_bytes(serialization.Encoding.PEM))
    with open(paths["client.key"], "wb") as f:
        f.write(client_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()))
    os.chmod(paths["client.key"], 0o600)
    with open(paths["ca.pem"], "wb") as f:
        f.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(paths["server.pem"], "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(paths["server.key"], "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return paths


class TlsProxy:
    def __init__(self, cert, key, upstream_port, client_ca=None):
        """With `client_ca`, clients must present a certificate that CA signed."""
        self.port = free_port()
        self.endpoint = f"https://127.0.0.1:{self.port}"
        self._args = [sys.executable, __file__, cert, key, str(self.port), str(upstream_port)] + \
            ([client_ca] if client_ca else [])
        self.process = None

    def start(self, timeout_s=20):
        self.process = subprocess.Popen(self._args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("tls_proxy exited during start-up")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.05)

    def stop(self):
        stop_process(self.process)


@contextlib.contextmanager
def tls_front(directory, upstream_port, client_ca=False):
    """A TlsProxy before `upstream_port` with a fresh test CA's certificates (make_ca_and_cert),
    stopped on exit; yields (proxy, paths). With `client_ca`, the front demands a client
    certificate that CA signed."""
    paths = make_ca_and_cert(directory)
    proxy = TlsProxy(paths["server.pem"], paths["server.key"], upstream_port,
                     client_ca=paths["ca.pem"] if client_ca else None).start()
    try:
        yield proxy, paths
    finally:
        proxy.stop()


def refuses_clients_without_a_certificate(proxy, ca):
    """True when `proxy` ends the TLS session of a client that shows no certificate."""
    context = ssl.create_default_context(cafile=ca)
    try:
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as raw:
            with context.wrap_socket(raw, server_hostname="127.0.0.1") as secure:
                secure.sendall(b"HEAD / HTTP/1.0\r\n\r\n")
                return secure.recv(1) == b""
    except (ssl.SSLError, OSError):
        return True


def _pump(source, target):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, target):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _serve(cert, key, port, upstream_port, client_ca=None):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    if client_ca:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(client_ca)
    listener = socket.create_server(("127.0.0.1", port))
    while True:
        client, _ = listener.accept()

        def handle(raw=client):
            try:
                secure = context.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError):
                raw.close()  # e.g. a client that does not trust our CA
                return
            upstream = socket.create_connection(("127.0.0.1", upstream_port))
            threading.Thread(target=_pump, args=(upstream, secure), daemon=True).start()
            _pump(secure, upstream)

        threading.Thread(target=handle, daemon=True).start()


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), *sys.argv[5:6])
