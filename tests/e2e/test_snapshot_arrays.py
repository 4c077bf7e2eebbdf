"""Array columns of every mapped element type are mirrored as Iceberg lists and read back by
DuckDB, PyIceberg and Spark exactly as Postgres holds them, in every storage configuration:
NULL lists, empty lists, NULL elements, non-default lower bounds, a 10 000-element list and
many rows. A multi-dimensional value stops the snapshot and commits nothing."""
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pyiceberg.types import ListType

from readers import normalize

# (column, declared type, element type for readers.normalize, SQL giving the expected element
# from `e` (None: psycopg2 reads the array itself), literal of a list with a NULL element).
COLUMNS = [
    ("c_bool", "boolean[]", "boolean", None, "'{true,NULL,false}'"),
    ("c_int2", "smallint[]", "smallint", None, "'{-32768,NULL,32767}'"),
    ("c_int4", "integer[]", "integer", None, "'{-2147483648,NULL,2147483647,0}'"),
    ("c_int8", "bigint[]", "bigint", None, "'{-9223372036854775808,NULL,9223372036854775807}'"),
    ("c_oid", "oid[]", "bigint", "e::int8", "'{0,NULL,4294967295,2147483648}'"),
    ("c_real", "real[]", "real", None, "'{NaN,-Infinity,Infinity,-0,NULL,3.4028235e38,1.5}'"),
    ("c_double", "double precision[]", "double precision", None,
     "'{NaN,-Infinity,Infinity,-0,NULL,1.7976931348623157e308,5e-324}'"),
    ("c_num", "numeric(10,2)[]", "numeric", None, "'{-99999999.99,NULL,0.01,0}'"),
    ("c_num38", "numeric(38,0)[]", "numeric", None,
     "'{99999999999999999999999999999999999999,NULL,-1}'"),
    ("c_numeric", "numeric[]", "numeric", None,
     "'{12345678901234567890.123456789012345678,NULL,-1.5,1.500000000000000000000}'"),
    ("c_text", "text[]", "text", None,
     "ARRAY['a,b', 'q\"uote', E'back\\\\slash', '{}', 'NULL', NULL, '', 'ünïcödé ✓ 🎉', ' sp ']"),
    ("c_varchar", "varchar(8)[]", "text", None, "'{abc,NULL,\"\"}'"),
    ("c_char", "char(3)[]", "text", None, "'{a,NULL,abc}'"),
    ("c_name", "name[]", "text", None, "'{pg_catalog,NULL}'"),
    ("c_bytea", "bytea[]", "bytea", None, "ARRAY['\\x00ff'::bytea, NULL, '\\x'::bytea]"),
    ("c_date", "date[]", "date", None, "'{0001-01-01,NULL,9999-12-31,1970-01-01}'"),
    ("c_ts", "timestamp[]", "timestamp", None,
     "'{\"0001-01-01 00:00:00\",NULL,\"9999-12-31 23:59:59.999999\"}'"),
    ("c_tstz", "timestamptz[]", "timestamptz", None,
     "'{\"1970-01-01 00:00:00+00\",NULL,\"2024-03-10 01:59:59.5-05\"}'"),
    ("c_uuid", "uuid[]", "uuid", "e::text", "'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}'"),
    ("c_json", "json[]", "text", "e::text", "ARRAY['{\"b\": 1, \"a\": [1, 2]}'::json, NULL, 'null']"),
    ("c_jsonb", "jsonb[]", "text", "e::text", "ARRAY['{\"b\": 1, \"a\": [1, 2]}'::jsonb, NULL]"),
    ("c_interval", "interval[]", "text", "format('%s', e)",
     "'{\"1 year 2 mons -3 days 04:05:06.5\",NULL}'"),
    ("c_money", "money[]", "text", "e::numeric::text", "'{-1234.56,NULL,0.01}'"),
    ("c_inet", "inet[]", "text", "format('%s', e)", "'{192.168.1.5/24,NULL,::1,10.0.0.1}'"),
    ("c_cidr", "cidr[]", "text", "format('%s', e)", "'{10.0.0.0/8,NULL}'"),
    ("c_macaddr", "macaddr[]", "text", "format('%s', e)", "'{08:00:2b:01:02:03,NULL}'"),
    ("c_macaddr8", "macaddr8[]", "text", "format('%s', e)", "'{08:00:2b:01:02:03:04:05}'"),
    ("c_bit", "bit(4)[]", "text", "format('%s', e)", "'{1010,NULL}'"),
    ("c_varbit", "varbit[]", "text", "format('%s', e)", "'{110,\"\",NULL}'"),
    ("c_xml", "xml[]", "text", "format('%s', e)", "ARRAY['<a>x &amp; y</a>'::xml, NULL]"),
    ("c_lsn", "pg_lsn[]", "text", "format('%s', e)", "'{16/B374D848,NULL,0/0}'"),
    ("c_int4range", "int4range[]", "text", "format('%s', e)", "'{\"[1,10)\",empty,NULL}'"),
    ("c_int8range", "int8range[]", "text", "format('%s', e)", "'{\"(,5]\"}'"),
    ("c_numrange", "numrange[]", "text", "format('%s', e)", "'{\"[1.5,2.25]\",NULL}'"),
    ("c_daterange", "daterange[]", "text", "format('%s', e)", "'{\"[2024-01-01,2024-02-01)\"}'"),
    ("c_tsrange", "tsrange[]", "text", "format('%s', e)", "'{\"[2024-01-01 10:00,)\"}'"),
    ("c_tstzrange", "tstzrange[]", "text", "format('%s', e)",
     "'{\"[2024-01-01 00:00:00+05:30,)\",NULL}'"),
]
# Spark (Iceberg 1.11 runtime) cannot read time columns; DuckDB and PyIceberg read these.
TIME_COLUMNS = [
    ("c_time", "time[]", "time", None, "'{00:00:00,NULL,23:59:59.999999}'"),
    ("c_timetz", "timetz[]", "time", "(e AT TIME ZONE 'UTC')::time",
     "'{12:00:00+05:30,NULL,23:30:00-02:00}'"),
]

