"""A throwaway S3-compatible server (moto) on 127.0.0.1 and a free port, stopped by PID."""
import os
import pathlib
import subprocess
import sys
import time
import urllib.request

from pg_server import free_port, stop_process

ACCESS_KEY = "pg2iceberg-test-key"
SECRET_KEY = "pg2iceberg-test-secret"
REGION = "us-east-1"


class MotoServer:
    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        binary = pathlib.Path(sys.executable).with_name("moto_server")
        self.process = subprocess.Popen([str(binary), "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("moto_server exited during start-up")
            try:
                urllib.request.urlopen(self.endpoint + "/", timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.1)

    def client(self):
        import boto3
        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=SECRET_KEY, region_name=REGION)

    def stop(self):
        stop_process(self.process)
