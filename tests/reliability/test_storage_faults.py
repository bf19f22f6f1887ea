"""DynamoDB throttles, fails, hangs or dies: every affected request is a 503 with Retry-After, nothing is
half-written, and every comment that got a 201 is there after DynamoDB Local restarts on its data.

The app's own client is used (chalicelib.wiring: standard retry mode, 3 attempts, 1 s connect and
3 s read timeouts), so the retry budget under test is the deployed one.
"""
from __future__ import annotations

import io
import json
import os
import socket
import threading
import time
from collections import Counter

import pytest

from tests.api.conftest import Api, PrivacyGuard, guard  # noqa: F401 - `guard` is the autouse privacy fixture
from tests.conftest import Clock, approving_engine, make_service, make_site

pytestmark = pytest.mark.ddblocal
URL = "/sites/blog/comments"


def comment(i: int, **extra) -> dict:
    return {"post_id": f"post-{i % 3}", "author": f"Reader {i}", "email": f"reader{i}@example.com",
            "content": f"Comment number {i}", **extra}


class _Raw(io.BytesIO):
    def stream(self, **_):
        yield self.getvalue()


class Faults:
    """Makes chosen DynamoDB operations answer an error at the HTTP level, so botocore's retries run."""

    def __init__(self, client):
        self.client = client
        self.rules: dict[str, tuple[int, str, int]] = {}  # operation -> (HTTP status, error code, times left)
        self.attempts: Counter = Counter()
        client.meta.events.register_first("before-send.dynamodb", self._send)

    def fail(self, operation: str, code: str = "ThrottlingException", status: int = 400, times: int = 10**6) -> None:
        self.rules[operation] = (status, code, times)

    def clear(self) -> None:
        self.rules.clear()

    def _send(self, request, **_):
        from botocore.awsrequest import AWSResponse

        target = (request.headers.get("X-Amz-Target") or b"")
        operation = (target.decode() if isinstance(target, bytes) else target).rsplit(".", 1)[-1]
        self.attempts[operation] += 1
        rule = self.rules.get(operation)
        if not rule or rule[2] <= 0:
            return None
        status, code, times = rule
        self.rules[operation] = (status, code, times - 1)
        body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "injected"}).encode()
        return AWSResponse(request.url, status, {"Content-Type": "application/x-amz-json-1.0"}, _Raw(body))


def app_client(endpoint: str, monkeypatch):
    """The app's own DynamoDB client (wiring.dynamodb_client) pointed at `endpoint`."""
    from chalicelib import wiring

    monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", endpoint)
    wiring.reset()
    client = wiring.dynamodb_client()
    wiring.reset()
    return client


@pytest.fixture
def harness(ddb_local_endpoint, keyring, monkeypatch, guard):  # noqa: F811
    """The in-process app on DynamoDB Local through the app's own client, with a fault injector on it."""
    import uuid

    from chalice.test import Client

    import app as application
    from chalicelib import wiring
    from chalicelib.storage import DynamoStore

    client = app_client(ddb_local_endpoint, monkeypatch)
    store = DynamoStore(client, f"faults-{uuid.uuid4().hex[:10]}")
    store.create_table()
    make_site(store, flood_seconds=0, moderation="auto")
    service = make_service(store, keyring, Clock(), engine=approving_engine)
    monkeypatch.setattr(wiring, "service", lambda: service)
    faults = Faults(client)
    with Client(application.app) as chalice_client:
        yield Api(chalice_client, guard), service, faults
    client.delete_table(TableName=store.table)


