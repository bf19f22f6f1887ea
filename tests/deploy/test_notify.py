"""Moderator notifications: the stream handler on moto (SNS -> SQS inbox) and the signed one-click links."""
from __future__ import annotations

import json
import re
import time

import pytest

from chalicelib.errors import LinkError
from chalicelib.links import LINK_TTL, make_link_token, read_link_token
from chalicelib.notify import Notifier
from tests.conftest import comment_data, make_service, make_site
from tests.deploy.conftest import PUBLIC_URL

FORM = {"content-type": "application/x-www-form-urlencoded"}
SECRETS = ("ada@example.com", "203.0.113.9", "Mozilla/5.0 Secret")


@pytest.fixture
def held(streamed_store, keyring, clock):
    """A site that mails each pending comment at once, its Service, and one pending comment in the streamed table."""
    make_site(streamed_store, digest_minutes=0)
    service = make_service(streamed_store, keyring, clock)
    submitted = service.submit("blog", comment_data(), ip=SECRETS[1], user_agent=SECRETS[2])
    return service, submitted.result.id


def links_of(message: str) -> dict[str, str]:
    return dict(re.findall(r"^(Approve|Mark as spam|Delete|Reply):\s+(\S+)$", message, re.M))


def test_a_new_pending_comment_mails_post_author_reasons_and_its_links(held, stream, notifier, inbox, capsys):
    _, comment_id = held
    answer = notifier.handle(stream.event(), "req-1")
    assert answer == {"batchItemFailures": []}
    (mail,) = inbox.messages()
    assert mail["Subject"] == "[replybox] comment awaiting moderation on blog"
    assert mail["MessageAttributes"]["site"]["Value"] == "blog"
    text = mail["Message"]
    assert "Post:   hello-world" in text and "Author: Ada Lovelace" in text
    assert "held by the test engine" in text  # the verdict's reasons
    links = links_of(text)
    assert set(links) == {"Approve", "Mark as spam", "Delete", "Reply"}
    for url in links.values():
        assert url.startswith(f"{PUBLIC_URL}/sites/blog/moderation/links/")
    out = capsys.readouterr().out + text
    assert not any(secret in out for secret in SECRETS) and "thoughtful reply" not in out
    (line,) = [json.loads(row) for row in out.splitlines() if row.startswith("{")]
    assert line == {**line, "route": "dynamodb:notify_moderators", "status": 200, "request_id": "req-1"}
    assert "notified:1" in line["decision"]


def test_repeated_records_mail_once(held, stream, notifier, inbox):
    event = stream.event()
    notifier.handle(event)
    assert notifier.handle(event) == {"batchItemFailures": []}  # Lambda delivers it again
    notifier.handle({"Records": event["Records"] * 2})
    assert len(inbox.messages()) == 1


def test_only_inserts_of_pending_comments_notify(streamed_store, keyring, clock, stream, notifier, inbox):
    from tests.conftest import approving_engine

    make_site(streamed_store, moderation="auto", digest_minutes=0)
    service = make_service(streamed_store, keyring, clock)
    auto = make_service(streamed_store, keyring, clock, engine=approving_engine)
    auto.submit("blog", comment_data(email="bo@example.com"), ip="203.0.113.1")  # approved at once
    pending = service.submit("blog", comment_data(content="held one"), ip="203.0.113.2")
    notifier.handle(stream.event())
    assert len(inbox.messages()) == 1
    # A moderator's own approve -> hold is a MODIFY back to pending: no mail about it.
    service.act("blog", pending.result.id, "approve", 1)
    service.act("blog", pending.result.id, "hold", 2)
    notifier.handle(stream.event())
    assert inbox.messages() == []


def test_malformed_records_are_logged_and_skipped_not_retried_forever(held, stream, notifier, inbox, capsys):
    good = stream.event()["Records"]
    broken = [
        "not a record",
        {"eventName": "INSERT"},
        {"eventName": "INSERT", "dynamodb": {"SequenceNumber": "1"}},
        {"eventName": "INSERT", "dynamodb": {"SequenceNumber": "2", "NewImage": {"sk": {"S": "COMMENT"}, "status": {"X": 1}}}},
        {"eventName": "INSERT", "dynamodb": {"SequenceNumber": "3", "NewImage": {"sk": {"S": "COMMENT"}, "status": {"S": "pending"}}}},
    ]
    assert notifier.handle({"Records": broken + good}) == {"batchItemFailures": []}
    assert len(inbox.messages()) == 1
    assert notifier.handle({"nothing": True}) == {"batchItemFailures": []}
    assert notifier.handle("garbage") == {"batchItemFailures": []}
    lines = [json.loads(row) for row in capsys.readouterr().out.splitlines() if row.startswith("{")]
    assert sum(row.get("error") == "MalformedRecord" for row in lines) == 5


def test_a_failed_publish_is_reported_for_retry_and_nothing_is_lost(held, stream, streamed_store, keyring, clock, inbox):
    from chalicelib.notify import sns_publisher

    service, _ = held
    clock.advance(60)
    service.submit("blog", comment_data(email="bo@example.com", content="second"), ip="203.0.113.3")
    event = stream.event()
    pending = [r for r in event["Records"] if r["dynamodb"]["NewImage"]["sk"]["S"] == "COMMENT"]
    real = sns_publisher(inbox.topic)
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise ConnectionError("SNS is down")
        real(**kwargs)

    notifier = Notifier(streamed_store, keyring, flaky, PUBLIC_URL, clock=clock)
    answer = notifier.handle(event)
    assert answer == {"batchItemFailures": [{"itemIdentifier": pending[1]["dynamodb"]["SequenceNumber"]}]}
    # Lambda re-delivers from the failed record on: the first is not mailed twice, the second now is.
    retry = [r for r in event["Records"] if int(r["dynamodb"]["SequenceNumber"]) >= int(pending[1]["dynamodb"]["SequenceNumber"])]
    assert notifier.handle({"Records": pending[:1] + retry}) == {"batchItemFailures": []}
    assert len(inbox.messages()) == 2


