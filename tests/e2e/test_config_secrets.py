"""Secrets in the configuration: they may come from the environment (`${VAR}`) or a file
(`source.postgres.password_file`), and no subcommand lets one out — not on success, not when the
secret is wrong, not when the service holding it is unreachable, not in `--help`, not when it
crashes. Every subcommand is run with recognisable secrets ("canaries") and everything it wrote
is searched for them: stdout and stderr, the process title, Postgres' view of its sessions,
every file of the warehouse and the staging log (decoded where compressed) and of the spill
directory, every object of an S3 warehouse, and a dump of the whole source database
(coordinator schema and SQL catalog included). pg2iceberg serves no metrics (there is no
listener in src/), so there is nothing of that kind to search. Configuration only: runs once,
in file-sql."""
import gzip
import io
import os
import pathlib
import resource
import signal
import subprocess

import pytest

from capture_util import StreamProcess, drop_slots, query, staged, wait_captured
from conftest import BINARY
from pg_server import PASSWORD, PG_BIN, SUPERUSER, free_port
from run_util import assert_mirror_equals_source, run_config, wait_mirrored

pytestmark = pytest.mark.storage("file-sql")

CANARY_PG = "pg2i-canary-pg-7c1e9"
CANARY_S3 = "pg2i-canary-s3-4b2d8"
CANARY_TOKEN = "pg2i-canary-token-93fa1"
CANARY_CLIENT = "pg2i-canary-client-5e6c0"
CANARY_SESSION = "pg2i-canary-session-d81a4"
# The password of ROLE, the role a successful run logs in as: the one canary that is right.
CANARY_ROLE = "pg2i-canary-role-2a7f3"
CANARIES = (CANARY_PG, CANARY_S3, CANARY_TOKEN, CANARY_CLIENT, CANARY_SESSION, CANARY_ROLE)
ROLE = "pg2i_secrets"
# Every subcommand of src/cli/main.cc (compact and maintain are not built yet: they refuse
# before reading the config, but their --help and their refusal are still searched).
SUBCOMMANDS = ["snapshot", "cleanup", "compact", "maintain", "verify", "stream-only",
               "materializer-only", "migrate-coord", "connect-pg", "connect-iceberg", "run"]
# Wrong secrets a user may have lying in the environment: defaults of libpq and of the AWS SDKs.
# pg2iceberg reads the AWS ones when the config names no key; none may ever be printed.
CANARY_ENV = {"PGPASSWORD": CANARY_PG, "AWS_SECRET_ACCESS_KEY": CANARY_S3,
              "AWS_SESSION_TOKEN": CANARY_SESSION}


@pytest.fixture
def source(mirror):
    mirror.sql("CREATE TABLE public.good (id int PRIMARY KEY, v text)",
               "INSERT INTO public.good SELECT g, 'v' FROM generate_series(1, 100) g")
    return mirror


@pytest.fixture
def role(source):
    """ROLE, whose password is CANARY_ROLE: a superuser with REPLICATION, the simplest role that
    has everything `run` needs (docs/privileges.md; the smallest one is test_least_privilege.py's)."""
    source.sql(f"DROP ROLE IF EXISTS {ROLE}",
               f"CREATE ROLE {ROLE} LOGIN SUPERUSER REPLICATION PASSWORD '{CANARY_ROLE}'")
    try:
        yield ROLE
    finally:
        drop_slots(source)
        # The role is the cluster's: what it created in the test's database (coordinator schema,
        # catalog tables, publication) goes with it.
        source.sql(f"DROP OWNED BY {ROLE}", f"DROP ROLE {ROLE}")


def argv(subcommand, path):
    # materializer-only refuses to start without --worker-id, before it reads the config: without
    # one the secrets would never be loaded and the test would prove nothing.
    return [subcommand, "--config", path] + (["--worker-id", "w1"] if subcommand == "materializer-only" else [])


def run_binary(mirror, subcommand, config, env=None, timeout=600):
    path = mirror.write_config(config)
    return subprocess.run([BINARY, "--log-level", "debug", *argv(subcommand, path)], capture_output=True,
                          text=True, timeout=timeout, env=dict(os.environ, **(env or {})))


def assert_no_secret(result, *secrets):
    for secret in secrets:
        assert secret not in result.stdout and secret not in result.stderr, \
            f"a secret was printed:\n{result.stdout}\n{result.stderr}"


