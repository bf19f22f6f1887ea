"""Hostile input through the in-process app (the `api` fixture, so the privacy guard runs on each answer).

tests/api/test_submit.py already covers: invalid UTF-8 in JSON and forms, deeply nested JSON, repeated
form fields and `comment[]` lists, CRLF in redirect_to and ten open-redirect forms, a forged public
cursor, 256 KiB bodies. What follows is the rest: never a 500, never a leak, never a stored surprise.
"""
from __future__ import annotations

import json

import pytest


URL = "/sites/blog/comments"
GOOD = {"post_id": "hello-world", "author": "Ada", "email": "ada@example.com", "content": "Lovely post."}
FORM = {"comment_post_ID": "42", "author": "Grace", "email": "grace@example.org", "comment": "Thanks, it helped."}
TEN_MB = 10 * 1000 * 1000


def body(response):
    return json.loads(response.body)


# ---- NUL bytes ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw, content_type, status",
    [
        (b'{"post_id": "p", "author": "A\x00B", "email": "a@example.com", "content": "x"}', "application/json", 400),
        (b'{"post_id": "p", "author": "A\\u0000B", "email": "a@example.com", "content": "x"}', "application/json", 422),
        (b"comment_post_ID=p&author=A%00B&email=a%40example.com&comment=x", "application/x-www-form-urlencoded", 422),
        (b"comment_post_ID=p&author=A\x00B&email=a%40example.com&comment=x", "application/x-www-form-urlencoded", 422),
        (b"\x00" * 64, "application/json", 400),
        (b"\x00" * 64, "application/x-www-form-urlencoded", 422),
    ],
)
def test_nul_bytes_are_refused_not_stored(api, app_service, raw, content_type, status):
    response = api.post(URL, raw=raw, headers={"content-type": content_type})
    assert response.status_code == status, response.body[:300]
    assert app_service.queue("blog", "pending").model_dump(mode="json")["comments"] == []


def test_nul_bytes_in_path_and_query_are_404_or_empty(api):
    assert api.get("/sites/blog%00/form-token").status_code == 404
    listing = api.get("/sites/blog/posts/a%00b/comments")
    assert listing.status_code == 200 and body(listing)["comments"] == []
    assert api.get("/sites/blog/counts?post_id=%00").status_code == 200


# ---- 10 MB bodies ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded", "application/octet-stream"])
def test_ten_megabyte_submissions_are_refused_without_storing(api, app_service, content_type):
    if content_type == "application/json":
        raw = json.dumps({**GOOD, "content": "x" * TEN_MB}).encode()
    elif content_type.endswith("urlencoded"):
        raw = b"comment_post_ID=1&author=A&email=a%40example.com&comment=" + b"y" * TEN_MB
    else:
        raw = b"\xff" * TEN_MB
    response = api.post(URL, raw=raw, headers={"content-type": content_type})
    assert response.status_code == (415 if content_type == "application/octet-stream" else 413)
    assert len(response.body) < 11 * 1000 * 1000
    assert app_service.queue("blog", "pending").model_dump(mode="json")["comments"] == []


def test_ten_megabyte_moderation_bodies_are_refused(api, moderator_token):
    raw = json.dumps({"action": "approve", "ids": ["x" * TEN_MB]}).encode()
    for path in ("/sites/blog/moderation/bulk", "/sites/blog/moderation/erase", "/sites/blog/moderation/comments/01ARZ3NDEKTSV4RRFFQ69G5FAV"):
        response = api.post(path, raw=raw, headers={**moderator_token, "content-type": "application/json"})
        assert response.status_code == 400, (path, response.body[:200])


# ---- lists, objects and injection-looking strings where text belongs -----------------------------------------
@pytest.mark.parametrize("field", ["author", "email", "post_id", "url", "parent_id", "form_token", "post_url"])
@pytest.mark.parametrize("value", [{"$gt": ""}, ["a", "b"], True, None])
def test_a_field_given_as_an_object_list_or_bool_is_422(api, app_service, field, value):
    response = api.post(URL, json_body={**GOOD, field: value})
    if value is None and field in ("url", "parent_id", "form_token", "post_url"):
        assert response.status_code == 201  # null = left out
        return
    assert response.status_code == 422, response.body
    assert field in body(response)["fields"]


def test_repeated_form_field_as_a_list_in_json_form_aliases(api):
    response = api.post(URL, json_body={**GOOD, "comment_post_ID": ["1", "2"], "post_id": None})
    assert response.status_code == 422 and "post_id" in body(response)["fields"]


