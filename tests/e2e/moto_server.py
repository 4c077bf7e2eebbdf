"""A throwaway S3-compatible server (moto) on 127.0.0.1 and a free port, stopped by PID."""
import json
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

    def client(self, access_key=ACCESS_KEY, secret_key=SECRET_KEY):
        import boto3
        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=access_key,
                            aws_secret_access_key=secret_key, region_name=REGION)

    def require_auth(self):
        """Turns on request authentication (see enable_auth); returns (access key id, secret)."""
        return enable_auth(self.endpoint)

    def stop(self):
        stop_process(self.process)


def enable_auth(endpoint):
    """Creates an IAM user allowed s3:*, then makes the moto server at `endpoint` check every
    request's signature and policy (process-wide). Returns the user's (key id, secret key)."""
    import boto3  # a dependency of moto
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
    iam.create_user(UserName="pg2iceberg-test")
    policy = {"Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_user_policy(UserName="pg2iceberg-test", PolicyName="s3-all",
                        PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="pg2iceberg-test")["AccessKey"]
    # From now on (0 unauthenticated requests left) moto checks signatures and policies.
    request = urllib.request.Request(endpoint + "/moto-api/reset-auth", data=b"0", method="POST",
                                     headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=10):
        pass
    return key["AccessKeyId"], key["SecretAccessKey"]
