"""The moderator's morning over HTTP: edit, tab counts with the discard trace, empty spam and trash."""
from __future__ import annotations

import json

from tests.api.test_moderation_api import submit


def body(response):
    return json.loads(response.body)


def test_edit_over_http(api, moderator_token):
    comment_id = submit(api)
    url = f"/sites/blog/moderation/comments/{comment_id}"
    edited = api.post(url, json_body={"action": "edit", "version": 1, "content": "Better words"}, headers=moderator_token)
    assert edited.status_code == 200
    assert body(edited)["content"] == "Better words" and body(edited)["version"] == 2
    stale = api.post(url, json_body={"action": "edit", "version": 1, "content": "Older words"}, headers=moderator_token)
    assert stale.status_code == 409 and body(stale)["current"]["content"] == "Better words"
    empty = api.post(url, json_body={"action": "edit", "version": 2, "content": ""}, headers=moderator_token)
    assert empty.status_code == 422 and body(empty)["fields"] == {"content": "is required"}
    not_text = api.post(url, json_body={"action": "edit", "version": 2, "content": 5}, headers=moderator_token)
    assert not_text.status_code == 422 and "content" in body(not_text)["fields"]
    assert body(api.get(url, headers=moderator_token))["content"] == "Better words"


def test_stats_count_tabs_and_discards_without_content(api, moderator_token):
    submit(api, 1)
    trap = {"post_id": "p", "author": "Bot", "email": "bot@example.com", "content": "buy now", "hp": "filled"}
    assert api.post("/sites/blog/comments", json_body=trap, ip="203.0.113.99").status_code == 201  # the bot is not told
    stats = api.get("/sites/blog/moderation/stats", headers=moderator_token)
    assert stats.status_code == 200
    answer = body(stats)
    assert answer["counts"] == {"pending": 1, "approved": 0, "spam": 0, "trash": 0}
    assert answer["discarded"][0]["total"] == 1 and answer["discarded"][0]["reasons"] == {"honeypot": 1}
    assert "buy now" not in stats.body.decode() and "bot@example.com" not in stats.body.decode()


def test_empty_trash_over_http(api, moderator_token):
    ids = [submit(api, n) for n in (1, 2)]
    for comment_id in ids:
        api.post(f"/sites/blog/moderation/comments/{comment_id}", json_body={"action": "trash", "version": 1},
                 headers=moderator_token)
    emptied = api.post("/sites/blog/moderation/empty", json_body={"status": "trash"}, headers=moderator_token)
    assert emptied.status_code == 200
    assert body(emptied) == {"deleted": 2, "skipped": 0, "next_cursor": None}
    assert body(api.get("/sites/blog/moderation/comments?status=trash", headers=moderator_token))["comments"] == []
    refused = api.post("/sites/blog/moderation/empty", json_body={"status": "approved"}, headers=moderator_token)
    assert refused.status_code == 422 and "status" in body(refused)["fields"]
    forged = api.post("/sites/blog/moderation/empty", json_body={"status": "trash", "cursor": "abc.def"},
                      headers=moderator_token)
    assert forged.status_code == 400
