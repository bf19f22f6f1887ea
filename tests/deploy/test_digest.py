"""Moderator digests on moto (DynamoDB stream -> windows -> SNS inbox): while at most 5 comments wait each is
mailed at once, the ones that arrive once more wait are one digest at the window's end, nothing is sent
twice, and every link acts."""
from __future__ import annotations

import re
import time

import pytest

from chalicelib.digest import LEASE, DigestSender, window_start
from tests.conftest import comment_data, make_service, make_site
from tests.deploy.conftest import PUBLIC_URL
from tests.deploy.test_notify import FORM, SECRETS

ENTRY = re.compile(r"^(\d+)\. Post:", re.M)
LINK = re.compile(r"^\s*(Approve|Mark as spam|Delete|Reply):\s+(\S+)$", re.M)


@pytest.fixture
def window(clock):
    """The test clock one minute into a 30-minute window of today (mailed links are checked on the real clock)."""
    clock.now = window_start(time.time(), 30) + 60
    return clock.now - 60


@pytest.fixture
def digest_site(streamed_store, keyring, clock, window, wired):
    make_site(streamed_store, moderation="all", flood_seconds=0)  # the defaults: a digest every 30 min past 5
    wired.store = streamed_store
    return make_service(streamed_store, keyring, clock)


@pytest.fixture
def sender(streamed_store, notifier, clock):
    return DigestSender(streamed_store, notifier, clock=clock)


def hold(service, count, start=0):
    ids = []
    for n in range(start, start + count):
        data = comment_data(author=f"Reader {n}", email=f"reader{n}@example.com", content=f"Question number {n}")
        ids.append(service.submit("blog", data, ip=SECRETS[1], user_agent=SECRETS[2]).result.id)
    return ids


def handle_all(stream, notifier):
    """Hand the stream to the handler until it is read (moto hands it out in pages)."""
    while True:
        event = stream.event()
        if not event["Records"]:
            return
        assert notifier.handle(event) == {"batchItemFailures": []}


@pytest.fixture
def five_waiting(digest_site, stream, notifier, inbox):
    """Five pending comments (Reader 0-4), each mailed at once: the next one makes more than five wait."""
    ids = hold(digest_site, 5)
    handle_all(stream, notifier)
    mails = inbox.messages()
    assert [m["Subject"] for m in mails] == ["[replybox] comment awaiting moderation on blog"] * 5
    return ids


def test_five_are_mailed_at_once_and_six_more_make_one_mail_listing_six(digest_site, five_waiting, stream, notifier,
                                                                       sender, inbox, clock, capsys):
    ids = hold(digest_site, 6, start=5)
    assert notifier.handle(stream.event()) == {"batchItemFailures": []}
    sender.run()
    assert inbox.messages() == []  # the window is still open: nothing yet
    clock.advance(29 * 60)
    sender.run()
    (mail,) = inbox.messages()
    assert mail["Subject"] == "[replybox] 6 comments awaiting moderation on blog"
    assert mail["MessageAttributes"]["site"]["Value"] == "blog"
    text = mail["Message"]
    assert [int(n) for n in ENTRY.findall(text)] == [1, 2, 3, 4, 5, 6]
    assert [f"Reader {n}" for n in range(5, 11)] == re.findall(r"Author: (Reader \d+)", text)  # not the mailed five
    links = LINK.findall(text)
    assert len(links) == 24 and {name for name, _ in links} == {"Approve", "Mark as spam", "Delete", "Reply"}
    assert all(url.startswith(f"{PUBLIC_URL}/sites/blog/moderation/links/") for _, url in links)
    # Privacy: no email, IP, user agent (nor the text, as in the per-comment mail), in the mail or the logs.
    out = capsys.readouterr().out + text
    assert not any(secret in out for secret in SECRETS) and "reader5@example.com" not in out
    assert "Question number" not in text
    assert len(ids) == 6


def test_nothing_is_sent_twice(digest_site, stream, notifier, sender, inbox, clock, streamed_store):
    hold(digest_site, 11)
    event = stream.event()
    notifier.handle(event)
    notifier.handle(event)  # Lambda delivers the batch again
    assert len(inbox.messages()) == 5  # the first five, once each
    clock.advance(30 * 60)
    sender.run()
    sender.run()  # the next minute's run
    DigestSender(streamed_store, notifier, clock=clock).run()  # a second sender (another cold start)
    notifier.handle(event)  # a very late redelivery: mailed ones are marked, the rest are in the sent digest
    clock.advance(30 * 60)
    sender.run()
    (mail,) = inbox.messages()
    assert len(ENTRY.findall(mail["Message"])) == 6