def items(store) -> list[dict]:
    from chalicelib.storage import unmarshal

    out, start = [], None
    while True:
        page = store.client.scan(TableName=store.table, ConsistentRead=True, **({"ExclusiveStartKey": start} if start else {}))
        out += [unmarshal(i) for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            return out


def assert_consistent(store) -> dict[str, dict]:
    """No guard, network item or count without its comments (a count: its shards plus the changes
    still to settle); returns the comments by id."""
    everything = items(store)
    comments = {i["id"]: i for i in everything if i["sk"] == "COMMENT"}
    for item in everything:
        if item["pk"].startswith("DUP#"):
            assert item["comment_id"] in comments, f"duplicate guard without its comment: {item['pk']}"
        if item["sk"] == "NET":
            assert item["pk"].rsplit("#", 1)[1] in comments, f"network item without its comment: {item['pk']}"
        if item["pk"].startswith("IDEM#"):
            assert item["answer"]["id"] in comments, "idempotent answer without its comment"
    approved = Counter(c["post_id"] for c in comments.values() if c["status"] == "approved")
    counted: Counter = Counter()
    for item in everything:
        if item["sk"] == "COUNT":  # POST#{site}#{post} (before shards) or COUNT#{site}#{post}#{shard}
            post = item["pk"].split("#", 2)[2]
            counted[post.rsplit("#", 1)[0] if item["pk"].startswith("COUNT#") else post] += int(item.get("approved", 0))
        if item["sk"] == "COUNTDUE" and not item.get("settled"):  # the stream handler settles what a request could not
            counted[item["post_id"]] += int(item["delta"])
    assert {k: v for k, v in counted.items() if v} == dict(approved), (counted, approved)
    return comments


def assert_503(response):
    assert response.status_code == 503, response.body[:300]
    assert int(response.headers["Retry-After"]) > 0


# ---- throttling and 5xx, through botocore's real retries ---------------------------------------------------
@pytest.mark.parametrize("code, status", [("ThrottlingException", 400), ("ProvisionedThroughputExceededException", 400),
                                          ("InternalServerError", 500), ("ServiceUnavailable", 503)])
def test_a_failing_write_is_503_and_writes_nothing(harness, code, status):
    api, service, faults = harness
    assert api.post(URL, json_body=comment(0)).status_code == 201
    faults.fail("TransactWriteItems", code, status)
    faults.attempts.clear()
    assert_503(api.post(URL, json_body=comment(1)))
    form = api.post(URL, form={"comment_post_ID": "post-1", "author": "Form Reader", "email": "form@example.com",
                               "comment": "Typed by hand"})
    assert_503(form)
    assert "Typed by hand" in form.body.decode()  # the form comes back with what was typed
    assert faults.attempts["TransactWriteItems"] <= 2 * 3  # two requests, at most 3 attempts each
    faults.clear()
    comments = assert_consistent(service.store)
    assert [c["author"] for c in comments.values()] == ["Reader 0"]
    # A retry after the outage stores it once.
    assert api.post(URL, json_body=comment(1)).status_code == 201
    assert len(assert_consistent(service.store)) == 2


def test_a_throttled_read_is_503_on_every_read_route(harness, moderator_headers):
    api, service, faults = harness
    assert api.post(URL, json_body=comment(0)).status_code == 201
    for operation in ("Query", "BatchGetItem", "GetItem"):
        faults.fail(operation)
    service._sites.clear()
    for response in (
        api.get("/sites/blog/posts/post-0/comments"),
        api.get("/sites/blog/counts?post_id=post-0"),
        api.get("/sites/blog/form-token"),
        api.post(URL, json_body=comment(5)),
        api.get("/sites/blog/moderation/comments", headers=moderator_headers),
    ):
        assert_503(response)
    faults.clear()
    assert len(assert_consistent(service.store)) == 1


@pytest.fixture
def moderator_headers(harness):
    _, service, _ = harness
    token = "fault-token-" + "b" * 40
    service.store.put_token("blog", "ann", service.keyring.token_hash(token))
    return {"authorization": f"Bearer {token}"}


def test_a_failing_moderation_write_changes_nothing(harness, moderator_headers):
    api, service, faults = harness
    make_site(service.store, flood_seconds=0, moderation="all")
    service._sites.clear()
    created = json.loads(api.post(URL, json_body=comment(0)).body)
    assert created["status"] == "pending"
    path = f"/sites/blog/moderation/comments/{created['id']}"
    faults.fail("TransactWriteItems", "InternalServerError", 500)
    assert_503(api.post(path, json_body={"action": "approve", "version": 1}, headers=moderator_headers))
    assert_503(api.delete(path, headers=moderator_headers))
    faults.clear()
    stored = service.get("blog", created["id"]).model_dump(mode="json")
    assert (stored["status"], stored["version"]) == ("pending", 1)
    assert service.counts("blog", ["post-0"]) == {"post-0": 0}
    approved = api.post(path, json_body={"action": "approve", "version": 1}, headers=moderator_headers)
    assert approved.status_code == 200 and service.counts("blog", ["post-0"]) == {"post-0": 1}
    assert_consistent(service.store)


def test_an_erasure_cut_short_is_503_and_each_comment_is_whole_then_a_retry_finishes(harness, moderator_headers):
    api, service, faults = harness
    for i in range(4):
        assert api.post(URL, json_body=comment(i, email="same@example.com")).status_code == 201
    faults.fail("TransactWriteItems", "InternalServerError", 500)
    faults.rules["TransactWriteItems"] = (500, "InternalServerError", 0)

    original = faults._send
    calls = {"n": 0}

    def second_transaction_fails(request, **kwargs):  # the first comment goes, the second fails
        target = request.headers.get("X-Amz-Target") or b""
        if b"TransactWriteItems" in (target if isinstance(target, bytes) else target.encode()):
            calls["n"] += 1
            if calls["n"] >= 2:
                faults.rules["TransactWriteItems"] = (500, "InternalServerError", 1)
        return original(request, **kwargs)

    service.store.client.meta.events.unregister("before-send.dynamodb", original)
    service.store.client.meta.events.register_first("before-send.dynamodb", second_transaction_fails)
    assert_503(api.post("/sites/blog/moderation/erase", json_body={"email": "same@example.com"}, headers=moderator_headers))
    service.store.client.meta.events.unregister("before-send.dynamodb", second_transaction_fails)
    left = assert_consistent(service.store)
    assert 0 < len(left) < 4
    erased = api.post("/sites/blog/moderation/erase", json_body={"email": "same@example.com"}, headers=moderator_headers)
    assert erased.status_code == 200 and json.loads(erased.body)["erased"] == len(left)
    assert assert_consistent(service.store) == {}


# ---- a dead or silent endpoint: bounded time -------------------------------------------------------------------
def _service_on(endpoint, keyring, monkeypatch):
    from chalicelib.storage import DynamoStore

    return make_service(DynamoStore(app_client(endpoint, monkeypatch), "replybox"), keyring, Clock())


@pytest.fixture
def api_on(monkeypatch, guard, keyring):  # noqa: F811
    from chalice.test import Client

    import app as application
    from chalicelib import wiring

    def build(endpoint):
        service = _service_on(endpoint, keyring, monkeypatch)
        monkeypatch.setattr(wiring, "service", lambda: service)
        return Api(Client(application.app), guard)

    return build


def test_a_dead_endpoint_answers_503_quickly(api_on):
    from scripts.dynamodb_local import free_port

    api = api_on(f"http://127.0.0.1:{free_port()}")  # nothing listens there: connection refused
    for send in (lambda: api.post(URL, json_body=comment(0)), lambda: api.get("/sites/blog/posts/p/comments"),
                 lambda: api.get("/sites/blog/moderation/comments", headers={"authorization": "Bearer x"})):
        started = time.monotonic()
        assert_503(send())
        assert time.monotonic() - started < 10


def lambda_timeout() -> float:
    """The deployed API function's timeout (.chalice/config.json), default Chalice's 60 s."""
    from tests.conftest import ROOT

    with open(os.path.join(ROOT, ".chalice", "config.json")) as fh:
        config = json.load(fh)
    return float(config.get("lambda_functions", {}).get("api_handler", {}).get("lambda_timeout", 60))


def test_a_silent_endpoint_answers_503_before_the_lambda_times_out(api_on):
    """A DynamoDB that accepts connections and never answers. The 503 must come before the Lambda's own
    timeout: past it API Gateway answers a bare 5xx without Retry-After, and the client learns nothing."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        api = api_on(f"http://127.0.0.1:{server.getsockname()[1]}")
        started = time.monotonic()
        assert_503(api.post(URL, json_body=comment(0)))  # two DynamoDB calls: the batch read and the write
        took = time.monotonic() - started
        assert took < lambda_timeout() - 1, f"503 after {took:.1f} s; the Lambda times out at {lambda_timeout():.0f} s"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


# ---- DynamoDB Local stops mid-run and restarts on the same data --------------------------------------------------
def test_dynamodb_local_dies_mid_run_and_every_201_survives_the_restart(tmp_path, keyring, monkeypatch, guard):  # noqa: F811
    from chalice.test import Client

    import app as application
    from chalicelib import wiring
    from chalicelib.storage import DynamoStore
    from scripts import dynamodb_local

    port = dynamodb_local.free_port()
    data_dir = str(tmp_path / "dynamodb")
    process = dynamodb_local.start(port, data_dir, log_path=str(tmp_path / "ddb.log"))
    endpoint = f"http://127.0.0.1:{port}"
    try:
        store = DynamoStore(app_client(endpoint, monkeypatch), "replybox")
        store.create_table()
        make_site(store, flood_seconds=0, moderation="auto")
        service = make_service(store, keyring, Clock(), engine=approving_engine)
        monkeypatch.setattr(wiring, "service", lambda: service)
        api = Api(Client(application.app), guard)
        answers: list[tuple[int, int, str | None]] = []
        running = threading.Event()
        running.set()

        def traffic():
            i = 0
            while running.is_set() and i < 2000:
                response = api.post(URL, json_body=comment(i))
                if response.status_code == 503:
                    assert int(response.headers["Retry-After"]) > 0
                    time.sleep(0.1)  # a client backing off (shorter than Retry-After: a test)
                created = json.loads(response.body).get("id") if response.status_code == 201 else None
                answers.append((i, response.status_code, created))
                i += 1

        worker = threading.Thread(target=traffic)
        worker.start()
        deadline = time.monotonic() + 30
        while sum(s == 201 for _, s, _ in answers) < 15 and time.monotonic() < deadline:
            time.sleep(0.05)
        dynamodb_local.stop(process)  # mid-run: requests are in flight
        down_from = len(answers)
        while len(answers) < down_from + 5 and time.monotonic() < deadline + 30:
            time.sleep(0.05)
        process = dynamodb_local.start(port, data_dir, log_path=str(tmp_path / "ddb.log"))
        back_from = len(answers)
        while sum(s == 201 for i, s, _ in answers if i >= back_from) < 10 and time.monotonic() < deadline + 60:
            time.sleep(0.05)
        running.clear()
        worker.join(60)
        statuses = Counter(s for _, s, _ in answers)
        assert set(statuses) <= {201, 503}, statuses
        assert statuses[503] >= 5, statuses
        assert sum(s == 201 for i, s, _ in answers if i >= back_from) >= 10, statuses
        stored = assert_consistent(store)
        acknowledged = {created for _, s, created in answers if s == 201}
        assert acknowledged <= set(stored), f"lost: {acknowledged - set(stored)}"
        # Stop and start once more, cleanly: the data dir alone holds everything.
        dynamodb_local.stop(process)
        process = dynamodb_local.start(port, data_dir, log_path=str(tmp_path / "ddb.log"))
        assert acknowledged <= set(assert_consistent(store))
        print(f"outage run: {dict(statuses)}, {len(stored) - len(acknowledged)} stored whose 201 was lost in transit")
    finally:
        dynamodb_local.stop(process)