def leaks(where, data, secrets=CANARIES):
    """"<secret> in <where>: <context>" for each secret in `data` (bytes), as text or as the hex
    text pg_dump writes bytea in."""
    found = []
    for secret in secrets:
        for needle in (secret.encode(), secret.encode().hex().encode()):
            at = data.find(needle)
            if at >= 0:
                found.append(f"{secret} in {where}: {data[max(0, at - 200):at + 200]!r}")
    return found


def decoded(name, data):
    """What a reader of the file sees, where the bytes on disk are compressed: Avro blocks may be
    deflated, Parquet pages and staging-log blocks compressed, metadata gzipped. A secret
    compressed with its neighbours would not show in the raw bytes."""
    if name.endswith(".avro"):
        import fastavro
        reader = fastavro.reader(io.BytesIO(data))
        return repr(reader.metadata).encode() + repr(list(reader)).encode()
    if name.endswith(".parquet"):
        import pyarrow.parquet as pq
        parquet = pq.ParquetFile(io.BytesIO(data))
        return (repr(parquet.metadata.metadata).encode() + repr(parquet.schema_arrow).encode()
                + repr(parquet.read().to_pylist()).encode())
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    from staging_log import HEADER_MAGIC, read_segment
    if data.startswith(HEADER_MAGIC):
        return repr([block.changes for block in read_segment(data)]).encode()
    return b""


def file_leaks(root, skip=()):
    """Leaks in every file under `root` but `skip`, and the names of the files searched."""
    found, names = [], []
    for path in sorted(pathlib.Path(root).rglob("*")):
        if not path.is_file() or str(path) in skip:
            continue
        names.append(str(path.relative_to(root)))
        data = path.read_bytes()
        found += leaks(str(path), data + decoded(path.name, data))
    return found, names


def dump_database(mirror, catalog=True):
    """pg_dump of the whole source database: every schema, `_pg2iceberg` and the SQL catalog's
    tables included, data and definitions."""
    result = subprocess.run([f"{PG_BIN}/pg_dump", "-h", "127.0.0.1", "-p", str(mirror.pg.port), "-U", SUPERUSER,
                             "-d", mirror.database, "--no-password"], capture_output=True, timeout=120,
                            env=dict(os.environ, PGPASSWORD=PASSWORD))
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    # Not vacuous: the coordinator's tables are in it, and the catalog's where there is one.
    assert b"_pg2iceberg" in result.stdout and (not catalog or b"iceberg_tables" in result.stdout)
    return result.stdout


def sessions_leaks(mirror):
    """Leaks in what Postgres shows of every other session (application_name, query, ...), and
    how many sessions of ROLE there are."""
    rows = query(mirror, "SELECT usename, row_to_json(a)::text FROM pg_stat_activity a WHERE pid <> pg_backend_pid()")
    text = "\n".join(row[1] for row in rows).encode()
    return leaks("pg_stat_activity", text), sum(1 for row in rows if row[0] == ROLE)


def title_leaks(pid, subcommand):
    """Leaks in the process title (argv as ps shows it) and the names of its threads. (Not
    /proc/<pid>/environ: it holds the variables the test gave the process, secrets included.)"""
    proc = pathlib.Path(f"/proc/{pid}")
    cmdline = (proc / "cmdline").read_bytes()
    assert subcommand.encode() in cmdline, cmdline  # not vacuous: the title is there
    found = leaks("/proc/pid/cmdline", cmdline) + leaks("/proc/pid/comm", (proc / "comm").read_bytes())
    for task in proc.glob("task/*/comm"):
        try:
            found += leaks(str(task), task.read_bytes())
        except FileNotFoundError:  # the thread ended
            pass
    return found


class Background(StreamProcess):
    """`pg2iceberg --log-level debug <subcommand> --config <path>` started in the background in
    `directory` (its working directory), stdout and stderr each to its own file there, stopped by
    PID (StreamProcess's stop and kill). Debug is the level that says the most. Has what
    capture_util.wait_until reads."""

    def __init__(self, mirror, config, directory, subcommand="run", env=None):
        self.mirror = mirror
        self.subcommand = subcommand
        self.directory = pathlib.Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        path = mirror.write_config(config)
        with open(self.directory / "stdout", "wb") as out, open(self.directory / "stderr", "wb") as err:
            self.process = subprocess.Popen([BINARY, "--log-level", "debug", *argv(subcommand, path)], stdout=out,
                                            stderr=err, cwd=self.directory, env=dict(os.environ, **(env or {})))

    def output(self):
        return (self.directory / "stdout").read_bytes(), (self.directory / "stderr").read_bytes()

    def log(self):
        return b"\n".join(self.output()).decode(errors="replace")[-20000:]


