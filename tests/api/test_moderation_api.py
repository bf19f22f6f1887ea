"""Moderation routes: tokens (401/403), the queue, actions with versions, delete, bulk, erase."""
from __future__ import annotations

import json

import pytest

from tests.conftest import make_site

ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
ROUTES = [
    ("GET", "/sites/blog/moderation/comments", None),
    ("GET", f"/sites/blog/moderation/comments/{ID}", None),
    ("POST", f"/sites/blog/moderation/comments/{ID}", {"action": "approve", "version": 1}),
    ("DELETE", f"/sites/blog/moderation/comments/{ID}", None),
    ("POST", "/sites/blog/moderation/bulk", {"action": "approve", "ids": [ID]}),
    ("POST", "/sites/blog/moderation/erase", {"email": "x@example.com"}),
    ("GET", "/sites/blog/moderation/stats", None),
    ("POST", "/sites/blog/moderation/empty", {"status": "spam"}),
]


def body(response):
    return json.loads(response.body)


def submit(api, n=1, **extra):
    data = {"post_id": "p", "author": f"Author {n}", "email": f"m{n}@example.com", "content": f"words {n}", **extra}
    response = api.post("/sites/blog/comments", json_body=data, ip=f"203.0.113.{n}")
    assert response.status_code == 201, response.body
    return body(response)["id"]


@pytest.mark.parametrize("method, path, payload", ROUTES)
def test_token_matrix(api, app_service, moderator_token, method, path, payload):
    make_site(app_service.store, "other")
    other = "other-token-" + "b" * 40
    app_service.store.put_token("other", "bo", app_service.keyring.token_hash(other))
    revoked = "revoked-token-" + "c" * 40
    app_service.store.put_token("blog", "gone", app_service.keyring.token_hash(revoked))
    app_service.store.revoke_token("blog", "gone")

    def call(headers):
        return api.request(method, path, json_body=payload, headers=headers)

    assert call({}).status_code == 401
    assert call({"authorization": "Bearer "}).status_code == 401
    assert call({"authorization": "Basic dXNlcjpwYXNz"}).status_code == 401
    assert call({"authorization": "Bearer not-a-token"}).status_code == 401
    assert call({"authorization": f"Bearer {revoked}"}).status_code == 401
    assert call({"authorization": f"Bearer {other}"}).status_code == 403
    allowed = call(moderator_token).status_code
    assert allowed not in (401, 403) and allowed < 500  # past the check, the route's own answer (a 500 is no pass)


def test_queue_shows_the_full_view_and_public_does_not(api, app_service, moderator_token):
    comment_id = submit(api, 1, url="https://m1.example")
    queue = body(api.get("/sites/blog/moderation/comments?status=pending", headers=moderator_token))
    full = queue["comments"][0]
    assert full["id"] == comment_id and full["email"] == "m1@example.com" and full["ip"] == "203.0.113.1"
    assert full["verdict"]["decision"] == "hold" and full["verdict"]["reasons"]
    assert full["version"] == 1 and full["status"] == "pending" and full["post_id"] == "p"
    one = body(api.get(f"/sites/blog/moderation/comments/{comment_id}", headers=moderator_token))
    assert one == full
    assert api.get("/sites/blog/moderation/comments?status=bogus", headers=moderator_token).status_code == 422
    assert api.get("/sites/blog/moderation/comments?cursor=abc.def", headers=moderator_token).status_code == 400


def test_approve_then_stale_version_then_delete(api, app_service, moderator_token):
    comment_id = submit(api)
    url = f"/sites/blog/moderation/comments/{comment_id}"
    approved = api.post(url, json_body={"action": "approve", "version": 1}, headers=moderator_token)
    assert approved.status_code == 200 and body(approved)["status"] == "approved" and body(approved)["version"] == 2
    public = body(api.get("/sites/blog/posts/p/comments"))
    assert [c["id"] for c in public["comments"]] == [comment_id]
    stale = api.post(url, json_body={"action": "spam", "version": 1}, headers=moderator_token)
    assert stale.status_code == 409 and body(stale)["current"]["status"] == "approved"
    assert api.post(url, json_body={"action": "publish", "version": 2}, headers=moderator_token).status_code == 422
    assert api.post(url, json_body={"action": "approve", "version": 2}, headers=moderator_token).status_code == 422
    assert api.post(url, json_body={"version": 2}, headers=moderator_token).status_code == 422
    assert api.post(url, raw=b"{oops", headers={**moderator_token, "content-type": "application/json"}).status_code == 400
    assert api.delete(url, headers=moderator_token).status_code == 204
    assert api.get(url, headers=moderator_token).status_code == 404
    assert body(api.get("/sites/blog/counts?post_id=p")) == {"p": 0}


