"""Runs a command next to a throwaway moto S3 server, then stops the server by PID.

    python scripts/with_moto.py [--no-auth] -- COMMAND [ARGS...]

Starts `moto_server` (from the Python environment running this script, else PATH) on
127.0.0.1 and a free port, waits until it answers, and runs the command with
PG2ICEBERG_TEST_S3_ENDPOINT=http://127.0.0.1:PORT. Unless --no-auth is given, it also creates
an IAM user allowed s3:* and turns on moto's request authentication, so the server checks
every SigV4 signature and rejects unknown keys; the user's keys are exported as
PG2ICEBERG_TEST_S3_ACCESS_KEY_ID and PG2ICEBERG_TEST_S3_SECRET_ACCESS_KEY. (With --no-auth
moto accepts any credentials.) Exits with the command's status; 2 when moto cannot start.
"""
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from moto_server import enable_auth  # noqa: E402
from pg_server import free_port  # noqa: E402


def moto_server_path():
    beside = pathlib.Path(sys.executable).parent / "moto_server"
    return str(beside) if beside.is_file() else shutil.which("moto_server")


class MotoServer:
    def __init__(self, executable):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([executable, "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout_s=30):
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("moto_server exited during start-up: " + self.log_text())
            try:
                with urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not answer in time: " + self.log_text())
                time.sleep(0.1)

    def enable_auth(self):
        """Creates an IAM user allowed s3:*, then makes moto authenticate every request."""
        return enable_auth(self.endpoint)

    def log_text(self, limit=4000):
        self.log.seek(0)
        return self.log.read()[-limit:].decode(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def main(argv):
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print(__doc__, file=sys.stderr)
        return 2
    options, command = argv[:argv.index("--")], argv[argv.index("--") + 1:]
    if any(option != "--no-auth" for option in options):
        print(__doc__, file=sys.stderr)
        return 2
    executable = moto_server_path()
    if executable is None:
        print("with_moto: moto_server not found (pip install 'moto[server]')", file=sys.stderr)
        return 2
    server = MotoServer(executable)
    try:
        try:
            server.wait_ready()
        except RuntimeError as error:
            print(f"with_moto: {error}", file=sys.stderr)
            return 2
        env = dict(os.environ, PG2ICEBERG_TEST_S3_ENDPOINT=server.endpoint)
        if "--no-auth" not in options:
            access_key_id, secret_access_key = server.enable_auth()
            env.update(PG2ICEBERG_TEST_S3_ACCESS_KEY_ID=access_key_id,
                       PG2ICEBERG_TEST_S3_SECRET_ACCESS_KEY=secret_access_key)
        return subprocess.run(command, env=env).returncode
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
