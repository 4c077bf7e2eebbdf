"""Running `pg2iceberg stream-only` in e2e tests: start it, wait for it, stop or kill it, and
clean up the replication slots a test created."""
import os
import signal
import subprocess
import tempfile
import time

from conftest import BINARY

COORDINATOR = "_pg2iceberg"


def capture_config(mirror, tables, **overrides):
    """A config for stream-only: short standby interval and flush interval so tests run fast."""
    settings = {
        "source.logical.standby_interval": "1s",
        "source.logical.slot_name": f"slot_{mirror.database}",
        "source.logical.publication_name": f"pub_{mirror.database}",
        "source.logical.spill_dir": os.path.join(mirror.workdir, "spill"),
        "sink.flush_interval": "200ms",
    }
    settings.update(overrides)
    return mirror.config(tables, **settings)


class StreamProcess:
    """One long-running `pg2iceberg` process (`stream-only` unless `subcommand` says otherwise);
    stderr goes to a file read by `log()`."""

    def __init__(self, mirror, config, extra_env=None, subcommand="stream-only"):
        self.mirror = mirror
        self.subcommand = subcommand
        path = mirror.write_config(config)
        self.log_file = tempfile.NamedTemporaryFile(prefix=subcommand + "-", suffix=".log", delete=False)
        self.process = subprocess.Popen([BINARY, subcommand, "--config", path], stdout=self.log_file,
                                        stderr=subprocess.STDOUT, env=dict(os.environ, **(extra_env or {})))

    def log(self):
        with open(self.log_file.name, errors="replace") as f:
            return f.read()

    def running(self):
        return self.process.poll() is None

    def stop(self, timeout=60):
        """SIGTERM, then wait; returns the exit code."""
        if self.running():
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
            raise AssertionError("%s did not stop within %ss after SIGTERM:\n%s" % (self.subcommand, timeout, self.log()))

    def kill(self):
        if self.running():
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def wait_exit(self, timeout=60):
        """Waits for the process to exit by itself; returns the exit code."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("%s still running after %ss:\n%s" % (self.subcommand, timeout, self.log()))

    def close(self):
        self.kill()
        os.unlink(self.log_file.name)


def query(mirror, sql, *params):
    conn = mirror.connect()
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def lsn_int(text):
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def current_wal_lsn(mirror):
    return lsn_int(query(mirror, "SELECT pg_current_wal_lsn()::text")[0][0])


def flushed_lsn(mirror, group="default"):
    rows = query(mirror, f"SELECT to_regclass('{COORDINATOR}.capture') IS NOT NULL")
    if not rows[0][0]:
        return 0
    rows = query(mirror, f"SELECT flushed_lsn::text FROM {COORDINATOR}.capture WHERE group_name = %s", group)
    return lsn_int(rows[0][0]) if rows else 0


def slot_confirmed_lsn(mirror, slot):
    rows = query(mirror, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = %s", slot)
    return lsn_int(rows[0][0]) if rows and rows[0][0] else 0


def wait_until(predicate, timeout, what, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if process is not None and not process.running():
            raise AssertionError(f"{process.subcommand} exited ({process.process.returncode}) while waiting for {what}:\n"
                                 + process.log())
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}"
                         + (":\n" + process.log() if process is not None else ""))


def wait_captured(mirror, process, lsn=None, timeout=120):
    """Waits until the coordinator's flushed LSN reaches `lsn` (default: the WAL position now)."""
    target = current_wal_lsn(mirror) if lsn is None else lsn
    wait_until(lambda: flushed_lsn(mirror) >= target, timeout, f"flushed_lsn >= {target:X}", process)


def wait_slot_created(mirror, process, timeout=60):
    wait_until(lambda: flushed_lsn(mirror) > 0, timeout, "capture state", process)


def drop_slots(mirror):
    """Drops every replication slot of the test's database (terminating walsenders that hold one)."""
    rows = query(mirror, "SELECT slot_name, active_pid FROM pg_replication_slots WHERE database = %s",
                 mirror.database)
    for slot, pid in rows or []:
        if pid is not None:
            query(mirror, "SELECT pg_terminate_backend(%s)", pid)
        for _ in range(100):
            try:
                query(mirror, "SELECT pg_drop_replication_slot(%s)", slot)
                break
            except Exception:  # still active for a moment after the terminate
                time.sleep(0.1)


def staged(mirror, group="default"):
    """The group's staging log, read by tests/e2e/staging_log.py from the warehouse (a directory
    or a bucket): {"schema.table": [(offset, change)]}."""
    from staging_log import staged_changes

    conn = mirror.connect()
    try:
        return staged_changes(conn, mirror.read_file, group=group)
    finally:
        conn.close()


# --- shared by the guard tests ------------------------------------------------------------------

STARTUP_TIMEOUT = 60  # s for a refused start-up to exit
RUNNING_TIMEOUT = 30  # s for a running capture to notice a broken guard and exit


def slot_of(config):
    return config["source"]["logical"]["slot_name"]


def publication_of(config):
    return config["source"]["logical"]["publication_name"]


def wait_slot_inactive(mirror, slot, timeout=30):
    """A walsender releases its slot a moment after its client has gone."""
    def inactive():
        rows = query(mirror, "SELECT active FROM pg_replication_slots WHERE slot_name = %s", slot)
        return not rows or not rows[0][0]
    wait_until(inactive, timeout, f"slot {slot} to be released")


def refused_start(streams, config):
    """Starts capture on broken state; it must exit 1 by itself. Returns its output."""
    process = streams(config)
    code = process.wait_exit(STARTUP_TIMEOUT)
    output = process.log()
    assert code == 1, f"expected exit 1, got {code}:\n{output}"
    return output


def exits_while_running(process):
    code = process.wait_exit(RUNNING_TIMEOUT)
    output = process.log()
    assert code == 1, f"expected exit 1 while running, got {code}:\n{output}"
    return output


def assert_says(output, *phrases):
    for phrase in phrases:
        assert phrase in output, f"expected {phrase!r} in the output:\n{output}"
