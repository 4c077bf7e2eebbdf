#!/usr/bin/env python3
"""Property test of the Parquet writer against pyarrow (ctest: parquet_pyarrow_roundtrip).

Runs parquet_roundtrip_writer, which writes random files plus the values it appended (see its
header), then reads every file with pyarrow and checks that it returns exactly those values,
types, nullability and field ids; that each column chunk's statistics (null_count, min, max)
are the ones the writer's documented orders give for the values of that row group; and, by
walking the page headers, that the chunk's pages, encodings and offsets agree with its
metadata and with the dictionary rules. Across the run it also checks that dictionary-only,
fallback (dictionary then PLAIN) and PLAIN-only chunks all occurred.

  parquet_roundtrip_check.py --writer PATH [--seed N] [--first K] [--files N] [--keep DIR]

The seed is printed first; a failure names the file and how to replay it alone.
"""
import argparse
import json
import math
import os
import random
import struct
import subprocess
import sys
import tempfile
import uuid

import pyarrow as pa
import pyarrow.parquet as pq

INT_KINDS = {"int32", "int64", "decimal9", "decimal18", "date", "time", "timestamp", "timestamptz"}
BYTES_KINDS = {"string", "binary", "uuid", "fixed"}
ARROW_TYPES = {
    "int32": pa.int32(), "int64": pa.int64(), "float": pa.float32(), "double": pa.float64(),
    "bool": pa.bool_(), "string": pa.string(), "binary": pa.binary(),
    "decimal9": pa.decimal128(9, 2), "decimal18": pa.decimal128(18, 4),
    "decimal38": pa.decimal128(38, 10), "date": pa.date32(), "time": pa.time64("us"),
    "timestamp": pa.timestamp("us"), "timestamptz": pa.timestamp("us", tz="UTC"),
    "uuid": pa.binary(16), "fixed": pa.binary(5),
}
CODECS = {"none": "UNCOMPRESSED", "snappy": "SNAPPY", "zstd": "ZSTD"}
DATA_PAGE, DICTIONARY_PAGE = 0, 2
PLAIN, RLE_DICTIONARY = 0, 8


class Mismatch(AssertionError):
    pass


def expect(condition, message):
    if not condition:
        raise Mismatch(message)


# --- values in the writer's JSON form (see parquet_roundtrip_writer.cc) ---------------------

def unscaled(d, scale):
    sign, digits, exponent = d.as_tuple()
    value = int("".join(map(str, digits)) or "0") * 10 ** (exponent + scale)
    return -value if sign else value


def canonical_expected(kind, v):
    if v is None:
        return None
    if kind == "decimal38":
        return int.from_bytes(bytes.fromhex(v), "big", signed=True)
    return v


def canonical_read(kind, column):
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if kind in ("date", "int32"):
        return array.view(pa.int32()).to_pylist()
    if kind in ("time", "timestamp", "timestamptz", "int64"):
        return array.view(pa.int64()).to_pylist()
    if kind == "float":
        return array.view(pa.uint32()).to_pylist()
    if kind == "double":
        return array.view(pa.uint64()).to_pylist()
    if kind.startswith("decimal"):
        return [None if d is None else unscaled(d, array.type.scale) for d in array.to_pylist()]
    if kind == "bool":
        return array.to_pylist()
    out = []
    for v in array.to_pylist():
        if isinstance(v, str):
            v = v.encode()
        elif isinstance(v, uuid.UUID):
            v = v.bytes
        out.append(None if v is None else v.hex())
    return out


# --- statistics the writer should have written for a slice of values -----------------------

def physical(kind, v):
    """A JSON value as the ordered physical value min_raw/max_raw return."""
    if kind == "float":
        return struct.unpack("<f", struct.pack("<I", v))[0]
    if kind == "double":
        return struct.unpack("<d", struct.pack("<Q", v))[0]
    if kind in BYTES_KINDS:
        return bytes.fromhex(v)
    return canonical_expected(kind, v)  # ints, bools, decimal38 as a signed int


