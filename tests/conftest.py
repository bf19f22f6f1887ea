"""Shared fixtures: a Store on moto or on DynamoDB Local, a keyring, a clock, and the Service."""
from __future__ import annotations

import os
import sys
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# Fake credentials before anything builds a client: moto needs them, DynamoDB Local wants letters/digits.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }
)
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("DYNAMODB_ENDPOINT_URL", None)

from chalicelib.signing import Keyring  # noqa: E402


class Clock:
    """A clock tests move by hand (flood windows, token ages)."""

    def __init__(self, now: float = 1_790_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def ddb_local_endpoint():
    """DynamoDB Local in memory on a free port for the whole test session."""
    from scripts import dynamodb_local

    port = dynamodb_local.free_port()
    process = dynamodb_local.start(port)
    yield f"http://127.0.0.1:{port}"
    dynamodb_local.stop(process)


def ddb_local_client(endpoint: str):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 3}, max_pool_connections=50),
    )


@pytest.fixture
def moto_client():
    import boto3
    from moto import mock_aws

    with mock_aws():
        yield boto3.client("dynamodb", region_name="us-east-1")


def _fresh_store(client):
    from chalicelib.storage import DynamoStore

    store = DynamoStore(client, f"replybox-{uuid.uuid4().hex[:12]}")
    store.create_table()
    return store


@pytest.fixture(params=["moto", pytest.param("ddblocal", marks=pytest.mark.ddblocal)])
def store(request):
    """The same Store on moto and on a real DynamoDB Local: one contract, two backends."""
    if request.param == "moto":
        client = request.getfixturevalue("moto_client")
        yield _fresh_store(client)
        return
    client = ddb_local_client(request.getfixturevalue("ddb_local_endpoint"))
    store = _fresh_store(client)
    yield store
    client.delete_table(TableName=store.table)


@pytest.fixture
def ddblocal_store(ddb_local_endpoint):
    client = ddb_local_client(ddb_local_endpoint)
    store = _fresh_store(client)
    yield store
    client.delete_table(TableName=store.table)


@pytest.fixture
def moto_store(moto_client):
    return _fresh_store(moto_client)


@pytest.fixture
def keyring():
    return Keyring(b"test-secret-" + b"x" * 40)


@pytest.fixture
def clock():
    return Clock()


def make_site(store, slug="blog", **overrides):
    from chalicelib.models import Site

    settings = {"slug": slug, "origins": ["https://blog.example"], **overrides}
    site = Site(**settings)
    store.put_site(site)
    return site


def holding_engine(submission, rules=None, learned=None, memory=None):
    """A fixed spam engine for storage tests: honeypot discards, everything else waits for a moderator."""
    from chalicelib import spam

    if submission.honeypot:
        return spam.Verdict(10.0, "discard", (spam.Reason("honeypot", 10.0, "honeypot filled"),))
    return spam.Verdict(1.0, "hold", (spam.Reason("test", 1.0, "held by the test engine"),))


def approving_engine(submission, rules=None, learned=None, memory=None):
    from chalicelib import spam

    return spam.Verdict(0.0, "approve", ())


def make_service(store, keyring, clock, engine=holding_engine):
    from chalicelib.moderation import Service

    return Service(store, keyring, clock=clock, engine=engine)


@pytest.fixture
def service(store, keyring, clock):
    make_site(store)
    return make_service(store, keyring, clock)


def comment_data(**overrides):
    data = {
        "post_id": "hello-world",
        "author": "Ada Lovelace",
        "email": "ada@example.com",
        "content": "A thoughtful reply about the engine.",
    }
    data.update(overrides)
    return data


class Stack:
    """`scripts/run.py` (what `make run` runs) on free ports with its own data directory."""

    def __init__(self, data_dir: str):
        from scripts import dynamodb_local

        self.data_dir = data_dir
        self.port = dynamodb_local.free_port()
        self.ddb_port = dynamodb_local.free_port()
        self.process = None
        self.log_path = os.path.join(data_dir, "stack.log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(PORT=str(self.port), DDB_PORT=str(self.ddb_port), DATA_DIR=self.data_dir)
        return env

    def start(self, timeout: float = 60.0) -> "Stack":
        import subprocess
        import time
        import urllib.request

        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "scripts", "run.py")],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the stack exited:\n" + open(self.log_path).read())
            try:
                urllib.request.urlopen(f"{self.url}/sites/demo/form-token", timeout=2)
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the stack did not start:\n" + open(self.log_path).read())

    def stop(self) -> None:
        import signal

        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except Exception:  # noqa: BLE001
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def token(self) -> str:
        return open(os.path.join(self.data_dir, "demo-token")).read().strip()

    def client(self):
        return ddb_local_client(f"http://127.0.0.1:{self.ddb_port}")


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory):
    """The real `make run` stack (DynamoDB Local on disk + chalice local) for the whole session."""
    stack = Stack(str(tmp_path_factory.mktemp("stack"))).start()
    yield stack
    stack.stop()
