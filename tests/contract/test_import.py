"""Importing real WordPress and Disqus exports on moto and DynamoDB Local: public, threaded, counted, idempotent."""
from __future__ import annotations

import os

from chalicelib.migrate.importer import import_export
from chalicelib.migrate.parse import parse_export
from tests.conftest import make_service, make_site

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures")


def export_of(name: str):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return parse_export(f.read())


def public_thread(service, post_id):
    return service.list_public("blog", post_id, limit=100).model_dump(mode="json")


def test_wordpress_export_imports_public_threaded_counted_and_once(store, keyring, clock):
    make_site(store)
    service = make_service(store, keyring, clock)
    export = export_of("ichthyosaurs-wordpress.xml")
    summary = import_export(service, "blog", export)
    assert summary.imported == {"approved": 19}
    assert summary.skipped == {"pingback": 3}
    assert summary.trusted == 8  # every name + email with an approved comment; "Anonymous" has no email

    by_origin = {c.origin_id: c for c in export.comments}
    for post_id in {c.post_id for c in export.comments}:
        expected = sorted((c for c in export.comments if c.post_id == post_id), key=lambda c: c.created)
        page = public_thread(service, post_id)
        assert page["count"] == len(expected)
        assert [c["origin_id"] for c in page["comments"]] == [c.origin_id for c in expected]  # original order
        ids = {c["origin_id"]: c["id"] for c in page["comments"]}
        for shown in page["comments"]:
            parent = by_origin[shown["origin_id"]].parent_origin_id
            assert shown["parent_id"] == (ids[parent] if parent else None)
        assert all("email" not in c and "@" not in c["avatar"] for c in page["comments"])
    counts = service.counts("blog", ["192", "160", "379", "nope"])
    assert counts == {"192": 7, "160": 5, "379": 0, "nope": 0}  # 379 had pingbacks only

    again = import_export(service, "blog", export)
    assert sum(again.imported.values()) == 0 and again.skipped["already imported"] == 19
    assert service.counts("blog", ["192"]) == {"192": 7}  # the count did not move


def test_regulars_become_trusted_and_moderators_see_the_import(store, keyring, clock):
    make_site(store)
    service = make_service(store, keyring, clock)
    import_export(service, "blog", export_of("ichthyosaurs-wordpress.xml"))
    email_hash = keyring.email_hash("blog", "paul.delasalle@ntlworld.com")
    context = store.load_submission_context("blog", service._author_hash(email_hash, "Paul"), None, False)
    assert context.trusted
    stranger = keyring.email_hash("blog", "stranger@example.com")
    assert not store.load_submission_context("blog", service._author_hash(stranger, "Paul"), None, False).trusted
    queue = service.queue("blog", "approved", limit=100).model_dump(mode="json")["comments"]
    paul = next(c for c in queue if c["origin_id"] == "68")
    assert paul["email"] == "paul.delasalle@ntlworld.com"
    assert paul["post_url"] == "https://ichthyosaurs.wordpress.com/2012/07/13/grendel-strikes-again/"
    assert paul["ip"] == ""  # 2012 is far beyond the 30 days of retention


def test_disqus_export_imports_once(store, keyring, clock):
    make_site(store)
    service = make_service(store, keyring, clock)
    export = export_of("laisky-disqus.xml")
    summary = import_export(service, "blog", export)
    assert summary.imported == {"approved": 49, "spam": 1} and summary.skipped == {"deleted": 3}
    page = service.list_public("blog", "tailscale", limit=100).model_dump(mode="json")
    assert page["count"] == 35 and len(page["comments"]) == 35  # the spam reply is not public
    assert page["next_cursor"] is None
    ids = {c["origin_id"]: c["id"] for c in page["comments"]}
    by_origin = {c.origin_id: c for c in export.comments}
    for shown in page["comments"]:
        parent = by_origin[shown["origin_id"]].parent_origin_id
        assert shown["parent_id"] == (ids[parent] if parent else None)
    assert [c["origin_id"] for c in service.queue("blog", "spam").model_dump(mode="json")["comments"]] == ["6472777036"]
    assert service.counts("blog", ["tailscale", "ipython-draw", "raft", "concept"]) == {
        "tailscale": 35, "ipython-draw": 11, "raft": 2, "concept": 1}
    assert import_export(service, "blog", export).skipped["already imported"] == 50


RECENT = """<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>
<link>https://blog.example/p/</link><wp:post_id>9</wp:post_id><wp:comment_status>open</wp:comment_status>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>Ann</wp:comment_author>
<wp:comment_author_email>ann@example.com</wp:comment_author_email><wp:comment_author_IP>203.0.113.9</wp:comment_author_IP>
<wp:comment_date_gmt>{recent}</wp:comment_date_gmt><wp:comment_content>new</wp:comment_content>
<wp:comment_approved>0</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_author>Bob</wp:comment_author>
<wp:comment_author_email>bob@example.com</wp:comment_author_email><wp:comment_author_IP>203.0.113.10</wp:comment_author_IP>
<wp:comment_date_gmt>{old}</wp:comment_date_gmt><wp:comment_content>old</wp:comment_content>
<wp:comment_approved>spam</wp:comment_approved></wp:comment>
</item></channel></rss>"""


