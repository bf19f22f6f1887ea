"""A moderator's morning on both backends: why a comment waits, post titles, parents, edits, tab counts,
emptying spam and trash, and the trace of discarded comments."""
from __future__ import annotations

import pytest

from chalicelib.errors import ConflictError, FieldsError
from tests.conftest import approving_engine, comment_data, make_site


def submit(service, n=0, **overrides):
    data = comment_data(**{"content": f"morning comment {n}", "email": f"early{n}@example.com", **overrides})
    result = service.submit("blog", data, ip=f"198.51.100.{n % 250}").result
    service.clock.advance(20)  # past the flood window
    return result


def act(service, comment_id, action):
    return service.act("blog", comment_id, action, service.get("blog", comment_id).version).model_dump(mode="json")


def test_why_a_comment_waits_is_recorded_at_submission(service, store):
    held = submit(service, 1)  # the test engine holds everything: the spam check
    assert service.get("blog", held.id).held_because == "spam_check"
    service.engine = approving_engine
    first = submit(service, 2)  # policy `trusted`, an author with nothing approved yet
    assert service.get("blog", first.id).held_because == "first_comment"
    act(service, first.id, "approve")
    trusted = submit(service, 2, post_id="another-post")
    assert trusted.status == "approved" and service.get("blog", trusted.id).held_because is None
    make_site(store, moderation="all")
    service._sites.clear()
    everything = submit(service, 3)
    assert service.get("blog", everything.id).held_because == "policy_all"


def test_post_url_and_title_are_stored_and_shown_to_moderators_only(service):
    comment = submit(service, 1, post_url="https://blog.example/2026/stretches", post_title="Stretches \u2013 a blog")
    view = service.get("blog", comment.id).model_dump(mode="json")
    assert view["post_url"] == "https://blog.example/2026/stretches"
    assert view["post_title"] == "Stretches \u2013 a blog"
    act(service, comment.id, "approve")
    public = service.list_public("blog", "hello-world").model_dump(mode="json")["comments"][0]
    assert "post_title" not in public and "post_url" not in public


def test_a_forms_redirect_to_is_the_post_url_when_it_is_on_the_blog(service):
    on_blog = submit(service, 1, redirect_to="https://blog.example/hello-world?x=1")
    elsewhere = submit(service, 2, redirect_to="https://evil.example/")
    assert service.get("blog", on_blog.id).post_url == "https://blog.example/hello-world?x=1"
    assert service.get("blog", elsewhere.id).post_url == ""


def test_a_long_or_odd_title_never_refuses_the_comment(service):
    long = submit(service, 1, post_title="T" * 1000)
    odd = submit(service, 2, post_title="bad\x00title")
    assert service.get("blog", long.id).post_title == "T" * 300
    assert service.get("blog", odd.id).post_title == ""


def test_a_reply_carries_its_parents_excerpt_in_the_queue(service, clock):
    words = "Long parent words " * 20
    parent = submit(service, 1, content=words)
    act(service, parent.id, "approve")
    clock.advance(30)
    reply = submit(service, 2, parent_id=parent.id, content="I agree")
    queued = {c["id"]: c for c in service.queue("blog", "pending").model_dump(mode="json")["comments"]}
    excerpt = queued[reply.id]["parent"]
    assert excerpt["id"] == parent.id and excerpt["author"] == "Ada Lovelace" and excerpt["status"] == "approved"
    assert words.startswith(excerpt["excerpt"][:-1]) and excerpt["excerpt"].endswith("\u2026")
    assert len(excerpt["excerpt"]) == 160
    assert service.get("blog", reply.id).model_dump(mode="json")["parent"] == excerpt
    assert service.get("blog", parent.id).model_dump(mode="json")["parent"] is None


