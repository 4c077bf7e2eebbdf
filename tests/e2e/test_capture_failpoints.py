"""Kills stream-only at the named failpoints (docs/testing.md#failpoints) while a workload runs:
exactly in the crash windows the capture's acknowledgement order exists for (docs/capture.md).
After every kill the coordinator's promise must hold (crash_oracle.check_promise: everything at
or below the recorded flushed_lsn staged exactly once, nothing above it indexed, the slot not
acknowledged past it), plus what the window itself implies; a restart without the failpoint must
then catch up with no gap and no duplicate across the crash, and replaying the staging log must
give the source tables."""
import random
import signal

import pytest

from capture_util import capture_config, wait_captured, wait_until
from crash_oracle import (MIRRORED, Workload, check_promise, check_replay, create_source, oracle_transactions,
                          slot_confirmed, unindexed_segments)
from staging_log import read_segment

ROUNDS = 2  # kills per test, each at a failpoint's N-th hit (N drawn from a seeded random)


def config_of(mirror):
    """Small segments and frequent flushes, so every failpoint is passed many times a second."""
    return capture_config(mirror, list(MIRRORED), **{
        "sink.flush_interval": "100ms", "sink.flush_rows": 700, "sink.flush_bytes": "96KiB",
        "source.logical.transaction_buffer_bytes": "1MiB"})


def run_until_killed(streams, config, name, hit):
    """Runs stream-only with `name` armed to kill at its `hit`-th hit; returns its log once it
    died there."""
    process = streams(config, extra_env={"PG2ICEBERG_FAILPOINTS": f"{name}=kill@{hit}"})
    code = process.wait_exit(timeout=120)
    log = process.log()
    assert code == -signal.SIGKILL, f"stream-only exited with {code} instead of dying at {name}:\n{log}"
    assert f"failpoint {name} fired at hit {hit}" in log, f"no failpoint line in the log:\n{log}"
    return log


def crash_and_recover(mirror, streams, name, check_window):
    """Kills ROUNDS times at `name` under a workload, checking the promise and
    `check_window(state, log, killed=True)` after each kill, then restarts unarmed, checks the
    whole log and calls `check_window(state, log, killed=False)` with the last process's log."""
    oracle_slot = create_source(mirror)
    config = config_of(mirror)
    first = streams(config)
    wait_captured(mirror, first, timeout=60)
    assert first.stop() == 0, first.log()
    workload = Workload(mirror, seed=11)
    workload.start()
    hits = random.Random(name)
    state = {"oracle_slot": oracle_slot}
    try:
        for _ in range(ROUNDS):
            log = run_until_killed(streams, config, name, hits.randint(2, 6))
            state["flushed"], state["covered"] = check_promise(mirror, oracle_slot)
            check_window(state, log, killed=True)
        final = streams(config)
        wait_captured(mirror, final, timeout=120)  # catches up while the workload still writes
    finally:
        workload.finish()
    assert workload.error is None, workload.error
    wait_captured(mirror, final, timeout=120)
    assert final.stop() == 0, final.log()
    check_window(state, final.log(), killed=False)
    total = check_replay(mirror, oracle_slot)
    assert total > state["covered"], "nothing was captured after the last kill"


@pytest.mark.storage("file-sql", "s3-sql")
def test_kill_after_segment_upload_counts_and_keeps_nothing_of_the_segment(mirror, streams):
    def check_window(state, log, killed):
        # The next start deleted what the previous crash left unindexed.
        orphans = unindexed_segments(mirror)
        previous = state.get("orphans", set())
        assert not previous & orphans, f"unindexed segments of an earlier crash were not deleted: {previous & orphans}"
        assert "unindexed staging segment(s) left by a crash" in log or not previous, f"no clean-up logged:\n{log}"
        if not killed:
            assert not orphans, f"unindexed segments after a clean stop: {orphans}"
            return
        # The kill landed between upload and index: the segment exists, complete, and holds only
        # transactions above the recorded flushed_lsn, which therefore are not promised yet.
        assert orphans, "no unindexed segment after a kill at after-segment-upload"
        for key in orphans:
            for block in read_segment(mirror.read_file(key)):
                ends = [change.end_lsn for change in block.changes]
                assert min(ends) > state["flushed"], f"{key} holds a transaction at or below flushed_lsn"
        state["orphans"] = orphans

    crash_and_recover(mirror, streams, "after-segment-upload", check_window)


@pytest.mark.storage("file-sql")
def test_kill_after_index_commit_keeps_what_the_coordinator_recorded(mirror, streams):
    def check_window(state, log, killed):
        if not killed:
            return
        # The coordinator committed, the slot was not told: confirmed_flush_lsn lags, and the
        # transactions in between are promised (and were checked) by flushed_lsn alone.
        confirmed, flushed = slot_confirmed(mirror), state["flushed"]
        assert confirmed < flushed, (f"slot confirmed_flush_lsn {confirmed:X} is not behind flushed_lsn {flushed:X}: "
                                     "the kill was not between commit and acknowledgement")
        between = [end for end, _ in oracle_transactions(mirror, state["oracle_slot"]).values()
                   if confirmed < end <= flushed]
        assert between, f"no source transaction between confirmed_flush_lsn {confirmed:X} and flushed_lsn {flushed:X}"

    crash_and_recover(mirror, streams, "after-index-commit", check_window)


@pytest.mark.storage("file-sql")
def test_kill_after_slot_ack_loses_and_duplicates_nothing(mirror, streams):
    crash_and_recover(mirror, streams, "after-slot-ack", lambda state, log, killed: None)


@pytest.mark.storage("file-sql")
def test_error_after_segment_upload_restarts_the_session_without_its_segment(mirror, streams):
    """The same window, failing instead of dying: the process restarts its session itself, which
    deletes the unindexed segment and stages its transactions again, once."""
    oracle_slot = create_source(mirror)
    config = config_of(mirror)
    workload = Workload(mirror, seed=13)
    process = streams(config, extra_env={"PG2ICEBERG_FAILPOINTS": "after-segment-upload=error@3"})
    wait_captured(mirror, process, timeout=60)
    workload.start()
    try:
        wait_until(lambda: "unindexed staging segment(s) left by a crash" in process.log(), 60,
                   "the session restart", process)
    finally:
        workload.finish()
    assert workload.error is None, workload.error
    wait_captured(mirror, process, timeout=120)
    assert process.stop() == 0, process.log()
    log = process.log()
    assert "failpoint after-segment-upload fired at hit 3" in log and "capture interrupted" in log, log
    assert not unindexed_segments(mirror)
    check_replay(mirror, oracle_slot)