def role_config(mirror, how, tmp_path):
    """A `run` config logging in as ROLE, its password given `how`: "env" (`${VAR}`, the variable
    set by role_env), "plain" (in the file) or "file" (password_file)."""
    if how == "env":
        password = {"source.postgres.password": "${E2E_ROLE_PASSWORD}"}
    elif how == "plain":
        password = {"source.postgres.password": CANARY_ROLE}
    else:
        path = tmp_path / "role-password"
        path.write_text(CANARY_ROLE + "\n")
        path.chmod(0o600)
        password = {"source.postgres.password": None, "source.postgres.password_file": str(path)}
    return run_config(mirror, ["public.good"], **{"source.postgres.user": ROLE, **password})


def role_env():
    return {"E2E_ROLE_PASSWORD": CANARY_ROLE, **CANARY_ENV}


def test_the_password_from_an_environment_variable(source):
    config = source.config(["public.good"], **{"source.postgres.password": "${E2E_PG_PASSWORD}"})
    result = source.run("snapshot", config, env={"E2E_PG_PASSWORD": PASSWORD})
    assert result.returncode == 0, result.stderr
    assert len(source.duckdb_rows("public", "good")[1]) == 100
    assert_no_secret(result, PASSWORD)


def test_an_unset_variable_names_the_key_and_the_variable(source):
    config = source.config(["public.good"], **{"source.postgres.password": "${E2E_NOT_SET_ANYWHERE}"})
    result = source.run("snapshot", config)
    assert result.returncode != 0
    assert "source.postgres.password: environment variable E2E_NOT_SET_ANYWHERE is not set" in result.stderr, \
        result.stderr
    assert source.catalog_rows() == []


def test_the_password_from_a_file(source, tmp_path):
    path = tmp_path / "pg-password"
    path.write_text(PASSWORD + "\n")
    path.chmod(0o600)
    config = source.config(["public.good"], **{"source.postgres.password": None,
                                               "source.postgres.password_file": str(path)})
    result = source.run("snapshot", config)
    assert result.returncode == 0, result.stderr
    assert_no_secret(result, PASSWORD)


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_a_wrong_password_is_never_printed(source, subcommand):
    config = source.config(["public.good"], **{"source.postgres.password": CANARY_PG})
    result = run_binary(source, subcommand, config, env=CANARY_ENV, timeout=120)
    assert result.returncode != 0, result.stderr
    assert_no_secret(result, *CANARIES)


@pytest.mark.parametrize("subcommand", ["snapshot", "connect-iceberg"])
def test_storage_and_catalog_secrets_are_never_printed_when_their_services_fail(source, s3auth, subcommand):
    # The source is right; the S3 server checks signatures and the key is a canary; the REST
    # catalog is a closed port, its credentials canaries.
    dead = f"http://127.0.0.1:{free_port()}"
    access_key, _ = s3auth.keys
    for overrides in ({"sink.warehouse": "s3://nowhere/wh", "sink.s3_endpoint": s3auth.endpoint,
                       "sink.s3_access_key": access_key, "sink.s3_secret_key": CANARY_S3,
                       "sink.s3_region": "us-east-1"},
                      {"sink.catalog_type": "rest", "sink.catalog_uri": dead, "sink.catalog_auth": "bearer",
                       "sink.catalog_token": CANARY_TOKEN, "sink.catalog_retry_deadline": "1s"},
                      {"sink.catalog_type": "rest", "sink.catalog_uri": dead, "sink.catalog_auth": "oauth2",
                       "sink.catalog_client_id": "client", "sink.catalog_client_secret": CANARY_CLIENT,
                       "sink.catalog_retry_deadline": "1s"}):
        config = source.config(["public.good"], **overrides)
        result = source.run(subcommand, config, timeout=300)
        assert result.returncode != 0, result.stderr
        assert_no_secret(result, CANARY_S3, CANARY_TOKEN, CANARY_CLIENT)


