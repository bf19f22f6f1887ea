"""Readers' reply notifications on moto (DynamoDB stream + SES): double opt-in, approved replies only,
one-click and GET-then-POST unsubscribe, the daily cap, and the reader's email kept private."""
from __future__ import annotations

import email
import re
from email import policy

import pytest

from chalicelib.mail import ReplyMailer, make_token, ses_sender
from chalicelib.notify import Notifier
from tests.conftest import approving_engine, comment_data, make_service, make_site
from tests.deploy.conftest import PUBLIC_URL

SENDER = "replies@blog.example"
READER = "reader@example.com"
REPLIER = "replier-secret@example.com"


class Outbox:
    """What moto's SES accepted, as parsed mails."""

    def __init__(self):
        import boto3

        boto3.client("ses", region_name="us-east-1").verify_email_identity(EmailAddress=SENDER)

    def mails(self) -> list:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
        return [email.message_from_string(m.raw_data, policy=policy.default) for m in sent]


@pytest.fixture
def outbox(moto_client):
    from chalicelib import mail

    mail.ses_client.cache_clear()  # built inside this test's moto
    yield Outbox()
    mail.ses_client.cache_clear()


@pytest.fixture
def mailer_notifier(streamed_store, keyring, clock, inbox, outbox):
    from chalicelib.notify import sns_publisher

    mailer = ReplyMailer(streamed_store, keyring, ses_sender(SENDER), PUBLIC_URL, clock=clock)
    return Notifier(streamed_store, keyring, sns_publisher(inbox.topic), PUBLIC_URL, clock=clock, mailer=mailer)


@pytest.fixture
def site(streamed_store, keyring, clock, wired):
    make_site(streamed_store, moderation="all", mail_daily_cap=5)
    wired.store = streamed_store
    return make_service(streamed_store, keyring, clock), make_service(streamed_store, keyring, clock, engine=approving_engine)


def spam_engine(*args, **kwargs):
    from chalicelib import spam

    return spam.Verdict(9.0, "spam", (spam.Reason("test", 9.0, "spam"),))


def subscribe(service, n=0, email=READER):
    data = comment_data(email=email, content=f"My question {n}", subscribe_comments="on")
    return service.submit("blog", data, ip=f"203.0.113.{n + 1}").result.id


def reply_to(service, parent, n=0):
    # A new replier each time: on moto, a transaction that rewrites an existing trust item leaves no stream records.
    data = comment_data(author="Bo Replier", email=REPLIER.replace("@", f"{n}@"), content=f"An answer {n}", parent_id=parent)
    return service.submit("blog", data, ip=f"198.51.100.{n + 1}").result.id


def link_in(mail) -> str:
    return re.search(r"(https://\S+/subscriptions/\S+)", mail.get_content()).group(1)


def path_of(url: str) -> str:
    return url.removeprefix(PUBLIC_URL)