def test_each_comment_appears_in_exactly_one_digest(digest_site, five_waiting, stream, notifier, sender, inbox, clock):
    first = hold(digest_site, 6, start=5)
    notifier.handle(stream.event())
    clock.advance(30 * 60)  # the next window: six more
    second = hold(digest_site, 6, start=11)
    notifier.handle(stream.event())
    sender.run()  # only the first window has closed
    clock.advance(30 * 60)
    sender.run()
    mails = inbox.messages()
    assert len(mails) == 2
    listed = [re.findall(r"Author: (Reader \d+)", m["Message"]) for m in mails]
    assert listed == [[f"Reader {n}" for n in range(5, 11)], [f"Reader {n}" for n in range(11, 17)]]
    assert len(first) == len(second) == 6


def test_few_waiting_are_mailed_at_once_with_nothing_at_the_window_end(digest_site, stream, notifier, sender, inbox, clock):
    hold(digest_site, 3)
    notifier.handle(stream.event())
    mails = inbox.messages()  # at once, not when the window closes
    assert [m["Subject"] for m in mails] == ["[replybox] comment awaiting moderation on blog"] * 3
    assert sorted(re.search(r"Author: (.+)", m["Message"]).group(1) for m in mails) == ["Reader 0", "Reader 1", "Reader 2"]
    clock.advance(30 * 60)
    sender.run()
    assert inbox.messages() == []


def test_a_comment_handled_before_the_window_closes_is_left_out(digest_site, five_waiting, stream, notifier, sender,
                                                                  inbox, clock):
    ids = hold(digest_site, 3, start=5)
    notifier.handle(stream.event())
    digest_site.act("blog", ids[0], "approve", 1)  # a moderator got to one before the window closed
    clock.advance(30 * 60)
    sender.run()
    (mail,) = inbox.messages()
    assert re.findall(r"Author: (.+)", mail["Message"]) == ["Reader 6", "Reader 7"]
    sender.run()
    assert inbox.messages() == []


def test_digest_minutes_zero_mails_each_comment_at_once(streamed_store, keyring, clock, window, stream, notifier, inbox):
    make_site(streamed_store, moderation="all", flood_seconds=0, digest_minutes=0)
    hold(make_service(streamed_store, keyring, clock), 6)
    notifier.handle(stream.event())
    assert len(inbox.messages()) == 6


def test_the_digest_links_act_on_post_only(digest_site, five_waiting, stream, notifier, sender, inbox, clock, http):
    ids = hold(digest_site, 6, start=5)
    notifier.handle(stream.event())
    clock.advance(30 * 60)
    sender.run()
    (mail,) = inbox.messages()
    entries = re.split(r"^\d+\. ", mail["Message"], flags=re.M)[1:]
    by_author = {re.search(r"Author: (.+)", e).group(1): dict(LINK.findall(e)) for e in entries}
    cases = {"Reader 5": ("Approve", "approved"), "Reader 6": ("Mark as spam", "spam"), "Reader 7": ("Delete", "trash")}
    for n, (author, (link, status)) in enumerate(cases.items()):
        path = by_author[author][link].removeprefix(PUBLIC_URL)
        page = http.get(path)
        assert page.status_code == 200 and "<form method=\"post\">" in page.body.decode()
        assert digest_site.get("blog", ids[n]).status == "pending"  # a GET (a mail scanner) changes nothing
        assert http.post(path, headers=FORM, body=b"").status_code == 200
        assert digest_site.get("blog", ids[n]).status == status
        assert http.post(path, headers=FORM, body=b"").status_code == 409  # works once
    # the other links of a handled comment do nothing either
    assert http.post(by_author["Reader 5"]["Delete"].removeprefix(PUBLIC_URL), headers=FORM, body=b"").status_code == 409
    assert digest_site.get("blog", ids[0]).status == "approved"


