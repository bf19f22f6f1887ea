"""Through the API: trust by name and email, and the site's spam memory."""
from __future__ import annotations

import json

from tests.conftest import approving_engine, make_site


def send(api, clock, author, email="ada@example.com", **extra):
    clock.advance(30)  # past the flood window
    data = {"post_id": "p", "author": author, "email": email, "content": f"{author} at {clock.now}", **extra}
    response = api.post("/sites/blog/comments", json_body=data, ip="203.0.113.5")
    assert response.status_code == 201, response.body
    return json.loads(response.body)


def moderate(api, headers, comment_id, action):
    view = json.loads(api.get(f"/sites/blog/moderation/comments/{comment_id}", headers=headers).body)
    response = api.post(
        f"/sites/blog/moderation/comments/{comment_id}",
        json_body={"action": action, "version": view["version"]},
        headers=headers,
    )
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def test_trust_is_the_name_and_the_email(api, app_service, moderator_token, clock):
    app_service.engine = approving_engine
    moderate(api, moderator_token, send(api, clock, "Ada")["id"], "approve")
    assert send(api, clock, "Ada")["status"] == "approved"
    assert send(api, clock, "Mallory")["status"] == "pending"  # the same email, another name
    spam = send(api, clock, "Ada")
    moderate(api, moderator_token, spam["id"], "spam")
    assert send(api, clock, "Ada")["status"] == "pending"  # spam revoked the trust
    moderate(api, moderator_token, send(api, clock, "Ada")["id"], "approve")
    erased = api.post("/sites/blog/moderation/erase", json_body={"email": "ada@example.com"}, headers=moderator_token)
    assert erased.status_code == 200
    assert send(api, clock, "Ada")["status"] == "pending"  # erasure took the trust record too


def test_bulk_spam_feeds_the_memory_and_the_next_comment_is_not_published(api, app_service, moderator_token, clock):
    from chalicelib import spam
    from chalicelib.storage import marshal

    app_service.engine = spam.evaluate
    make_site(app_service.store, moderation="auto")  # before the first submission caches the site
    first = send(api, clock, "Reader", email="r1@example.com", url="https://backcare-notes.example/")
    assert first["status"] == "approved"
    bulk = api.post("/sites/blog/moderation/bulk", json_body={"action": "spam", "ids": [first["id"]]}, headers=moderator_token)
    assert json.loads(bulk.body)["results"] == {first["id"]: "spam"}
    later = send(api, clock, "Reader", email="r1@example.com")
    assert later["status"] == "pending"  # held or in the spam folder, never published
    view = json.loads(api.get(f"/sites/blog/moderation/comments/{later['id']}", headers=moderator_token).body)
    assert "memory-email" in {r["rule"] for r in view["verdict"]["reasons"]}
    (tag,) = [t for t in app_service.store.get_comment("blog", first["id"]).spam_marks if t.startswith("D#")]
    key = marshal({"pk": f"MEMORY#blog#{tag}", "sk": "MEMORY"})
    assert "Item" in app_service.store.client.get_item(TableName=app_service.store.table, Key=key)