def test_bulk_and_erase(api, app_service, moderator_token):
    a, b = submit(api, 1), submit(api, 2)
    results = body(api.post("/sites/blog/moderation/bulk", json_body={"action": "spam", "ids": [a, b, ID]}, headers=moderator_token))
    assert results["results"] == {a: "spam", b: "spam", ID: "error: not found"}
    bad = api.post("/sites/blog/moderation/bulk", json_body={"action": "spam", "ids": "x"}, headers=moderator_token)
    assert bad.status_code == 422
    erased = api.post("/sites/blog/moderation/erase", json_body={"email": "m1@example.com"}, headers=moderator_token)
    assert body(erased) == {"erased": 1}
    again = api.post("/sites/blog/moderation/erase", json_body={"email": "m1@example.com"}, headers=moderator_token)
    assert body(again) == {"erased": 0}
    left = body(api.get("/sites/blog/moderation/comments?status=spam", headers=moderator_token))["comments"]
    assert [c["id"] for c in left] == [b]


def test_erase_and_export_take_the_email_limit_a_submission_has(api, moderator_token):
    from chalicelib.models import MAX_EMAIL
    from chalicelib.views import EraseRequest

    too_long = "x" * (MAX_EMAIL - len("@example.com") + 1) + "@example.com"
    for path in ("/sites/blog/moderation/erase", "/sites/blog/moderation/export"):
        response = api.post(path, json_body={"email": too_long}, headers=moderator_token)
        assert response.status_code == 422 and "email" in body(response)["fields"], path
    # The documented limit is the checked one (the service allowed 254, the model said nothing).
    assert EraseRequest.model_json_schema()["properties"]["email"]["maxLength"] == MAX_EMAIL == 100


@pytest.mark.parametrize("path, request_body, field", [
    ("/sites/blog/moderation/erase", {"email": "a@"}, "email"),  # documented minLength 3
    ("/sites/blog/moderation/bulk", {"action": "approve", "ids": []}, "ids"),  # minItems 1
    ("/sites/blog/moderation/bulk", {"action": "approve", "ids": [ID] * 101}, "ids"),  # maxItems 100
    ("/sites/blog/moderation/bulk", {"action": "publish", "ids": [ID]}, "action"),  # not in the enum
    ("/sites/blog/moderation/posts/p", {"closed": "false"}, "closed"),  # a boolean, not a word
    (f"/sites/blog/moderation/comments/{ID}/reply", {"content": "x" * 65526}, "content"),  # maxLength
    (f"/sites/blog/moderation/comments/{ID}", {"action": "publish"}, "action"),
])
def test_what_the_document_forbids_a_moderation_route_refuses_naming_the_field(api, moderator_token, path, request_body, field):
    """The request models /openapi.json shows are the ones the service validates with, limits included."""
    response = api.post(path, json_body=request_body, headers=moderator_token)
    assert response.status_code == 422, response.body
    assert field in body(response)["fields"]


def test_the_documented_request_limits_are_the_checked_ones():
    from chalicelib import moderation
    from chalicelib.models import MAX_CONTENT
    from chalicelib.views import BulkAction, ModerationAction, PostClosing, ReplyRequest

    bulk = BulkAction.model_json_schema()["properties"]
    assert (bulk["ids"]["minItems"], bulk["ids"]["maxItems"]) == (1, 100)
    assert set(bulk["action"]["enum"]) == {*moderation.TRANSITIONS, "delete"}
    assert set(ModerationAction.model_json_schema()["properties"]["action"]["enum"]) == {*moderation.TRANSITIONS, "edit"}
    assert ReplyRequest.model_json_schema()["properties"]["content"]["maxLength"] == MAX_CONTENT
    assert PostClosing.model_json_schema()["properties"]["closed"]["type"] == "boolean"