def test_the_reply_link_publishes_a_moderator_reply_and_keeps_what_was_typed(digest_site, stream, notifier, sender,
                                                                             inbox, clock, http):
    from urllib.parse import urlencode

    (asked,) = hold(digest_site, 1)
    notifier.handle(stream.event())
    (mail,) = inbox.messages()  # one waiting: the per-comment mail at once, which offers Reply too
    path = dict(LINK.findall(mail["Message"]))["Reply"].removeprefix(PUBLIC_URL)
    page = http.get(path).body.decode()
    assert 'name="content"' in page and "publishing your reply approves it too" in page
    assert digest_site.get("blog", asked).status == "pending"
    typed = "Thanks, I\u2019ll answer below. <b>bold?</b>"
    refused = http.post(path, headers=FORM, body=urlencode({"author": "", "content": typed}).encode())
    assert refused.status_code == 422
    assert "Your name is required" in refused.body.decode()
    assert "Thanks, I\u2019ll answer below. &lt;b&gt;bold?&lt;/b&gt;" in refused.body.decode()  # given back, escaped
    assert digest_site.get("blog", asked).status == "pending"
    done = http.post(path, headers=FORM, body=urlencode({"author": "The Editor", "content": typed}).encode())
    assert done.status_code == 200 and "The Editor" in done.body.decode()
    for shown in (page, refused.body.decode(), done.body.decode()):  # the commenter's email, IP, UA: never
        assert not any(secret in shown for secret in SECRETS) and "reader0@example.com" not in shown
    assert digest_site.get("blog", asked).status == "approved"
    (reply,) = [c for c in digest_site.list_public("blog", "hello-world").model_dump(mode="json")["comments"] if c["parent_id"] == asked]
    assert reply["moderator"] is True and reply["author"] == "The Editor"
    assert "&lt;b&gt;" in reply["content_html"]


def test_a_busy_window_lists_fifty_and_counts_the_rest(digest_site, five_waiting, stream, notifier, sender, inbox, clock):
    from chalicelib.digest import MAX_LISTED

    hold(digest_site, MAX_LISTED + 3, start=5)
    handle_all(stream, notifier)
    clock.advance(30 * 60)
    sender.run()
    (mail,) = inbox.messages()
    assert mail["Subject"] == f"[replybox] {MAX_LISTED + 3} comments awaiting moderation on blog"
    assert len(ENTRY.findall(mail["Message"])) == MAX_LISTED
    assert f"3 more arrived than one mail lists: open the queue at {PUBLIC_URL}/moderate" in mail["Message"]


def test_the_sender_function_is_scheduled_and_its_policy_is_exactly_what_it_calls(
        template, digest_site, stream, notifier, sender, inbox, clock, streamed_store):
    from tests.deploy.test_policy import Calls, granted, table_statement

    function = template["Resources"]["SendDigests"]["Properties"]
    assert function["Handler"] == "chalicelib.notify.send_digests"
    (event,) = function["Events"].values()
    assert event["Type"] == "Schedule" and event["Properties"]["Schedule"] == "rate(1 minute)"
    env = function["Environment"]["Variables"]
    assert env["REPLYBOX_TOPIC_ARN"] == {"Ref": "ModeratorTopic"} and "REPLYBOX_PUBLIC_URL" in env
    assert env["REPLYBOX_TABLE"] == {"Ref": "ReplyboxTable"}

    hold(digest_site, 6)
    notifier.handle(stream.event())
    clock.advance(30 * 60)
    hold(digest_site, 1, start=6)
    notifier.handle(stream.event())
    assert len(inbox.messages()) == 5  # the first five, at once
    calls = Calls(streamed_store.client)
    sender.run()  # a digest (Reader 5)
    clock.advance(30 * 60)
    DigestSender(streamed_store, notifier, clock=clock).windows.claim("blog", window_start(clock.now - 30 * 60, 30), clock.now)
    sender.run()  # busy: another sender holds the second window (its state read to keep its DUE item)
    clock.advance(LEASE + 60)
    sender.run()  # the other sender died: the lease ran out, a digest (Reader 6)
    calls.close()
    assert [len(ENTRY.findall(m["Message"])) for m in inbox.messages()] == [1, 1]
    assert table_statement(template, "SendDigestsRole")["Resource"] == {"Fn::GetAtt": ["ReplyboxTable", "Arn"]}
    assert granted(template, "SendDigestsRole") == calls.actions
    assert calls.tables == {streamed_store.table} and not calls.indexes
    assert granted(template, "SendDigestsRole", prefix="sns:") == {"sns:Publish"}
    assert not granted(template, "SendDigestsRole", prefix="ses:")  # moderators' mail only