@pytest.mark.parametrize(
    "author, content",
    [
        ("' OR 1=1 --", "'; DROP TABLE comments; --"),
        ('{"$gt": ""}', '{"$where": "sleep(1000)"}'),
        ("admin'--", "1' UNION SELECT email FROM users --"),
        ("#{7*7}${7*7}{{7*7}}", "<script>alert(1)</script>"),
        ("COMMENT#blog#01ARZ3NDEKTSV4RRFFQ69G5FAV", "pk = :pk OR attribute_exists(email)"),
    ],
)
def test_sql_and_nosql_looking_strings_are_just_text(api, app_service, moderator_token, author, content):
    created = api.post(URL, json_body={**GOOD, "author": author, "content": content})
    assert created.status_code == 201
    data = body(created)
    assert data["author"] == author and "<script>" not in data["content_html"]
    stored = app_service.get("blog", data["id"]).model_dump(mode="json")
    assert (stored["author"], stored["content"]) == (author, content)
    queue = api.get("/sites/blog/moderation/comments", headers=moderator_token)
    assert [c["id"] for c in body(queue)["comments"]] == [data["id"]]  # nothing else matched or appeared


def test_injection_looking_query_parameters_are_plain_values(api):
    assert api.get("/sites/blog/counts?post_id=%27%20OR%201%3D1%20--").status_code == 200
    assert body(api.get("/sites/blog/counts?post_id=%7B%22%24gt%22%3A%22%22%7D")) == {'{"$gt":""}': 0}
    assert api.get("/sites/blog/posts/x/comments?limit=1%20OR%201%3D1").status_code == 422
    assert api.get("/sites/blog/moderation/comments?status[$ne]=x").status_code == 401


# ---- unicode limits ----------------------------------------------------------------------------------------------
def test_an_email_of_100_unicode_characters(api, app_service):
    from email_validator import EmailNotValidError, validate_email

    email = "ü" * 88 + "@example.com"
    assert len(email) == 100
    try:
        validate_email(email, check_deliverability=False)
        expected = 201
    except EmailNotValidError:
        expected = 422
    response = api.post(URL, json_body={**GOOD, "email": email})
    assert response.status_code == expected, response.body
    if expected == 201:
        assert app_service.get("blog", body(response)["id"]).email == email
    response = api.post(URL, json_body={**GOOD, "email": "ü" * 89 + "@example.com", "content": "x"}, ip="203.0.113.99")
    assert response.status_code == 422 and "email" in body(response)["fields"]
    domain = api.post(URL, json_body={**GOOD, "email": "a@" + "ü" * 86 + ".de", "content": "y"}, ip="203.0.113.98")
    assert domain.status_code in (201, 422)


# ---- site and post ids with / and .. --------------------------------------------------------------------------------
@pytest.mark.parametrize("site", ["..", "..%2Fblog", "blog%2F..", "%2E%2E", "blog%2Fcomments", "..%2F..%2Fetc%2Fpasswd", "BLOG"])
def test_site_ids_with_slash_or_dots_are_404(api, moderator_token, site):
    assert api.post(f"/sites/{site}/comments", json_body=GOOD).status_code == 404
    assert api.get(f"/sites/{site}/form-token").status_code == 404
    assert api.get(f"/sites/{site}/counts?post_id=a").status_code == 404
    assert api.get(f"/sites/{site}/posts/a/comments").status_code == 404
    assert api.get(f"/sites/{site}/moderation/comments", headers=moderator_token).status_code in (403, 404)


@pytest.mark.parametrize("post_id", ["..", "..%2F..%2Fx", "a%2Fb", "%2E%2E%2F", "hello-world%2F..%2Fother"])
def test_post_ids_with_slash_or_dots_stay_inside_their_post(api, app_service, clock, post_id):
    from urllib.parse import unquote

    created = api.post(URL, json_body={**GOOD, "post_id": unquote(post_id)})
    assert created.status_code == 201
    app_service.act("blog", body(created)["id"], "approve", 1)
    listing = api.get(f"/sites/blog/posts/{post_id}/comments")
    assert listing.status_code == 200 and body(listing)["post_id"] == unquote(post_id)
    assert [c["id"] for c in body(listing)["comments"]] == [body(created)["id"]]
    assert body(api.get("/sites/blog/posts/hello-world/comments"))["comments"] == []


# ---- cursors and tokens --------------------------------------------------------------------------------------------
def test_forged_and_foreign_cursors_are_400(api, app_service, moderator_token):
    for i in range(3):
        created = body(api.post(URL, json_body={**GOOD, "email": f"c{i}@example.com", "content": f"n{i}"}, ip=f"198.51.100.{i}"))
        app_service.act("blog", created["id"], "approve", 1)
    page = body(api.get("/sites/blog/posts/hello-world/comments?limit=1"))
    cursor = page["next_cursor"]
    assert cursor
    queue = body(api.get("/sites/blog/moderation/comments?status=approved&limit=1", headers=moderator_token))
    forged = [
        "x", "a.b", cursor[:-2] + "AA", cursor.split(".")[0] + ".", "." + cursor.split(".")[1], cursor + ".x",
        queue["next_cursor"],  # a real cursor of another listing
        "eyJwayI6eyIkZ3QiOiIifX0.AAAAAAAAAAAAAAAAAAAAAAAA",  # {"pk": {"$gt": ""}} with a made-up signature
        "%00", "A" * 5000,
    ]
    for bad in forged:
        from urllib.parse import quote

        assert api.get(f"/sites/blog/posts/hello-world/comments?cursor={quote(bad)}").status_code == 400, bad
    other_post = api.get(f"/sites/blog/posts/other/comments?cursor={cursor}")
    assert other_post.status_code == 400  # a cursor is bound to its post
    queue_forged = api.get(f"/sites/blog/moderation/comments?status=approved&cursor={cursor}", headers=moderator_token)
    assert queue_forged.status_code == 400
    assert api.get(f"/sites/blog/posts/hello-world/comments?limit=1&cursor={cursor}").status_code == 200


