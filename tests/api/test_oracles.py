"""No answer confirms a stranger's email: what a caller can learn must not depend on whose address it sent.

An attacker picks a victim's public comment, guesses addresses, and compares answers. Each test
sends the victim's real address and a wrong guess the same way and asserts the answers cannot be told
apart (status, body shape, avatar), and that nothing derived from the email leaves the API unless the
comment itself is public.
"""
from __future__ import annotations

import json


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
