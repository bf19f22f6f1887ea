"""Races against a real DynamoDB Local: conditions in the write, not read-then-write, decide."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.errors import ConflictError, DuplicateError, FloodError
from tests.conftest import Clock, comment_data, make_service, make_site

pytestmark = pytest.mark.ddblocal


@pytest.fixture
def racing(ddblocal_store, keyring):
    make_site(ddblocal_store)
    return make_service(ddblocal_store, keyring, Clock())


def race(n, fn):
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        try:
            return fn(i)
        except Exception as exc:  # noqa: BLE001 - the outcome is what we count
            return exc

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_twenty_identical_submissions_store_exactly_one(racing):
    outcomes = race(20, lambda i: racing.submit("blog", comment_data(), ip=f"203.0.113.{i}"))
    stored = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(stored) == 1
    assert all(isinstance(o, (DuplicateError, FloodError)) for o in outcomes if isinstance(o, Exception))
    assert len(racing.queue("blog", "pending").model_dump(mode="json")["comments"]) == 1


def test_twenty_floods_from_one_ip_store_exactly_one(racing):
    outcomes = race(20, lambda i: racing.submit("blog", comment_data(email=f"u{i}@example.com", content=f"c{i}"), ip="203.0.113.1"))
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert sum(isinstance(o, FloodError) for o in outcomes) == 19


def test_retries_with_one_idempotency_key_store_once_and_answer_alike(racing):
    outcomes = race(20, lambda i: racing.submit("blog", comment_data(), ip="203.0.113.9", idempotency_key="same-key"))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert len({o.result.id for o in outcomes}) == 1
    assert sum(not o.replayed for o in outcomes) == 1
    assert len(racing.queue("blog", "pending").model_dump(mode="json")["comments"]) == 1


def test_two_approvals_of_one_version_one_wins(racing):
    comment = racing.submit("blog", comment_data()).result
    outcomes = race(2, lambda i: racing.act("blog", comment.id, "approve", 1).model_dump(mode="json"))
    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "dict"]
    assert racing.counts("blog", ["hello-world"]) == {"hello-world": 1}


def test_racing_different_actions_on_one_version_one_wins(racing):
    comment = racing.submit("blog", comment_data()).result
    actions = ["approve", "spam", "trash", "ham"] * 2
    outcomes = race(len(actions), lambda i: racing.act("blog", comment.id, actions[i], 1).model_dump(mode="json"))
    winners = [o for o in outcomes if isinstance(o, dict)]
    assert len(winners) == 1
    assert all(isinstance(o, ConflictError) for o in outcomes if not isinstance(o, dict))
    expected = 1 if winners[0]["status"] == "approved" else 0
    assert racing.counts("blog", ["hello-world"]) == {"hello-world": expected}


def test_twenty_racing_comments_of_one_email_are_all_kept_and_all_but_one_held(ddblocal_store, keyring):
    """An email's flood never answers 429 (that would confirm the address): each comment is stored,
    and all but the first are held for a moderator with the reason named, even on an `auto` site."""
    from tests.conftest import approving_engine

    make_site(ddblocal_store, moderation="auto")
    service = make_service(ddblocal_store, keyring, Clock(), engine=approving_engine)
    outcomes = race(20, lambda i: service.submit("blog", comment_data(content=f"c{i}"), ip=f"203.0.113.{i}"))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(o.result.status for o in outcomes) == ["approved"] + ["pending"] * 19
    held = service.queue("blog", "pending").model_dump(mode="json")["comments"]
    assert len(held) == 19 and all("flood-email" in {r["rule"] for r in c["verdict"]["reasons"]} for c in held)
    assert service.counts("blog", ["hello-world"]) == {"hello-world": 1}


def test_one_idempotency_key_with_twenty_different_bodies_one_wins_the_rest_are_refused(racing):
    from chalicelib.errors import IdempotencyError

    outcomes = race(20, lambda i: racing.submit("blog", comment_data(content=f"body {i}", author=f"A{i}"),
                                                ip=f"203.0.113.{i}", idempotency_key="one-key"))
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(winners) == 1 and not winners[0].replayed
    assert all(isinstance(o, IdempotencyError) for o in outcomes if isinstance(o, Exception)), outcomes
    assert [c["id"] for c in racing.queue("blog", "pending").model_dump(mode="json")["comments"]] == [winners[0].result.id]