@pytest.fixture
def real_engine(app_service):
    from chalicelib import spam

    app_service.engine = spam.evaluate
    return app_service


def reasons(service, comment_id):
    return {r["rule"] for r in service.get("blog", comment_id).model_dump(mode="json")["verdict"]["reasons"]}


def test_a_forged_form_token_is_accepted_but_the_engine_says_so(api, real_engine):
    token = body(api.get("/sites/blog/form-token"))["form_token"]
    payload, mac = token.split(".")
    for i, forged in enumerate([payload + "." + mac[::-1], "e30." + mac, "not-a-token", token.replace(".", "..")]):
        response = api.post(URL, json_body={**GOOD, "email": f"f{i}@example.com", "content": f"forged {i}", "form_token": forged},
                             ip=f"198.51.100.{i}")
        assert response.status_code == 201 and body(response)["status"] == "pending"
        assert "form-token-forged" in reasons(real_engine, body(response)["id"]), forged


def test_a_replayed_form_token_is_fine_and_an_old_one_is_named(api, real_engine, clock):
    token = body(api.get("/sites/blog/form-token"))["form_token"]
    clock.advance(30)
    first = api.post(URL, json_body={**GOOD, "form_token": token})
    clock.advance(30)
    again = api.post(URL, json_body={**GOOD, "content": "Second thought.", "form_token": token})
    assert first.status_code == again.status_code == 201
    for response in (first, again):
        assert not {"form-token-forged", "form-token-expired"} & reasons(real_engine, body(response)["id"])
    clock.advance(3700)
    late = api.post(URL, json_body={**GOOD, "content": "Much later.", "form_token": token})
    assert late.status_code == 201 and "form-token-expired" in reasons(real_engine, body(late)["id"])
    other_site = real_engine.keyring.form_token("elsewhere", clock())
    stolen = api.post(URL, json_body={**GOOD, "email": "thief@example.com", "content": "Other site's token.", "form_token": other_site}, ip="198.51.100.77")
    assert "form-token-forged" in reasons(real_engine, body(stolen)["id"])


# ---- open redirects the existing list does not try --------------------------------------------------------------------
@pytest.mark.parametrize(
    "evil",
    [
        "http://blog.example/x",  # scheme downgrade: another origin
        "https://blоg.example/x",  # Cyrillic о
        "https://blog.example%2F@evil.example/",
        "https://blog.example\\@evil.example/",
        "\thttps://evil.example/",
        "https://evil.example#https://blog.example/",
        "https://blog.example.:443@evil.example/",
        "https://evil.example/%0d%0aSet-Cookie:x=1",
        "https://blog.example/%0d%0aSet-Cookie:%20x=1",
        "https://xn--blog-example.evil.example/",
        "ｈｔｔｐｓ://blog.example/",
    ],
)
def test_more_open_redirect_tricks_fall_back_to_the_post(api, evil):
    response = api.post(URL, form={**FORM, "redirect_to": evil})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert "\r" not in location and "\n" not in location
    allowed = location.startswith("https://blog.example/") and "evil" not in location.split("#")[0].split("?")[0]
    assert allowed, location


def test_header_injection_in_redirect_to_sent_raw_in_the_form(api):
    raw = b"comment_post_ID=42&author=G&email=g%40example.org&comment=hi&redirect_to=https%3A%2F%2Fblog.example%2F%0D%0ASet-Cookie%3A%20a%3D1"
    response = api.post(URL, raw=raw, headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 303
    assert "Set-Cookie" not in response.headers and "\n" not in response.headers["Location"]


# ---- bugs found while fuzzing (see docs/reliability.md) --------------------------------------------------------------
def test_counts_with_other_query_parameters_is_not_500(api):
    """Fuzzing found: GET /counts?x=1 (no post_id) raised KeyError in MultiDict.getlist -> 500."""
    response = api.get("/sites/blog/counts?x=1")
    assert response.status_code == 200 and body(response) == {}


@pytest.mark.parametrize("action", [["approve"], {"a": 1}, 1, None])
def test_bulk_with_an_action_that_is_not_text_is_422_not_500(api, moderator_token, action):
    response = api.post("/sites/blog/moderation/bulk", json_body={"action": action, "ids": ["x"]}, headers=moderator_token)
    assert response.status_code == 422, response.body
