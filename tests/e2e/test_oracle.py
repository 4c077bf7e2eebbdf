"""The comparison itself must be able to fail: one changed value is caught by every reader, in
every storage configuration."""
import pytest

from readers import assert_same_rows, source_rows


@pytest.mark.parametrize("change", [
    "UPDATE public.o SET v = 'changed' WHERE id = 500",
    "UPDATE public.o SET x = x + 0.001 WHERE id = 17",
    "UPDATE public.o SET t = t + interval '1 microsecond' WHERE id = 999",
    "DELETE FROM public.o WHERE id = 3",
    "INSERT INTO public.o VALUES (1001, 'extra', 1.0, now())",
])
def test_one_differing_value_fails_the_comparison(mirror, change):
    mirror.sql("CREATE TABLE public.o (id int PRIMARY KEY, v text, x double precision, t timestamp)",
               "INSERT INTO public.o SELECT g, 'v' || g, g / 3.0, '2024-01-01'::timestamp + g * interval '1 hour' "
               "FROM generate_series(1, 1000) g")
    mirror.snapshot(["public.o"])
    conn = mirror.connect()
    names, types, before = source_rows(conn, "public.o")
    conn.close()
    mirror.sql(change)
    conn = mirror.connect()
    _, _, expected = source_rows(conn, "public.o")
    conn.close()
    for engine, (_, got) in [("duckdb", mirror.duckdb_rows("public", "o")),
                             ("pyiceberg", mirror.pyiceberg_rows("public.o")),
                             ("spark", mirror.spark_rows("public", "o"))]:
        assert_same_rows(before, got, names, types, engine)  # what was mirrored matches
        with pytest.raises(AssertionError):
            assert_same_rows(expected, got, names, types, engine)