def test_no_reply_mail_before_confirmation_then_one_after_an_approved_reply(site, stream, mailer_notifier, outbox, http):
    service, _ = site
    parent = subscribe(service)
    service.act("blog", parent, "approve")
    mailer_notifier.handle(stream.event())
    (confirm,) = outbox.mails()  # only the confirmation: nothing about replies yet
    assert confirm["To"] == READER and "Confirm" in confirm["Subject"]
    first = reply_to(service, parent, 1)
    service.act("blog", first, "approve")
    mailer_notifier.handle(stream.event())
    assert len(outbox.mails()) == 1  # unconfirmed: the approved reply mails no one

    url = link_in(confirm)
    page = http.get(path_of(url))
    assert page.status_code == 200 and b"<form method=\"post\"" in page.body  # GET asks, changes nothing
    assert http.post(path_of(url), headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 200

    pending = reply_to(service, parent, 2)  # held: no mail
    mailer_notifier.handle(stream.event())
    assert len(outbox.mails()) == 1
    service.act("blog", pending, "approve")
    mailer_notifier.handle(stream.event())
    mails = outbox.mails()
    assert len(mails) == 2
    notice = mails[1]
    assert notice["To"] == READER and "Bo Replier replied" in notice.get_content()
    assert "replier-secret" not in notice.as_string()  # the replier by display name only
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert notice["List-Unsubscribe"].startswith(f"<{PUBLIC_URL}/sites/blog/subscriptions/")
    mailer_notifier.handle({"Records": stream.records()})  # nothing new
    service.act("blog", pending, "edit", service.get("blog", pending).version, "An answer, edited")  # a MODIFY still approved: no second mail
    mailer_notifier.handle(stream.event())
    assert len(outbox.mails()) == 2


def test_one_click_unsubscribe_and_the_get_then_post_page(site, stream, mailer_notifier, outbox, http, keyring, clock):
    service, _ = site
    parents = [subscribe(service, n) for n in (1, 2)]
    for parent in parents:
        service.act("blog", parent, "approve")
    mailer_notifier.handle(stream.event())
    for mail in outbox.mails():
        assert http.post(path_of(link_in(mail)), headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 200
    # one-click (RFC 8058) on the first comment's subscription: the mail client's POST
    one_click = make_token(keyring, "blog", parents[0], "stop", clock())
    answer = http.post(f"/sites/blog/subscriptions/{one_click}", headers={"content-type": "application/x-www-form-urlencoded"},
                       body=b"List-Unsubscribe=One-Click")
    assert answer.status_code == 200
    # GET-then-POST on the second
    stop = make_token(keyring, "blog", parents[1], "stop", clock())
    assert b"Unsubscribe" in http.get(f"/sites/blog/subscriptions/{stop}").body
    assert service.store.get_site("blog")  # the GET changed nothing: the reply below would still mail
    before = len(outbox.mails())
    http.post(f"/sites/blog/subscriptions/{stop}", headers={"content-type": "application/x-www-form-urlencoded"})
    for n, parent in enumerate(parents):
        service.act("blog", reply_to(service, parent, 10 + n), "approve")
    mailer_notifier.handle(stream.event())
    assert len(outbox.mails()) == before  # both stopped
    forged = http.get("/sites/blog/subscriptions/not-a-token")
    assert forged.status_code == 403


def test_the_daily_cap_holds(site, stream, mailer_notifier, outbox):
    service, _ = site
    for n in range(8):
        subscribe(service, n, email=f"reader{n}@example.com")
    mailer_notifier.handle(stream.event())
    assert len(outbox.mails()) == 5  # mail_daily_cap=5: the rest wait for no one (the cap is the site's)


def test_spam_gets_no_mail(site, outbox, streamed_store, keyring, clock):
    """Written without the stream: on moto, the stream stops emitting after a spam comment's write."""
    from chalicelib.mail import Subscriptions

    service, _ = site
    spam = make_service(streamed_store, keyring, clock, engine=spam_engine)
    judged = spam.submit("blog", comment_data(email=READER, subscribe_comments="1"), ip="203.0.113.50").result.id
    assert Subscriptions(streamed_store).get("blog", judged) is None  # no confirmation can ever go out
    parent = subscribe(service, 7)
    service.act("blog", parent, "approve")
    Subscriptions(streamed_store).confirm("blog", parent)
    mailer = ReplyMailer(streamed_store, keyring, ses_sender(SENDER), PUBLIC_URL, clock=clock)
    reply = {"sk": "COMMENT", "site": "blog", "id": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "parent_id": parent, "author": "X",
             "content": "buy", "email_hash": "e"}
    assert mailer.handle_item({**reply, "status": "spam"}) == "skipped"
    assert mailer.handle_item({**reply, "status": "pending"}) == "skipped"
    assert outbox.mails() == []
    assert mailer.handle_item({**reply, "status": "approved"}) == "mailed"  # the same reply, once approved
    assert len(outbox.mails()) == 1
