"""No answer confirms a stranger's email: what a caller can learn must not depend on whose address it sent.

An attacker picks a victim's public comment, guesses addresses, and compares answers. Each test
sends the victim's real address and a wrong guess the same way and asserts the answers cannot be told
apart (status, body shape, avatar), and that nothing derived from the email leaves the API unless the
comment itself is public.
"""
from __future__ import annotations

import json

import pytest


URL = "/sites/blog/comments"
VICTIM = {"post_id": "hello-world", "author": "Ada", "email": "ada@example.com", "content": "Lovely post."}
FORM = {"comment_post_ID": "hello-world", "author": "Ada", "email": "ada@example.com", "comment": "Lovely post."}


def body(response):
    return json.loads(response.body)


def derived(service, email):
    """Everything the keyring derives from an email on site `blog`: none of it may be handed out."""
    return {service.keyring.avatar("blog", email), service.keyring.email_hash("blog", email)}


def carries(response, values):
    text = response.body.decode("utf-8", "replace") + json.dumps(dict(response.headers))
    return [v for v in values if v in text]


# ---- item 1: the avatar of a chosen email ---------------------------------------------------------------
def test_a_pending_comment_is_answered_without_its_avatar(api, app_service):
    created = body(api.post(URL, json_body=VICTIM))
    assert created["status"] == "pending" and created["avatar"] is None


def test_a_discarded_comment_hands_out_no_avatar(api, app_service):
    """The honeypot path stores nothing and skips the flood guard: unlimited probing if it answered one."""
    for i, email in enumerate(["ada@example.com", "guess@example.com", "ADA@Example.com"]):
        response = api.post(URL, json_body={**VICTIM, "email": email, "hp": "filled"}, ip=f"198.51.100.{i}")
        assert response.status_code == 201 and body(response)["avatar"] is None
        assert not carries(response, derived(app_service, email))


def test_an_approved_comment_is_answered_with_the_avatar_the_page_shows(api, app_service):
    from tests.conftest import approving_engine

    app_service.engine = approving_engine
    app_service.store.put_site(app_service.site("blog").model_copy(update={"moderation": "auto"}))
    app_service._sites.clear()
    created = body(api.post(URL, json_body=VICTIM))
    assert created["status"] == "approved" and created["avatar"]
    listing = body(api.get("/sites/blog/posts/hello-world/comments"))
    assert listing["comments"][0]["avatar"] == created["avatar"]


def test_no_refusal_or_replay_carries_anything_derived_from_the_email(api, app_service, clock):
    """409, 429, 422 (JSON and the form page), and an idempotent replay of a pending comment."""
    secret = derived(app_service, "ada@example.com")
    first = api.post(URL, json_body=VICTIM, headers={"Idempotency-Key": "k-1"})
    answers = [
        first,
        api.post(URL, json_body=VICTIM, headers={"Idempotency-Key": "k-1"}),  # replay
        api.post(URL, json_body=VICTIM, ip="198.51.100.7"),  # duplicate
        api.post(URL, json_body={**VICTIM, "content": "other"}),  # flood (same IP)
        api.post(URL, json_body={**VICTIM, "url": "ftp://x"}, ip="198.51.100.8"),  # 422
        api.post(URL, form={**FORM, "url": "ftp://x"}, ip="198.51.100.9"),  # 422 page
        api.post(URL, form={**FORM, "comment": "new"}),  # 429 page
    ]
    assert [a.status_code for a in answers][:2] == [201, 201]
    assert {a.status_code for a in answers[2:]} <= {409, 422, 429}
    for answer in answers:
        assert not carries(answer, secret), answer.status_code


def test_the_openapi_document_allows_a_null_avatar_in_the_submit_answer(api):
    schema = body(api.get("/openapi.json"))["components"]["schemas"]["SubmitResult"]["properties"]["avatar"]
    types = {s.get("type") for s in schema.get("anyOf", [schema])}
    assert "null" in types and "string" in types


