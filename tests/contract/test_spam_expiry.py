"""Spam and trash expire through DynamoDB's TTL after the site's setting; approved and pending never."""
from __future__ import annotations

import pytest

from chalicelib import spam
from chalicelib.errors import DuplicateError, NotFoundError
from chalicelib.storage import comment_key, duplicate_key, marshal, network_key, unmarshal
from tests.conftest import comment_data, make_service, make_site

DAY = 86400


def spamming_engine(submission, rules=None, learned=None, memory=None):
    return spam.Verdict(9.0, "spam", (spam.Reason("test", 9.0, "spam by the test engine"),))


@pytest.fixture
def site_service(store, keyring, clock):
    make_site(store, retention_days=30, spam_retention_days=10)
    return make_service(store, keyring, clock)


def submit(service, clock, n=1, **overrides):
    clock.advance(30)  # past the flood window
    data = comment_data(content=f"comment number {n}", email=f"user{n}@example.com", **overrides)
    return service.submit("blog", data, ip="203.0.113.9", user_agent="UA/1").result


def act(service, comment_id, action):
    return service.act("blog", comment_id, action, service.get("blog", comment_id).version).model_dump(mode="json")


def stored(service, comment_id) -> dict[str, dict | None]:
    """The comment's COMMENT, NET and duplicate guard items as DynamoDB holds them (None: absent)."""
    store = service.store
    comment = store.get_comment("blog", comment_id)
    digest = service._guard_digest(comment)
    keys = {
        "comment": comment_key("blog", comment_id),
        "network": network_key("blog", comment_id),
        "duplicate": duplicate_key("blog", comment.post_id, digest),
    }
    found = {}
    for name, key in keys.items():
        item = store.client.get_item(TableName=store.table, Key=marshal(key), ConsistentRead=True).get("Item")
        found[name] = unmarshal(item) if item else None
    return found


def expiry(service, comment_id) -> dict[str, int | None]:
    return {name: item.get("expires_at") for name, item in stored(service, comment_id).items()}


@pytest.mark.parametrize(
    "path, expires",
    [
        ([], False),
        (["approve"], False),
        (["spam"], True),
        (["trash"], True),
        (["spam", "ham"], False),
        (["spam", "approve"], False),
        (["approve", "spam", "hold"], False),
        (["approve", "trash", "restore"], False),
        (["spam", "trash"], True),
        (["spam", "trash", "restore"], True),  # back to spam: still expires
    ],
)
def test_the_comment_and_its_guard_expire_only_while_spam_or_trash(site_service, clock, path, expires):
    comment = submit(site_service, clock)
    created = int(clock.now)
    for action in path:
        clock.advance(3600)
        act(site_service, comment.id, action)
    found = expiry(site_service, comment.id)
    if expires:
        # Ten days from the last move into spam or trash; IP and user agent never outlive the comment
        # (an earlier move into spam may have set theirs a little sooner: it is never pushed back).
        assert found["comment"] == found["duplicate"] == int(clock.now) + 10 * DAY
        assert found["comment"] - len(path) * 3600 <= found["network"] <= found["comment"]
    else:
        assert found["comment"] is None and found["duplicate"] is None
        assert found["network"] <= created + 30 * DAY  # the IP keeps its own, shorter life


def test_the_network_item_keeps_an_earlier_expiry_of_its_own(store, keyring, clock):
    make_site(store, retention_days=3, spam_retention_days=10)
    service = make_service(store, keyring, clock)
    comment = submit(service, clock)
    act(service, comment.id, "spam")
    found = expiry(service, comment.id)
    assert found["network"] == int(clock.now) + 3 * DAY and found["comment"] == int(clock.now) + 10 * DAY


def test_a_spam_verdict_expires_at_once_and_zero_days_keeps_spam(store, keyring, clock):
    make_site(store, spam_retention_days=10)
    service = make_service(store, keyring, clock, engine=spamming_engine)
    comment = submit(service, clock)
    assert service.get("blog", comment.id).status == "spam"
    now = int(clock.now)
    assert expiry(service, comment.id) == {"comment": now + 10 * DAY, "duplicate": now + 10 * DAY, "network": now + 10 * DAY}

    make_site(store, spam_retention_days=0)
    service = make_service(store, keyring, clock, engine=spamming_engine)
    kept = submit(service, clock, n=2)
    assert expiry(service, kept.id)["comment"] is None and expiry(service, kept.id)["duplicate"] is None
    act(service, kept.id, "trash")
    assert expiry(service, kept.id)["comment"] is None


