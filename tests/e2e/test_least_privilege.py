"""The smallest Postgres role that runs `run` (docs/privileges.md): a login role with
REPLICATION, SELECT on the mirrored tables, a publication its tables' owner created, a
coordinator schema it owns, and CREATE on the schema the SQL catalog's tables go in. With any
of them missing, `run` (and `stream-only`) stops before creating anything and names every
missing privilege with the statement that grants it; with all of them it mirrors, read back by
DuckDB and PyIceberg. Runs in file-sql: what is tested is the source's role."""
import pytest

from capture_util import COORDINATOR, StreamProcess, drop_slots, query
from run_util import assert_mirror_equals_source, run_config, wait_mirrored

pytestmark = pytest.mark.storage("file-sql")

ROLE = "mirror_min"
ROLE_PASSWORD = "mirror-min-password"


@pytest.fixture
def source(mirror):
    mirror.sql(f"DROP ROLE IF EXISTS {ROLE}",
               f"CREATE ROLE {ROLE} LOGIN PASSWORD '{ROLE_PASSWORD}'",
               "CREATE TABLE public.good (id int PRIMARY KEY, v text)",
               "INSERT INTO public.good SELECT g, md5(g::text) FROM generate_series(1, 300) g")
    try:
        yield mirror
    finally:
        drop_slots(mirror)
        # The role is the cluster's: what it owns in the test's database goes with it.
        mirror.sql(f"DROP SCHEMA IF EXISTS {COORDINATOR} CASCADE", f"DROP OWNED BY {ROLE}",
                   f"DROP ROLE {ROLE}")


def config(mirror):
    return run_config(mirror, ["public.good"], **{"source.postgres.user": ROLE,
                                                  "source.postgres.password": ROLE_PASSWORD})


def refused(mirror, subcommand="run"):
    result = mirror.run(subcommand, config(mirror), timeout=120)
    assert result.returncode != 0, result.stderr
    assert f"the role {ROLE} lacks what pg2iceberg needs on the source" in result.stderr, result.stderr
    # Nothing was created: no slot, no coordinator schema, no catalog table.
    rows = query(mirror, f"""SELECT (SELECT count(*) FROM pg_replication_slots WHERE database = current_database()),
                                   to_regnamespace('{COORDINATOR}') IS NULL OR
                                   (SELECT count(*) FROM pg_class WHERE relnamespace = to_regnamespace('{COORDINATOR}')) = 0,
                                   to_regclass('iceberg_tables') IS NULL""")
    assert rows[0] == (0, True, True), rows
    return result.stderr


def test_each_missing_privilege_is_named_with_its_grant_and_the_smallest_role_mirrors(source):
    publication = f"pub_{source.database}"
    message = refused(source)
    for expected in (f'REPLICATION, to read the replication slot: ALTER ROLE "{ROLE}" REPLICATION',
                     f'SELECT on public.good, to copy it: GRANT SELECT ON "public"."good" TO "{ROLE}"',
                     f"the publication {publication} (creating it takes ownership of its tables",
                     f'CREATE PUBLICATION "{publication}" FOR TABLE "public"."good" '
                     "WITH (publish_via_partition_root = true)",
                     f"CREATE on database {source.database}, to create the coordinator schema {COORDINATOR}",
                     f'CREATE on schema public, to create the SQL catalog\'s tables: GRANT CREATE ON SCHEMA "public" '
                     f'TO "{ROLE}"'):
        assert expected in message, message
    refused(source, "stream-only")

    # Granted one by one, each disappears from the list; what is left is still refused.
    source.sql(f"ALTER ROLE {ROLE} REPLICATION")
    assert "REPLICATION" not in refused(source)
    source.sql(f"GRANT SELECT ON public.good TO {ROLE}")
    assert "SELECT on public.good" not in refused(source)
    source.sql(f"CREATE PUBLICATION {publication} FOR TABLE public.good WITH (publish_via_partition_root = true)")
    assert "publication" not in refused(source)
    source.sql(f"CREATE SCHEMA {COORDINATOR} AUTHORIZATION {ROLE}")
    message = refused(source)
    assert "coordinator" not in message and "CREATE on schema public" in message, message

    # The last one: the role mirrors.
    source.sql(f"GRANT CREATE ON SCHEMA public TO {ROLE}")
    process = StreamProcess(source, config(source), subcommand="run")
    try:
        wait_mirrored(source, process, 1)
        source.sql("INSERT INTO public.good VALUES (1001, 'streamed')", "DELETE FROM public.good WHERE id = 7",
                   "UPDATE public.good SET v = 'changed' WHERE id = 8")
        wait_mirrored(source, process, 1)
        assert assert_mirror_equals_source(source, "public.good") == 300
        assert process.stop() == 0, process.log()
    finally:
        process.close()


def test_a_publication_the_role_cannot_complete_is_named_with_the_owners_statement(source):
    publication = f"pub_{source.database}"
    source.sql("CREATE TABLE public.other (id int PRIMARY KEY)",
               f"CREATE PUBLICATION {publication} FOR TABLE public.other",
               f"ALTER ROLE {ROLE} REPLICATION", f"GRANT SELECT ON public.good TO {ROLE}",
               f"CREATE SCHEMA {COORDINATOR} AUTHORIZATION {ROLE}", f"GRANT CREATE ON SCHEMA public TO {ROLE}")
    message = refused(source)
    assert (f'have its owner run ALTER PUBLICATION "{publication}" ADD TABLE "public"."good"; '
            f'ALTER PUBLICATION "{publication}" SET (publish_via_partition_root = true)') in message, message
