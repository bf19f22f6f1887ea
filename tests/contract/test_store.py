"""The Store contract, run on moto and on DynamoDB Local (the `store` fixture has both params)."""
from __future__ import annotations

import pytest

from chalicelib.errors import DuplicateError, FloodError, NotFoundError, FieldsError
from tests.conftest import comment_data, make_service, make_site


def submit(service, **overrides):
    ip = overrides.pop("ip", "203.0.113.7")
    key = overrides.pop("idempotency_key", "")
    return service.submit("blog", comment_data(**overrides), ip=ip, user_agent="TestAgent/1.0", idempotency_key=key)


def approve(service, comment_id):
    current = service.get("blog", comment_id).model_dump(mode="json")
    return service.act("blog", comment_id, "approve", current["version"]).model_dump(mode="json")


def test_create_table_is_idempotent(store):
    store.create_table()
    assert store.client.describe_table(TableName=store.table)["Table"]["TableStatus"] == "ACTIVE"


def test_table_has_sparse_indexes_and_ttl(store):
    table = store.client.describe_table(TableName=store.table)["Table"]
    names = {index["IndexName"] for index in table["GlobalSecondaryIndexes"]}
    assert names == {"public", "queue", "email"}
    public = next(i for i in table["GlobalSecondaryIndexes"] if i["IndexName"] == "public")
    assert "email" not in public["Projection"].get("NonKeyAttributes", [])
    assert table.get("BillingModeSummary", {}).get("BillingMode", "PAY_PER_REQUEST") == "PAY_PER_REQUEST"
    ttl = store.client.describe_time_to_live(TableName=store.table)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"


def test_site_round_trip(store):
    site = make_site(store, "my-blog", moderation="auto", flood_seconds=0, disallowed_keys=["casino"])
    assert store.get_site("my-blog") == site
    assert store.get_site("nope") is None


def test_submission_is_pending_and_keeps_ip_and_agent_apart(service, store):
    result = submit(service).result
    assert result.status == "pending"
    stored = store.get_comment("blog", result.id, full=True)
    assert stored.status == "pending"
    assert stored.email == "ada@example.com"
    assert (stored.ip, stored.user_agent) == ("203.0.113.7", "TestAgent/1.0")
    # The comment item itself holds neither; only the NET item does, and it expires by TTL.
    comment_item = store.client.get_item(TableName=store.table, Key={"pk": {"S": f"COMMENT#blog#{result.id}"}, "sk": {"S": "COMMENT"}})["Item"]
    assert "ip" not in comment_item and "user_agent" not in comment_item
    net = store.client.get_item(TableName=store.table, Key={"pk": {"S": f"COMMENT#blog#{result.id}"}, "sk": {"S": "NET"}})["Item"]
    assert int(net["expires_at"]["N"]) == int(service.clock()) + 30 * 86400


def test_ids_are_time_ordered(service, clock):
    first = submit(service, ip="203.0.113.1").result.id
    clock.advance(1)
    second = submit(service, ip="203.0.113.2", email="b@example.com", content="Another thought.").result.id
    assert first < second


def test_duplicate_is_refused_even_after_the_flood_window(service, clock):
    submit(service)
    clock.advance(60)
    with pytest.raises(DuplicateError):
        submit(service, content="  a THOUGHTFUL   reply about the engine. ")
    submit(service, content="Something else entirely.")  # a new thought is fine


def test_flood_by_ip_is_refused_and_by_email_is_held(service, clock):
    submit(service)
    # Same email, other IP: a 429 would confirm that this address just commented, so it is held.
    held = submit(service, content="second", ip="198.51.100.9")
    assert held.result.status == "pending"
    stored = service.get("blog", held.result.id).model_dump(mode="json")
    assert "flood-email" in {r["rule"] for r in stored["verdict"]["reasons"]}
    with pytest.raises(FloodError) as raised:
        submit(service, content="third", email="other@example.com")  # same IP, other email
    assert raised.value.retry_after == 15
    clock.advance(10)
    with pytest.raises(FloodError) as raised:
        submit(service, content="fourth", email="else@example.com")
    assert raised.value.retry_after == 5  # what is left of the window, not all of it
    clock.advance(5)
    assert submit(service, content="after the window").result.status == "pending"


def test_flood_off_when_site_says_zero(store, keyring, clock):
    make_site(store, flood_seconds=0)
    service = make_service(store, keyring, clock)
    submit(service)
    submit(service, content="right away")


def test_idempotency_key_returns_first_answer_and_stores_once(service, store):
    first = submit(service, idempotency_key="k-123")
    again = submit(service, idempotency_key="k-123")
    assert again.replayed and again.result == first.result
    assert len(service.queue("blog", "pending").model_dump(mode="json")["comments"]) == 1


def test_unknown_site_and_parent(service, store):
    with pytest.raises(NotFoundError):
        service.submit("ghost", comment_data())
    with pytest.raises(NotFoundError):
        submit(service, parent_id="01ARZ3NDEKTSV4RRFFQ69G5FAV")
    pending = submit(service).result
    with pytest.raises(NotFoundError):  # a parent must be approved
        submit(service, parent_id=pending.id, email="x@example.com", ip="203.0.113.99")


