"""A throwaway PostgreSQL 15 server for tests.

Starts `postgres` directly (so the PID we hold is the postmaster), on 127.0.0.1 and a free port,
with wal_level=logical, in a data directory under /tmp owned by the postgres user (initdb refuses
root). Stopped by PID, even when a test fails.
"""
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import psycopg2

PG_BIN = "/usr/lib/postgresql/15/bin"
SUPERUSER = "postgres"
PASSWORD = "pg2iceberg-test-password"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(process, timeout_s=10):
    """Terminates a server process we started (by its PID), killing it if it lingers."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class PostgresServer:
    def __init__(self):
        self.port = free_port()
        self.datadir = tempfile.mkdtemp(prefix="pg2iceberg-pg-")
        self.process = None
        self._run_as = None
        if os.geteuid() == 0:
            self._run_as = pwd.getpwnam("postgres")
            os.chown(self.datadir, self._run_as.pw_uid, self._run_as.pw_gid)

    def _popen(self, args, **kwargs):
        if self._run_as:
            kwargs.update(user=self._run_as.pw_uid, group=self._run_as.pw_gid, extra_groups=[])
        return subprocess.Popen(args, cwd=self.datadir, **kwargs)

    def start(self):
        pwfile = os.path.join(self.datadir, "pwfile")
        with open(pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        if self._run_as:
            os.chown(pwfile, self._run_as.pw_uid, self._run_as.pw_gid)
        data = os.path.join(self.datadir, "data")
        init = self._popen([f"{PG_BIN}/initdb", "-D", data, "-U", SUPERUSER, "--pwfile", pwfile,
                            "-A", "scram-sha-256", "-E", "UTF8", "--locale", "C.UTF-8"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out, _ = init.communicate(timeout=120)
        if init.returncode != 0:
            raise RuntimeError("initdb failed: " + out.decode(errors="replace"))
        with open(os.path.join(data, "postgresql.conf"), "a") as conf:
            conf.write("\n".join([
                "listen_addresses = '127.0.0.1'", f"port = {self.port}",
                f"unix_socket_directories = '{self.datadir}'", "wal_level = logical",
                "max_replication_slots = 20", "max_wal_senders = 20", "fsync = off",
                "synchronous_commit = on", "full_page_writes = off", "shared_buffers = 256MB",
                "max_connections = 100", ""]))
        self.log = open(os.path.join(self.datadir, "server.log"), "wb")
        self.process = self._popen([f"{PG_BIN}/postgres", "-D", data], stdout=self.log,
                                   stderr=subprocess.STDOUT)
        self._wait_ready(deadline=time.monotonic() + 60)
        return self

    def _wait_ready(self, deadline):
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("postgres exited during start-up; log: " + self.datadir)
            try:
                self.connect().close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def connect(self, dbname="postgres", **kwargs):
        kwargs.setdefault("options", "-c TimeZone=UTC")
        return psycopg2.connect(host="127.0.0.1", port=self.port, user=SUPERUSER,
                                password=PASSWORD, dbname=dbname, **kwargs)

    def create_database(self, name):
        conn = self.connect()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        conn.close()

    def sqlalchemy_uri(self, dbname):
        return f"postgresql+psycopg2://{SUPERUSER}:{PASSWORD}@127.0.0.1:{self.port}/{dbname}"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.datadir, ignore_errors=True)