# 10 000 elements, about 1 MB for the text list: several data pages hold this one row.
LONG_LISTS = {
    "c_int4": "ARRAY(SELECT CASE WHEN g % 97 = 0 THEN NULL ELSE g END FROM generate_series(1, 10000) g)",
    "c_text": "ARRAY(SELECT repeat(chr(97 + g % 26), g % 200) FROM generate_series(1, 10000) g)",
    "c_numeric": "ARRAY(SELECT round(g / 7.0, 18) FROM generate_series(1, 10000) g)",
    "c_double": "ARRAY(SELECT g / 3.0 FROM generate_series(1, 10000) g)::float8[]",
    "c_tstz": "ARRAY(SELECT '2024-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, 10000) g)",
}
# Many rows of lists of 0 to 6 elements, some of them NULL.
MANY_ROWS = {
    "c_int8": "ARRAY(SELECT CASE WHEN x = 3 THEN NULL ELSE g * x END FROM generate_series(1, g % 7) x)",
    "c_text": "ARRAY(SELECT 'v' || g || '.' || x FROM generate_series(1, g % 5) x)",
    "c_bool": "CASE WHEN g % 11 = 0 THEN NULL ELSE ARRAY[g % 2 = 0, NULL] END",
    "c_num": "ARRAY(SELECT (g * x) / 100.0 FROM generate_series(1, g % 4) x)",
    "c_date": "ARRAY[DATE '2000-01-01' + g]",
}
MANY = 3000


def create(mirror, table, columns, lower_bound_row):
    """Rows 1-3: NULL lists, empty lists, lists with a NULL element; row 4 `lower_bound_row`
    (column, literal): an array with a non-default lower bound, written as its elements."""
    ddl = ", ".join(f"{name} {declared}" for name, declared, *_ in columns)
    mirror.sql(f"CREATE TABLE {table} (id int PRIMARY KEY, {ddl})")
    nulls = ", ".join("NULL" for _ in columns)
    empties = ", ".join("'{}'" for _ in columns)
    with_nulls = ", ".join(c[4] for c in columns)
    column, literal = lower_bound_row
    mirror.sql(f"INSERT INTO {table} VALUES (1, {nulls}), (2, {empties}), (3, {with_nulls})",
               f"INSERT INTO {table} (id, {column}) VALUES (4, {literal})")


