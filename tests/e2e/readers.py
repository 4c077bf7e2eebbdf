"""Reads mirrored tables back with engines pg2iceberg did not write, and compares them with the
source rows value for value. Postgres itself is the oracle."""
import datetime
import decimal
import math
import struct
import uuid

import duckdb
import duckdb_extensions
from pyiceberg.catalog.sql import SqlCatalog


def source_columns(conn, table):
    """[(name, format_type)] of a source table, in attribute order."""
    with conn.cursor() as cur:
        cur.execute("""SELECT a.attname, format_type(a.atttypid, a.atttypmod)
                       FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attnum > 0
                       AND NOT a.attisdropped ORDER BY a.attnum""", (table,))
        return cur.fetchall()


def source_rows(conn, table):
    """All rows of the source table, json/jsonb as their text (what Iceberg stores)."""
    columns = source_columns(conn, table)
    select = ", ".join(f'"{n}"::text' if t in ("json", "jsonb") else f'"{n}"' for n, t in columns)
    with conn.cursor() as cur:
        cur.execute(f"SELECT {select} FROM {table}")
        return [n for n, _ in columns], [t for _, t in columns], cur.fetchall()


def metadata_location(conn, catalog_name, namespace, table):
    with conn.cursor() as cur:
        cur.execute("""SELECT metadata_location FROM iceberg_tables WHERE catalog_name = %s
                       AND table_namespace = %s AND table_name = %s""",
                    (catalog_name, namespace, table))
        row = cur.fetchone()
        return row[0] if row else None


def duckdb_connection(timezone="UTC"):
    con = duckdb.connect(config={"autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False})
    for name in ("avro", "iceberg"):
        duckdb_extensions.import_extension(name, con=con)
        con.execute(f"LOAD {name}")
    con.execute(f"SET TimeZone = '{timezone}'")
    return con


def duckdb_rows(location, timezone="UTC"):
    con = duckdb_connection(timezone)
    try:
        cur = con.execute(f"SELECT * FROM iceberg_scan('{location}')")
        names = [d[0] for d in cur.description]
        return names, cur.fetchall()
    finally:
        con.close()


def pyiceberg_table(uri, catalog_name, identifier, **properties):
    catalog = SqlCatalog(catalog_name, uri=uri, **properties)
    return catalog.load_table(identifier)


def pyiceberg_rows(uri, catalog_name, identifier, **properties):
    arrow = pyiceberg_table(uri, catalog_name, identifier, **properties).scan().to_arrow()
    names = arrow.column_names
    columns = [arrow.column(i).to_pylist() for i in range(arrow.num_columns)]
    return names, list(zip(*columns)) if columns else []


def normalize(value, pg_type):
    """A comparable form of one value, the same whichever engine produced it."""
    if value is None:
        return None
    if pg_type == "real":
        value = struct.unpack("<f", struct.pack("<f", value))[0]
    if isinstance(value, float):
        if math.isnan(value):
            return ("float", "NaN")
        return ("float", value, math.copysign(1.0, value))
    if isinstance(value, memoryview):
        value = bytes(value)
    if pg_type == "uuid":
        if isinstance(value, bytes):
            return str(uuid.UUID(bytes=value))
        return str(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.timezone.utc)
    if isinstance(value, decimal.Decimal):
        return ("decimal", value)  # Decimal equality ignores trailing zeros; scale is checked by type
    return value


def assert_same_rows(expected, actual, names, types, engine):
    """Rows keyed by the first column; raises AssertionError naming the first difference."""
    assert len(actual) == len(expected), f"{engine}: {len(actual)} rows, source has {len(expected)}"
    def keyed(rows):
        out = {}
        for row in rows:
            key = normalize(row[0], types[0])
            assert key not in out, f"{engine}: duplicate key {key!r}"
            out[key] = row
        return out
    want, got = keyed(expected), keyed(actual)
    for key, source_row in want.items():
        assert key in got, f"{engine}: row with key {key!r} missing"
        for name, pg_type, a, b in zip(names, types, source_row, got[key]):
            na, nb = normalize(a, pg_type), normalize(b, pg_type)
            assert na == nb and type(na) is type(nb), (
                f"{engine}: key {key!r} column {name} ({pg_type}): source {a!r}, read {b!r}")
