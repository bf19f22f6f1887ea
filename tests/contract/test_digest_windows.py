"""The digest windows (chalicelib/digest.py) on moto and on DynamoDB Local: an id joins exactly one window,
a claimed window takes no more, a window is claimed by one sender at a time, and closed windows are found."""
from __future__ import annotations

from chalicelib.digest import LEASE, MAX_LISTED, Windows

START = 1_790_000_000 // 1800 * 1800
MINUTES = 30


def test_ids_join_the_open_window_once(store):
    windows = Windows(store)
    windows.add("blog", MINUTES, ["A", "B"], START, START + 10)
    windows.add("blog", MINUTES, ["B", "C"], START, START + 20)  # B repeated by a redelivered record
    assert windows.claim("blog", START, START + 1800)["ids"] == {"A", "B", "C"}


def test_a_claimed_window_takes_no_more_and_a_late_id_goes_to_the_next(store):
    windows = Windows(store)
    windows.add("blog", MINUTES, ["A"], START, START + 10)
    assert windows.claim("blog", START, START + 1800) is not None
    windows.add("blog", MINUTES, ["A", "D"], START, START + 1810)  # A: listed already; D: late
    assert windows.state("blog", START)["ids"] == {"A"}
    assert windows.claim("blog", START + 1800, START + 3600)["ids"] == {"D"}


def test_one_sender_at_a_time_and_never_after_sent(store):
    windows = Windows(store)
    windows.add("blog", MINUTES, ["A"], START, START + 10)
    now = START + 1800
    assert windows.claim("blog", START, now) is not None
    assert windows.claim("blog", START, now + 1) is None  # another sender while the lease holds
    assert windows.claim("blog", START, now + LEASE + 1) is not None  # the first one died: taken over
    windows.mark_sent("blog", START, now + LEASE + 2)
    assert windows.claim("blog", START, now + 3 * LEASE) is None


def test_a_full_window_counts_what_it_cannot_list(store):
    windows = Windows(store)
    ids = [f"ID{n:03d}" for n in range(MAX_LISTED + 7)]
    windows.add("blog", MINUTES, ids, START, START + 10)
    window = windows.claim("blog", START, START + 1800)
    assert len(window["ids"]) == MAX_LISTED and window["more"] == 7


def test_closed_windows_are_due_and_open_ones_are_not(store):
    windows = Windows(store)
    windows.add("blog", MINUTES, ["A"], START, START + 10)
    windows.add("other", MINUTES, ["B"], START + 1800, START + 1810)
    due = windows.due(START + 1800)
    assert [(d["site"], d["start"]) for d in due] == [("blog", START)]
    windows.forget_due(due[0])
    assert [(d["site"], d["start"]) for d in windows.due(START + 3600)] == [("other", START + 1800)]


def test_six_pending_make_one_digest_listing_six_sent_once(store, keyring, clock):
    import re

    from chalicelib.digest import DigestSender, window_start
    from chalicelib.notify import Notifier
    from tests.conftest import comment_data, make_service, make_site

    make_site(store, moderation="all", flood_seconds=0)
    service = make_service(store, keyring, clock)
    clock.now = window_start(clock.now, MINUTES) + 60
    ids = [service.submit("blog", comment_data(author=f"Reader {n}", email=f"r{n}@example.com", content=f"Text {n}"),
                          ip="203.0.113.9").result.id for n in range(6)]
    images = [{**service.get("blog", i).model_dump(mode="json"), "site": "blog"} for i in ids]  # what the stream's new images hold
    sent: list[dict] = []
    notifier = Notifier(store, keyring, lambda **mail: sent.append(mail), "https://api.example", clock=clock)
    notifier.add_to_windows(images)
    notifier.add_to_windows(images[:2])  # a repeated batch
    sender = DigestSender(store, notifier, clock=clock)
    sender.run()
    assert sent == []  # the window is open
    clock.advance(30 * 60)
    sender.run()
    sender.run()
    (mail,) = sent
    assert mail["subject"] == "[replybox] 6 comments awaiting moderation on blog"
    assert re.findall(r"Author: (Reader \d)", mail["message"]) == [f"Reader {n}" for n in range(6)]
