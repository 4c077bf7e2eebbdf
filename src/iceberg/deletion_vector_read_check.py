#!/usr/bin/env python3
"""Test of the deletion-vector and Puffin readers against CRoaring (ctest:
deletion_vector_pyroaring).

Builds random position sets whose 32-bit bitmaps need array, bitmap and run containers (and
several high keys), serialises each with pyroaring's BitMap64 (CRoaring's portable 64-bit
layout; run_optimize() on some so that run containers appear), frames it as a
deletion-vector-v1 blob (big-endian length, magic D1 D3 39 64, big-endian CRC-32) inside a
Puffin file laid out from the Puffin spec, then runs deletion_vector_dump, which reads the
files with the project's ReadPuffinFooter / ReadPuffinBlob / DeserializeDeletionVector, and
checks that it returns exactly the positions.

  deletion_vector_read_check.py --dump PATH [--seed N] [--files N]
"""
import argparse
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import zlib

from pyroaring import BitMap64

MAGIC = bytes([0xD1, 0xD3, 0x39, 0x64])


def random_positions(rng):
    positions = set()
    for _ in range(rng.randrange(1, 6)):
        base = rng.choice([0, 1 << 16, 5 << 16, (1 << 32), (7 << 32) + (3 << 16), 1 << 40])
        shape = rng.choice(["run", "dense", "sparse"])
        if shape == "run":
            start = base + rng.randrange(60000)
            positions.update(range(start, start + rng.randrange(1, 70000)))
        elif shape == "dense":  # more than 4096 scattered values: a bitmap container
            positions.update(base + v for v in rng.sample(range(65536), rng.randrange(4097, 20000)))
        else:
            positions.update(base + rng.randrange(1 << 18) for _ in range(rng.randrange(1, 300)))
    return sorted(positions)


def dv_blob(positions, optimize):
    bitmap = BitMap64(positions)
    if optimize:
        bitmap.run_optimize()
    vector = MAGIC + bitmap.serialize()
    return struct.pack(">I", len(vector)) + vector + struct.pack(">I", zlib.crc32(vector))


def puffin(blobs):
    """A Puffin file from the spec: magic, blobs, magic, JSON footer, size, flags, magic."""
    out = bytearray(b"PFA1")
    metadata = []
    for name, blob, cardinality in blobs:
        metadata.append({"type": "deletion-vector-v1", "fields": [2147483645],
                         "snapshot-id": -1, "sequence-number": -1, "offset": len(out),
                         "length": len(blob),
                         "properties": {"referenced-data-file": name,
                                        "cardinality": str(cardinality)}})
        out += blob
    payload = json.dumps({"blobs": metadata, "properties": {"created-by": "pyroaring check"}})
    out += b"PFA1" + payload.encode() + struct.pack("<iI", len(payload), 0) + b"PFA1"
    return bytes(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", required=True)
    parser.add_argument("--seed", type=int, default=random.SystemRandom().randrange(1, 2**31))
    parser.add_argument("--files", type=int, default=20)
    args = parser.parse_args()
    print(f"deletion_vector_read_check: seed {args.seed}, {args.files} files", flush=True)
    with tempfile.TemporaryDirectory() as out:
        cases = []
        for k in range(args.files):
            rng = random.Random(args.seed * 1000 + k)
            blobs = []
            for b in range(rng.randrange(1, 4)):
                positions = random_positions(rng)
                name = f"file:///data/{k}-{b}.parquet"
                blobs.append((name, positions, dv_blob(positions, rng.random() < 0.7)))
            path = os.path.join(out, f"dv_{k}.puffin")
            with open(path, "wb") as f:
                f.write(puffin([(n, blob, len(p)) for n, p, blob in blobs]))
            cases.append((path, blobs))
        result = subprocess.run([args.dump] + [c[0] for c in cases], capture_output=True,
                                text=True)
        if result.returncode != 0:
            print(f"FAIL: deletion_vector_dump: {result.stderr}", file=sys.stderr)
            return 1
        lines = result.stdout.splitlines()
        positions_read = 0
        for (path, blobs), line in zip(cases, lines, strict=True):
            dumped = json.loads(line)["blobs"]
            if len(dumped) != len(blobs):
                print(f"FAIL {path}: {len(dumped)} blobs read, {len(blobs)} written",
                      file=sys.stderr)
                return 1
            for (name, positions, _), got in zip(blobs, dumped):
                if got["referenced-data-file"] != name or got["positions"] != positions:
                    print(f"FAIL {path} blob {name}: positions differ (read "
                          f"{len(got['positions'])}, wrote {len(positions)})", file=sys.stderr)
                    return 1
                positions_read += len(positions)
    print(f"deletion_vector_read_check: {args.files} files, {positions_read} positions read "
          "back exactly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
