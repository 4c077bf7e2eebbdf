"""SIGKILL at random moments of a streaming run: after every kill, every transaction at or below
the coordinator's recorded flushed_lsn is in the staging log exactly once, nothing above it is
indexed, and the slot's confirmed_flush_lsn is not past it; at the end replaying the staging
log reproduces the source tables value for value (crash_oracle.py). test_capture_failpoints.py
kills at the exact places that matter."""
import random
import time

from capture_util import capture_config, query, wait_captured
from crash_oracle import MIRRORED, Workload, check_promise, check_replay, create_source

# SIGKILL rounds per storage configuration. After each kill the whole staging log is read back
# and checked; from moto that costs several times what it costs from a directory, and the
# workload keeps growing the log meanwhile, so the S3 configurations kill fewer times (the kill
# points are no different on S3; the staging log's S3 path is what they add).
KILLS = {"file-sql": 22, "s3-sql": 6, "s3-rest": 6}


def test_sigkill_at_random_moments_loses_and_duplicates_nothing(mirror, streams):
    oracle_slot = create_source(mirror)
    config = capture_config(mirror, list(MIRRORED), **{
        "sink.flush_interval": "100ms", "sink.flush_rows": 700, "sink.flush_bytes": "96KiB",
        "source.logical.transaction_buffer_bytes": "1MiB"})
    first = streams(config)
    wait_captured(mirror, first, timeout=60)
    assert first.stop() == 0, first.log()

    chaos = random.Random(20261123)
    workload = Workload(mirror, seed=7)
    workload.start()
    checked = []
    try:
        kills = KILLS[mirror.storage.name]
        for kill in range(kills):
            process = streams(config)
            time.sleep(chaos.uniform(0.3, 2.5))
            assert process.running(), f"stream-only exited early (kill {kill}):\n{process.log()}"
            process.kill()
            assert workload.error is None, workload.error
            checked.append(check_promise(mirror, oracle_slot)[1])
    finally:
        workload.finish()
    assert workload.error is None, workload.error
    assert workload.committed > 100

    final = streams(config)
    wait_captured(mirror, final, timeout=180)
    assert final.stop() == 0, final.log()
    total = check_replay(mirror, oracle_slot)
    assert checked[-1] > checked[0], f"kills did not make progress: {checked}"
    print(f"{kills} kills; transactions checked after each: {checked}; final {total}; "
          f"workload committed {workload.committed}")
    query(mirror, "SELECT pg_drop_replication_slot(%s)", oracle_slot)