# ---- item 2: duplicates and floods ---------------------------------------------------------------------------
@pytest.fixture
def victim(api, app_service, clock):
    """Ada's comment is on the post; the attacker comes later, from elsewhere, outside the flood window."""
    assert api.post(URL, json_body=VICTIM, ip="203.0.113.50").status_code == 201
    clock.advance(60)
    return VICTIM


GUESSES = ["ada@example.com", "bob@example.com", "ADA@EXAMPLE.COM", "ada@Example.com"]


@pytest.mark.parametrize("send", ["json", "form"])
def test_a_copied_comment_answers_the_same_whatever_email_is_sent(api, victim, clock, send):
    statuses = set()
    for i, email in enumerate(GUESSES):
        clock.advance(60)
        if send == "json":
            response = api.post(URL, json_body={**victim, "email": email}, ip=f"198.51.100.{i}")
        else:
            response = api.post(URL, form={**FORM, "email": email}, ip=f"198.51.100.{i}")
        statuses.add(response.status_code)
    assert statuses == {409}, statuses


@pytest.mark.parametrize(
    "author, content",
    [
        ("Ada", "Lovely\u200b post."),  # zero-width space
        ("Ada", "\u202eLovely post."),  # bidi override
        ("Ada", "Lovely\u00a0post.\ufeff"),  # no-break space, BOM
        ("Ada", "LOVELY   post.\n"),
        ("A\u200dda", "Lovely post."),  # zero-width joiner in the name
        ("ａｄａ", "Ｌｏｖｅｌｙ post."),  # full width
        ("Ada", "Lovely\u0301 post."),  # a stray combining accent
        ("Ada\u200e", "\u2066Lovely post.\u2069"),  # a left-to-right mark; isolates in the text
        ("\u0410da", "Lovely post."),  # a Cyrillic capital A in the name
        ("Ada", "L\u043evely p\u043est."),  # Cyrillic o in the text
        ("Ada", "Lovely p\u03bfst."),  # a Greek omicron
    ],
)
def test_invisible_or_compatibility_characters_do_not_dodge_the_duplicate_guard(api, victim, author, content):
    response = api.post(URL, json_body={**victim, "email": "bob@example.com", "author": author, "content": content},
                        ip="198.51.100.20")
    assert response.status_code == 409, response.body


def test_the_same_text_under_another_name_or_as_a_reply_elsewhere_is_not_a_duplicate(api, app_service, victim, clock):
    other_name = api.post(URL, json_body={**victim, "author": "Bob"}, ip="198.51.100.30")
    assert other_name.status_code == 201
    parent = body(other_name)["id"]
    app_service.act("blog", parent, "approve", 1)
    clock.advance(60)
    reply = api.post(URL, json_body={**victim, "parent_id": parent}, ip="198.51.100.31")
    assert reply.status_code == 201


def test_a_recent_comment_of_the_email_changes_nothing_the_sender_can_see(api, app_service, clock):
    """Ada comments; seconds later a stranger sends a new text with her address or with a guess: the
    same answer. The flood of one address is held for a moderator, with the reason named."""
    assert api.post(URL, json_body=VICTIM, ip="203.0.113.50").status_code == 201
    answers = []
    for i, email in enumerate(["ada@example.com", "bob@example.com"]):
        clock.advance(1)
        response = api.post(URL, json_body={**VICTIM, "email": email, "content": f"new text {i}"}, ip=f"198.51.100.{40 + i}")
        answers.append((response.status_code, body(response)["status"], body(response)["avatar"]))
    assert answers[0] == answers[1] == (201, "pending", None)
    held = app_service.queue("blog", "pending").model_dump(mode="json")["comments"]
    flooded = [c for c in held if c["content"] == "new text 0"][0]
    assert "flood-email" in {r["rule"] for r in flooded["verdict"]["reasons"]}


