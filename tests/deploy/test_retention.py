"""Retention on moto: what DynamoDB's TTL (`expires_at`) removes, and what it must never remove."""
from __future__ import annotations

import pytest

from chalicelib.storage import (
    IDEMPOTENCY_SECONDS,
    comment_key,
    flood_key,
    network_key,
    unmarshal,
)
from tests.conftest import comment_data, make_service, make_site


def items(store) -> list[dict]:
    """Every item of the test's table (a Scan: test code only, never a request path)."""
    return [unmarshal(i) for i in store.client.scan(TableName=store.table)["Items"]]


def test_ttl_is_on_expires_at(moto_store):
    ttl = moto_store.client.describe_time_to_live(TableName=moto_store.table)["TimeToLiveDescription"]
    assert ttl == {**ttl, "TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_personal_network_data_expires_and_the_comment_does_not(moto_store, keyring, clock):
    make_site(moto_store, retention_days=14)
    service = make_service(moto_store, keyring, clock)
    created = service.submit(
        "blog", comment_data(), ip="203.0.113.9", user_agent="Mozilla/5.0 Test", idempotency_key="key-1"
    ).result
    now = int(clock.now)
    by_key = {(i["pk"], i["sk"]): i for i in items(moto_store)}

    comment = by_key[tuple(comment_key("blog", created.id).values())]
    assert "expires_at" not in comment and "ip" not in comment and "user_agent" not in comment

    network = by_key[tuple(network_key("blog", created.id).values())]
    assert network["ip"] == "203.0.113.9" and network["user_agent"] == "Mozilla/5.0 Test"
    assert network["expires_at"] == now + 14 * 86400

    email_hash = keyring.email_hash("blog", "ada@example.com")
    ip_hash = keyring.ip_hash("blog", "203.0.113.9")
    for key in (flood_key("blog", "E", email_hash), flood_key("blog", "I", ip_hash)):
        guard = by_key[tuple(key.values())]
        assert now < guard["expires_at"] <= now + 15 + 60  # the flood window, plus a minute

    (idempotent,) = [i for i in by_key.values() if i["pk"].startswith("IDEM#")]
    assert idempotent["expires_at"] == now + IDEMPOTENCY_SECONDS

    # The duplicate guard lives as long as its comment (delete removes it); counts and the site stay.
    (duplicate,) = [i for i in by_key.values() if i["pk"].startswith("DUP#")]
    assert "expires_at" not in duplicate
    for item in by_key.values():
        if item["pk"].startswith(("SITE#", "POST#", "COUNT#", "TRUST#")):
            assert "expires_at" not in item


def test_no_ip_or_user_agent_means_no_network_item(moto_store, keyring, clock):
    make_site(moto_store)
    created = make_service(moto_store, keyring, clock).submit("blog", comment_data()).result
    keys = {(i["pk"], i["sk"]) for i in items(moto_store)}
    assert tuple(network_key("blog", created.id).values()) not in keys


def test_notification_markers_expire(held_marker):
    marker, now = held_marker
    assert marker["expires_at"] == now + 7 * 86400


@pytest.mark.parametrize("after", [5, 0])
def test_the_markers_of_a_site_with_digests_expire_too(streamed_store, keyring, clock, stream, notifier, after):
    make_site(streamed_store, digest_after=after)  # 5: the comment is mailed at once; 0: it is digested
    make_service(streamed_store, keyring, clock).submit("blog", comment_data(), ip="203.0.113.9")
    notifier.handle(stream.event())
    (marker,) = [i for i in items(streamed_store) if i["pk"].startswith("NOTIFIED#")]
    assert marker["expires_at"] == int(clock.now) + 7 * 86400 and marker.get("how") == (None if after else "digest")


def test_digest_windows_expire(streamed_store, keyring, clock, stream, notifier):
    make_site(streamed_store, digest_after=0)  # always a digest: its window
    make_service(streamed_store, keyring, clock).submit("blog", comment_data(), ip="203.0.113.9")
    notifier.handle(stream.event())
    found = [i for i in items(streamed_store) if i["pk"].startswith(("DIGEST#", "DIGESTDUE#"))]
    assert len(found) == 2 and all(i["expires_at"] == int(clock.now) + 2 * 86400 for i in found)


@pytest.fixture
def held_marker(streamed_store, keyring, clock, stream, notifier):
    make_site(streamed_store, digest_minutes=0)
    make_service(streamed_store, keyring, clock).submit("blog", comment_data(), ip="203.0.113.9")
    notifier.handle(stream.event())
    (marker,) = [i for i in items(streamed_store) if i["pk"].startswith("NOTIFIED#")]
    return marker, int(clock.now)