def ttl_sweep(store, now: float) -> int:
    """What DynamoDB's TTL does, some time after `now`: delete every item whose expires_at passed.
    (A Scan: test code only.)"""
    deleted = 0
    for raw in store.client.scan(TableName=store.table, ConsistentRead=True)["Items"]:
        item = unmarshal(raw)
        if "expires_at" in item and item["expires_at"] <= now:
            store.client.delete_item(TableName=store.table, Key=marshal({"pk": item["pk"], "sk": item["sk"]}))
            deleted += 1
    return deleted


def test_nothing_breaks_when_dynamodb_deletes_expired_comments(site_service, store, clock):
    approved = submit(site_service, clock, 1)
    act(site_service, approved.id, "approve")
    spammed = submit(site_service, clock, 2)
    act(site_service, spammed.id, "approve")
    act(site_service, spammed.id, "spam")  # approved, then spam: the count went down then
    trashed = submit(site_service, clock, 3)
    act(site_service, trashed.id, "approve")
    act(site_service, trashed.id, "trash")
    pending = submit(site_service, clock, 4)
    assert site_service.counts("blog", ["hello-world"]) == {"hello-world": 1}

    clock.advance(11 * DAY)
    assert ttl_sweep(store, clock.now) >= 6  # two comments, their guards and network items (+ flood guards)

    # Counts never included spam or trash: nothing to correct.
    assert site_service.counts("blog", ["hello-world"]) == {"hello-world": 1}
    listing = site_service.list_public("blog", "hello-world").model_dump(mode="json")
    assert [c["id"] for c in listing["comments"]] == [approved.id] and listing["count"] == 1
    assert site_service.queue("blog", "spam").model_dump(mode="json")["comments"] == site_service.queue("blog", "trash").model_dump(mode="json")["comments"] == []
    assert [c["id"] for c in site_service.queue("blog", "pending").model_dump(mode="json")["comments"]] == [pending.id]
    assert [c["ip"] for c in site_service.queue("blog", "pending").model_dump(mode="json")["comments"]] == ["203.0.113.9"]  # 30 days
    for gone in (spammed.id, trashed.id):
        with pytest.raises(NotFoundError):
            site_service.get("blog", gone)
        with pytest.raises(NotFoundError):
            site_service.act("blog", gone, "restore", 3)
        assert site_service.bulk("blog", "delete", [gone]).results == {gone: "error: not found"}
    # The same person may post the same words again: the guard went with its comment.
    again = submit(site_service, clock, 2)
    assert site_service.get("blog", again.id).status == "pending"
    assert site_service.erase("blog", "user2@example.com").model_dump(mode="json") == {"erased": 1}
    assert site_service.erase("blog", "user3@example.com").model_dump(mode="json") == {"erased": 0}
    # Nothing is left that points at a deleted comment.
    for raw in store.client.scan(TableName=store.table, ConsistentRead=True)["Items"]:
        item = unmarshal(raw)
        if item["pk"].startswith("DUP#") or item["sk"] == "NET":
            owner = item.get("comment_id") or item["pk"].rsplit("#", 1)[1]
            assert store.get_comment("blog", owner) is not None, item["pk"]


def test_an_expired_guard_dynamodb_has_not_deleted_yet_does_not_block(site_service, store, clock):
    old = submit(site_service, clock, 1)
    act(site_service, old.id, "spam")
    clock.advance(11 * DAY)  # past its expiry; TTL deletion may lag by days
    again = submit(site_service, clock, 1)  # the same words by the same person: not a duplicate now
    assert site_service.get("blog", again.id).status == "pending"
    # The lingering old comment can still be handled, and its guard now belongs to the new one.
    assert act(site_service, old.id, "ham")["status"] == "approved"
    site_service.delete("blog", old.id)
    with pytest.raises(NotFoundError):
        site_service.get("blog", old.id)
    with pytest.raises(DuplicateError):
        submit(site_service, clock, 1)
    assert stored(site_service, again.id)["duplicate"]["comment_id"] == again.id


def test_an_edited_comment_expires_with_the_guard_it_was_stored_with(site_service, store, clock):
    comment = submit(site_service, clock, 1)
    site_service.act("blog", comment.id, "edit", 1, content="the words a moderator corrected")
    act(site_service, comment.id, "trash")
    guards = [unmarshal(i) for i in store.client.scan(TableName=store.table)["Items"] if i["pk"]["S"].startswith("DUP#")]
    assert [(g["comment_id"], g["expires_at"]) for g in guards] == [(comment.id, int(clock.now) + 10 * DAY)]
    clock.advance(11 * DAY)
    ttl_sweep(store, clock.now)
    again = submit(site_service, clock, 1)  # the words first sent, by the same person: free again
    assert site_service.get("blog", again.id).status == "pending"