def expected_bounds(kind, values):
    ordered = [physical(kind, v) for v in values if v is not None]
    if kind in ("float", "double"):
        ordered = [v for v in ordered if not math.isnan(v)]
    if not ordered:
        return None
    low, high = min(ordered), max(ordered)
    if kind in ("float", "double"):
        low = -0.0 if low == 0 else low
        high = 0.0 if high == 0 else high
    return low, high


def raw_bound(kind, raw):
    if kind == "decimal38":
        return int.from_bytes(raw, "big", signed=True)
    return raw


def same(kind, a, b):
    if kind in ("float", "double"):
        fmt = "<f" if kind == "float" else "<d"
        return struct.pack(fmt, a) == struct.pack(fmt, b)
    return a == b


# --- page headers (Thrift compact protocol; only i32/i64/bool/struct fields occur) ----------

def read_varint(data, pos):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def read_struct(data, pos, prefix, fields):
    field_id = 0
    while True:
        header = data[pos]
        pos += 1
        if header == 0:
            return pos
        kind = header & 0x0F
        expect(header >> 4 != 0, "unexpected long-form field header in a page header")
        field_id += header >> 4
        path = prefix + (field_id,)
        if kind in (5, 6):
            raw, pos = read_varint(data, pos)
            fields[path] = (raw >> 1) ^ -(raw & 1)
        elif kind == 12:
            pos = read_struct(data, pos, path, fields)
        elif kind not in (1, 2):
            raise Mismatch(f"unexpected thrift type {kind} in a page header")


def walk_pages(data, start, end):
    pages, pos = [], start
    while pos < end:
        fields = {}
        body = read_struct(data, pos, (), fields)
        page = {
            "offset": pos, "type": fields[(1,)],
            "num_values": fields.get((5, 1), fields.get((7, 1))),
            "encoding": fields.get((5, 2), fields.get((7, 2))),
        }
        pages.append(page)
        pos = body + fields[(3,)]
    expect(pos == end, f"pages end at {pos}, the chunk at {end}")
    return pages


# --- one file ----------------------------------------------------------------------------------

def check_chunk(data, meta, column, rg_index, col_index, values, coverage):
    kind, name = column["kind"], column["name"]
    where = f"row group {rg_index} column {name}"
    chunk = meta.row_group(rg_index).column(col_index)
    stats = chunk.statistics
    expect(stats is not None and stats.has_null_count, f"{where}: no statistics")
    expect(stats.null_count == sum(v is None for v in values),
           f"{where}: null_count {stats.null_count}")
    bounds = expected_bounds(kind, values)
    expect(stats.has_min_max == (bounds is not None), f"{where}: has_min_max {stats.has_min_max}")
    if bounds is not None:
        low, high = raw_bound(kind, stats.min_raw), raw_bound(kind, stats.max_raw)
        expect(same(kind, low, bounds[0]), f"{where}: min {low!r}, expected {bounds[0]!r}")
        expect(same(kind, high, bounds[1]), f"{where}: max {high!r}, expected {bounds[1]!r}")

    start = chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
    pages = walk_pages(data, start, start + chunk.total_compressed_size)
    dictionary = [p for p in pages if p["type"] == DICTIONARY_PAGE]
    data_pages = [p for p in pages if p["type"] == DATA_PAGE]
    expect(len(dictionary) + len(data_pages) == len(pages), f"{where}: unknown page type")
    expect(sum(p["num_values"] for p in data_pages) == len(values), f"{where}: value count")
    indexed = sum(p["encoding"] == RLE_DICTIONARY for p in data_pages)
    plain = sum(p["encoding"] == PLAIN for p in data_pages)
    expect(indexed + plain == len(data_pages), f"{where}: unexpected data page encoding")
    expect(chunk.has_dictionary_page == bool(indexed), f"{where}: dictionary page without use")
    if dictionary:
        expect(len(dictionary) == 1 and pages[0] is dictionary[0], f"{where}: dictionary page")
        expect(dictionary[0]["encoding"] == PLAIN, f"{where}: dictionary page encoding")
        expect(chunk.dictionary_page_offset == pages[0]["offset"], f"{where}: dictionary offset")
    expect(chunk.data_page_offset == data_pages[0]["offset"], f"{where}: data_page_offset")
    encodings = {"PLAIN"} | ({"RLE"} if not column["required"] else set())
    encodings |= {"RLE_DICTIONARY"} if indexed else set()
    expect(set(chunk.encodings) == encodings, f"{where}: encodings {chunk.encodings}")
    has_values = any(v is not None for v in values)
    if kind != "bool" and has_values:
        coverage["fallback" if indexed and plain else "dictionary" if indexed else "plain"] += 1
    expect(not (indexed and kind == "bool"), f"{where}: BOOLEAN dictionary-encoded")
    return indexed


