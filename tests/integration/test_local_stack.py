"""`make run` as a person uses it: real HTTP to `chalice local`, real DynamoDB Local on disk."""
from __future__ import annotations

import json
import os
import stat
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from tests.conftest import Stack

pytestmark = pytest.mark.ddblocal


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url, *, data=None, headers=None, method=None):
    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with opener.open(req, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def stored_statuses(stack, comment_id):
    item = stack.client().get_item(
        TableName="replybox", Key={"pk": {"S": f"COMMENT#demo#{comment_id}"}, "sk": {"S": "COMMENT"}}
    ).get("Item")
    return item and item["status"]["S"]


def test_form_post_is_303_and_stored_pending_then_same_ip_is_flood(local_stack):
    form = urlencode(
        {"author": "Curl User", "email": "curl@example.com", "comment": "Posted by curl", "comment_post_ID": "1"}
    ).encode()
    status, headers, _ = request(f"{local_stack.url}/sites/demo/comments", data=form,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 303
    assert headers["Location"].startswith(f"{local_stack.url}/demo?replybox=pending#comment-")
    comment_id = headers["Location"].rsplit("comment-", 1)[1]
    assert stored_statuses(local_stack, comment_id) == "pending"
    # chalice local sees every caller as 127.0.0.1: a second post inside 15 s is the same IP flooding.
    body = json.dumps({"post_id": "1", "author": "J", "email": "j@example.com", "content": "json"}).encode()
    status, headers, payload = request(f"{local_stack.url}/sites/demo/comments", data=body,
                                       headers={"Content-Type": "application/json"})
    assert status == 429 and 1 <= int(headers["Retry-After"]) <= 15  # what is left of the 15 s window


def test_cors_preflight_answers_only_allowed_origins(local_stack):
    url = f"{local_stack.url}/sites/demo/comments"
    status, headers, _ = request(url, method="OPTIONS", headers={
        "Origin": local_stack.url, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204 and headers["Access-Control-Allow-Origin"] == local_stack.url
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()
    status, headers, _ = request(url, method="OPTIONS", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers
    status, headers, _ = request(f"{local_stack.url}/sites/demo/counts?post_id=1", headers={"Origin": local_stack.url})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == local_stack.url


def test_first_start_writes_a_private_token_that_works(local_stack):
    path = os.path.join(local_stack.data_dir, "demo-token")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    status, _, payload = request(f"{local_stack.url}/sites/demo/moderation/comments",
                                 headers={"Authorization": f"Bearer {local_stack.token()}"})
    assert status == 200 and "comments" in json.loads(payload)
    status, _, _ = request(f"{local_stack.url}/sites/demo/moderation/comments")
    assert status == 401


def test_restart_keeps_comments_secret_and_token(tmp_path):
    stack = Stack(str(tmp_path)).start()
    try:
        body = json.dumps({"post_id": "9", "author": "K", "email": "k@example.com", "content": "keep me"}).encode()
        status, _, payload = request(f"{stack.url}/sites/demo/comments", data=body, headers={"Content-Type": "application/json"})
        assert status == 201
        comment_id = json.loads(payload)["id"]
        token, secret = stack.token(), open(tmp_path / "secret").read()
    finally:
        stack.stop()
    stack = Stack(str(tmp_path)).start()
    try:
        assert stack.token() == token and open(tmp_path / "secret").read() == secret
        status, _, payload = request(f"{stack.url}/sites/demo/moderation/comments/{comment_id}",
                                     headers={"Authorization": f"Bearer {token}"})
        assert status == 200 and json.loads(payload)["content"] == "keep me"
    finally:
        stack.stop()
