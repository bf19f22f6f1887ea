"""Old links keep working after an import (replies by old number) and closed posts refuse comments."""
from __future__ import annotations

import json

import pytest

from chalicelib.migrate.importer import import_export
from chalicelib.migrate.parse import parse_export
from tests.api.test_calls_and_privacy import calls  # noqa: F401 - the fixture

WXR = """<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><link>https://blog.example/?p=7</link><wp:post_id>7</wp:post_id><wp:comment_status>{status}</wp:comment_status>
<wp:comment><wp:comment_id>123</wp:comment_id><wp:comment_author>Old Timer</wp:comment_author>
<wp:comment_author_email>old@example.com</wp:comment_author_email><wp:comment_date_gmt>2015-03-01 10:00:00</wp:comment_date_gmt>
<wp:comment_content>First!</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>124</wp:comment_id><wp:comment_author>Held</wp:comment_author>
<wp:comment_author_email>held@example.com</wp:comment_author_email><wp:comment_date_gmt>2015-03-02 10:00:00</wp:comment_date_gmt>
<wp:comment_content>Waiting</wp:comment_content><wp:comment_approved>0</wp:comment_approved></wp:comment>
</item>
<item><link>https://blog.example/?p=8</link><wp:post_id>8</wp:post_id><wp:comment_status>open</wp:comment_status></item>
</channel></rss>"""


def imported(app_service, status="open"):
    import_export(app_service, "blog", parse_export(WXR.format(status=status).encode()))
    return app_service.list_public("blog", "7").model_dump(mode="json")["comments"][0]


def reply(api, **fields):
    body = {"post_id": "7", "author": "New Reader", "email": "new@example.com", "content": "A reply", **fields}
    return api.post("/sites/blog/comments", json_body=body)


def test_public_view_carries_the_old_number(api, app_service):
    old = imported(app_service)
    listed = json.loads(api.get("/sites/blog/posts/7/comments").body)
    assert listed["comments"][0]["origin_id"] == "123" == old["origin_id"]
    assert listed["closed"] is False


@pytest.mark.parametrize("field", ["parent_id", "comment_parent"])
def test_a_reply_by_old_number_goes_to_the_right_comment(api, app_service, field):
    old = imported(app_service)
    if field == "parent_id":
        answer = reply(api, parent_id="123")
    else:  # an unchanged WordPress theme: the form of ?replytocom=123 posts comment_parent=123
        answer = api.post("/sites/blog/comments", form={
            "comment_post_ID": "7", "comment_parent": "123", "author": "New Reader",
            "email": "new@example.com", "comment": "A reply", "redirect_to": "https://blog.example/?p=7"})
    assert answer.status_code in (201, 303), answer.body
    pending = app_service.queue("blog", "pending").model_dump(mode="json")["comments"]
    mine = next(c for c in pending if c["author"] == "New Reader")
    assert mine["parent_id"] == old["id"]


def test_old_number_replies_need_an_approved_parent_on_the_same_post(api, app_service):
    imported(app_service)
    assert reply(api, parent_id="124").status_code == 404  # imported, but still pending
    assert reply(api, parent_id="999").status_code == 404  # never existed
    assert reply(api, post_id="8", parent_id="123").status_code == 404  # another post's comment


def test_a_reply_by_old_number_costs_one_read_and_one_write(api, app_service, calls):  # noqa: F811
    imported(app_service)
    api.get("/sites/blog/form-token")  # warms the site cache
    calls.clear()
    assert reply(api, parent_id="123").status_code == 201
    assert calls["BatchGetItem"] == 1 and calls["TransactWriteItems"] == 1
    assert sum(calls.values()) == 2