def test_help_never_prints_a_secret(source):
    # --help with every secret a user may have around: in the environment, and in the config
    # named by --config (help never reads it, and must not start to).
    config = source.config(["public.good"], **{
        "source.postgres.password": CANARY_PG, "sink.s3_secret_key": CANARY_S3,
        "sink.catalog_token": CANARY_TOKEN, "sink.catalog_client_secret": CANARY_CLIENT})
    path = source.write_config(config)
    for args in (["--help"], ["-h"], ["--log-level", "debug", "--help"]):
        result = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=30,
                                env=dict(os.environ, **CANARY_ENV))
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        # Not vacuous: this is the help, naming every subcommand.
        assert all(f"\n  {subcommand} " in result.stdout for subcommand in SUBCOMMANDS), result.stdout
        assert_no_secret(result, *CANARIES)
    for subcommand in SUBCOMMANDS:
        for args in ([subcommand, "--help"], [*argv(subcommand, path), "--help"],
                     ["--log-level", "debug", *argv(subcommand, path), "-h"]):
            result = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=30,
                                    env=dict(os.environ, **CANARY_ENV))
            assert result.returncode == 0, (args, result.stdout, result.stderr)
            assert f"Usage: pg2iceberg {subcommand} [OPTIONS]" in result.stdout, (args, result.stdout)
            assert_no_secret(result, *CANARIES)


class Watch:
    """What a running process shows of itself: its title and Postgres' view of its sessions,
    searched each time look() is called."""

    def __init__(self, mirror, process):
        self.mirror, self.process = mirror, process
        self.found, self.sessions = [], 0

    def look(self):
        self.found += title_leaks(self.process.process.pid, self.process.subcommand)
        leaked, count = sessions_leaks(self.mirror)
        self.found += leaked
        self.sessions = max(self.sessions, count)


def leaks_after(mirror, process, catalog=True):
    """Leaks in what a stopped process left: its stdout and stderr, every file under the test's
    directory (warehouse, staging log, spill directory) but the config, and the whole source
    database; and the names of the files searched."""
    stdout, stderr = process.output()
    assert stderr, "nothing logged at debug level?"
    found = leaks("stdout", stdout) + leaks("stderr", stderr)
    # The config file holds the password in the "plain" variant: that is the user's own file.
    files, names = file_leaks(mirror.workdir, skip={mirror.config_path})
    return found + files + leaks("pg_dump", dump_database(mirror, catalog)), names


@pytest.mark.parametrize("how", ["env", "plain", "file"])
def test_a_running_mirror_leaves_its_password_nowhere(source, role, tmp_path, how):
    """`run` logs in with the canary password and mirrors; then everything it wrote or showed is
    searched: the process title and Postgres' view of its sessions while it runs, its stdout and
    stderr (and those of a `verify` beside it), every file of the warehouse and the whole source
    database."""
    config = role_config(source, how, tmp_path)
    process = Background(source, config, tmp_path / "run", env=role_env())
    watch = Watch(source, process)
    try:
        wait_mirrored(source, process, 1)
        watch.look()
        source.sql("INSERT INTO public.good SELECT g, 'new' FROM generate_series(101, 150) g",
                   "UPDATE public.good SET v = 'changed' WHERE id % 3 = 0",
                   "DELETE FROM public.good WHERE id % 10 = 0")
        watch.look()  # while the changes stream in
        wait_mirrored(source, process, 1)
        watch.look()
        assert assert_mirror_equals_source(source, "public.good", readers=("duckdb",)) == 135
        # verify succeeds only against a running mirror: here, with the same secrets.
        result = run_binary(source, "verify", config, env=role_env(), timeout=300)
        assert result.returncode == 0 and "public.good: equal (135 rows" in result.stdout, result.stdout + result.stderr
        watch.found += leaks("verify stdout", result.stdout.encode()) + leaks("verify stderr", result.stderr.encode())
        assert process.stop() == 0, process.log()
    finally:
        process.kill()
    # Not vacuous: the role's sessions were seen (replication, coordinator, catalog connections).
    assert watch.sessions >= 1
    found, names = leaks_after(source, process)
    # Not vacuous: the table's data files and manifests were searched. (Its staging segments are
    # gone: retired once materialized. The next test searches them.)
    assert any(n.endswith(".parquet") for n in names) and any(n.endswith(".avro") for n in names), names
    assert not (watch.found + found), "\n".join(watch.found + found)


def test_the_staging_log_holds_no_password(source, role, tmp_path):
    """stream-only with the canary password: the same searches, and the staging log it wrote is
    still there to search (decoded block by block), for no materializer retires it."""
    process = Background(source, role_config(source, "env", tmp_path), tmp_path / "stream",
                         subcommand="stream-only", env=role_env())
    watch = Watch(source, process)
    try:
        wait_captured(source, process, timeout=60)
        watch.look()
        source.sql("INSERT INTO public.good SELECT g, repeat('x', 100) FROM generate_series(101, 300) g",
                   "UPDATE public.good SET v = 'changed' WHERE id % 3 = 0",
                   "DELETE FROM public.good WHERE id % 10 = 0")
        wait_captured(source, process)
        watch.look()
        assert process.stop() == 0, process.log()
    finally:
        process.kill()
    assert watch.sessions >= 1
    found, names = leaks_after(source, process, catalog=False)  # stream-only writes no table
    # Not vacuous: the staging log holds the changes, read from the files just searched.
    assert len(staged(source)["public.good"]) == 200 + 100 + 30, names
    assert not (watch.found + found), "\n".join(watch.found + found)