def test_edit_changes_the_text_at_the_version_and_refuses_bad_text(service):
    comment = submit(service, 1)
    act(service, comment.id, "approve")
    edited = service.act("blog", comment.id, "edit", 2, "Fixed <b>typo</b>\n\nSecond paragraph").model_dump(mode="json")
    assert edited["content"] == "Fixed <b>typo</b>\n\nSecond paragraph" and edited["version"] == 3
    assert edited["status"] == "approved"
    public = service.list_public("blog", "hello-world").model_dump(mode="json")["comments"][0]
    assert public["content_html"] == "<p>Fixed &lt;b&gt;typo&lt;/b&gt;</p><p>Second paragraph</p>"
    with pytest.raises(ConflictError) as stale:
        service.act("blog", comment.id, "edit", 2, "an older idea")
    assert stale.value.current["content"] == "Fixed <b>typo</b>\n\nSecond paragraph"
    for bad, message in (("   ", "is required"), ("x" * 65526, "at most 65525"), ("bell\x07", "control")):
        with pytest.raises(FieldsError) as raised:
            service.act("blog", comment.id, "edit", 3, bad)
        assert message in raised.value.fields["content"]
    with pytest.raises(FieldsError) as raised:
        service.act("blog", comment.id, "edit", None, "no version")
    assert "version" in raised.value.fields
    assert service.get("blog", comment.id).version == 3


def test_tab_counts_and_their_cap(service, monkeypatch):
    ids = [submit(service, n).id for n in range(4)]
    act(service, ids[0], "approve")
    act(service, ids[1], "spam")
    stats = service.stats("blog").model_dump(mode="json")
    assert stats["counts"] == {"pending": 2, "approved": 1, "spam": 1, "trash": 0}
    assert stats["capped"] == []
    from chalicelib import moderation

    monkeypatch.setattr(moderation, "COUNT_CAP", 1)
    capped = service.stats("blog").model_dump(mode="json")
    assert capped["counts"]["pending"] == 1 and capped["capped"] == ["pending"]


def test_empty_spam_deletes_page_by_page_and_leaves_the_rest(service, monkeypatch):
    from chalicelib import moderation

    monkeypatch.setattr(moderation, "EMPTY_PAGE", 2)
    spam = [submit(service, n).id for n in range(5)]
    for comment_id in spam:
        act(service, comment_id, "spam")
    keep = submit(service, 9).id
    first = service.empty("blog", "spam").model_dump(mode="json")
    assert first["deleted"] == 2 and first["next_cursor"]
    cursor, deleted = first["next_cursor"], 2
    while cursor:
        page = service.empty("blog", "spam", cursor).model_dump(mode="json")
        deleted, cursor = deleted + page["deleted"], page["next_cursor"]
    assert deleted == 5
    assert service.queue("blog", "spam").model_dump(mode="json")["comments"] == []
    assert [c["id"] for c in service.queue("blog", "pending").model_dump(mode="json")["comments"]] == [keep]
    assert submit(service, 0).status == "pending"  # the duplicate guard went with the comment
    with pytest.raises(FieldsError):
        service.empty("blog", "pending")


def test_empty_leaves_a_comment_that_changed_since_the_page_was_read(service, store):
    comment = submit(service, 1)
    act(service, comment.id, "trash")
    stale = store.get_comment("blog", comment.id)
    act(service, comment.id, "restore")
    original = store.list_queue
    store.list_queue = lambda *args: ([stale], None)  # the index still showed it in the trash
    try:
        assert service.empty("blog", "trash").model_dump(mode="json") == {"deleted": 0, "skipped": 1, "next_cursor": None}
    finally:
        store.list_queue = original
    assert service.get("blog", comment.id).status == "pending"


def test_discards_are_counted_by_day_and_reason_and_nothing_else_is_kept(service, store, clock):
    for n in range(3):
        submit(service, n, hp="I am a bot")
    clock.advance(86400)
    submit(service, 7, hp="again")
    stats = service.stats("blog").model_dump(mode="json")
    days = stats["discarded"]
    assert len(days) == 7
    assert days[0]["total"] == 1 and days[0]["reasons"] == {"honeypot": 1}
    assert days[1]["total"] == 3 and days[1]["reasons"] == {"honeypot": 3}
    assert all(d["total"] == 0 and d["reasons"] == {} for d in days[2:])
    assert days[0]["day"] > days[1]["day"]
    assert sum(stats["counts"].values()) == 0  # no comment of them is stored
    clock.advance(7 * 86400)
    assert all(d["total"] == 0 for d in service.stats("blog").model_dump(mode="json")["discarded"])  # older than a week: not shown


def test_discard_shards_add_up(store):
    for n in range(40):
        store.count_discard("blog", "2026-12-01", "honeypot" if n % 4 else "blocklist", 2_000_000_000)
    assert store.discard_counts("blog", ["2026-12-01", "2026-11-30"]) == {
        "2026-12-01": {"honeypot": 30, "blocklist": 10}
    }
    assert store.discard_counts("other", ["2026-12-01"]) == {}
