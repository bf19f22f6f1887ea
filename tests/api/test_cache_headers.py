"""Public reads are cacheable at the edge for seconds, with ETag/304; moderation answers never are."""
from __future__ import annotations

import json

import pytest

from tests.api.test_moderation_api import submit

ORIGIN = {"origin": "https://blog.example"}


def headers(response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()}


def directives(response) -> dict[str, str]:
    value = headers(response).get("cache-control", "")
    return dict((part.strip().split("=", 1) + [""])[:2] for part in value.split(",") if part.strip())


def approve(api, token, comment_id, version=1):
    answer = api.post(f"/sites/blog/moderation/comments/{comment_id}", json_body={"action": "approve", "version": version},
                      headers=token)
    assert answer.status_code == 200, answer.body


@pytest.mark.parametrize("path", ["/sites/blog/posts/p/comments", "/sites/blog/counts?post_id=p", "/widget.js"])
def test_public_reads_may_be_kept_by_a_shared_cache_for_seconds(api, app_service, path):
    answer = api.get(path, headers=ORIGIN)
    assert answer.status_code == 200
    cache = directives(answer)
    assert "public" in cache and "no-store" not in cache and "private" not in cache
    assert 1 <= int(cache["s-maxage"]) <= 60  # seconds at the edge: an approval shows soon after
    assert int(cache["stale-while-revalidate"]) > 0
    assert headers(answer).get("etag")
    assert "Accept-Encoding" in headers(answer).get("vary", "")


def test_the_cors_answer_varies_by_origin(api, app_service):
    answer = api.get("/sites/blog/posts/p/comments", headers=ORIGIN)
    assert headers(answer)["access-control-allow-origin"] == "https://blog.example"
    assert {"Origin", "Accept-Encoding"} <= {v.strip() for v in headers(answer)["vary"].split(",")}


@pytest.mark.parametrize("path", ["/sites/blog/posts/p/comments", "/sites/blog/counts?post_id=p"])
def test_an_unchanged_read_answers_304_without_a_body_and_a_change_gets_a_new_etag(api, app_service, moderator_token, path):
    first = api.get(path, headers=ORIGIN)
    etag = headers(first)["etag"]
    again = api.get(path, headers={**ORIGIN, "if-none-match": etag})
    assert again.status_code == 304 and again.body in (b"", "")
    assert headers(again)["etag"] == etag and "s-maxage" in headers(again)["cache-control"]
    assert api.get(path, headers={**ORIGIN, "if-none-match": 'W/"other", ' + etag}).status_code == 304
    assert api.get(path, headers={**ORIGIN, "if-none-match": 'W/"other"'}).status_code == 200
    approve(api, moderator_token, submit(api, 1))
    changed = api.get(path, headers={**ORIGIN, "if-none-match": etag})
    assert changed.status_code == 200 and headers(changed)["etag"] != etag
    assert json.loads(changed.body)  # the approved comment (or its count) is in it


def test_moderation_and_per_visitor_answers_are_never_cacheable(api, app_service, moderator_token):
    comment_id = submit(api, 2)
    answers = {
        "queue": api.get("/sites/blog/moderation/comments?status=pending", headers=moderator_token),
        "one comment": api.get(f"/sites/blog/moderation/comments/{comment_id}", headers=moderator_token),
        "action": api.post(f"/sites/blog/moderation/comments/{comment_id}", json_body={"action": "approve", "version": 1},
                           headers=moderator_token),
        "bulk": api.post("/sites/blog/moderation/bulk", json_body={"action": "hold", "ids": [comment_id]}, headers=moderator_token),
        "no token": api.get("/sites/blog/moderation/comments"),
        "form token": api.get("/sites/blog/form-token", headers=ORIGIN),
        "submission": api.post("/sites/blog/comments", json_body={"post_id": "p", "author": "A", "email": "c@example.com",
                                                                   "content": "hello there"}, ip="203.0.113.77"),
        "unknown site": api.get("/sites/nosuch/posts/p/comments"),
        "bad limit": api.get("/sites/blog/posts/p/comments?limit=0"),
    }
    for name, answer in answers.items():
        assert directives(answer).keys() == {"no-store"}, (name, headers(answer).get("cache-control"))
        assert "etag" not in headers(answer), name


def test_api_gateway_compresses_answers_the_client_accepts_compressed(template_of_package):
    assert template_of_package["Resources"]["RestAPI"]["Properties"]["MinimumCompressionSize"] <= 1024


@pytest.fixture
def template_of_package():
    from deploy.template import merge_template

    return merge_template("dev")
