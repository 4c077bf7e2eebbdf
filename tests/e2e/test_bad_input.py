"""Bad input stops the command with a message naming the problem, and creates no table.

Run in the file-sql configuration only: what is refused here is the config or the source, before
anything is written (the S3 and REST failure paths have tests of their own)."""
import pytest

from pg_server import free_port

pytestmark = pytest.mark.storage("file-sql")


def assert_fails(mirror, result, *fragments):
    assert result.returncode != 0, f"expected failure, got success:\n{result.stderr}"
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} not in stderr:\n{result.stderr}"
    assert mirror.catalog_rows() == [], "a failed command left a table in the catalog"
    files = mirror.list_files()
    assert files == [], f"a failed command left files behind: {files}"


@pytest.fixture
def source(mirror):
    mirror.sql("CREATE TABLE public.good (id int PRIMARY KEY, v text)",
               "INSERT INTO public.good SELECT g, 'v' FROM generate_series(1, 1000) g")
    return mirror


def test_missing_required_key(source):
    config = source.config(["public.good"], **{"source.postgres.database": None})
    assert_fails(source, source.run("snapshot", config), "source.postgres.database: required")


def test_wrong_type(source):
    config = source.config(["public.good"], **{"source.postgres.port": "not-a-port"})
    assert_fails(source, source.run("snapshot", config),
                 'source.postgres.port: expected an integer, got "not-a-port"')


def test_tables_not_a_list(source):
    text = "tables: public.good\nsource: {postgres: {host: h, database: d, user: u}}\nsink: {warehouse: file:///tmp/x}\n"
    assert_fails(source, source.run("snapshot", text=text), "tables: expected a list")


def test_not_yaml(source):
    assert_fails(source, source.run("snapshot", text="tables: [\n"), "not valid YAML")


def test_missing_config_file(source):
    result = source.run("snapshot")  # config path never written
    assert_fails(source, result, "cannot be opened")


def test_unreachable_postgres(source):
    config = source.config(["public.good"], **{"source.postgres.port": free_port()})
    assert_fails(source, source.run("snapshot", config), "127.0.0.1", "connect")


def test_wrong_password(source):
    config = source.config(["public.good"], **{"source.postgres.password": "wrong-password"})
    result = source.run("snapshot", config)
    assert_fails(source, result, "password authentication failed")
    assert "wrong-password" not in result.stderr


def test_missing_database(source):
    config = source.config(["public.good"], **{"source.postgres.database": "no_such_db"})
    assert_fails(source, source.run("snapshot", config), "no_such_db")


def test_missing_table_creates_no_table_at_all(source):
    result = source.run("snapshot", source.config(["public.good", "public.missing"]))
    assert_fails(source, result, "public.missing does not exist")


@pytest.mark.parametrize("column_type", ["numeric(40, 2)", "point", "point[]", "numeric(40, 2)[]", "tsvector"])
def test_unsupported_column_type(source, column_type):
    source.sql(f"CREATE TABLE public.odd (id int PRIMARY KEY, c {column_type})")
    result = source.run("snapshot", source.config(["public.good", "public.odd"]))
    assert_fails(source, result, "public.odd", '"c"')


@pytest.mark.parametrize("column_type,value,shown", [
    ("timestamp", "'infinity'", "infinity"),
    ("timestamptz", "'-infinity'", "-infinity"),
    ("date", "'infinity'", "infinity"),
    ("numeric(10, 2)", "'NaN'", "NaN"),
    # unconstrained numeric is decimal(38,18): never rounded, never truncated
    ("numeric", "123456789012345678901", "123456789012345678901"),
    ("numeric", "0.1234567890123456789", "0.1234567890123456789"),
    ("numeric", "'NaN'", "NaN"),
    ("time", "'24:00:00'", "24:00:00"),
])
def test_value_iceberg_cannot_hold_stops_with_table_column_and_value(source, column_type, value, shown):
    source.sql(f"CREATE TABLE public.bad (id int PRIMARY KEY, c {column_type})",
               "INSERT INTO public.bad SELECT g, NULL FROM generate_series(1, 5000) g",
               f"INSERT INTO public.bad VALUES (6000, {value})")
    result = source.run("snapshot", source.config(["public.bad"]))
    assert_fails(source, result, "public.bad", '"c"', shown)


@pytest.mark.parametrize("entry, fragments", [
    ("bucket[x](id)", ['"bucket[x](id)"', "positive integer"]),
    ("day(id", ['"day(id"', "missing closing parenthesis"]),
    ("week(id)", ['"week(id)"', "unknown partition transform"]),
    ("day(nope)", ['"day(nope)"', 'column "nope" does not exist']),
    ("day(v)", ['"day(v)"', 'column "v"', "transform day is not defined on type string"]),
    ("bucket[4](flag)", ['"bucket[4](flag)"', 'column "flag"', "bucket[4] is not defined on type boolean"]),
])
def test_bad_partition_entry_is_refused_naming_table_and_entry(source, entry, fragments):
    source.sql("ALTER TABLE public.good ADD COLUMN flag boolean")
    config = source.config([{"name": "public.good", "iceberg": {"partition": [entry]}}])
    assert_fails(source, source.run("snapshot", config), "public.good", *fragments)


def test_relative_warehouse_is_refused(source):
    config = source.config(["public.good"], **{"sink.warehouse": "warehouse"})
    assert_fails(source, source.run("snapshot", config), "sink.warehouse")


def test_source_type_change_iceberg_cannot_apply_is_refused_and_mirror_kept(source):
    source.snapshot(["public.good"])
    before = source.catalog_rows()
    location = source.metadata_location("public", "good")
    source.sql("ALTER TABLE public.good ALTER COLUMN v TYPE int USING length(v)")
    result = source.run("snapshot", source.config(["public.good"]))
    assert result.returncode != 0
    assert 'public.good, column "v"' in result.stderr
    assert "from string to int" in result.stderr
    assert source.catalog_rows() == before
    assert source.metadata_location("public", "good") == location
    _, rows = source.duckdb_rows("public", "good")
    assert len(rows) == 1000


def test_catalog_pointing_at_missing_metadata_is_data_loss_with_a_way_out(source):
    source.snapshot(["public.good"])
    source.delete_warehouse()
    result = source.run("snapshot", source.config(["public.good"]))
    assert result.returncode != 0
    assert "DATA_LOSS" in result.stderr
    assert "catalog and the warehouse disagree" in result.stderr
    assert "DELETE FROM iceberg_tables" in result.stderr
