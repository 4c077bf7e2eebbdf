"""`cleanup` leaves the Iceberg tables alone unless asked with --drop-iceberg-tables; then each
configured table leaves the catalog and its files leave the warehouse. Runs in every storage
configuration (dropping and deleting differ per catalog and store)."""
import subprocess

import pytest

from conftest import BINARY


def cleanup(mirror, *flags):
    return subprocess.run([BINARY, "cleanup", "--config", mirror.config_path, *flags],
                          capture_output=True, text=True, timeout=120)


def test_cleanup_drops_iceberg_tables_only_when_asked(mirror):
    mirror.sql("CREATE TABLE public.kept (id int PRIMARY KEY, v text)",
               "INSERT INTO public.kept SELECT g, 'v' FROM generate_series(1, 50) g",
               "CREATE TABLE public.never (id int PRIMARY KEY)")
    mirror.snapshot(["public.kept"])
    mirror.write_config(mirror.config(["public.kept", "public.never"]))
    table_files = [f for f in mirror.list_files() if "/kept/" in f or f.startswith("kept/")]
    assert table_files, "the snapshot wrote no files"

    result = cleanup(mirror)
    assert result.returncode == 0, result.stderr
    assert len(mirror.pyiceberg_rows("public.kept")[1]) == 50, "plain cleanup touched the table"

    result = cleanup(mirror, "--drop-iceberg-tables")
    assert result.returncode == 0, result.stderr
    assert "public.never: not in the catalog" in result.stderr, result.stderr
    with pytest.raises(Exception, match="(?i)(no such table|not found|does not exist)"):
        mirror.pyiceberg_table("public.kept")
    assert [f for f in mirror.list_files() if f in table_files] == []
    again = cleanup(mirror, "--drop-iceberg-tables")
    assert again.returncode == 0, "dropping is repeatable: " + again.stderr
