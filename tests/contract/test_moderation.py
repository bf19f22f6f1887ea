"""Moderation through the Service on both backends: transitions, versions, trust, bulk, erase."""
from __future__ import annotations

import pytest

from chalicelib.errors import ConflictError, IllegalTransitionError, NotFoundError, FieldsError
from tests.conftest import comment_data


def submit(service, n=0, **overrides):
    data = comment_data(content=f"comment number {n}", email=f"user{n}@example.com", **overrides)
    return service.submit("blog", data, ip=f"203.0.113.{n % 250}", user_agent="UA/1").result


def act(service, comment_id, action):
    return service.act("blog", comment_id, action, service.get("blog", comment_id).version).model_dump(mode="json")


@pytest.mark.parametrize(
    "path, expected",
    [
        (["approve"], "approved"),
        (["spam"], "spam"),
        (["ham"], "approved"),
        (["trash"], "trash"),
        (["approve", "hold"], "pending"),
        (["approve", "spam", "ham"], "approved"),
        (["spam", "approve"], "approved"),
        (["approve", "trash", "restore"], "approved"),
        (["spam", "trash", "restore"], "spam"),
    ],
)
def test_transitions(service, path, expected):
    comment = submit(service)
    for action in path:
        view = act(service, comment.id, action)
    assert view["status"] == expected
    assert view["version"] == 1 + len(path)


@pytest.mark.parametrize(
    "path, illegal",
    [([], "restore"), ([], "hold"), (["approve"], "approve"), (["approve"], "ham"), (["trash"], "approve"), (["spam"], "spam")],
)
def test_illegal_transitions(service, path, illegal):
    comment = submit(service)
    for action in path:
        act(service, comment.id, action)
    with pytest.raises(IllegalTransitionError):
        act(service, comment.id, illegal)


def test_unknown_action_and_missing_comment(service):
    comment = submit(service)
    with pytest.raises(FieldsError):
        service.act("blog", comment.id, "publish", 1)
    with pytest.raises(NotFoundError):
        service.act("blog", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "approve", 1)
    with pytest.raises(NotFoundError):
        service.act("blog", "../../etc", "approve", 1)


def test_stale_version_is_a_conflict_with_the_current_view(service):
    comment = submit(service)
    service.act("blog", comment.id, "approve", 1)
    with pytest.raises(ConflictError) as raised:
        service.act("blog", comment.id, "spam", 1)
    assert raised.value.current["status"] == "approved" and raised.value.current["version"] == 2


def test_queue_by_status_newest_first_with_cursor(service, clock):
    ids = []
    for n in range(5):
        ids.append(submit(service, n).id)
        clock.advance(1)
    act(service, ids[0], "spam")
    page = service.queue("blog", "pending", limit=2).model_dump(mode="json")
    assert [c["id"] for c in page["comments"]] == [ids[4], ids[3]]
    page2 = service.queue("blog", "pending", limit=2, cursor=page["next_cursor"]).model_dump(mode="json")
    assert [c["id"] for c in page2["comments"]] == [ids[2], ids[1]]
    assert [c["id"] for c in service.queue("blog", "spam").model_dump(mode="json")["comments"]] == [ids[0]]
    full = page["comments"][0]
    assert full["email"] == "user4@example.com" and full["ip"] == "203.0.113.4" and full["user_agent"] == "UA/1"
    assert {"verdict", "version", "updated_at", "post_id", "status"} <= set(full)


def test_forged_cursor_is_refused(service):
    from chalicelib.errors import BadRequestError

    with pytest.raises(BadRequestError):
        service.queue("blog", "pending", cursor="eyJwayI6IngifQ.AAAA")
    page = service.list_public("blog", "hello-world").model_dump(mode="json")
    with pytest.raises(BadRequestError):  # a cursor of one listing is not valid for another
        service.queue("blog", "pending", cursor=service.keyring.encode_cursor("public:blog:hello-world", {"pk": "x"}))
    assert page["next_cursor"] is None


def test_trusted_policy_approves_authors_with_an_approved_comment(service, clock):
    from tests.conftest import approving_engine

    service.engine = approving_engine
    first = submit(service, 1)
    assert first.status == "pending"  # unknown author: held, as WordPress's default
    act(service, first.id, "approve")
    clock.advance(30)
    second = submit(service, 1, post_id="other-post")
    assert second.status == "approved"
    act(service, second.id, "spam")  # marking spam removes the trust
    clock.advance(30)
    assert submit(service, 1, post_id="third-post").status == "pending"


