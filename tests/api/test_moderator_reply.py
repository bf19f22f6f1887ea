"""POST /sites/{site}/moderation/comments/{id}/reply: the site's answer, public at once with its badge."""
from __future__ import annotations

import json

from tests.api.test_moderation_api import submit

ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"


def body(response):
    return json.loads(response.body)


def approve(api, token, comment_id):
    response = api.post(f"/sites/blog/moderation/comments/{comment_id}", json_body={"action": "approve"}, headers=token)
    assert response.status_code == 200, response.body


def test_reply_is_published_under_the_token_name_with_the_badge(api, moderator_token):
    parent = submit(api, 1)
    approve(api, moderator_token, parent)
    answer = api.post(f"/sites/blog/moderation/comments/{parent}/reply", json_body={"content": "We fixed it."},
                      headers=moderator_token)
    assert answer.status_code == 201, answer.body
    reply = body(answer)
    assert reply["author"] == "ann" and reply["moderator"] is True and reply["status"] == "approved"
    public = body(api.get("/sites/blog/posts/p/comments"))
    shown = {c["id"]: c for c in public["comments"]}
    assert shown[reply["id"]]["moderator"] is True and shown[reply["id"]]["parent_id"] == parent
    assert shown[parent]["moderator"] is None
    assert "email" not in shown[reply["id"]]
    assert body(api.get("/sites/blog/counts?post_id=p")) == {"p": 2}


def test_reply_needs_an_approved_parent_and_text(api, moderator_token):
    pending = submit(api, 2)
    refused = api.post(f"/sites/blog/moderation/comments/{pending}/reply", json_body={"content": "Hi"},
                       headers=moderator_token)
    assert refused.status_code == 422 and pending in body(refused)["fields"]["parent_id"]
    missing = api.post(f"/sites/blog/moderation/comments/{ID}/reply", json_body={"content": "Hi"}, headers=moderator_token)
    assert missing.status_code == 404
    approve(api, moderator_token, pending)
    empty = api.post(f"/sites/blog/moderation/comments/{pending}/reply", json_body={}, headers=moderator_token)
    assert empty.status_code == 422 and "content" in body(empty)["fields"]
    wrong = api.post(f"/sites/blog/moderation/comments/{pending}/reply", json_body={"content": ["x"]},
                     headers=moderator_token)
    assert wrong.status_code == 422 and "content" in body(wrong)["fields"]


def test_reply_needs_a_token_of_the_site(api, app_service):
    parent = submit(api, 3)
    path = f"/sites/blog/moderation/comments/{parent}/reply"
    assert api.post(path, json_body={"content": "Hi"}).status_code == 401
    assert api.post(path, json_body={"content": "Hi"}, headers={"authorization": "Bearer nope"}).status_code == 401
    assert body(api.get("/sites/blog/posts/p/comments"))["comments"] == []
