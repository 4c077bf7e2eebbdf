"""A million rows in one table, several data files, compared row for row."""
from readers import assert_same_rows, source_rows

# Rows and target data file size per storage configuration: the full million on file://; a
# quarter of it in smaller files on S3 (moto keeps every object in memory, and each reader holds
# the whole table in Python), still several files compared row for row.
SIZES = {"file-sql": (1_000_000, 4 * 1024 * 1024), "s3-sql": (250_000, 1024 * 1024),
         "s3-rest": (250_000, 1024 * 1024)}


def test_million_rows_across_several_files(mirror):
    rows, target_file_size = SIZES[mirror.storage.name]
    mirror.sql("""CREATE TABLE public.big (id bigint PRIMARY KEY, n int, amount numeric(18, 4),
                  label text, flag boolean, at timestamptz, r double precision)""",
               f"""INSERT INTO public.big SELECT g, ((g::bigint * 7919) % 100000 - 50000)::int,
                   (g * 31) / 10000.0, 'row ' || g || repeat('.', g % 17), g % 3 = 0,
                   timestamptz '2020-01-01 00:00:00+00' + g * interval '1 second',
                   CASE WHEN g % 1000 = 0 THEN NULL ELSE g / 7.0 END
                   FROM generate_series(1, {rows}) g""")
    mirror.snapshot(["public.big"], **{"sink.target_file_size": target_file_size})
    files = [key for key in mirror.list_files() if key.endswith(".parquet")]
    assert len(files) >= 3, f"expected several data files, got {len(files)}"

    conn = mirror.connect()
    names, types, expected = source_rows(conn, "public.big")
    conn.close()
    assert len(expected) == rows
    got_names, got = mirror.duckdb_rows("public", "big")
    assert got_names == names
    assert_same_rows(expected, got, names, types, "duckdb")
    got_names, got = mirror.pyiceberg_rows("public.big")
    assert_same_rows(expected, got, names, types, "pyiceberg")
