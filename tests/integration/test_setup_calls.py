"""Set-up calls on a slow DynamoDB Local: a proxy holds each request longer than a request client waits."""
from __future__ import annotations

import socket
import threading
import time
import uuid

import pytest

from tests.conftest import ddb_local_client

pytestmark = pytest.mark.ddblocal

DELAY = 2.5  # seconds; the request client gives up after 1.5 s


class DelayingProxy:
    """A TCP proxy to DynamoDB Local that holds every request DELAY seconds and counts its operations."""

    def __init__(self, target_port: int, delay: float):
        self.target_port, self.delay = target_port, delay
        self.operations: list[str] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def count(self, operation: str) -> int:
        return self.operations.count(operation)

    def _accept(self) -> None:
        while True:
            try:
                downstream, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._requests, args=(downstream, upstream), daemon=True).start()
            threading.Thread(target=self._answers, args=(upstream, downstream), daemon=True).start()

    def _requests(self, source: socket.socket, sink: socket.socket) -> None:
        while chunk := _recv(source):
            for line in chunk.split(b"\r\n"):
                if line.lower().startswith(b"x-amz-target:"):
                    self.operations.append(line.split(b".")[-1].strip().decode())
                    time.sleep(self.delay)  # once per request, at its first chunk
            try:
                sink.sendall(chunk)
            except OSError:
                break
        _close(source, sink)

    def _answers(self, source: socket.socket, sink: socket.socket) -> None:
        while chunk := _recv(source):
            try:
                sink.sendall(chunk)
            except OSError:
                break
        _close(source, sink)

    def close(self) -> None:
        self.listener.close()


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def _close(*socks: socket.socket) -> None:
    for sock in socks:
        try:
            sock.close()
        except OSError:
            pass


@pytest.fixture
def slow_ddb(ddb_local_endpoint, monkeypatch):
    """The environment of `manage.py` / `make run`, pointed at DynamoDB Local through the delaying proxy."""
    from chalicelib import wiring

    proxy = DelayingProxy(int(ddb_local_endpoint.rsplit(":", 1)[1]), DELAY)
    monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", proxy.endpoint)
    monkeypatch.setenv("REPLYBOX_TABLE", f"slow-{uuid.uuid4().hex[:8]}")
    wiring.reset()
    yield proxy
    proxy.close()
    wiring.reset()


def test_the_proxy_is_slower_than_a_request_client_waits(slow_ddb):
    from botocore.exceptions import ReadTimeoutError

    from chalicelib import wiring

    with pytest.raises(ReadTimeoutError):
        wiring.dynamodb_client().list_tables()


def test_create_table_through_a_slow_dynamodb_creates_it_once_and_is_ready(slow_ddb, ddb_local_endpoint):
    from chalicelib import wiring

    wiring.setup_store().create_table()
    assert slow_ddb.count("CreateTable") == 1  # never repeated after a slow answer
    direct = ddb_local_client(ddb_local_endpoint)
    table = wiring.get_settings().table
    assert direct.describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE"
    ttl = direct.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] in ("ENABLED", "ENABLING") and ttl["AttributeName"] == "expires_at"

    wiring.setup_store().create_table()  # again (a restart of make run): nothing to create, no error
    assert slow_ddb.count("CreateTable") == 1


def test_two_racing_create_tables_both_succeed(slow_ddb, ddb_local_endpoint):
    """Both see no table, both create: the loser's ResourceInUse means "wait for it", not a crash."""
    from chalicelib import wiring

    store = wiring.setup_store()
    errors: list[BaseException] = []

    def create() -> None:
        try:
            store.create_table()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert slow_ddb.count("CreateTable") == 2  # the race really happened
    table = wiring.get_settings().table
    status = ddb_local_client(ddb_local_endpoint).describe_table(TableName=table)["Table"]["TableStatus"]
    assert status == "ACTIVE"