def check_file(parquet_path, expected):
    data = open(parquet_path, "rb").read()
    parquet = pq.ParquetFile(parquet_path)
    meta = parquet.metadata
    expect(meta.num_rows == expected["rows"], f"num_rows {meta.num_rows}")
    table = parquet.read()
    columns = expected["columns"]
    expect(table.column_names == [c["name"] for c in columns], f"columns {table.column_names}")
    for index, column in enumerate(columns):
        kind, field = column["kind"], table.schema.field(index)
        types = [ARROW_TYPES[kind]]
        if kind == "uuid" and hasattr(pa, "uuid"):
            types.append(pa.uuid())  # pyarrow >= 18 reads the UUID annotation as arrow.uuid
        expect(field.type in types, f"{column['name']}: type {field.type}")
        expect(field.nullable == (not column["required"]), f"{column['name']}: nullability")
        field_id = (field.metadata or {}).get(b"PARQUET:field_id")
        expect(field_id == str(column["field_id"]).encode(), f"{column['name']}: field id {field_id}")
        got = canonical_read(kind, table.column(index))
        want = [canonical_expected(kind, v) for v in column["values"]]
        if got != want:
            row = next(i for i, (a, b) in enumerate(zip(got, want)) if a != b) if len(got) == len(
                want) else "count"
            raise Mismatch(f"{column['name']}: values differ at row {row}: "
                           f"{got[row] if row != 'count' else len(got)!r} vs "
                           f"{want[row] if row != 'count' else len(want)!r}")
    coverage = {"dictionary": 0, "fallback": 0, "plain": 0}
    row = 0
    for rg_index in range(meta.num_row_groups):
        rows = meta.row_group(rg_index).num_rows
        for col_index, column in enumerate(columns):
            chunk = meta.row_group(rg_index).column(col_index)
            expect(chunk.compression == CODECS[expected["codec"]], f"codec {chunk.compression}")
            indexed = check_chunk(data, meta, column, rg_index, col_index,
                                  column["values"][row:row + rows], coverage)
            expect(expected["dictionary_enabled"] or not indexed, "dictionary while disabled")
        row += rows
    expect(row == expected["rows"], "row groups do not cover the rows")
    return coverage


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writer", required=True)
    parser.add_argument("--seed", type=int,
                        default=int(os.environ.get("PARQUET_ROUNDTRIP_SEED", "0")) or
                        random.SystemRandom().randrange(1, 2**31))
    parser.add_argument("--first", type=int, default=0, help="index of the first file")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--keep", help="write the files here and keep them")
    args = parser.parse_args()
    print(f"parquet_roundtrip_check: seed {args.seed}, {args.files} files "
          f"(replay: --seed {args.seed} or PARQUET_ROUNDTRIP_SEED={args.seed})", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        out = args.keep or scratch
        os.makedirs(out, exist_ok=True)
        subprocess.run([args.writer, out, str(args.seed), str(args.first), str(args.files)],
                       check=True)
        totals = {"dictionary": 0, "fallback": 0, "plain": 0}
        for k in range(args.first, args.first + args.files):
            base = os.path.join(out, f"file_{k}")
            with open(base + ".json") as f:
                expected = json.load(f)
            try:
                coverage = check_file(base + ".parquet", expected)
            except Mismatch as e:
                print(f"FAIL file_{k} (replay alone with --seed {args.seed} --first {k} "
                      f"--files 1 --keep DIR): {e}", file=sys.stderr)
                return 1
            for key in totals:
                totals[key] += coverage[key]
    print(f"parquet_roundtrip_check: {args.files} files match; chunks by value encoding: "
          f"{totals}")
    if args.files >= 50 and min(totals.values()) == 0:
        print(f"FAIL: a value-encoding path was never taken: {totals}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