def test_delete_keeps_replies_with_their_parent_id(service, clock):
    parent = submit(service, 1)
    act(service, parent.id, "approve")
    clock.advance(30)
    reply = service.submit("blog", comment_data(content="reply", email="r@example.com", parent_id=parent.id)).result
    act(service, reply.id, "approve")
    service.delete("blog", parent.id)
    listing = service.list_public("blog", "hello-world").model_dump(mode="json")
    assert [(c["id"], c["parent_id"]) for c in listing["comments"]] == [(reply.id, parent.id)]
    with pytest.raises(NotFoundError):
        service.get("blog", parent.id)
    assert service.counts("blog", ["hello-world"]) == {"hello-world": 1}


def test_delete_frees_the_duplicate_guard(service, clock):
    comment = submit(service, 1)
    service.delete("blog", comment.id)
    clock.advance(30)
    assert submit(service, 1).status == "pending"


def test_bulk_reports_each_id(service, clock):
    a = submit(service, 1)
    b = submit(service, 2)
    act(service, b.id, "approve")
    missing = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
    results = service.bulk("blog", "approve", [a.id, b.id, missing]).results
    assert results[a.id] == "approved"
    assert results[b.id].startswith("error: cannot approve")
    assert results[missing] == "error: not found"
    deleted = service.bulk("blog", "delete", [a.id, missing]).results
    assert deleted == {a.id: "deleted", missing: "error: not found"}
    with pytest.raises(FieldsError):
        service.bulk("blog", "approve", [str(i) for i in range(101)])


def test_erase_removes_everything_of_an_email(service, store, clock, keyring):
    kept = submit(service, 2)
    mine = []
    for n, post in enumerate(["p1", "p2", "p3"]):
        mine.append(service.submit(
            "blog", comment_data(post_id=post, content=f"mine {n}", email="Erase.Me@Example.com"),
            ip=f"198.51.100.{n}", user_agent="UA", idempotency_key=f"idem-{n}",
        ).result)
        clock.advance(30)
    act(service, mine[0].id, "approve")  # approved: trust record and a public count
    assert len(service.list_public("blog", "p1").model_dump(mode="json")["comments"]) == 1
    act(service, mine[1].id, "spam")
    assert service.erase("blog", "erase.me@example.com").model_dump(mode="json") == {"erased": 3}
    assert service.erase("blog", "erase.me@example.com").model_dump(mode="json") == {"erased": 0}
    assert service.counts("blog", ["p1"]) == {"p1": 0}
    assert service.list_public("blog", "p1").model_dump(mode="json")["comments"] == []
    for status in ("pending", "approved", "spam", "trash"):
        for comment in service.queue("blog", status).model_dump(mode="json")["comments"]:
            assert comment["email"] != "Erase.Me@Example.com"
    assert [c["id"] for c in service.queue("blog", "pending").model_dump(mode="json")["comments"]] == [kept.id]
    # Nothing keyed by that email is left: no comment, guard, idempotent answer, trust or network item.
    email_hash = keyring.email_hash("blog", "erase.me@example.com")
    assert store.email_items("blog", email_hash) == []
    for comment in mine:
        assert store.get_comment("blog", comment.id, full=True) is None
    from chalicelib.storage import trust_key, marshal

    assert "Item" not in store.client.get_item(TableName=store.table, Key=marshal(trust_key("blog", email_hash)))
    # The same person may comment again afterwards.
    service.submit("blog", comment_data(post_id="p1", content="mine 0", email="erase.me@example.com"))


def test_learning_counts_follow_spam_and_ham(service, store):
    comment = submit(service, 1)
    act(service, comment.id, "spam")
    from chalicelib.storage import learned_part_key, marshal, unmarshal

    def documents():  # the document counts live in part 0 of the site's LEARNED parts
        return unmarshal(store.client.get_item(TableName=store.table, Key=marshal(learned_part_key("blog", 0)))["Item"])

    item = documents()
    assert item["spam_docs"] == 1 and item.get("ham_docs", 0) == 0
    act(service, comment.id, "ham")  # un-teaches spam, teaches ham
    item = documents()
    assert item["spam_docs"] == 0 and item["ham_docs"] == 1
