#!/usr/bin/env python3
"""Test of the Parquet reader against pyarrow (ctest: parquet_pyarrow_read).

The opposite direction of parquet_roundtrip_check.py: pyarrow writes random files from random
rows (every type the project's writer emits, NULLs, lists, field ids) with varying options
(codec none/snappy/zstd, dictionary on/off and small dictionary limits so chunks fall back to
PLAIN, data pages v1 and v2, small pages and row groups), then parquet_read_dump reads them
with the project's ParquetReader and the script checks that it returns exactly the rows
pyarrow was given, the columns (types, annotations, nullability, field ids), and that reading
rows by position (ReadRows) agrees. Files outside the reader's subset (another codec, a DELTA
encoding, another logical type, a struct) must be refused with INVALID_ARGUMENT, and
truncations and byte flips of a small pyarrow file (pages v2) must end normally, truncations in
errors.

  parquet_pyarrow_read_check.py --dump PATH [--seed N] [--files N] [--keep DIR]

The seed is printed first; a failure names the file and the options it was written with.
"""
import argparse
import decimal
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

import pyarrow as pa
import pyarrow.parquet as pq

# kind: (arrow type, physical, annotation kind, type_length, precision, scale, utc)
# Physical and annotation numbers are the C++ enums' (column_spec.h).
BOOLEAN, INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY, FIXED = range(7)
NONE, STRING, DATE, TIMESTAMP, TIME, DECIMAL, UUID = range(7)
KINDS = {
    "bool": (pa.bool_(), BOOLEAN, NONE, 0, 0, 0, False),
    "int32": (pa.int32(), INT32, NONE, 0, 0, 0, False),
    "int64": (pa.int64(), INT64, NONE, 0, 0, 0, False),
    "float": (pa.float32(), FLOAT, NONE, 0, 0, 0, False),
    "double": (pa.float64(), DOUBLE, NONE, 0, 0, 0, False),
    "string": (pa.string(), BYTE_ARRAY, STRING, 0, 0, 0, False),
    "binary": (pa.binary(), BYTE_ARRAY, NONE, 0, 0, 0, False),
    "decimal9": (pa.decimal128(9, 2), INT32, DECIMAL, 0, 9, 2, False),
    "decimal18": (pa.decimal128(18, 4), INT64, DECIMAL, 0, 18, 4, False),
    "decimal38": (pa.decimal128(38, 10), FIXED, DECIMAL, 16, 38, 10, False),
    "date": (pa.date32(), INT32, DATE, 0, 0, 0, False),
    "time": (pa.time64("us"), INT64, TIME, 0, 0, 0, False),
    "timestamp": (pa.timestamp("us"), INT64, TIMESTAMP, 0, 0, 0, False),
    "timestamptz": (pa.timestamp("us", tz="UTC"), INT64, TIMESTAMP, 0, 0, 0, True),
    "uuid": (pa.uuid(), FIXED, UUID, 16, 0, 0, False),
    "fixed": (pa.binary(5), FIXED, NONE, 5, 0, 0, False),
}
CODECS = ["NONE", "SNAPPY", "ZSTD"]
decimal.getcontext().prec = 60  # decimal(38) values must not round


class Mismatch(AssertionError):
    pass


def expect(condition, message):
    if not condition:
        raise Mismatch(message)


