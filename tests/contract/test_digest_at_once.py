"""The digest rule (chalicelib/digest.py) on moto and on DynamoDB Local: with the defaults (a window of 30
minutes, digest after 5), a site's new pending comments are mailed at once while at most 5 wait, the
6th and later go into the window's digest, a cleared queue is mailed at once again, and a repeated
stream record never mails twice nor is both mailed and digested.

The stream handler gets the records Lambda would hand it (each comment's item as stored, as NEW_IMAGE);
mail is what its publisher is called with."""
from __future__ import annotations

import re

import pytest

from chalicelib.digest import DigestSender, window_start
from chalicelib.notify import Notifier
from chalicelib.storage import comment_key, marshal
from tests.conftest import comment_data, make_service, make_site

MAIL_AT_ONCE = "[replybox] comment awaiting moderation on blog"


class Quiet:
    """A site with the default digest settings, its service, stream handler, sender and the mail sent."""

    def __init__(self, store, keyring, clock, **site):
        make_site(store, moderation="all", flood_seconds=0, **site)
        clock.now = window_start(clock.now, 30) + 60
        self.store, self.clock = store, clock
        self.service = make_service(store, keyring, clock)
        self.sent: list[dict] = []
        self.fail_next = 0  # publishes that raise, as an SNS outage would
        self.notifier = Notifier(store, keyring, self.publish, "https://api.example", clock=clock)
        self.sender = DigestSender(store, self.notifier, clock=clock)
        self.sequence = 0

    def publish(self, **mail):
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("SNS is unavailable")
        self.sent.append(mail)

    def hold(self, count: int, start: int) -> tuple[list[str], dict]:
        """`count` new pending comments (Reader {start}...), and the stream batch that announces them."""
        ids, records = [], []
        for n in range(start, start + count):
            data = comment_data(author=f"Reader {n}", email=f"r{n}@example.com", content=f"Question {n}")
            comment_id = self.service.submit("blog", data, ip="203.0.113.9").result.id
            item = self.store.client.get_item(TableName=self.store.table, Key=marshal(comment_key("blog", comment_id)))
            self.sequence += 1
            records.append({"eventName": "INSERT",
                            "dynamodb": {"NewImage": item["Item"], "SequenceNumber": f"{self.sequence:021d}"}})
            ids.append(comment_id)
        return ids, {"Records": records}

    def handle(self, event: dict) -> dict:
        return self.notifier.handle(event)

    def mailed(self) -> list[str]:
        """Authors of the per-comment mails sent so far, in order."""
        return [re.search(r"Author: (.+)", m["message"]).group(1) for m in self.sent if m["subject"] == MAIL_AT_ONCE]

    def digests(self) -> list[dict]:
        return [m for m in self.sent if m["subject"] != MAIL_AT_ONCE]

    def close_window(self) -> list[dict]:
        """The windows' end: the digests the scheduled sender mails (run twice, as each minute)."""
        before = len(self.digests())
        self.clock.advance(30 * 60)
        self.sender.run()
        self.sender.run()
        return self.digests()[before:]

    def approve_all(self, ids: list[str]) -> None:
        for comment_id in ids:
            self.service.act("blog", comment_id, "approve", self.service.get("blog", comment_id).version)


@pytest.fixture
def quiet(store, keyring, clock):
    return Quiet(store, keyring, clock)


def listed(digest: dict) -> list[str]:
    return re.findall(r"Author: (.+)", digest["message"])


def test_the_first_five_are_mailed_at_once_with_no_window_and_the_sixth_on_are_digested(quiet):
    _, first = quiet.hold(5, 0)
    assert quiet.handle(first) == {"batchItemFailures": []}
    assert quiet.mailed() == [f"Reader {n}" for n in range(5)]  # at once: no window, nothing 30 minutes late
    start = window_start(quiet.clock.now, 30)
    assert quiet.store.digest_window("blog", start) == {} and quiet.sender.windows.due(start + 1800) == []
    _, later = quiet.hold(3, 5)
    assert quiet.handle(later) == {"batchItemFailures": []}
    assert len(quiet.sent) == 5  # more than 5 wait: these wait for the window's end
    (digest,) = quiet.close_window()
    assert digest["subject"] == "[replybox] 3 comments awaiting moderation on blog"
    assert listed(digest) == ["Reader 5", "Reader 6", "Reader 7"]  # only those: the mailed five are not in it
    assert quiet.mailed() == [f"Reader {n}" for n in range(5)]