def test_reply_to_approved_parent_on_same_post_only(service, clock):
    parent = submit(service).result
    approve(service, parent.id)
    clock.advance(20)
    reply = submit(service, parent_id=parent.id, content="a reply", email="r@example.com").result
    assert reply.parent_id == parent.id
    clock.advance(20)
    with pytest.raises(NotFoundError):
        submit(service, parent_id=parent.id, post_id="another-post", content="x", email="s@example.com")


def test_post_url_must_be_on_an_allowed_origin(service):
    with pytest.raises(FieldsError) as raised:
        submit(service, post_url="https://evil.example/p")
    assert "post_url" in raised.value.fields


def test_public_listing_shows_approved_only_oldest_first_with_cursor(service, clock):
    ids = []
    for n in range(5):
        ids.append(submit(service, content=f"comment {n}", email=f"p{n}@example.com", ip=f"203.0.113.{n}").result.id)
        clock.advance(1)
    for comment_id in ids[:4]:
        approve(service, comment_id)
    page = service.list_public("blog", "hello-world", limit=3).model_dump(mode="json")
    assert [c["id"] for c in page["comments"]] == ids[:3]
    assert page["count"] == 4 and page["next_cursor"]
    rest = service.list_public("blog", "hello-world", limit=3, cursor=page["next_cursor"]).model_dump(mode="json")
    assert [c["id"] for c in rest["comments"]] == ids[3:4]
    assert rest["next_cursor"] is None
    for comment in page["comments"]:
        assert set(comment) == {"id", "parent_id", "author", "url", "avatar", "content_html", "created_at", "origin_id", "moderator"}


def test_a_full_last_page_has_no_cursor(service, clock):
    for n in range(3):
        comment = submit(service, content=f"c{n}", email=f"f{n}@example.com", ip=f"203.0.113.{n}").result
        approve(service, comment.id)
    page = service.list_public("blog", "hello-world", limit=3).model_dump(mode="json")
    assert len(page["comments"]) == 3 and page["next_cursor"] is None and page["count"] == 3
    queue = service.queue("blog", "approved", limit=3).model_dump(mode="json")
    assert len(queue["comments"]) == 3 and queue["next_cursor"] is None


def test_content_html_is_escaped(service, store, keyring, clock):
    result = submit(service, content='<img src=x onerror=alert(1)>\n\n"quoted" & more').result
    approve(service, result.id)
    html = service.list_public("blog", "hello-world").model_dump(mode="json")["comments"][0]["content_html"]
    assert html == "<p>&lt;img src=x onerror=alert(1)&gt;</p><p>&quot;quoted&quot; &amp; more</p>"


def test_counts_follow_approval(service, clock):
    a = submit(service).result
    clock.advance(20)
    b = submit(service, content="two", email="two@example.com", ip="203.0.113.2").result
    assert service.counts("blog", ["hello-world", "empty"]) == {"hello-world": 0, "empty": 0}
    approve(service, a.id)
    approve(service, b.id)
    assert service.counts("blog", ["hello-world"]) == {"hello-world": 2}
    service.act("blog", a.id, "hold", service.get("blog", a.id).version)
    assert service.counts("blog", ["hello-world"]) == {"hello-world": 1}
    service.delete("blog", b.id)
    assert service.counts("blog", ["hello-world"]) == {"hello-world": 0}


def test_auto_policy_approves_clean_verdicts(store, keyring, clock):
    from tests.conftest import approving_engine

    make_site(store, moderation="auto")
    service = make_service(store, keyring, clock, engine=approving_engine)
    assert submit(service).result.status == "approved"
    assert service.counts("blog", ["hello-world"]) == {"hello-world": 1}


def test_honeypot_is_discarded_silently(service):
    outcome = submit(service, hp="I am a bot")
    assert outcome.result.status == "pending" and outcome.decision == "discard"
    assert service.queue("blog", "pending").model_dump(mode="json")["comments"] == []
    assert service.queue("blog", "spam").model_dump(mode="json")["comments"] == []


def test_tokens(store):
    make_site(store)
    store.put_token("blog", "ann", "hash-1")
    assert store.get_token("hash-1")["site"] == "blog"
    store.put_token("blog", "ann", "hash-2")  # a new token of the same name replaces the old one
    assert store.get_token("hash-1") is None
    assert store.revoke_token("blog", "ann") is True
    assert store.get_token("hash-2") is None
    assert store.revoke_token("blog", "ann") is False


def test_avatars_are_keyed_per_site(store, keyring, clock):
    import hashlib

    make_site(store, "other", flood_seconds=0)
    service = make_service(store, keyring, clock)
    make_site(store, flood_seconds=0)

    def avatar(submitted):  # the stored one: a pending comment's answer carries none
        return store.get_comment(submitted.site.slug, submitted.result.id).avatar

    here = avatar(submit(service))
    there = avatar(service.submit("other", comment_data()))
    again = avatar(submit(service, content="another thought"))
    assert here == again  # one person, one face on a blog
    assert here != there  # but nothing that ties their comments on two blogs together
    assert hashlib.md5(b"ada@example.com").hexdigest()[:20] not in (here, there)
