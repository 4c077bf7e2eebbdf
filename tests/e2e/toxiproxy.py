"""Toxiproxy for fault tests: a TCP proxy on 127.0.0.1 whose connections can be slowed, reset or
cut (Shopify's toxiproxy server, built by scripts/install.sh into .cache/tools/bin).

    with Toxiproxy() as toxi:
        s3 = toxi.proxy("s3", "127.0.0.1:9000")      # → a Proxy listening on a free port
        s3.add_toxic("latency", latency=200, jitter=50)
        s3.disable()                                 # an outage: connections refused
        s3.enable()

The server is started on a free port and stopped by PID at the end.
"""
import json
import os
import pathlib
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from pg_server import free_port, stop_process

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("PG2ICEBERG_TOXIPROXY",
                                     ROOT / ".cache" / "tools" / "bin" / "toxiproxy-server"))


def missing_reason():
    if not BINARY.is_file():
        return f"{BINARY} is missing (scripts/install.sh builds it)"
    return None


class Proxy:
    def __init__(self, api, name, port):
        self._api = api
        self.name = name
        self.port = port
        self.address = f"127.0.0.1:{port}"
        self.url = f"http://127.0.0.1:{port}"
        self._toxics = 0

    def add_toxic(self, kind, stream="downstream", toxicity=1.0, **attributes):
        """Adds a toxic (latency, reset_peer, limit_data, timeout, …); returns its name."""
        self._toxics += 1
        name = f"{kind}_{self._toxics}"
        self._api("POST", f"/proxies/{self.name}/toxics",
                  {"name": name, "type": kind, "stream": stream, "toxicity": toxicity,
                   "attributes": attributes})
        return name

    def remove_toxic(self, name):
        self._api("DELETE", f"/proxies/{self.name}/toxics/{name}")

    def disable(self):
        """Closes every connection and refuses new ones until enable()."""
        self._api("POST", f"/proxies/{self.name}", {"enabled": False})

    def enable(self):
        self._api("POST", f"/proxies/{self.name}", {"enabled": True})


class Toxiproxy:
    def __init__(self):
        self.port = free_port()
        self.api = f"http://127.0.0.1:{self.port}"
        self.process = None
        self._log = tempfile.TemporaryFile()

    def start(self, timeout_s=30):
        self.process = subprocess.Popen([str(BINARY), "-host", "127.0.0.1", "-port", str(self.port)],
                                        stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("toxiproxy exited during start-up: " + self.log_text())
            try:
                self._call("GET", "/version")
                return self
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("toxiproxy did not answer in time")
                time.sleep(0.1)

    def proxy(self, name, upstream):
        port = free_port()
        self._call("POST", "/proxies", {"name": name, "listen": f"127.0.0.1:{port}",
                                        "upstream": upstream, "enabled": True})
        return Proxy(self._call, name, port)

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.api + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
            return json.loads(text) if text else None

    def log_text(self):
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-4000:]

    def stop(self):
        stop_process(self.process)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