def expected_rows(mirror, table, columns):
    """The source rows: arrays as psycopg2 reads them, or element by element through the
    column's SQL (NULL lists and NULL elements kept, in order)."""
    select = []
    for name, _, _, element_sql, _ in columns:
        if element_sql is None:
            select.append(name)
            continue
        select.append(f"CASE WHEN {name} IS NULL THEN NULL ELSE ARRAY(SELECT CASE WHEN e IS NULL "
                      f"THEN NULL ELSE {element_sql} END FROM unnest({name}) WITH ORDINALITY "
                      f"AS u(e, n) ORDER BY n) END")
    conn = mirror.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SET TimeZone = 'UTC'")
            cur.execute("SET IntervalStyle = 'postgres'")
            cur.execute(f"SELECT id, {', '.join(select)} FROM {table}")
            return cur.fetchall()
    finally:
        conn.close()


def normalized(rows, columns):
    element_types = [c[2] for c in columns]
    out = {}
    for row in rows:
        values = []
        for value, element_type in zip(row[1:], element_types):
            values.append(None if value is None else [normalize(e, element_type) for e in value])
        out[row[0]] = values
    return out


def assert_reads(reader, got, expected, columns):
    names, rows = got
    assert names == ["id"] + [c[0] for c in columns], reader
    want, have = normalized(expected, columns), normalized(rows, columns)
    assert sorted(have) == sorted(want), f"{reader}: keys differ"
    for key, values in want.items():
        for column, a, b in zip(columns, values, have[key]):
            assert a == b, f"{reader}: id {key} column {column[0]}: source {a!r:.300}, read {b!r:.300}"


def check(mirror, table, columns, spark=True):
    expected = expected_rows(mirror, table, columns)
    name = table.split(".")[1]
    readers = [("duckdb", mirror.duckdb_rows("public", name)),
               ("pyiceberg", mirror.pyiceberg_rows(("public", name)))]
    if spark:
        readers.append(("spark", mirror.spark_rows("public", name)))
    for reader, got in readers:
        assert_reads(reader, got, expected, columns)
    return len(expected)


@pytest.fixture
def arrays(mirror):
    create(mirror, "public.arr", COLUMNS, ("c_int2", "'[0:2]={7,NULL,8}'"))
    mirror.sql("INSERT INTO public.arr (id, " + ", ".join(LONG_LISTS) + ") VALUES (5, " +
               ", ".join(LONG_LISTS.values()) + ")",
               "INSERT INTO public.arr (id, " + ", ".join(MANY_ROWS) + ") SELECT 100 + g, " +
               ", ".join(MANY_ROWS.values()) + f" FROM generate_series(1, {MANY}) g")
    return mirror


def test_arrays_of_every_mapped_type_read_back_exactly(arrays):
    arrays.snapshot(["public.arr"])
    assert check(arrays, "public.arr", COLUMNS) == 5 + MANY


def test_time_arrays_read_back_exactly(mirror):
    create(mirror, "public.tarr", TIME_COLUMNS, ("c_time", "'[-1:0]={12:00:00,NULL}'"))
    mirror.snapshot(["public.tarr"])
    assert check(mirror, "public.tarr", TIME_COLUMNS, spark=False) == 4


def test_lists_in_the_iceberg_schema_and_parquet_field_ids(arrays):
    arrays.snapshot(["public.arr"])
    table = arrays.pyiceberg_table("public.arr")
    schema = table.schema()
    # Columns are 1..n; element ids follow, in column order.
    n = len(COLUMNS) + 1
    assert [f.field_id for f in schema.fields] == list(range(1, n + 1))
    for i, field in enumerate(schema.fields[1:]):
        assert isinstance(field.field_type, ListType), field.name
        assert field.field_type.element_id == n + 1 + i
        assert not field.field_type.element_required
        assert not field.required
    assert str(schema.find_field("c_num").field_type) == "list<decimal(10, 2)>"
    assert str(schema.find_field("c_oid").field_type) == "list<long>"
    assert str(schema.find_field("c_inet").field_type) == "list<string>"
    assert table.metadata.last_column_id == 2 * n - 1

    key = next(k for k in arrays.list_files() if k.endswith(".parquet"))
    parquet = pq.ParquetFile(io.BytesIO(arrays.read_file(key)))
    arrow_schema = parquet.schema_arrow
    for field in schema.fields[1:]:
        arrow_field = arrow_schema.field(field.name)
        assert pa.types.is_list(arrow_field.type), field.name
        assert int(arrow_field.metadata[b"PARQUET:field_id"]) == field.field_id
        element = arrow_field.type.value_field
        assert element.name == "element"
        assert element.nullable
        assert int(element.metadata[b"PARQUET:field_id"]) == field.field_type.element_id
    # The 3-level layout with LIST annotation on the outer group.
    column = parquet.schema.column(1)  # the leaf of c_bool
    assert column.path == "c_bool.list.element"
    assert column.max_definition_level == 3 and column.max_repetition_level == 1


