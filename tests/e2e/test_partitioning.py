"""Partitioned tables (tables[].iceberg.partition): every transform over the types it takes,
with NULL and pre-1970 sources, read back by DuckDB, PyIceberg and Spark in every storage
configuration; the partition values of each data file recomputed independently with PyIceberg's
transforms; and partition pruning on a filter."""
import datetime
import decimal
import io
import uuid

import pyarrow.parquet as pq
import pytest
from pyiceberg.expressions import EqualTo, GreaterThanOrEqual
from pyiceberg.transforms import parse_transform

from readers import assert_same_rows, source_rows
from test_snapshot_types import check_table

TABLE = """
CREATE TABLE public.parted (
  id integer PRIMARY KEY, grp integer, n bigint, name text, region text, d date,
  ts timestamp, tstz timestamptz, u uuid, amount numeric(10, 2)
)"""

# (entry, field name, transform as the spec writes it, source column)
PARTITION = [
    ("region", "region", "identity", "region"),
    ("grp", "grp", "identity", "grp"),
    ("identity(d)", "d", "identity", "d"),
    ("bucket[4](id)", "id_bucket", "bucket[4]", "id"),
    ("Bucket[3]( n )", "n_bucket", "bucket[3]", "n"),
    ("bucket[5](name)", "name_bucket", "bucket[5]", "name"),
    ("bucket[2](u)", "u_bucket", "bucket[2]", "u"),
    ("bucket[3](amount)", "amount_bucket", "bucket[3]", "amount"),
    ("truncate[10](id)", "id_trunc", "truncate[10]", "id"),
    ("truncate[2](name)", "name_trunc", "truncate[2]", "name"),
    ("truncate[100](amount)", "amount_trunc", "truncate[100]", "amount"),
    ("year(ts)", "ts_year", "year", "ts"),
    ("month(ts)", "ts_month", "month", "ts"),
    ("day(ts)", "ts_day", "day", "ts"),
    ("hour(ts)", "ts_hour", "hour", "ts"),
    ("year(tstz)", "tstz_year", "year", "tstz"),
    ("month(tstz)", "tstz_month", "month", "tstz"),
    ("day(tstz)", "tstz_day", "day", "tstz"),
    ("hour(tstz)", "tstz_hour", "hour", "tstz"),
    ("year(d)", "d_year", "year", "d"),
    ("month(d)", "d_month", "month", "d"),
    ("day(d)", "d_day", "day", "d"),
]

NAMES = ["ąćęł", "iceberg", "a b/c=d", "日本語テキスト", "x"]
REGIONS = ["eu", "us", "ap"]
EPOCH = datetime.datetime(1970, 1, 1)


def row(i):
    """Row i: every partition source NULL in some rows, dates and times on both sides of 1970."""
    def unless(divisor, value):
        return None if i % divisor == 0 else value
    return (i, unless(7, i % 3), unless(5, (i - 12) * 10**12), unless(6, NAMES[i % 5]),
            unless(8, REGIONS[i % 3]), unless(9, datetime.date(1969, 12, 31) + datetime.timedelta(days=(i - 12) * 40)),
            unless(10, datetime.datetime(1969, 12, 31, 23, 30) + datetime.timedelta(hours=(i - 12) * 7, microseconds=i)),
            unless(11, datetime.datetime(1969, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc)
                   + datetime.timedelta(days=(i - 12) * 33, minutes=i)),
            unless(12, str(uuid.UUID(int=i * 0x1234567890ABCDEF1234567))),
            unless(13, (decimal.Decimal(i - 12) * decimal.Decimal("13.37")).quantize(decimal.Decimal("0.01"))))


ROW_COUNT = 26


@pytest.fixture
def parted(mirror):
    mirror.sql(TABLE)
    conn = mirror.connect()
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO public.parted VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        [row(i) for i in range(1, ROW_COUNT + 1)])
    conn.commit()
    conn.close()
    return mirror


def snapshot_parted(mirror, entries=None):
    return mirror.snapshot([{"name": "public.parted",
                             "iceberg": {"partition": entries or [p[0] for p in PARTITION]}}])