def random_value(kind, rng, narrow):
    """(value for pyarrow, value as parquet_read_dump prints it)."""
    r = rng.randrange(5) if narrow else rng.getrandbits(64)
    if kind == "bool":
        return bool(r & 1), bool(r & 1)
    if kind in ("int32", "date"):
        v = (r % 2**32) - 2**31 if kind == "int32" else r % 200000 - 100000
        return v, v
    if kind in ("int64", "time", "timestamp", "timestamptz"):
        v = r % 86400000000 if kind == "time" else (r % 2**64) - 2**63
        return v, v
    if kind in ("float", "double"):
        fmt, bits = ("<f", "<I") if kind == "float" else ("<d", "<Q")
        specials = [float("inf"), float("-inf"), float("nan"), 0.0, 1.5]
        if r % 9 == 0:
            v = specials[(r // 9) % len(specials)]
        else:
            v = struct.unpack(fmt, struct.pack("<Q" if kind == "double" else "<I",
                                               r % (2**64 if kind == "double" else 2**32)))[0]
            if v != v or v in (float("inf"), float("-inf")) or v == 0:
                v = 2.0
        return v, struct.unpack(bits, struct.pack(fmt, v))[0]
    if kind in ("string", "binary"):
        raw = bytes(rng.getrandbits(7 if narrow or kind == "string" else 8)
                    for _ in range(r % 30))
        if kind == "string":
            return raw.decode("ascii"), raw.hex()
        return raw, raw.hex()
    if kind.startswith("decimal"):
        precision, scale = KINDS[kind][4], KINDS[kind][5]
        unscaled = (r % (2 * 10**precision - 1)) - (10**precision - 1)
        if kind == "decimal38" and not narrow:
            unscaled = rng.getrandbits(127) % (10**38) * rng.choice([1, -1])
        if narrow:
            unscaled = r
        d = decimal.Decimal(unscaled).scaleb(-scale)
        printed = unscaled if kind != "decimal38" else \
            unscaled.to_bytes(16, "big", signed=True).hex()
        return d, printed
    length = 16 if kind == "uuid" else 5
    raw = bytes((r >> (i % 8)) & 255 if narrow else rng.getrandbits(8) for i in range(length))
    return raw, raw.hex()


def make_columns(rng):
    """[(name, kind, nullable, list_of: None | element_nullable, field_id)]"""
    columns = []
    field_id = 1
    for kind in KINDS:
        columns.append((f"c_{kind}", kind, rng.random() < 0.7, None, field_id))
        field_id += 1
    for kind in ("int64", "string", "bool", "decimal38"):
        columns.append((f"l_{kind}", kind, rng.random() < 0.5, rng.random() < 0.5, field_id))
        field_id += 2
    return columns


def field_meta(field_id):
    return {b"PARQUET:field_id": str(field_id).encode()}


def make_table(columns, rows, rng):
    fields, arrays, expected = [], [], [[] for _ in range(rows)]
    for name, kind, nullable, element_nullable, field_id in columns:
        narrow = rng.random() < 0.5
        arrow_type = KINDS[kind][0]
        values = []
        for row in range(rows):
            if nullable and rng.random() < 0.2:
                values.append(None)
                expected[row].append(None)
            elif element_nullable is None:
                value, printed = random_value(kind, rng, narrow)
                values.append(value)
                expected[row].append(printed)
            else:
                elements, printed = [], []
                for _ in range(rng.randrange(5)):
                    if element_nullable and rng.random() < 0.25:
                        elements.append(None)
                        printed.append(None)
                    else:
                        v, p = random_value(kind, rng, narrow)
                        elements.append(v)
                        printed.append(p)
                values.append(elements)
                expected[row].append(printed)
        if element_nullable is not None:
            element = pa.field("element", arrow_type, nullable=element_nullable,
                               metadata=field_meta(field_id + 1))
            arrow_type = pa.list_(element)
        fields.append(pa.field(name, arrow_type, nullable=nullable, metadata=field_meta(field_id)))
        arrays.append(pa.array(values, type=arrow_type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields)), expected


def expected_columns(columns):
    out = []
    for name, kind, nullable, element_nullable, field_id in columns:
        _, physical, annotation, length, precision, scale, utc = KINDS[kind]
        out.append({
            "name": name, "field_id": field_id, "required": not nullable,
            "physical": physical, "type_length": length,
            "annotation": {"kind": annotation, "utc": utc, "precision": precision, "scale": scale},
            "list": None if element_nullable is None else
            {"field_id": field_id + 1, "required": not element_nullable},
        })
    return out


def write_options(rng):
    return {
        "compression": rng.choice(CODECS),
        "use_dictionary": rng.random() < 0.7,
        "dictionary_pagesize_limit": rng.choice([64, 512, 1 << 20]),
        "data_page_version": rng.choice(["1.0", "2.0"]),
        "data_page_size": rng.choice([128, 1024, 1 << 20]),
        "write_batch_size": rng.choice([16, 64, 1024]),
        "row_group_size": rng.choice([37, 200, 100000]),
        "store_decimal_as_integer": True,
    }


def check_file(dumped, columns, expected_rows):
    expect(dumped["columns"] == expected_columns(columns),
           f"columns differ:\n read {dumped['columns']}\n want {expected_columns(columns)}")
    expect(len(dumped["rows"]) == len(expected_rows),
           f"{len(dumped['rows'])} rows read, {len(expected_rows)} written")
    for i, (got, want) in enumerate(zip(dumped["rows"], expected_rows)):
        for c, (g, w) in enumerate(zip(got, want)):
            expect(g == w, f"row {i} column {columns[c][0]}: read {g!r}, wrote {w!r}")
    sample = dumped["sample"]
    for position, row in zip(sample["positions"], sample["rows"]):
        expect(row == expected_rows[position], f"ReadRows at {position} differs")


# Files outside the reader's subset: each must be refused with INVALID_ARGUMENT naming why.
REFUSALS = [
    ("gzip codec", {"c": pa.array([1, 2], pa.int64())}, {"compression": "GZIP"}, "codec"),
    ("delta encoding", {"c": pa.array([1, 2], pa.int64())},
     {"use_dictionary": False, "column_encoding": {"c": "DELTA_BINARY_PACKED"}}, "encoding"),
    ("int16 logical type", {"c": pa.array([1, 2], pa.int16())}, {}, "logical type"),
    ("struct column", {"c": pa.array([{"x": 1}], pa.struct([("x", pa.int64())]))}, {},
     "3-level list"),
]


def check_refusals(dump, out):
    for name, columns, options, reason in REFUSALS:
        path = os.path.join(out, "refused.parquet")
        pq.write_table(pa.table(columns), path, **options)
        result = subprocess.run([dump, path], capture_output=True, text=True)
        expect(result.returncode == 1 and "INVALID_ARGUMENT" in result.stderr and
               reason in result.stderr, f"{name}: not refused as expected: {result.stderr!r}")


def check_corruptions(dump, out):
    """Truncations and byte flips at every third byte of a small pyarrow file (data pages v2,
    dictionary, lists, snappy) end in an error or in values, never in a crash; truncations
    always fail. (A third of the bytes keeps the test under a minute in the ASan build, whose
    reader is some 50 times slower; parquet_reader_corrupt_test covers every byte of the
    writer's files.)"""
    rng = random.Random(5)
    columns = [("c_int64", "int64", True, None, 1), ("c_string", "string", True, None, 2),
               ("c_bool", "bool", True, None, 3), ("l_int64", "int64", True, True, 4)]
    table, _ = make_table(columns, 20, rng)
    source = os.path.join(out, "corrupt_source.parquet")
    pq.write_table(table, source, compression="SNAPPY", data_page_version="2.0",
                   data_page_size=64, write_batch_size=8, row_group_size=12)
    data = open(source, "rb").read()
    variants, truncated = [], set()
    for size in range(0, len(data), 3):
        variants.append(data[:size])
        truncated.add(len(variants) - 1)
    for at in range(1, len(data), 3):
        flip = 0x01 if at % 2 else 0xFF
        variants.append(data[:at] + bytes([data[at] ^ flip]) + data[at + 1:])
    paths = []
    for i, variant in enumerate(variants):
        paths.append(os.path.join(out, f"corrupt_{i}.parquet"))
        with open(paths[-1], "wb") as f:
            f.write(variant)
    result = subprocess.run([dump, "--status-only"] + paths, capture_output=True, text=True)
    expect(result.returncode == 0, f"parquet_read_dump crashed on corrupt input "
           f"(exit {result.returncode}): {result.stderr[-2000:]}")
    statuses = result.stdout.splitlines()
    expect(len(statuses) == len(paths), "one status per corrupt file")
    for i in truncated:
        expect(statuses[i] != "OK", f"a truncation to {i} bytes was read without error")
    for path in paths:
        os.remove(path)
    return len(paths), sum(s != "OK" for s in statuses)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", required=True)
    parser.add_argument("--seed", type=int,
                        default=int(os.environ.get("PARQUET_READ_SEED", "0")) or
                        random.SystemRandom().randrange(1, 2**31))
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--keep", help="write the files here and keep them")
    args = parser.parse_args()
    print(f"parquet_pyarrow_read_check: seed {args.seed}, {args.files} files "
          f"(replay: --seed {args.seed})", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        out = args.keep or scratch
        os.makedirs(out, exist_ok=True)
        cases = []
        for k in range(args.files):
            rng = random.Random(args.seed * 1000 + k)
            columns = make_columns(rng)
            rows = rng.choice([0, 1, 50, 300, 700])
            table, expected = make_table(columns, rows, rng)
            options = write_options(rng)
            path = os.path.join(out, f"file_{k}.parquet")
            pq.write_table(table, path, **options)
            cases.append((path, columns, expected, options))
        try:
            check_refusals(args.dump, out)
            variants, errors = check_corruptions(args.dump, out)
            print(f"parquet_pyarrow_read_check: {variants} truncated or corrupted files, "
                  f"{errors} errors, no crash", flush=True)
        except Mismatch as e:
            print(f"FAIL {e}", file=sys.stderr)
            return 1
        result = subprocess.run([args.dump] + [c[0] for c in cases], capture_output=True,
                                text=True)
        if result.returncode != 0:
            print(f"FAIL: parquet_read_dump: {result.stderr}", file=sys.stderr)
            return 1
        lines = result.stdout.splitlines()
        expect(len(lines) == len(cases), "one dump per file")
        row_groups = 0
        for (path, columns, expected, options), line in zip(cases, lines):
            dumped = json.loads(line)
            row_groups += dumped["row_groups"]
            try:
                check_file(dumped, columns, expected)
            except Mismatch as e:
                print(f"FAIL {os.path.basename(path)} written with {options}: {e}",
                      file=sys.stderr)
                return 1
    print(f"parquet_pyarrow_read_check: {args.files} files ({row_groups} row groups) read back "
          "exactly")
    seen = {(key, str(options[key])) for _, _, _, options in cases
            for key in ("compression", "use_dictionary", "data_page_version")}
    wanted = {("compression", c) for c in CODECS} | \
        {("use_dictionary", "True"), ("use_dictionary", "False"),
         ("data_page_version", "1.0"), ("data_page_version", "2.0")}
    if args.files >= 20 and not wanted <= seen:
        print(f"FAIL: write options never used: {sorted(wanted - seen)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