def test_imported_closed_post_refuses_json_and_form(api, app_service):
    imported(app_service, status="closed")
    answer = reply(api)
    assert answer.status_code == 403 and json.loads(answer.body)["error"] == "closed"
    form = api.post("/sites/blog/comments", form={
        "comment_post_ID": "7", "author": "New Reader", "email": "new@example.com",
        "comment": "Something I typed with care", "url": "https://reader.example"})
    page = form.body.decode()
    assert form.status_code == 403 and "closed" in page
    assert "Something I typed with care" in page and "https://reader.example" in page
    assert json.loads(api.get("/sites/blog/posts/7/comments").body)["closed"] is True


def test_moderator_closes_and_reopens_a_post(api, app_service, moderator_token):
    path = "/sites/blog/moderation/posts/8"
    assert api.post(path, json_body={"closed": True}).status_code == 401
    assert api.post(path, json_body={"closed": "yes"}, headers=moderator_token).status_code == 422
    closed = api.post(path, json_body={"closed": True}, headers=moderator_token)
    assert json.loads(closed.body) == {"post_id": "8", "closed": True}
    assert reply(api, post_id="8").status_code == 403
    assert json.loads(api.get("/sites/blog/posts/8/comments").body)["closed"] is True
    api.post(path, json_body={"closed": False}, headers=moderator_token)
    assert reply(api, post_id="8").status_code == 201


def test_site_closes_posts_some_days_after_their_first_comment(api, app_service, clock):
    site = app_service.site("blog").model_copy(update={"close_after_days": 14})
    app_service.store.put_site(site)
    app_service._sites.clear()
    assert reply(api, post_id="9").status_code == 201  # the first comment starts the clock
    clock.advance(13 * 86400)
    assert reply(api, post_id="9", content="Still open").status_code == 201
    clock.advance(2 * 86400)
    app_service._sites.clear()
    answer = reply(api, post_id="9", content="Too late")
    assert answer.status_code == 403 and json.loads(answer.body)["error"] == "closed"
    assert json.loads(api.get("/sites/blog/posts/9/comments").body)["closed"] is True


def test_site_closes_the_old_blogs_posts_by_date_json_and_form(api, app_service):
    imported(app_service)  # post 7's first comment: 2015-03-01
    site = app_service.site("blog").model_copy(update={"close_before": "2015-03-02"})
    app_service.store.put_site(site)
    app_service._sites.clear()
    answer = reply(api)
    assert answer.status_code == 403 and json.loads(answer.body)["error"] == "closed"
    form = api.post("/sites/blog/comments", form={
        "comment_post_ID": "7", "author": "New Reader", "email": "new@example.com",
        "comment": "Typed before I saw the date", "url": "https://reader.example"})
    page = form.body.decode()
    assert form.status_code == 403 and "closed" in page
    assert "Typed before I saw the date" in page and "https://reader.example" in page
    assert json.loads(api.get("/sites/blog/posts/7/comments").body)["closed"] is True
    assert reply(api, post_id="10", content="A new post").status_code == 201  # first comment today: open


def test_person_export_route_needs_a_token_and_gives_only_that_person(api, app_service, moderator_token, clock):
    for n, email in enumerate(["ada@example.com", "bob@example.com", "ada@example.com"]):
        clock.advance(60)
        body = {"post_id": f"p{n}", "author": "A", "email": email, "content": f"text {n}"}
        assert api.post("/sites/blog/comments", json_body=body, ip=f"203.0.113.{n + 1}").status_code == 201
    path = "/sites/blog/moderation/export"
    assert api.post(path, json_body={"email": "ada@example.com"}).status_code == 401
    assert api.post(path, json_body={"email": "not an email"}, headers=moderator_token).status_code == 422
    answer = json.loads(api.post(path, json_body={"email": "ada@example.com"}, headers=moderator_token).body)
    assert [c["content"] for c in answer["comments"]] == ["text 0", "text 2"]
    assert "bob@example.com" not in json.dumps(answer)


def test_a_post_nobody_commented_on_is_open(api, app_service):
    listed = api.get("/sites/blog/posts/never-commented/comments")
    assert listed.status_code == 200 and json.loads(listed.body)["closed"] is False
