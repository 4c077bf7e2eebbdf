"""Secrets in the configuration: they may come from the environment (`${VAR}`) or a file
(`source.postgres.password_file`), and no subcommand prints one — not on success, not when the
secret is wrong, not when the service holding it is unreachable. Every subcommand is run with
recognisable secrets and everything it wrote to stdout and stderr is searched for them.
Configuration only: runs once, in file-sql."""
import pytest

from pg_server import PASSWORD, free_port

pytestmark = pytest.mark.storage("file-sql")

CANARY_PG = "pg2i-canary-pg-7c1e9"
CANARY_S3 = "pg2i-canary-s3-4b2d8"
CANARY_TOKEN = "pg2i-canary-token-93fa1"
CANARY_CLIENT = "pg2i-canary-client-5e6c0"
SUBCOMMANDS = ["snapshot", "cleanup", "verify", "stream-only", "materializer-only", "migrate-coord",
               "connect-pg", "connect-iceberg", "run"]


@pytest.fixture
def source(mirror):
    mirror.sql("CREATE TABLE public.good (id int PRIMARY KEY, v text)",
               "INSERT INTO public.good SELECT g, 'v' FROM generate_series(1, 100) g")
    return mirror


def assert_no_secret(result, *secrets):
    for secret in secrets:
        assert secret not in result.stdout and secret not in result.stderr, \
            f"a secret was printed:\n{result.stdout}\n{result.stderr}"


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
    result = source.run(subcommand, config, timeout=120)
    assert result.returncode != 0, result.stderr
    assert_no_secret(result, CANARY_PG)


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
