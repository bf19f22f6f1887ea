"""POST /sites/{site}/comments as a JSON client and as a plain WordPress form would send it."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

GOOD = {"post_id": "hello-world", "author": "Ada", "email": "ada@example.com", "content": "Lovely post."}
WP_FORM = {
    "author": "Grace",
    "email": "grace@example.org",
    "url": "https://grace.example",
    "comment": "Thanks, this helped my back.",
    "comment_post_ID": "42",
    "comment_parent": "0",
    "submit": "Post Comment",
    "wp-comment-cookies-consent": "yes",
    "akismet_comment_nonce": "abc123",
    "ak_js": "1700000000000",
    "ak_hp_textarea": "",
}
URL = "/sites/blog/comments"


def body(response):
    return json.loads(response.body)


def problems(page: str) -> list[str]:
    """The text of each item the error page lists as a problem (its `rb-problems` list)."""
    from html.parser import HTMLParser

    class Problems(HTMLParser):
        def __init__(self):
            super().__init__()
            self.depth, self.items = 0, []

        def handle_starttag(self, tag, attrs):
            if self.depth:
                self.depth += tag == "ul"
                if tag == "li":
                    self.items.append("")
            elif tag == "ul" and "rb-problems" in (dict(attrs).get("class") or "").split():
                self.depth = 1

        def handle_endtag(self, tag):
            if self.depth and tag == "ul":
                self.depth -= 1

        def handle_data(self, data):
            if self.depth and self.items:
                self.items[-1] += data

    parser = Problems()
    parser.feed(page)
    return [" ".join(item.split()) for item in parser.items]


def input_value(page: str, name: str) -> str | None:
    """The value the error page gives back in the input named `name`."""
    import re

    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    value = tag and re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


def test_json_comment_is_accepted_as_pending(api):
    response = api.post(URL, json_body=GOOD)
    assert response.status_code == 201
    data = body(response)
    assert data["status"] == "pending"
    assert set(data) == {"id", "parent_id", "author", "url", "avatar", "content_html", "created_at", "origin_id", "moderator", "status"}
    assert data["moderator"] is None  # a reader's comment: no badge
    assert data["origin_id"] is None  # made in replybox, not imported
    assert len(data["id"]) == 26 and data["content_html"] == "<p>Lovely post.</p>"


def test_wordpress_form_gets_303_to_the_post(api, app_service):
    response = api.post(URL, form=WP_FORM)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("https://blog.example/?p=42&replybox=pending#comment-")
    comment_id = location.rsplit("comment-", 1)[1]
    stored = app_service.get("blog", comment_id).model_dump(mode="json")
    assert (stored["post_id"], stored["author"], stored["url"], stored["status"]) == (
        "42", "Grace", "https://grace.example", "pending"
    )
    assert stored["content"] == WP_FORM["comment"] and stored["parent_id"] is None


def test_json_accepts_the_wordpress_names_too(api, app_service):
    response = api.post(URL, json_body={"comment_post_ID": "7", "author": "A", "email": "a@example.com", "comment": "hi there"})
    assert response.status_code == 201
    assert app_service.get("blog", body(response)["id"]).post_id == "7"


def test_honeypot_alias_discards_but_looks_pending(api, app_service):
    response = api.post(URL, form={**WP_FORM, "ak_hp_textarea": "buy now"})
    assert response.status_code == 303 and "replybox=pending" in response.headers["Location"]
    assert app_service.queue("blog", "pending").model_dump(mode="json")["comments"] == []


def test_reply_with_comment_parent(api, app_service, clock):
    parent = body(api.post(URL, json_body=GOOD))["id"]
    app_service.act("blog", parent, "approve", 1)
    clock.advance(30)
    response = api.post(URL, form={**WP_FORM, "comment_post_ID": "hello-world", "comment_parent": parent})
    assert response.status_code == 303
    reply_id = response.headers["Location"].rsplit("comment-", 1)[1]
    assert app_service.get("blog", reply_id).parent_id == parent


@pytest.mark.parametrize(
    "change, field",
    [
        ({"author": "   "}, "author"),
        ({"author": "x" * 246}, "author"),
        ({"author": "Ada\x00"}, "author"),
        ({"author": "Ada\u2028Lovelace"}, "author"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "a" * 90 + "@example.com"}, "email"),
        ({"email": ""}, "email"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "ftp://files.example"}, "url"),
        ({"url": "https://e.example/" + "a" * 200}, "url"),
        ({"content": " \n\t "}, "content"),
        ({"content": "x" * 65526}, "content"),
        ({"content": "bell\x07"}, "content"),
        ({"content": ["a", "list"]}, "content"),
        ({"post_id": ""}, "post_id"),
        ({"post_id": "p" * 201}, "post_id"),
    ],
)
def test_each_bad_field_is_named(api, change, field):
    response = api.post(URL, json_body={**GOOD, **change})
    assert response.status_code == 422
    data = body(response)
    assert data["error"] == "validation" and field in data["fields"], data


def test_limits_are_inclusive_and_text_is_trimmed(api, app_service):
    data = {**GOOD, "author": "  " + "x" * 245 + " ", "content": "y" * 65525, "url": "example.com/me"}
    response = api.post(URL, json_body=data)
    assert response.status_code == 201, response.body
    stored = app_service.get("blog", body(response)["id"]).model_dump(mode="json")
    assert stored["author"] == "x" * 245 and stored["url"] == "http://example.com/me"


def test_every_missing_field_is_reported_at_once(api):
    response = api.post(URL, json_body={})
    assert set(body(response)["fields"]) == {"post_id", "author", "email", "content"}


def test_form_errors_come_back_as_a_page_with_everything_typed(api):
    typed = {**WP_FORM, "email": "grace-at-example", "comment": "A long <thought> & \"quotes\"\nsecond line"}
    response = api.post(URL, form=typed)
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.body.decode()
    (problem,) = problems(page)  # the one problem, named by its field
    assert problem.startswith("Email") and "not a valid email" in problem
    assert 'value="Grace"' in page and 'value="https://grace.example"' in page
    assert 'value="grace-at-example"' in page
    assert "A long &lt;thought&gt; &amp; &quot;quotes&quot;\nsecond line</textarea>" in page
    assert 'name="comment_post_ID" value="42"' in page


def test_form_error_page_looks_like_the_post_and_links_back_to_it(api):
    typed = {**WP_FORM, "email": "grace-at-example", "redirect_to": "https://blog.example/2024/back-care/"}
    response = api.post(URL, form=typed)
    page = response.body.decode()
    assert response.status_code == 422
    # The demo's own stylesheets, relative to /sites/{site}/comments, so a stage prefix keeps working.
    assert 'href="../../static/blog.css?v=' in page and 'href="../../static/palette.css?v=' in page
    csp = response.headers["Content-Security-Policy"]
    assert "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "422" not in page.split("<body>", 1)[1]  # people read words, not status codes
    assert '<a href="https://blog.example/2024/back-care/">Back to the post</a>' in page
    assert 'name="redirect_to" value="https://blog.example/2024/back-care/"' in page


@pytest.mark.parametrize(
    "extra, headers, back",
    [
        ({"post_url": "https://blog.example/p/42"}, {}, "https://blog.example/p/42"),
        ({}, {"referer": "http://localhost:4000/2024/hello/"}, "http://localhost:4000/2024/hello/"),
        ({"redirect_to": "https://evil.example/phish"}, {"referer": "https://evil.example/x"}, "https://blog.example/?p=42"),
    ],
)
def test_form_error_page_links_back_only_to_the_blogs_own_pages(api, extra, headers, back):
    response = api.post(URL, form={**WP_FORM, "email": "grace-at-example", **extra}, headers=headers)
    page = response.body.decode()
    assert f'<a href="{back}">Back to the post</a>' in page
    assert 'href="https://evil.example' not in page


def test_form_error_page_for_an_unknown_site_has_no_link_back(api):
    response = api.post("/sites/nosuchblog/comments", form={**WP_FORM, "redirect_to": "https://blog.example/x"})
    assert response.status_code == 404 and "text/html" in response.headers["Content-Type"]
    assert "Back to the post" not in response.body.decode()
    assert 'value="Grace"' in response.body.decode()


@pytest.mark.parametrize(
    "raw, content_type",
    [
        (b'{"author": "x", ', "application/json"),
        (b"[1, 2]", "application/json"),
        (b'{"author": "\xff\xfe"}', "application/json"),
        (b"author=%FF%FE&email=a%40b.example", "application/x-www-form-urlencoded"),
        (b"author=\xe9", "application/x-www-form-urlencoded"),
    ],
)
def test_unreadable_bodies_are_400(api, raw, content_type):
    response = api.post(URL, raw=raw, headers={"content-type": content_type})
    assert response.status_code == 400


def test_deeply_nested_json_is_400_not_500(api):
    response = api.post(URL, raw=b"[" * 100000 + b"]" * 100000, headers={"content-type": "application/json"})
    assert response.status_code == 400


def test_form_in_utf8_percent_encoding_is_read(api, app_service):
    response = api.post(URL, form="comment_post_ID=1&author=Jos%C3%A9&email=jose%40example.com&comment=Ol%C3%A1+mundo")
    assert response.status_code == 303
    comment_id = response.headers["Location"].rsplit("comment-", 1)[1]
    assert app_service.get("blog", comment_id).author == "José"


def test_duplicate_form_fields_last_one_wins_and_lists_are_not_fields(api):
    response = api.post(URL, form="comment_post_ID=1&author=A&author=B&email=b%40example.com&comment[]=x&comment[]=y")
    assert response.status_code == 422
    page = response.body.decode()
    assert input_value(page, "author") == "B"  # the last `author` wins, as PHP's $_POST does
    (problem,) = problems(page)  # `comment[]` is not `comment`: the comment is missing, nothing else
    assert problem.startswith("Comment") and "required" in problem


def test_body_over_256_kib_is_413(api):
    response = api.post(URL, json_body={**GOOD, "content": "x" * (256 * 1024)})
    assert response.status_code == 413
    response = api.post(URL, form={**WP_FORM, "comment": "y" * (256 * 1024)})
    assert response.status_code == 413 and "text/html" in response.headers["Content-Type"]
    assert "y" * 1000 in response.body.decode()  # nothing typed is lost


def test_content_type_parameters_are_fine(api):
    response = api.post(URL, json_body=GOOD, headers={"content-type": "application/json; charset=UTF-8"})
    assert response.status_code == 201
    form = "comment_post_ID=1&author=A&email=a2%40example.com&comment=hi"
    response = api.post(URL, form=form, headers={"content-type": "application/x-www-form-urlencoded; charset=UTF-8"}, ip="203.0.113.77")
    assert response.status_code == 303


def test_other_media_types_are_415(api):
    response = api.post(URL, raw=b"author=x", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_unknown_site_and_parent_are_404(api):
    assert api.post("/sites/nosuch/comments", json_body=GOOD).status_code == 404
    assert api.post("/sites/Bad..Slug/comments", json_body=GOOD).status_code == 404
    response = api.post(URL, json_body={**GOOD, "parent_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"})
    assert response.status_code == 404
    response = api.post(URL, json_body={**GOOD, "parent_id": "../../x"})
    assert response.status_code == 404


def test_duplicate_is_409_and_flood_is_429_with_retry_after(api, clock):
    assert api.post(URL, json_body=GOOD).status_code == 201
    assert api.post(URL, json_body=GOOD, ip="198.51.100.1").status_code == 409
    flood = api.post(URL, json_body={**GOOD, "email": "z@example.com", "content": "same ip"})
    assert flood.status_code == 429 and flood.headers["Retry-After"] == "15"
    clock.advance(16)
    assert api.post(URL, json_body={**GOOD, "content": "again"}).status_code == 201


def test_idempotency_key_replays_the_first_answer(api, app_service):
    first = api.post(URL, json_body=GOOD, headers={"Idempotency-Key": "retry-1"})
    again = api.post(URL, json_body=GOOD, headers={"Idempotency-Key": "retry-1"})
    assert first.status_code == again.status_code == 201
    assert body(first) == body(again)
    assert len(app_service.queue("blog", "pending").model_dump(mode="json")["comments"]) == 1


# ---- where a form post is sent back to ------------------------------------------------------------
def location(response):
    assert response.status_code == 303, response.body
    return response.headers["Location"]


def test_redirect_to_on_an_allowed_origin_wins(api):
    target = location(api.post(URL, form={**WP_FORM, "redirect_to": "https://blog.example/2024/back-pain/"}))
    assert target.startswith("https://blog.example/2024/back-pain/?replybox=pending#comment-")


def test_post_url_then_referer_then_template(api, clock):
    target = location(api.post(URL, form={**WP_FORM, "post_url": "http://localhost:4000/post?id=1#old"}))
    parts = urlsplit(target)
    assert (parts.netloc, parts.path, parts.query) == ("localhost:4000", "/post", "id=1&replybox=pending")
    clock.advance(20)
    target = location(api.post(URL, form={**WP_FORM, "comment": "b"}, headers={"referer": "https://blog.example/my-post/"}))
    assert target.startswith("https://blog.example/my-post/?replybox=pending#comment-")
    clock.advance(20)
    # Browsers often send only the origin: that names no post, so the template is used.
    target = location(api.post(URL, form={**WP_FORM, "comment": "c"}, headers={"referer": "https://blog.example/"}))
    assert target.startswith("https://blog.example/?p=42&replybox=pending#comment-")


@pytest.mark.parametrize(
    "evil",
    [
        "//evil.example/x",
        "javascript:alert(1)",
        "https://blog.example.evil.example/x",
        "https://blog.example@evil.example/x",
        "https://evil.example/?https://blog.example",
        "https://blog.example/\r\nSet-Cookie: x=1",
        "https://blog.example:8443/x",
        "data:text/html,<script>alert(1)</script>",
        "/relative/path",
        "https:/\\evil.example",
    ],
)
def test_open_redirects_are_refused(api, evil):
    referer = evil.replace("\r\n", "")
    target = location(api.post(URL, form={**WP_FORM, "redirect_to": evil}, headers={"referer": referer}))
    if referer == "https://blog.example/Set-Cookie: x=1":  # without the CRLF, the Referer is a page of the blog
        assert target.startswith("https://blog.example/Set-Cookie:%20x=1?replybox=pending#comment-")
    else:
        assert target.startswith("https://blog.example/?p=42&replybox=pending#comment-")
    assert "\r" not in target and "\n" not in target


# ---- CORS ---------------------------------------------------------------------------------------------
def test_cors_echoes_only_allowed_origins(api):
    ok = api.post(URL, json_body=GOOD, headers={"origin": "http://localhost:4000"})
    assert ok.headers["Access-Control-Allow-Origin"] == "http://localhost:4000"
    bad = api.get("/sites/blog/posts/hello-world/comments", headers={"origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in bad.headers
    good = api.get("/sites/blog/counts?post_id=a", headers={"origin": "https://blog.example"})
    assert good.headers["Access-Control-Allow-Origin"] == "https://blog.example"


# ---- reading ------------------------------------------------------------------------------------------
def test_public_listing_counts_and_form_token(api, app_service, clock):
    created = body(api.post(URL, json_body={**GOOD, "url": "https://ada.example"}))
    app_service.act("blog", created["id"], "approve", 1)
    listing = body(api.get("/sites/blog/posts/hello-world/comments?limit=10"))
    assert listing["count"] == 1 and listing["next_cursor"] is None
    assert listing["comments"][0]["url"] == "https://ada.example"
    assert body(api.get("/sites/blog/counts?post_id=hello-world&post_id=other")) == {"hello-world": 1, "other": 0}
    token = body(api.get("/sites/blog/form-token"))
    assert token["expires_in"] == 3600 and app_service.keyring.check_form_token("blog", token["form_token"], clock())[0] == "valid"
    assert api.get("/sites/nosuch/form-token").status_code == 404
    assert api.get("/sites/blog/posts/x/comments?limit=0").status_code == 422
    assert api.get("/sites/blog/posts/x/comments?cursor=forged.cursor").status_code == 400


def test_avatar_is_a_keyed_identicon_not_gravatar(api, app_service):
    import hashlib

    created = body(api.post(URL, json_body=GOOD))
    avatar = app_service.get("blog", created["id"]).avatar
    assert avatar != hashlib.md5(b"ada@example.com").hexdigest()[:20]
    svg = api.get(f"/avatars/{avatar}.svg")
    assert svg.status_code == 200 and svg.headers["Content-Type"] == "image/svg+xml"
    assert api.get("/avatars/not-an-id.svg").status_code == 404


def test_storage_outage_is_503_with_retry_after(api, app_service):
    import boto3
    from botocore.config import Config

    from chalicelib.storage import DynamoStore

    dead = boto3.client(
        "dynamodb",
        endpoint_url="http://127.0.0.1:9",
        region_name="us-east-1",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=0.5),
    )
    app_service.store = DynamoStore(dead, "replybox")
    app_service._sites.clear()
    for response in (
        api.post(URL, json_body=GOOD),
        api.get("/sites/blog/posts/hello-world/comments"),
        api.get("/sites/blog/counts?post_id=a"),
    ):
        assert response.status_code == 503 and response.headers["Retry-After"]
    form = api.post(URL, form=WP_FORM)
    assert form.status_code == 503 and "Thanks, this helped my back." in form.body.decode()