def test_one_shot_subcommands_into_an_authenticating_s3_leave_no_secret(source, role, s3auth, tmp_path):
    """Every one-shot subcommand succeeding with the canary role and S3 keys moto checks: their
    output, every object of the bucket, and the source database hold neither secret."""
    import boto3
    from moto_server import REGION

    access_key, secret_key = s3auth.keys
    bucket = source.database.replace("_", "-") + "-secrets"
    client = boto3.client("s3", endpoint_url=s3auth.endpoint, region_name=REGION,
                          aws_access_key_id=access_key, aws_secret_access_key=secret_key)
    client.create_bucket(Bucket=bucket)
    secrets = CANARIES + (secret_key,)
    try:
        config = role_config(source, "env", tmp_path)
        config["sink"].update({"warehouse": f"s3://{bucket}/warehouse", "s3_endpoint": s3auth.endpoint,
                               "s3_access_key": access_key, "s3_secret_key": "${E2E_S3_SECRET}",
                               "s3_region": REGION})
        # With the AWS canaries of role_env too: the keys in the file are a set, never sent with
        # the environment's AWS_SESSION_TOKEN (which moto would rightly refuse).
        env = {**role_env(), "E2E_S3_SECRET": secret_key}
        found = []
        # (verify needs a running mirror: it is in the `run` test.)
        for subcommand in ("connect-pg", "migrate-coord", "snapshot", "connect-iceberg"):
            result = run_binary(source, subcommand, config, env=env, timeout=300)
            assert result.returncode == 0, (subcommand, result.stdout, result.stderr)
            found += leaks(f"{subcommand} stdout", result.stdout.encode(), secrets)
            found += leaks(f"{subcommand} stderr", result.stderr.encode(), secrets)
        assert source.catalog_rows() == [("public", "good")]

        keys = [o["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
                for o in page.get("Contents", [])]
        assert any(k.endswith(".parquet") for k in keys) and any(k.endswith(".avro") for k in keys), keys
        for key in keys:
            data = client.get_object(Bucket=bucket, Key=key)["Body"].read()
            found += leaks(f"s3://{bucket}/{key}", data + decoded(key, data), secrets)
        found += leaks("pg_dump", dump_database(source), secrets)

        result = run_binary(source, "cleanup", config, env=env, timeout=300)
        assert result.returncode == 0, result.stderr
        found += leaks("cleanup output", (result.stdout + result.stderr).encode(), secrets)
        assert not found, "\n".join(found)
    finally:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for o in page.get("Contents", []):
                client.delete_object(Bucket=bucket, Key=o["Key"])
        client.delete_bucket(Bucket=bucket)


@pytest.mark.parametrize("signum", [signal.SIGSEGV, signal.SIGABRT], ids=["SIGSEGV", "SIGABRT"])
def test_a_crash_prints_no_secret(source, role, tmp_path, signum):
    """pg2iceberg installs no crash handler (src/cli/main.cc handles SIGINT and SIGTERM only;
    src/base/check.cc prints the failed condition and aborts): a crash in the middle of a run
    dies by the signal and what it printed up to then holds no secret. Core dumps stay as the
    environment set them (off: `ulimit -c 0`); none is enabled here."""
    process = Background(source, role_config(source, "plain", tmp_path), tmp_path / "crash", env=role_env())
    try:
        wait_mirrored(source, process, 1)
        source.sql("INSERT INTO public.good SELECT g, 'new' FROM generate_series(101, 150) g")
        process.process.send_signal(signum)
        code = process.process.wait(timeout=30)
    finally:
        process.kill()
    assert code == -signum, f"exit {code}:\n{process.log()}"
    stdout, stderr = process.output()
    found = leaks("stdout", stdout) + leaks("stderr", stderr)
    assert not found, "\n".join(found)
    # With core dumps off, as here by default, the crash leaves no core file (in the working
    # directory, where core_pattern "core" would put it) and so no secret in one. A core file
    # is a memory image, secrets included, when someone turns them on outside the test.
    if resource.getrlimit(resource.RLIMIT_CORE)[0] == 0:
        assert sorted(p.name for p in process.directory.iterdir()) == ["stderr", "stdout"]