def test_the_lambda_entry_point_answers_lambda(held, stream, notifier, monkeypatch, inbox):
    from chalicelib import notify

    monkeypatch.setattr(notify, "notifier", lambda: notifier)

    class Context:
        aws_request_id = "abc"

    assert notify.notify_moderators(stream.event(), Context()) == {"batchItemFailures": []}
    assert len(inbox.messages()) == 1


# ---- links -----------------------------------------------------------------------------------------
def test_link_tokens_are_bound_to_site_comment_action_version_and_time(keyring):
    now = 1_790_000_000
    token = make_link_token(keyring, "blog", "C1", "approve", 3, now)
    assert read_link_token(keyring, "blog", token, now + LINK_TTL - 1) == {
        "s": "blog", "c": "C1", "a": "approve", "v": 3, "e": now + LINK_TTL
    }
    assert LINK_TTL == 3 * 86400
    with pytest.raises(LinkError) as expired:
        read_link_token(keyring, "blog", token, now + LINK_TTL + 1)
    assert expired.value.status == 410
    with pytest.raises(LinkError) as foreign:
        read_link_token(keyring, "other", token, now)
    assert foreign.value.status == 403
    body, mac = token.split(".")
    for forged in (body + "." + mac[:-2] + ("AA" if mac[-2:] != "AA" else "BB"), "x" + token, "", "a.b.c"):
        with pytest.raises(LinkError):
            read_link_token(keyring, "blog", forged, now)
    # Same payload signed for another purpose (a cursor, a form token) is no link.
    other = keyring.sign("form", {"s": "blog", "c": "C1", "a": "approve", "v": 3, "e": now + LINK_TTL})
    with pytest.raises(LinkError):
        read_link_token(keyring, "blog", other, now)
    hold = keyring.sign("moderation-link", {"s": "blog", "c": "C1", "a": "trash", "v": 3, "e": now + LINK_TTL})
    with pytest.raises(LinkError):
        read_link_token(keyring, "blog", hold, now)  # only approve and spam are mailed


@pytest.fixture
def pending_id(wired):
    return wired.submit("blog", comment_data(), ip=SECRETS[1], user_agent=SECRETS[2]).result.id


def path(token, site="blog"):
    return f"/sites/{site}/moderation/links/{token}"


def test_get_shows_a_confirmation_form_and_changes_nothing(http, wired, keyring, pending_id):
    token = make_link_token(keyring, "blog", pending_id, "approve", 1, time.time())
    for _ in range(3):  # a mail scanner following the link, twice, then the moderator
        page = http.get(path(token))
        assert page.status_code == 200
    html = page.body.decode()
    assert '<form method="post">' in html and "Approve" in html and "A thoughtful reply" in html
    assert not any(secret in html for secret in SECRETS)
    assert page.headers["Referrer-Policy"] == "no-referrer" and "no-store" in page.headers["Cache-Control"]
    assert wired.get("blog", pending_id).status == "pending"
    assert wired.get("blog", pending_id).version == 1


def test_post_acts_once_and_a_replay_is_already_handled(http, wired, keyring, pending_id):
    approve = make_link_token(keyring, "blog", pending_id, "approve", 1, time.time())
    spam = make_link_token(keyring, "blog", pending_id, "spam", 1, time.time())
    done = http.post(path(approve), headers=FORM, body=b"")
    assert done.status_code == 200 and "approved" in done.body.decode()
    assert wired.get("blog", pending_id).status == "approved"
    for token in (approve, spam):  # the replay, and the other link of the same mail
        again = http.post(path(token), headers=FORM, body=b"")
        assert again.status_code == 409 and "already handled" in again.body.decode()
        assert http.get(path(token)).status_code == 409
    assert wired.get("blog", pending_id).status == "approved"
    assert wired.get("blog", pending_id).version == 2


def test_spam_link_marks_spam(http, wired, keyring, pending_id):
    spam = make_link_token(keyring, "blog", pending_id, "spam", 1, time.time())
    assert http.post(path(spam), headers=FORM, body=b"").status_code == 200
    assert wired.get("blog", pending_id).status == "spam"


def test_expired_tampered_and_foreign_links_do_nothing(http, wired, keyring, pending_id, moto_store):
    make_site(moto_store, slug="other")
    expired = make_link_token(keyring, "blog", pending_id, "approve", 1, time.time() - LINK_TTL - 5)
    good = make_link_token(keyring, "blog", pending_id, "approve", 1, time.time())
    body, mac = good.split(".")
    payload = json.loads(__import__("base64").urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["v"] = 7
    from chalicelib.signing import _b64

    tampered = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()) + "." + mac
    cases = [(path(expired), 410), (path(tampered), 403), (path(good, "other"), 403), (path("nonsense"), 403)]
    for url, status in cases:
        assert http.get(url).status_code == status, url
        assert http.post(url, headers=FORM, body=b"").status_code == status, url
    assert wired.get("blog", pending_id).status == "pending"


def test_a_link_to_a_deleted_comment_says_so(http, wired, keyring, pending_id):
    token = make_link_token(keyring, "blog", pending_id, "approve", 1, time.time())
    wired.delete("blog", pending_id)
    assert http.get(path(token)).status_code == 404
    assert http.post(path(token), headers=FORM, body=b"").status_code == 404
