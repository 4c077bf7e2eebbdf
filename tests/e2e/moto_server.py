"""A throwaway S3-compatible server (moto) on 127.0.0.1 and a free port, stopped by PID."""
import os
import pathlib
import subprocess
import sys
import time
import urllib.request

from pg_server import free_port

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

    def client(self, access_key=ACCESS_KEY, secret_key=SECRET_KEY):
        import boto3
        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=access_key,
                            aws_secret_access_key=secret_key, region_name=REGION)

    def require_auth(self):
        """Creates an IAM user allowed s3:* and turns on moto's request authentication: from
        then on every request must be signed with that user's keys, which are returned
        (access key id, secret). Other keys, or wrong signatures, are refused (403)."""
        import json
        import boto3
        iam = boto3.client("iam", endpoint_url=self.endpoint, region_name=REGION,
                           aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam.create_user(UserName="pg2iceberg-test")
        policy = {"Version": "2012-10-17",
                  "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        iam.put_user_policy(UserName="pg2iceberg-test", PolicyName="s3-all",
                            PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="pg2iceberg-test")["AccessKey"]
        request = urllib.request.Request(self.endpoint + "/moto-api/reset-auth", data=b"0",
                                         method="POST", headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(request, timeout=10).close()
        return key["AccessKeyId"], key["SecretAccessKey"]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
