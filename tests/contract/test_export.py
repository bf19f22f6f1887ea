"""Export: the round trip WXR -> replybox -> WXR -> replybox keeps every comment; one person's data only."""
from __future__ import annotations

import json
import os

from chalicelib.migrate.export import site_comments, to_jsonl, to_wxr, wxr_number
from chalicelib.migrate.importer import import_export
from chalicelib.migrate.parse import parse_export
from tests.conftest import comment_data, make_service, make_site

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures")
SAME = ("post_id", "author", "email", "url", "content", "created_at", "status")


def comparable(comments):
    """What must survive a round trip, with comments and parents named by their WordPress number
    (ids differ per site; a comment made in replybox gets its number on the way out)."""
    number = {c.id: wxr_number(c) for c in comments}
    return sorted(
        repr((number[c.id], [getattr(c, f) for f in SAME], number.get(c.parent_id or "")))
        for c in comments
    )


def test_wxr_round_trip_gives_the_same_comments(store, keyring, clock):
    make_site(store, slug="one")
    make_site(store, slug="two")
    service = make_service(store, keyring, clock)
    with open(os.path.join(FIXTURES, "ichthyosaurs-wordpress.xml"), "rb") as f:
        import_export(service, "one", parse_export(f.read()))
    service.submit("one", comment_data(post_id="192", content="Made in replybox: <b>not a tag</b> & more"))
    first = list(site_comments(service, "one"))
    assert len(first) == 20

    wxr = "".join(to_wxr("https://blog.example", first))
    summary = import_export(service, "two", parse_export(wxr.encode()))
    assert summary.imported == {"approved": 19, "pending": 1} and not summary.skipped
    second = list(site_comments(service, "two"))
    native = next(c for c in second if c.content.startswith("Made in replybox"))
    assert native.content == "Made in replybox: <b>not a tag</b> & more"  # escaped out, decoded back in
    assert native.origin_id == wxr_number(next(c for c in first if c.origin_id is None))
    assert comparable(second) == comparable(first)  # same comments, same threads
    assert "".join(to_wxr("https://blog.example", second)) == wxr  # and the same file again
    links = {(c.post_id, c.post_url, c.post_title) for c in first if c.post_url}
    assert links == {(c.post_id, c.post_url, c.post_title) for c in second}  # each post keeps its permalink

    lines = [json.loads(line) for line in to_jsonl(first)]
    assert {"email", "ip", "user_agent", "verdict", "status", "version", "origin_id", "post_url"} <= set(lines[0])


def test_person_export_holds_only_that_persons_comments(store, keyring, clock):
    make_site(store)
    service = make_service(store, keyring, clock)
    service.submit("blog", comment_data(email="ada@example.com", content="mine"), ip="203.0.113.5")
    clock.advance(60)
    service.submit("blog", comment_data(email="Ada@Example.com", content="mine too", post_id="other"))
    clock.advance(60)
    service.submit("blog", comment_data(email="bob@example.com", author="Bob", content="his"))
    mine = service.export_person("blog", "ada@example.com").model_dump(mode="json")
    assert [c["content"] for c in mine["comments"]] == ["mine", "mine too"]
    assert mine["comments"][0]["ip"] == "203.0.113.5"
    assert all(c["email"].lower() == "ada@example.com" for c in mine["comments"])
    assert service.export_person("blog", "nobody@example.com").model_dump(mode="json")["comments"] == []


def many_comments(n: int) -> bytes:
    comments = "".join(
        f"<wp:comment><wp:comment_id>{i}</wp:comment_id><wp:comment_author>A{i}</wp:comment_author>"
        f"<wp:comment_date_gmt>2020-01-01 00:{i // 60:02d}:{i % 60:02d}</wp:comment_date_gmt>"
        f"<wp:comment_content>n{i}</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        f"<wp:comment_parent>{0 if i % 2 else i - 1}</wp:comment_parent></wp:comment>"
        for i in range(1, n + 1)
    )
    return (f'<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>'
            f"<wp:post_id>5</wp:post_id>{comments}</item></channel></rss>").encode()


def test_manage_export_writes_each_page_as_it_is_read(store, keyring, clock, monkeypatch):
    import argparse

    import manage
    from chalicelib import wiring

    make_site(store)
    service = make_service(store, keyring, clock)
    import_export(service, "blog", parse_export(many_comments(250)))
    monkeypatch.setattr(wiring, "service", lambda: service)
    pages = []
    read_page = service.queue
    monkeypatch.setattr(service, "queue", lambda *a, **k: pages.append(1) or read_page(*a, **k))

    written: list[int] = []  # per line: how many queue pages had been read when it was written

    class Out:
        def writelines(self, lines):
            for _ in lines:
                written.append(len(pages))

    monkeypatch.setattr("sys.stdout", Out())
    assert manage.cmd_export(argparse.Namespace(site="blog", format="jsonl", email=None)) == 0
    assert len(written) == 250
    assert written[0] < written[100] < written[200] <= len(pages)  # each page out before the next is read


def test_wxr_export_holds_no_comment_while_it_writes(store, keyring, clock):
    import gc
    import weakref

    make_site(store)
    service = make_service(store, keyring, clock)
    import_export(service, "blog", parse_export(many_comments(250)))
    seen: list[weakref.ref] = []

    def watched():
        for comment in site_comments(service, "blog"):
            seen.append(weakref.ref(comment))
            yield comment

    wxr = to_wxr("https://blog.example", watched())
    parts = [next(wxr)]  # the header: every comment has been read and spooled
    gc.collect()
    assert len(seen) == 250 and sum(ref() is not None for ref in seen) <= 1  # none kept but the last read
    parts.extend(wxr)
    again = parse_export("".join(parts).encode())
    assert len(again.comments) == 250 and sum(1 for c in again.comments if c.parent_origin_id) == 125