def test_pending_and_spam_keep_their_status_and_only_recent_ips_are_kept(store, keyring, clock):
    import time

    make_site(store)
    service = make_service(store, keyring, clock)
    stamp = lambda t: time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))  # noqa: E731
    data = RECENT.format(recent=stamp(clock.now - 86400), old=stamp(clock.now - 40 * 86400))
    summary = import_export(service, "blog", parse_export(data.encode()))
    assert summary.imported == {"pending": 1, "spam": 1}
    pending = service.queue("blog", "pending").model_dump(mode="json")["comments"]
    spam = service.queue("blog", "spam").model_dump(mode="json")["comments"]
    assert [c["ip"] for c in pending] == ["203.0.113.9"]
    assert [c["ip"] for c in spam] == [""]
    assert service.counts("blog", ["9"]) == {"9": 0}
    # Imported spam expires like any other (from the import), with its ORIGIN item; pending never.
    from chalicelib.storage import comment_key, marshal, origin_key, unmarshal

    def stored(key):
        return unmarshal(store.client.get_item(TableName=store.table, Key=marshal(key))["Item"])

    assert stored(comment_key("blog", spam[0]["id"]))["expires_at"] == int(clock.now) + 30 * 86400
    assert stored(origin_key("blog", "2"))["expires_at"] == int(clock.now) + 30 * 86400
    assert "expires_at" not in stored(comment_key("blog", pending[0]["id"]))
    assert "expires_at" not in stored(origin_key("blog", "1"))
    assert service.list_public("blog", "9").model_dump(mode="json")["comments"] == []


def test_replies_by_old_number_and_closed_posts_on_both_backends(store, keyring, clock):
    import pytest

    from chalicelib.errors import ClosedError, NotFoundError
    from tests.conftest import comment_data

    make_site(store)
    service = make_service(store, keyring, clock)
    export = export_of("ichthyosaurs-wordpress.xml")
    import_export(service, "blog", export)
    old = next(c for c in service.list_public("blog", "192").model_dump(mode="json")["comments"] if c["origin_id"] == "70")
    reply = service.submit("blog", comment_data(post_id="192", parent_id="70"))
    assert reply.result.parent_id == old["id"]
    with pytest.raises(NotFoundError):
        service.submit("blog", comment_data(post_id="160", parent_id="70", content="wrong post"))
    service.set_closed("blog", "192", True)
    with pytest.raises(ClosedError):
        clock.advance(60)
        service.submit("blog", comment_data(post_id="192", content="too late"))
    assert service.list_public("blog", "192").closed is True
    assert service.list_public("blog", "160").closed is False


def test_site_closes_the_posts_of_the_old_blog_by_date_on_both_backends(store, keyring, clock):
    import pytest

    from chalicelib.errors import ClosedError
    from tests.conftest import comment_data

    make_site(store, close_before="2013-01-01")  # the day the blog moved in
    service = make_service(store, keyring, clock)
    import_export(service, "blog", export_of("ichthyosaurs-wordpress.xml"))
    listed = {post: service.list_public("blog", post).closed for post in ("160", "192", "366", "217", "new")}
    assert listed == {"160": True, "192": True, "366": False, "217": False, "new": False}  # first comments 2012, 2013, 2014
    with pytest.raises(ClosedError):
        service.submit("blog", comment_data(post_id="192", content="on a 2012 post"))
    clock.advance(60)
    assert service.submit("blog", comment_data(post_id="366", content="on a 2013 post")).result.status == "pending"
    clock.advance(60)
    assert service.submit("blog", comment_data(post_id="new", content="a new post")).result.status == "pending"
    assert service.list_public("blog", "new").closed is False  # its first comment came after the date
    service.set_closed("blog", "192", False)  # a moderator's choice outranks the site's date
    clock.advance(60)
    assert service.submit("blog", comment_data(post_id="192", content="reopened")).result.status == "pending"


def test_a_reimport_keeps_what_moderators_deleted_erased_and_edited_on_both_backends(store, keyring, clock):
    import pytest

    from chalicelib.errors import NotFoundError
    from tests.conftest import comment_data

    make_site(store)
    service = make_service(store, keyring, clock)
    export = export_of("ichthyosaurs-wordpress.xml")
    import_export(service, "blog", export)
    by_origin = {c["origin_id"]: c for c in service.queue("blog", "approved", limit=100).model_dump(mode="json")["comments"]}
    service.delete("blog", by_origin["68"]["id"])  # Paul's first comment on 192, deleted for good
    assert service.erase("blog", "mike@indexdata.com").erased == 1  # Mike Taylor's GDPR erasure
    edited = by_origin["181"]
    service.act("blog", edited["id"], "edit", version=edited["version"], content="Edited by a moderator")

    again = import_export(service, "blog", export)
    assert sum(again.imported.values()) == 0
    assert again.skipped == {"pingback": 3, "already imported": 17, "deleted here": 2}
    public = {c["origin_id"] for post in ("192", "160") for c in service.list_public("blog", post).model_dump(mode="json")["comments"]}
    assert "68" not in public and "54" not in public and "69" in public  # the deleted stay deleted
    assert service.counts("blog", ["192", "160"]) == {"192": 6, "160": 4}
    assert "Edited by a moderator" in service.list_public("blog", "2").model_dump(mode="json")["comments"][0]["content_html"]
    assert service.export_person("blog", "mike@indexdata.com").model_dump(mode="json")["comments"] == []
    mike = keyring.email_hash("blog", "mike@indexdata.com")
    assert not store.load_submission_context("blog", service._author_hash(mike, "Mike Taylor"), None, False).trusted
    with pytest.raises(NotFoundError):  # a theme's reply to the deleted comment's old number
        service.submit("blog", comment_data(post_id="192", parent_id="68"))
