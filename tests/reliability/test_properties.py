"""Property tests: validation and the full submit path never raise anything but a domain error.

The spam engine's own properties live in tests/unit/test_spam_*.py; here one broad property runs the
whole submission (validation, the real engine, keyed hashes, the DynamoDB transaction) on moto.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib import errors
from chalicelib.models import MAX_AUTHOR, MAX_CONTENT, MAX_EMAIL, MAX_POST_ID, MAX_URL, CommentIn, parse_comment

FIELDS = ["post_id", "parent_id", "author", "email", "url", "content", "post_url", "redirect_to", "form_token", "hp",
          "comment_post_ID", "comment_parent", "comment", "ak_hp_textarea", "submit"]
LIMITS = {"post_id": MAX_POST_ID, "author": MAX_AUTHOR, "email": MAX_EMAIL, "url": MAX_URL, "content": MAX_CONTENT}

any_text = st.text(st.characters(codec=None), max_size=300)  # any code point, lone surrogates included
edge_text = st.one_of(
    any_text,
    st.sampled_from(["", " ", "0", "\x00", "\u2028", "a@b", "a@example.com", "http://", "javascript:x", "é" * 50]),
    st.integers(min_value=0, max_value=max(LIMITS.values()) + 2).map(lambda n: "x" * n),
)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=8,
)
submission = st.dictionaries(st.sampled_from(FIELDS), st.one_of(edge_text, json_value), max_size=len(FIELDS))


def valid_email():
    local = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789.+-_éü"), min_size=1, max_size=40)
    return local.map(lambda s: s.strip(".") or "a").map(lambda s: s.replace("..", ".") + "@example.com")


def plausible_submission():
    """Mostly valid comments with a few fields replaced by anything: most reach the engine and storage."""
    printable = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))
    base = st.fixed_dictionaries({
        "post_id": st.text(printable, min_size=1, max_size=MAX_POST_ID).filter(str.strip),
        "author": st.text(printable, min_size=1, max_size=MAX_AUTHOR).filter(str.strip),
        "email": valid_email(),
        "content": st.text(min_size=1, max_size=5000).filter(str.strip),
        "url": st.sampled_from(["", "https://ada.example", "ada.example/x", "http://bit.ly/cheap"]),
        "hp": st.sampled_from(["", "", "", "bot text"]),
    })
    return st.tuples(base, st.dictionaries(st.sampled_from(FIELDS), st.one_of(edge_text, json_value), max_size=1)).map(
        lambda pair: {**pair[0], **pair[1]}
    )


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(submission)
def test_parse_comment_returns_a_comment_or_field_errors_never_anything_else(data):
    try:
        comment = parse_comment(data)
    except errors.FieldsError as exc:
        assert exc.fields and all(isinstance(k, str) and isinstance(v, str) for k, v in exc.fields.items())
        return
    assert isinstance(comment, CommentIn)
    for name, limit in LIMITS.items():
        assert len(getattr(comment, name)) <= limit
    assert comment.post_id and comment.author and comment.content and "@" in comment.email
    assert comment.url == "" or comment.url.lower().startswith(("http://", "https://"))


@settings(max_examples=300, deadline=None)
@given(
    author=st.text(st.characters(codec="utf-8"), min_size=1, max_size=MAX_AUTHOR),
    content=st.text(st.characters(codec="utf-8"), min_size=1, max_size=2000),
    email=valid_email(),
)
def test_text_within_the_limits_is_accepted_unless_blank_or_control(author, content, email):
    data = {"post_id": "p", "author": author, "content": content, "email": email}
    try:
        comment = parse_comment(data)
    except errors.FieldsError as exc:
        assert set(exc.fields) <= {"author", "content", "email"}
        return
    assert comment.author == author.strip() and comment.content == content.strip()


@pytest.fixture
def moto_service(keyring, clock):
    import boto3
    from moto import mock_aws

    from tests.conftest import _fresh_store, make_service, make_site

    with mock_aws():
        store = _fresh_store(boto3.client("dynamodb", region_name="us-east-1"))
        make_site(store, flood_seconds=0, moderation="auto")
        from chalicelib import spam

        yield make_service(store, keyring, clock, engine=spam.evaluate)


def test_the_whole_submit_path_answers_or_refuses_never_crashes(moto_service, clock):
    """Any submission through the Service with the real engine on moto: a Submitted, or a domain error;
    a stored comment reads back exactly as sent (trimmed), with a verdict whose reasons a person can read."""
    seen: dict[str, int] = {}

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=plausible_submission(), ip=st.one_of(st.just(""), st.ip_addresses().map(str)), agent=any_text,
           key=st.one_of(st.just(""), any_text))
    def submit(data, ip, agent, key):
        clock.advance(1)
        try:
            done = moto_service.submit("blog", data, ip=ip, user_agent=agent, idempotency_key=key)
        except errors.ReplyboxError as exc:
            assert not isinstance(exc, errors.StorageUnavailableError), exc
            seen[type(exc).__name__] = seen.get(type(exc).__name__, 0) + 1
            return
        seen["stored"] = seen.get("stored", 0) + 1
        assert done.result.status in ("approved", "pending")
        if done.decision not in ("discard", "replay"):
            stored = moto_service.get("blog", done.result.id).model_dump(mode="json")
            assert stored["content"] == done.comment.content and stored["author"] == done.comment.author
            assert all({"rule", "score", "detail"} <= set(r) for r in stored["verdict"]["reasons"])

    submit()
    assert sum(seen.values()) >= 150 and seen.get("stored", 0) >= 30, seen


def test_a_lone_surrogate_in_a_header_is_stored_as_a_replacement_character(moto_service):
    """Hypothesis found it: an event's JSON may hold "\\uda10" in the user agent or the Idempotency-Key;
    moto's transaction (and DynamoDB) refused it as unencodable, and the comment got a 503."""
    data = {"post_id": "hello-world", "author": "Ada", "email": "ada@example.com", "content": "A thought"}
    done = moto_service.submit("blog", data, ip="203.0.113.9", user_agent="Agent\uda10/1", idempotency_key="k\udc00")
    assert moto_service.get("blog", done.result.id).user_agent == "Agent\ufffd/1"
    again = moto_service.submit("blog", data, ip="203.0.113.9", user_agent="Agent\uda10/1", idempotency_key="k\udc00")
    assert again.result.id == done.result.id  # the same key, read the same way: a replay


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(author=st.text(min_size=1, max_size=80), content=st.text(min_size=1, max_size=3000),
       url=st.sampled_from(["", "https://a.example", "http://bit.ly/x"]), email=valid_email())
def test_valid_comments_through_the_real_engine_always_get_a_decision(author, content, url, email):
    """A valid comment is never refused by the engine's errors: the verdict always has a decision."""
    from chalicelib import spam

    verdict = spam.evaluate(spam.Submission(author=author, email=email, url=url, content=content, ip="203.0.113.1"))
    assert verdict.decision in ("approve", "hold", "spam", "discard")
    assert all(r.rule != "rule-error" for r in verdict.reasons), verdict.reasons
