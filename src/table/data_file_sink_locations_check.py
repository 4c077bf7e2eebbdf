#!/usr/bin/env python3
"""Checks DataFileSink's row locations with pyarrow (ctest: data_file_sink_pyarrow_locations).

Runs data_file_sink_locations_writer, which appends rows to a partitioned sink with small files
and prints every row with the (file, position) Append reported, then reads every closed file
with pyarrow and checks: each file's reported positions are exactly 0 .. num_rows - 1; the row
at each reported position is the appended row; every row of a file belongs to its partition;
files were rolled by size (a partition has several files) and closed for room (more files were
opened than the sink may hold open).

  data_file_sink_locations_check.py --writer PATH [--seed N] [--rows N]
"""
import argparse
import collections
import decimal
import json
import subprocess
import sys
import tempfile

import pyarrow.parquet as pq


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--writer", required=True)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--rows", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pg2i-sink-locations-") as out_dir:
        run = subprocess.run([args.writer, out_dir, str(args.seed), str(args.rows)],
                             capture_output=True, text=True, timeout=300, check=False)
        if run.returncode != 0:
            sys.exit(f"writer failed ({run.returncode}): {run.stderr}")
        report = json.loads(run.stdout)
        check(report, args.rows)
    print(f"ok: {args.rows} rows in {len(report['files'])} files (seed {args.seed})")


def check(report, row_count):
    rows = report["rows"]
    assert len(rows) == row_count, f"{len(rows)} rows reported, {row_count} appended"
    by_file = collections.defaultdict(list)
    for row in rows:
        by_file[row["file"]].append(row)
    assert sorted(by_file) == list(range(len(report["files"]))), "file numbers not dense"
    large_files_per_partition = collections.Counter()  # files of >= 100 rows
    for number, reported in by_file.items():
        path = report["files"][str(number)].removeprefix("file://")
        table = pq.read_table(path).to_pylist()
        positions = [row["position"] for row in reported]
        assert positions == list(range(len(table))), \
            f"file {number}: positions {positions[:10]}… for {len(table)} rows"
        for row in reported:
            read = table[row["position"]]
            expected = {"id": row["id"], "k": row["k"], "name": row["name"],
                        "amount": decimal.Decimal(row["amount"]).scaleb(-2)}
            assert read == expected, f"file {number} position {row['position']}: {read} != {expected}"
        partitions = {row["k"] for row in reported}
        assert len(partitions) == 1, f"file {number} holds partitions {partitions}"
        if len(table) >= 100:
            large_files_per_partition[partitions.pop()] += 1
    assert max(large_files_per_partition.values(), default=0) > 1, \
        "no partition rolled by size to a second file"
    assert len(by_file) > 2 * len(large_files_per_partition) + 5, "no file was closed for room"


if __name__ == "__main__":
    main()
