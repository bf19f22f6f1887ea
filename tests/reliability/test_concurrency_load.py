"""200 submissions from 20 threads on DynamoDB Local: each stored exactly once, each id unique.

tests/contract/test_concurrency.py has the small races (20 identical submissions, one idempotency key,
two approvals); these are the bigger ones. They go through the Service, the code a Lambda runs: one
Chalice app object serves one request at a time, so in-process threads would share its current_request.
"""
from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.errors import ConflictError
from tests.conftest import Clock, approving_engine, comment_data, make_service, make_site

pytestmark = pytest.mark.ddblocal
THREADS, SUBMISSIONS = 20, 200


def in_parallel(n, threads, fn):
    """fn(i) for i in range(n) on `threads` threads released together; exceptions are returned, not raised."""
    barrier = threading.Barrier(threads)

    def run(i):
        if i < threads:
            barrier.wait()
        try:
            return fn(i)
        except Exception as exc:  # noqa: BLE001 - outcomes are counted
            return exc

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(run, range(n)))


def scan_all(store):
    """Every item of the test's table (a Scan is fine in a test; the app never scans)."""
    client, items, start = store.client, [], None
    while True:
        kwargs = {"TableName": store.table, "ConsistentRead": True, **({"ExclusiveStartKey": start} if start else {})}
        page = client.scan(**kwargs)
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


@pytest.fixture
def busy(ddblocal_store, keyring):
    make_site(ddblocal_store, flood_seconds=0, moderation="auto")
    return make_service(ddblocal_store, keyring, Clock(), engine=approving_engine)


def test_200_parallel_submissions_from_20_threads_are_each_stored_once(busy):
    posts = [f"post-{i % 7}" for i in range(SUBMISSIONS)]
    outcomes = in_parallel(SUBMISSIONS, THREADS, lambda i: busy.submit(
        "blog", comment_data(post_id=posts[i], email=f"reader{i}@example.com", content=f"Comment number {i}"),
        ip=f"198.51.{i // 250}.{i % 250}"))
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, errors[:3]
    ids = [o.result.id for o in outcomes]
    assert len(set(ids)) == SUBMISSIONS
    items = scan_all(busy.store)
    comments = [i for i in items if i["sk"]["S"] == "COMMENT"]
    assert len(comments) == SUBMISSIONS
    assert sorted(i["id"]["S"] for i in comments) == sorted(ids)
    contents = Counter(i["content"]["S"] for i in comments)
    assert set(contents.values()) == {1}
    guards = [i for i in items if i["pk"]["S"].startswith("DUP#")]
    assert len(guards) == SUBMISSIONS and {g["comment_id"]["S"] for g in guards} == set(ids)
    # Approved on arrival: each post's counter equals its comments, no update lost to the race.
    assert busy.counts("blog", sorted(set(posts))) == dict(Counter(posts))
    listed = []
    for post in sorted(set(posts)):
        page = busy.list_public("blog", post, 100).model_dump(mode="json")
        listed += [c["id"] for c in page["comments"]]
    assert sorted(listed) == sorted(ids)


def test_200_retries_of_10_idempotency_keys_store_10(busy):
    outcomes = in_parallel(SUBMISSIONS, THREADS, lambda i: busy.submit(
        "blog", comment_data(email=f"retry{i % 10}@example.com", content=f"Retried comment {i % 10}"),
        ip=f"203.0.113.{i % 10}", idempotency_key=f"key-{i % 10}"))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    by_key: dict[int, set] = {}
    for i, o in enumerate(outcomes):
        by_key.setdefault(i % 10, set()).add(o.result.id)
    assert all(len(v) == 1 for v in by_key.values()), by_key
    assert sum(not o.replayed for o in outcomes) == 10
    comments = [i for i in scan_all(busy.store) if i["sk"]["S"] == "COMMENT"]
    assert len(comments) == 10
    assert busy.counts("blog", ["hello-world"]) == {"hello-world": 10}


def test_20_moderators_racing_on_one_version_one_wins_each_time(ddblocal_store, keyring):
    make_site(ddblocal_store, flood_seconds=0)
    service = make_service(ddblocal_store, keyring, Clock())
    ids = [service.submit("blog", comment_data(email=f"m{i}@example.com", content=f"held {i}")).result.id for i in range(10)]
    actions = ["approve", "spam", "trash", "ham", "hold"]
    outcomes = in_parallel(200, THREADS, lambda i: service.act("blog", ids[i % 10], actions[(i // 10) % 5], 1).model_dump(mode="json"))
    wins = Counter()
    for i, o in enumerate(outcomes):
        if isinstance(o, dict):
            wins[ids[i % 10]] += 1
        else:
            assert isinstance(o, ConflictError) or type(o).__name__ == "IllegalTransitionError", o
    assert wins == Counter({comment_id: 1 for comment_id in ids})
    approved = sum(service.get("blog", c).status == "approved" for c in ids)
    assert all(service.get("blog", c).version == 2 for c in ids)
    assert service.counts("blog", ["hello-world"]) == {"hello-world": approved}
