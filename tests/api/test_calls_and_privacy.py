"""What a submission costs in DynamoDB calls, and the privacy guard itself."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.api.conftest import PrivacyGuard

READS = {"GetItem", "BatchGetItem", "Query", "Scan"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


@pytest.fixture
def calls(app_service):
    """Every DynamoDB operation the app performs, counted through botocore's event hooks."""
    counter: Counter = Counter()

    def count(model, **_):
        counter[model.name] += 1

    app_service.store.client.meta.events.register("before-call.dynamodb", count)
    yield counter
    app_service.store.client.meta.events.unregister("before-call.dynamodb", count)


def submit(api, n, **extra):
    data = {"post_id": "p", "author": "A", "email": f"a{n}@example.com", "content": f"text {n}", **extra}
    return api.post("/sites/blog/comments", json_body=data, ip=f"203.0.113.{n}")


def test_accepted_submission_is_one_read_and_one_write(api, calls):
    assert submit(api, 1).status_code == 201  # cold: the site comes in the same BatchGetItem
    assert sum(calls[op] for op in READS) == 1 and calls["BatchGetItem"] == 1
    assert sum(calls[op] for op in WRITES) == 1 and calls["TransactWriteItems"] == 1
    calls.clear()
    assert submit(api, 2).status_code == 201  # warm: the site is cached, still one batch read
    assert sum(calls[op] for op in READS) <= 1
    assert sum(calls[op] for op in WRITES) == 1 and calls["TransactWriteItems"] == 1


def test_reply_costs_the_same(api, app_service, calls, clock):
    parent = json.loads(submit(api, 1).body)["id"]
    app_service.act("blog", parent, "approve", 1)
    calls.clear()
    assert submit(api, 2, parent_id=parent).status_code == 201
    assert sum(calls[op] for op in READS) == 1 and sum(calls[op] for op in WRITES) == 1


def test_no_scan_on_any_route(api, app_service, calls, moderator_token):
    created = json.loads(submit(api, 1).body)["id"]
    api.get("/sites/blog/posts/p/comments")
    api.get("/sites/blog/counts?post_id=p")
    api.get("/sites/blog/form-token")
    api.get("/sites/blog/moderation/comments", headers=moderator_token)
    api.post(f"/sites/blog/moderation/comments/{created}", json_body={"action": "approve", "version": 1}, headers=moderator_token)
    api.post("/sites/blog/moderation/erase", json_body={"email": "a1@example.com"}, headers=moderator_token)
    assert calls and calls["Scan"] == 0


def test_public_listing_is_one_query(api, app_service, calls):
    created = json.loads(submit(api, 1).body)["id"]
    app_service.act("blog", created, "approve", 1)
    api.get("/sites/blog/form-token")  # warms the site cache
    calls.clear()
    api.get("/sites/blog/posts/p/comments")
    assert dict(calls) == {"Query": 1}


def test_guard_catches_a_leak():
    """The guard must be able to fail: a body or header carrying a remembered value is reported."""

    class Response:
        def __init__(self, body, headers):
            self.body, self.headers, self.status_code = body, headers, 200

    guard = PrivacyGuard()
    guard.remember("ada@example.com", "203.0.113.7", "Mozilla/5.0 Test")
    guard.record_public("/x", Response(b'{"author": "Ada"}', {}))
    assert guard.leaks(guard.public[-1][1]) == []
    guard.record_public("/x", Response(b'{"e": "ADA@example.com"}', {}))
    guard.record_public("/y", Response(b"{}", {"X-Client": "203.0.113.7"}))
    assert [bool(guard.leaks(text)) for _, text in guard.public] == [False, True, True]


def test_logs_carry_no_personal_data_and_one_line_per_request(api, capsys):
    submit(api, 1)
    api.post("/sites/blog/comments", json_body={"email": "bad-address"}, ip="203.0.113.55")
    out = capsys.readouterr().out
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [line["status"] for line in lines] == [201, 422]
    assert lines[0]["decision"] == "hold" and lines[0]["route"] == "/sites/{site}/comments"
    assert all(set(line) <= {"level", "request_id", "method", "route", "status", "duration_ms", "decision", "site", "error"} for line in lines)
    for secret in ("a1@example.com", "bad-address", "203.0.113.1", "203.0.113.55"):
        assert secret not in out
    print(out)  # hand the lines back to the autouse guard too


def test_the_spam_memory_comes_in_the_same_read(api, app_service, calls, clock):
    """Email, IP and five link domains looked up in the site's spam memory: still one read, one write."""
    from tests.conftest import holding_engine

    seen = []

    def engine(submission, rules=None, learned=None, memory=None):
        seen.append(memory)
        return holding_engine(submission)

    app_service.engine = engine
    links = " ".join(f"https://site{n}.example/page" for n in range(6))
    marked = json.loads(submit(api, 1, content=f"see {links}", url="https://home.example").body)["id"]
    app_service.act("blog", marked, "spam", 1)
    assert len(app_service.store.get_comment("blog", marked).spam_marks) == 2 + 5  # email, IP, five domains
    clock.advance(30)
    calls.clear()
    assert submit(api, 1, content=f"again {links}", url="https://home.example").status_code == 201
    assert dict(calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}
    assert seen[-1].email == 1 and seen[-1].ip == 1 and len(seen[-1].domains) == 5
