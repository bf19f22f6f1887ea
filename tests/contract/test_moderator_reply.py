"""Moderator replies on both backends: published at once, counted, marked as the site's, no email."""
from __future__ import annotations

import pytest

from chalicelib.errors import FieldsError, NotFoundError
from tests.conftest import comment_data, make_service, make_site


def approved_comment(service, n=0):
    result = service.submit("blog", comment_data(content=f"question {n}", email=f"q{n}@example.com"), ip=f"203.0.113.{n + 1}").result
    service.act("blog", result.id, "approve")
    return result.id


def refusing_engine(*args, **kwargs):
    raise AssertionError("a moderator's reply must not be spam-scored")


def test_a_reply_is_public_at_once_counted_and_marked(service):
    parent = approved_comment(service)
    reply = service.reply("blog", parent, "ann", "Thanks, *fixed* now.").model_dump(mode="json")
    assert reply["status"] == "approved" and reply["author"] == "ann" and reply["moderator"] is True
    assert reply["parent_id"] == parent and reply["email"] == ""
    page = service.list_public("blog", "hello-world").model_dump(mode="json")
    by_id = {c["id"]: c for c in page["comments"]}
    assert by_id[reply["id"]]["moderator"] is True
    assert by_id[parent]["moderator"] is None  # a reader's comment carries no badge
    assert page["count"] == 2 and service.counts("blog", ["hello-world"]) == {"hello-world": 2}


def test_no_spam_score_and_no_flood_check(store, keyring, clock):
    make_site(store, flood_seconds=3600)
    parent = approved_comment(make_service(store, keyring, clock))
    service = make_service(store, keyring, clock, engine=refusing_engine)
    first = service.reply("blog", parent, "ann", "One answer.").model_dump(mode="json")
    second = service.reply("blog", parent, "ann", "And a second one in the same second.").model_dump(mode="json")
    assert first["id"] != second["id"]
    assert service.counts("blog", ["hello-world"])["hello-world"] == 3


def test_the_parent_must_exist_and_be_approved(service):
    pending = service.submit("blog", comment_data(), ip="203.0.113.99").result.id
    with pytest.raises(FieldsError) as refused:
        service.reply("blog", pending, "ann", "Not yet.")
    assert pending in refused.value.fields["parent_id"] and "pending" in refused.value.fields["parent_id"]
    with pytest.raises(NotFoundError):
        service.reply("blog", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "ann", "To nobody.")
    with pytest.raises(FieldsError) as empty:
        service.reply("blog", approved_comment(service, 1), "ann", "   ")
    assert "content" in empty.value.fields
    assert service.counts("blog", ["hello-world"])["hello-world"] == 1  # nothing half-written


def test_a_reply_holds_no_email_key_and_can_be_deleted(service):
    parent = approved_comment(service)
    reply = service.reply("blog", parent, "ann", "Noted.").model_dump(mode="json")
    assert service.store.email_items("blog", "") == []  # no shared empty-email partition
    service.delete("blog", reply["id"])
    assert service.counts("blog", ["hello-world"])["hello-world"] == 1
    assert [c["id"] for c in service.list_public("blog", "hello-world").model_dump(mode="json")["comments"]] == [parent]