def test_an_email_flood_holds_even_an_approvable_comment(api, app_service, clock):
    from tests.conftest import approving_engine

    app_service.engine = approving_engine
    app_service.store.put_site(app_service.site("blog").model_copy(update={"moderation": "auto"}))
    app_service._sites.clear()
    assert body(api.post(URL, json_body=VICTIM, ip="203.0.113.50"))["status"] == "approved"
    clock.advance(1)
    again = api.post(URL, json_body={**VICTIM, "content": "and more"}, ip="198.51.100.60")
    assert again.status_code == 201 and body(again)["status"] == "pending"
    assert app_service.counts("blog", ["hello-world"]) == {"hello-world": 1}
    clock.advance(20)
    later = api.post(URL, json_body={**VICTIM, "content": "much later"}, ip="198.51.100.61")
    assert body(later)["status"] == "approved"


def test_one_ip_flooding_is_still_429_whatever_email_it_sends(api, clock):
    assert api.post(URL, json_body=VICTIM).status_code == 201
    for email in ("ada@example.com", "bob@example.com"):
        flood = api.post(URL, json_body={**VICTIM, "email": email, "content": "again " + email})
        assert flood.status_code == 429 and flood.headers["Retry-After"] == "15"


# ---- item 3: an Idempotency-Key is bound to its request ------------------------------------------------------
def test_a_key_reused_with_another_body_is_refused_and_shows_nothing_of_the_first(api, app_service, clock):
    first = api.post(URL, json_body=VICTIM, headers={"Idempotency-Key": "shared-key"})
    assert first.status_code == 201
    clock.advance(60)
    other = {"post_id": "hello-world", "author": "Mallory", "email": "mallory@example.com", "content": "Mine."}
    reuse = api.post(URL, json_body=other, headers={"Idempotency-Key": "shared-key"}, ip="198.51.100.70")
    assert reuse.status_code == 422
    answer = body(reuse)
    assert answer["error"] == "idempotency" and "Idempotency-Key" in answer["message"]
    assert "Ada" not in reuse.body.decode() and "Lovely" not in reuse.body.decode()
    assert [c["author"] for c in app_service.queue("blog", "pending").model_dump(mode="json")["comments"]] == ["Ada"]


@pytest.mark.parametrize("change", [{"content": "Lovely post!"}, {"parent_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"},
                                    {"url": "https://ada.example"}, {"email": "ada2@example.com"}, {"post_id": "other"}])
def test_any_field_that_matters_binds_the_key(api, clock, change):
    assert api.post(URL, json_body=VICTIM, headers={"Idempotency-Key": "k"}).status_code == 201
    clock.advance(60)
    reuse = api.post(URL, json_body={**VICTIM, **change}, headers={"Idempotency-Key": "k"})
    assert reuse.status_code in (404, 422) and (reuse.status_code == 404 or body(reuse)["error"] == "idempotency")


def test_a_replay_with_the_same_body_in_other_spelling_is_the_same_request(api, app_service):
    """JSON or the form, WordPress's names or ours, spaces around a value: one request."""
    first = api.post(URL, json_body=VICTIM, headers={"Idempotency-Key": "k2"})
    again = api.post(URL, form={**FORM, "author": " Ada "}, headers={"Idempotency-Key": "k2"})
    assert again.status_code == 303 and again.headers["Location"].endswith("#comment-" + body(first)["id"])
    assert len(app_service.queue("blog", "pending").model_dump(mode="json")["comments"]) == 1


def test_keys_over_255_characters_are_refused_not_truncated(api, app_service):
    ok = api.post(URL, json_body=VICTIM, headers={"Idempotency-Key": "k" * 255})
    assert ok.status_code == 201
    long = api.post(URL, json_body={**VICTIM, "content": "other"}, headers={"Idempotency-Key": "k" * 255 + "x"},
                    ip="198.51.100.80")
    assert long.status_code == 422 and body(long)["error"] == "idempotency"
    assert "Idempotency-Key" in body(long)["message"] and "255" in body(long)["message"]
    assert len(app_service.queue("blog", "pending").model_dump(mode="json")["comments"]) == 1
