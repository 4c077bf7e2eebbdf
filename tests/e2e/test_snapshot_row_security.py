"""Row-level security must not filter the snapshot (issue 11, item 5).

pgoutput ignores row security, so a snapshot read by a role that policies apply to would hold a
subset of the rows while capture sends changes to all of them. The snapshot's session sets
row_security = off and checks row_security_active(): it refuses, naming the table and what the
role lacks, instead of copying the subset.
"""
import pytest

from pg_server import PASSWORD, SUPERUSER

pytestmark = pytest.mark.storage("file-sql")

ROWS = 10
VISIBLE = 3  # rows the policy shows


@pytest.fixture
def role(mirror):
    """A login role with REPLICATION and SELECT on public.t, which has row-level security and a
    policy showing only ids <= VISIBLE. The SQL catalog stays with the superuser."""
    name = f"rls_{mirror.database}"
    mirror.sql(f"CREATE ROLE {name} LOGIN PASSWORD 'pw' REPLICATION",
               "CREATE TABLE public.t (id int PRIMARY KEY, v text)",
               f"INSERT INTO public.t SELECT g, 'v' || g FROM generate_series(1, {ROWS}) g",
               f"GRANT SELECT ON public.t TO {name}",
               "ALTER TABLE public.t ENABLE ROW LEVEL SECURITY",
               f"CREATE POLICY only_some ON public.t USING (id <= {VISIBLE})")
    try:
        yield name
    finally:
        mirror.sql(f"DROP OWNED BY {name}", f"DROP ROLE {name}")


def run_as(mirror, role):
    catalog = f"postgresql://{SUPERUSER}:{PASSWORD}@127.0.0.1:{mirror.pg.port}/{mirror.database}"
    return mirror.run("snapshot", mirror.config(["public.t"], **{
        "source.postgres.user": role, "source.postgres.password": "pw", "sink.catalog_uri": catalog}))


def copied_ids(mirror):
    names, rows = mirror.duckdb_rows("public", "t")
    return sorted(row[names.index("id")] for row in rows)


def test_a_role_subject_to_a_policy_is_refused_naming_the_missing_privilege(mirror, role):
    result = run_as(mirror, role)
    assert result.returncode != 0, ("the snapshot copied what the policy let the role see: "
                                    f"{copied_ids(mirror)}\n{result.stderr}")
    assert "INVALID_ARGUMENT" in result.stderr, result.stderr
    assert "table public.t has row-level security" in result.stderr, result.stderr
    assert f'role "{role}" is subject to its policies' in result.stderr, result.stderr
    assert f'ALTER ROLE "{role}" BYPASSRLS' in result.stderr, result.stderr
    assert "DISABLE ROW LEVEL SECURITY" in result.stderr, result.stderr
    assert mirror.catalog_rows() == []


def test_an_owner_under_force_row_level_security_is_refused(mirror, role):
    mirror.sql(f"ALTER TABLE public.t OWNER TO {role}", "ALTER TABLE public.t FORCE ROW LEVEL SECURITY")
    result = run_as(mirror, role)
    assert result.returncode != 0, ("the snapshot copied what the policy let the owner see: "
                                    f"{copied_ids(mirror)}\n{result.stderr}")
    assert "table public.t has row-level security" in result.stderr, result.stderr
    assert "NO FORCE ROW LEVEL SECURITY" in result.stderr, result.stderr
    assert mirror.catalog_rows() == []


@pytest.mark.parametrize("grant", ["ALTER ROLE {role} BYPASSRLS", "ALTER TABLE public.t OWNER TO {role}"])
def test_a_role_that_bypasses_the_policies_copies_every_row(mirror, role, grant):
    mirror.sql(grant.format(role=role))
    result = run_as(mirror, role)
    assert result.returncode == 0, result.stderr
    assert copied_ids(mirror) == list(range(1, ROWS + 1))