def test_list_metrics_are_keyed_by_the_element_id_without_bounds(arrays):
    arrays.snapshot(["public.arr"])
    table = arrays.pyiceberg_table("public.arr")
    element_id = table.schema().find_field("c_int2").field_type.element_id
    files = list(table.scan().plan_files())
    assert len(files) == 1
    data_file = files[0].file
    # Rows: a NULL list, an empty list, [-32768, NULL, 32767], [7, NULL, 8], and NULL lists in
    # every other row. Parquet counts an entry per element, NULL list and empty list; its
    # null count takes all but the present elements.
    rows = 5 + MANY
    assert data_file.value_counts[element_id] == rows + 4
    assert data_file.null_value_counts[element_id] == rows
    assert element_id not in (data_file.lower_bounds or {})
    assert element_id not in (data_file.upper_bounds or {})
    assert table.schema().find_field("c_int2").field_id not in data_file.value_counts


def test_multi_dimensional_array_stops_the_snapshot_and_commits_nothing(mirror):
    mirror.sql("CREATE TABLE public.md (id int PRIMARY KEY, grid int[])",
               "INSERT INTO public.md VALUES (1, '{1,2}'), (2, '{{1,2},{3,4}}')")
    result = mirror.run("snapshot", mirror.config(["public.md"]))
    assert result.returncode != 0, result.stderr
    assert ('table public.md, column "grid": array value has 2 dimensions; only '
            'one-dimensional arrays can be stored as an Iceberg list') in result.stderr, result.stderr
    assert mirror.metadata_location("public", "md") is None
    assert [k for k in mirror.list_files() if k.endswith(".parquet")] == []


def test_element_without_an_exact_iceberg_form_is_refused_naming_its_position(mirror):
    mirror.sql("CREATE TABLE public.bad (id int PRIMARY KEY, n numeric[], d date[])",
               "INSERT INTO public.bad VALUES (1, '{1.5, 123456789012345678901}', '{}')")
    result = mirror.run("snapshot", mirror.config(["public.bad"]))
    assert result.returncode != 0
    assert 'table public.bad, column "n"' in result.stderr, result.stderr
    assert "array element 2" in result.stderr, result.stderr
    assert mirror.metadata_location("public", "bad") is None
    mirror.sql("UPDATE public.bad SET n = NULL, d = '{2024-01-01, infinity}'")
    result = mirror.run("snapshot", mirror.config(["public.bad"]))
    assert result.returncode != 0
    assert 'column "d"' in result.stderr and "array element 2" in result.stderr, result.stderr
    assert "infinity" in result.stderr, result.stderr
    assert mirror.metadata_location("public", "bad") is None


def test_arrays_of_enums_domains_and_citext_are_lists_of_their_base_types(mirror):
    mirror.sql("CREATE EXTENSION IF NOT EXISTS citext",
               "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
               "CREATE DOMAIN price AS numeric(10,2) CHECK (VALUE >= 0)",
               "CREATE TABLE public.ud (id int PRIMARY KEY, m mood[], p price[], c citext[])",
               "INSERT INTO public.ud VALUES (1, '{happy,NULL,sad}', '{12.50,NULL,0}', '{MiXeD,NULL}'), "
               "(2, '{}', '{}', '{}'), (3, NULL, NULL, NULL)")
    mirror.snapshot(["public.ud"])
    columns = [("m", "mood[]", "text", "e::text", None), ("p", "price[]", "numeric", "e::numeric", None),
               ("c", "citext[]", "text", "e::text", None)]
    assert check(mirror, "public.ud", columns) == 3
    types = {f.name: str(f.field_type) for f in mirror.pyiceberg_table("public.ud").schema().fields}
    assert types == {"id": "int", "m": "list<string>", "p": "list<decimal(10, 2)>", "c": "list<string>"}