def test_one_batch_across_the_boundary_mails_up_to_five_waiting_and_digests_the_rest(quiet):
    quiet.handle(quiet.hold(4, 0)[1])
    quiet.handle(quiet.hold(3, 4)[1])  # one batch: the 5th waiting is mailed, the 6th and 7th are not
    assert quiet.mailed() == [f"Reader {n}" for n in range(5)]
    (digest,) = quiet.close_window()
    assert listed(digest) == ["Reader 5", "Reader 6"]


def test_after_a_moderator_clears_the_queue_a_new_comment_is_mailed_at_once_again(quiet):
    ids, first = quiet.hold(7, 0)
    quiet.handle(first)
    assert len(quiet.mailed()) == 5
    quiet.approve_all(ids)  # the queue is empty again, the digested two with it
    quiet.handle(quiet.hold(1, 7)[1])
    assert quiet.mailed()[-1] == "Reader 7" and len(quiet.mailed()) == 6
    assert quiet.close_window() == []  # the window's comments were all handled: nothing to send


def test_a_repeated_record_mails_once_and_a_digested_one_stays_digested(quiet):
    ids, first = quiet.hold(5, 0)
    quiet.handle(first)
    quiet.handle(first)  # Lambda delivers the batch again
    sixth, late = quiet.hold(1, 5)
    quiet.handle(late)
    quiet.handle({"Records": first["Records"] + late["Records"]})  # both again, in one batch
    assert quiet.mailed() == [f"Reader {n}" for n in range(5)]
    quiet.approve_all(ids)  # now only the 6th waits: a fresh decision would mail it
    quiet.handle(late)
    assert len(quiet.sent) == 5  # its marker says digest: it is not mailed too
    (digest,) = quiet.close_window()
    assert digest["subject"] == "[replybox] 1 comment awaiting moderation on blog"
    assert listed(digest) == ["Reader 5"] and "1 comment on blog is waiting" in digest["message"]
    quiet.handle({"Records": first["Records"] + late["Records"]})  # very late redeliveries
    assert quiet.close_window() == [] and len(quiet.sent) == 6


def test_a_mail_that_failed_is_sent_on_the_retry_and_never_digested(quiet):
    _, first = quiet.hold(3, 0)
    quiet.fail_next = 1  # SNS fails on the first publish of the batch
    answer = quiet.handle(first)
    assert answer == {"batchItemFailures": [{"itemIdentifier": first["Records"][0]["dynamodb"]["SequenceNumber"]}]}
    assert quiet.sent == []
    quiet.handle(quiet.hold(4, 3)[1])  # meanwhile more came: 7 wait now
    assert quiet.mailed() == ["Reader 3", "Reader 4"]
    quiet.handle(first)  # Lambda retries: the three were decided "mail" and are mailed, not digested
    assert sorted(quiet.mailed()) == [f"Reader {n}" for n in range(5)]
    (digest,) = quiet.close_window()
    assert listed(digest) == ["Reader 5", "Reader 6"]


def test_digest_after_zero_puts_every_comment_in_the_digest(store, keyring, clock):
    always = Quiet(store, keyring, clock, digest_after=0)
    always.handle(always.hold(2, 0)[1])
    assert always.sent == []
    (digest,) = always.close_window()
    assert listed(digest) == ["Reader 0", "Reader 1"]


def test_the_count_of_waiting_leaves_out_the_batch_and_stops_at_the_cap(quiet):
    ids, _ = quiet.hold(9, 0)
    assert quiet.store.count_pending("blog", 5, set()) == 5
    assert quiet.store.count_pending("blog", 20, set(ids[:3])) == 6
    quiet.approve_all(ids[3:])
    assert quiet.store.count_pending("blog", 5, set()) == 3
    assert quiet.store.count_pending("blog", 5, set(ids[:3])) == 0
