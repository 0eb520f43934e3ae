"""Real services started by the operations tests themselves: an
S3-compatible server (moto in server mode) and a redis-server with a
password, each on a free port of loopback."""

import shutil
import socket
import subprocess
import time
import uuid

import pytest

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
S3_KEY = "ops-test-key"
S3_SECRET = "ops-test-secret"  # noqa: S105


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, timeout: float, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what}")


@pytest.fixture(scope="session", name="s3_endpoint")
def s3_endpoint_fixture():
    """moto's S3 server, in a thread of this process, speaking real HTTP."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name="us-east-1",
    )


def s3_storage_settings(endpoint: str, bucket: str) -> dict:
    """What portal.settings builds from S3_* for this server and bucket."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "access_key": S3_KEY,
            "secret_key": S3_SECRET,
            "region_name": "us-east-1",
            "location": "",
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
        },
    }


class S3:
    def __init__(self, endpoint: str, bucket: str):
        self.endpoint = endpoint
        self.bucket = bucket
        self.client = s3_client(endpoint)

    @property
    def keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket
        )
        return sorted(
            item["Key"] for page in pages for item in page.get("Contents", [])
        )

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()


@pytest.fixture(name="s3")
def s3_fixture(s3_endpoint, settings):
    """A fresh bucket on the S3 server, and the media storage pointed at it."""
    bucket = f"portal-{uuid.uuid4().hex[:12]}"
    store = S3(s3_endpoint, bucket)
    store.client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_settings(s3_endpoint, bucket),
    }
    settings.S3_BUCKET = bucket
    return store


class RedisServer:
    """A redis-server of the test's own, with a password."""

    def __init__(self, workdir, *, password: str | None = None):
        self.port = free_port()
        self.password = password
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def start(self):
        command = [
            REDIS_SERVER,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.workdir),
        ]
        if self.password:
            command += ["--requirepass", self.password]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until(self.answers, timeout=10, what="redis-server starts")
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                reply = s.recv(64)
                # Without the password it answers NOAUTH: it is up.
                return reply.startswith((b"+PONG", b"-NOAUTH"))
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


@pytest.fixture(name="redis_with_password")
def redis_with_password_fixture(tmp_path):
    server = RedisServer(tmp_path, password=f"pw-{uuid.uuid4().hex}").start()
    try:
        yield server
    finally:
        server.stop()