def internal(value):
    """A source value as PyIceberg's transforms take it (days, microseconds, UUID)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        delta = value - EPOCH
        return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(value, datetime.date):
        return (value - EPOCH.date()).days
    if isinstance(value, bytes) and len(value) == 16:
        return uuid.UUID(bytes=value)
    return value


def comparable(value):
    """A partition value as PyIceberg reads it from a manifest, in the form `internal` gives."""
    if isinstance(value, (datetime.date, datetime.datetime, bytes)):
        return internal(value)
    return value


def test_every_transform_is_read_back_by_every_reader(parted):
    snapshot_parted(parted)
    assert check_table(parted, "public.parted") == ROW_COUNT


def test_spec_and_file_partition_values_match_pyiceberg_transforms(parted):
    snapshot_parted(parted)
    table = parted.pyiceberg_table("public.parted")
    schema = table.schema()
    spec = table.spec()
    assert [(f.name, str(f.transform), schema.find_column_name(f.source_id), f.field_id) for f in spec.fields] == [
        (name, transform, column, 1000 + i) for i, (_, name, transform, column) in enumerate(PARTITION)]
    assert table.metadata.last_partition_id == 1000 + len(PARTITION) - 1
    transforms = [(parse_transform(f.transform if isinstance(f.transform, str) else str(f.transform)),
                   schema.find_field(f.source_id)) for f in spec.fields]
    tasks = list(table.scan().plan_files())
    assert sum(t.file.record_count for t in tasks) == ROW_COUNT
    partitions = {tuple(t.file.partition[i] for i in range(len(spec.fields))) for t in tasks}
    assert table.current_snapshot().summary["changed-partition-count"] == str(len(partitions))
    prefix = parted.warehouse + "/"
    for task in tasks:
        data_file = task.file
        path = data_file.file_path
        assert path.startswith(prefix + "public/parted/data/region=")
        rows = pq.read_table(io.BytesIO(parted.read_file(path[len(prefix):]))).to_pylist()
        assert rows
        recorded = [comparable(data_file.partition[i]) for i in range(len(spec.fields))]
        for source_row in rows:
            expected = []
            for transform, field in transforms:
                value = source_row[field.name]
                expected.append(None if value is None else transform.transform(field.field_type)(internal(value)))
            assert recorded == expected, f"{path}: {source_row}"


def test_partition_path_uses_the_spec_form(parted):
    snapshot_parted(parted, ["day(ts)", "bucket[4](id)", "region", "truncate[2](name)"])
    files = [k for k in parted.list_files("public/parted/data/") if k.endswith(".parquet")]
    directories = {k.rsplit("/", 1)[0][len("public/parted/data/"):] for k in files}
    # Row 1: ts 1969-12-31 23:30 - 77 h, id 1 (bucket 0 per PyIceberg), region us, name "iceberg".
    day = (datetime.datetime(1969, 12, 31, 23, 30) + datetime.timedelta(hours=-77, microseconds=1)).date()
    bucket = parse_transform("bucket[4]").transform(table_int_type())(1)
    assert f"ts_day={day.isoformat()}/id_bucket={bucket}/region=us/name_trunc=ic" in directories
    # NULL sources are written as null; escaped values as Java's URLEncoder does.
    assert any("/region=null/" in d for d in directories), directories
    assert any(d.endswith("name_trunc=a+") for d in directories), directories
    assert any("ts_day=null" in d for d in directories), directories


def table_int_type():
    from pyiceberg.types import IntegerType
    return IntegerType()


def test_filter_on_a_partition_column_prunes_files(parted):
    snapshot_parted(parted)
    table = parted.pyiceberg_table("public.parted")
    all_files = list(table.scan().plan_files())
    conn = parted.connect()
    names, types, _ = source_rows(conn, "public.parted")
    for row_filter, where in [(EqualTo("region", "eu"), "region = 'eu'"),
                              (GreaterThanOrEqual("ts", "1970-01-01T00:00:00"), "ts >= '1970-01-01'")]:
        scan = table.scan(row_filter=row_filter)
        assert 0 < len(list(scan.plan_files())) < len(all_files), where
        with conn.cursor() as cur:
            cur.execute(f"SELECT * FROM public.parted WHERE {where}")
            expected = cur.fetchall()
        arrow = scan.to_arrow()
        got = list(zip(*[c.to_pylist() for c in arrow.columns]))
        assert_same_rows(expected, got, names, types, f"pyiceberg({where})")
    conn.close()


def test_snapshot_again_replaces_the_partitioned_files(parted):
    snapshot_parted(parted)
    parted.sql("DELETE FROM public.parted WHERE id > 20")
    snapshot_parted(parted)
    assert check_table(parted, "public.parted") == 20


def test_changed_partitioning_of_an_existing_table_is_refused(parted):
    snapshot_parted(parted, ["region"])
    before = parted.metadata_location("public", "parted")
    result = parted.run("snapshot", parted.config([{"name": "public.parted",
                                                    "iceberg": {"partition": ["day(ts)"]}}]))
    assert result.returncode != 0
    assert "partition spec evolution is not supported" in result.stderr, result.stderr
    assert "region=identity" in result.stderr and "ts_day=day" in result.stderr, result.stderr
    assert parted.metadata_location("public", "parted") == before
    result = parted.run("snapshot", parted.config(["public.parted"]))
    assert result.returncode != 0
    assert "partition spec evolution is not supported" in result.stderr, result.stderr


def test_many_partitions_with_few_open_files(mirror):
    """More partitions than files kept open at once (64): files are closed and reopened, and
    every row is still read back."""
    mirror.sql("CREATE TABLE public.wide (id integer PRIMARY KEY, k integer)",
               "INSERT INTO public.wide SELECT g, g % 100 FROM generate_series(1, 2000) g")
    mirror.snapshot([{"name": "public.wide", "iceberg": {"partition": ["k"]}}])
    assert check_table(mirror, "public.wide") == 2000
    table = mirror.pyiceberg_table("public.wide")
    tasks = list(table.scan(row_filter=EqualTo("k", 7)).plan_files())
    assert tasks and all(t.file.partition[0] == 7 for t in tasks)
