"""money under an lc_monetary without two fraction digits (issue 11, money risk).

A money value is a count of the currency's smallest unit; lc_monetary decides how many of its
digits are fraction digits (ja_JP: 0, ar_KW: 3). pg2iceberg assumed two, so ¥1,235 was stored as
12.35. Both the snapshot and capture must store the amount the source's own sessions see: what
`value::numeric` prints there. The locales come from scripts/install.sh (localedef).
"""
import pytest

from capture_util import capture_config, query, staged, wait_captured

pytestmark = pytest.mark.storage("file-sql")

MONEY_OID, MONEY_ARRAY_OID = 790, 791
LOCALES = [("ja_JP.UTF-8", 0), ("ar_KW.UTF-8", 3)]
VALUES = ("(1, 1234.567, '{1.5,-0.001,NULL}'), (2, -0.001, '{}'), (3, 0, NULL), (4, NULL, '{7}'),"
          " (5, 92233720368547.758, NULL)")


def use_locale(mirror, locale):
    try:
        mirror.sql(f'ALTER DATABASE "{mirror.database}" SET lc_monetary = \'{locale}\'')
    except Exception as e:
        pytest.fail(f"locale {locale} is missing ({e}); scripts/install.sh generates it with localedef")
    mirror.sql("CREATE TABLE public.m (id int PRIMARY KEY, amount money, amounts money[])")


def expected_rows(mirror):
    """What the source's own sessions print (a new connection takes the database's lc_monetary)."""
    return query(mirror, "SELECT id, amount::numeric::text,"
                         " CASE WHEN amounts IS NOT NULL THEN ARRAY(SELECT e::numeric::text FROM unnest(amounts) e) END"
                         " FROM public.m ORDER BY id")


@pytest.mark.parametrize("locale,digits", LOCALES)
def test_the_snapshot_stores_money_in_the_sources_currency(mirror, locale, digits):
    use_locale(mirror, locale)
    mirror.sql(f"INSERT INTO public.m VALUES {VALUES}")
    expected = expected_rows(mirror)
    assert expected[0][1] == ("1235" if digits == 0 else "1234.567")
    mirror.snapshot(["public.m"])
    names, rows = mirror.duckdb_rows("public", "m")
    got = sorted((r[names.index("id")], r[names.index("amount")], r[names.index("amounts")]) for r in rows)
    assert got == [tuple(row) for row in expected]
    _, rows = mirror.pyiceberg_rows("public.m")
    assert sorted((r[0], r[1], r[2]) for r in rows) == [tuple(row) for row in expected]


@pytest.mark.parametrize("binary", ["true", "false"])
@pytest.mark.parametrize("locale,digits", LOCALES)
def test_capture_stages_money_in_the_sources_currency(mirror, streams, locale, digits, binary):
    use_locale(mirror, locale)
    process = streams(capture_config(mirror, ["public.m"], **{"source.logical.binary": binary}))
    wait_captured(mirror, process, timeout=60)
    mirror.sql(f"INSERT INTO public.m VALUES {VALUES}")
    wait_captured(mirror, process)
    assert process.stop() == 0, process.log()
    log = staged(mirror)["public.m"]
    got = sorted(tuple(change.new_row) for _, change in log)
    assert got == [tuple(row) for row in expected_rows(mirror)]
    columns = {c.name: (c.type_oid, c.typmod) for c in log[0][1].schema.columns}
    assert columns["amount"] == (MONEY_OID, digits), "the staged schema records the fraction digits"
    assert columns["amounts"] == (MONEY_ARRAY_OID, digits)
