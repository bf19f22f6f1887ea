"""Parsing WordPress and Disqus exports: real files, every status and type, hostile XML, HTML to text."""
from __future__ import annotations

import os

import pytest

from chalicelib.migrate.parse import DISQUS, WXR, ExportFormatError, parse_export
from chalicelib.migrate.text import html_to_text

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures")


def fixture(name: str) -> bytes:
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def test_real_wordpress_export_keeps_comments_threads_and_skips_pingbacks():
    export = parse_export(fixture("ichthyosaurs-wordpress.xml"))
    assert export.format == WXR
    assert len(export.comments) == 19 and export.skipped == {"pingback": 3}
    by_id = {c.origin_id: c for c in export.comments}
    replies = [c for c in export.comments if c.parent_origin_id]
    assert len(replies) == 10
    for reply in replies:  # every parent is imported and on the same post
        assert by_id[reply.parent_origin_id].post_id == reply.post_id
    assert [by_id["72"].parent_origin_id, by_id["71"].parent_origin_id, by_id["70"].parent_origin_id] == ["71", "70", None]
    first = by_id["54"]
    assert (first.author, first.post_id, first.status) == ("Mike Taylor", "160", "approved")
    assert first.created == 1330554157.0  # 2012-02-29 22:22:37 GMT
    assert first.post_url == "https://ichthyosaurs.wordpress.com/2012/02/29/whos-useless-at-writing-a-bog-i-am/"
    assert (by_id["220"].author, by_id["220"].email) == ("Anonymous", "")  # WordPress.com left the name empty
    assert "379" in export.posts and all(c.post_id != "379" for c in export.comments)  # pingbacks only
    assert [c.created for c in export.comments] == sorted(c.created for c in export.comments)


def test_real_disqus_export_skips_deleted_and_maps_the_thread_identifier():
    export = parse_export(fixture("laisky-disqus.xml"))
    assert export.format == DISQUS
    assert len(export.comments) == 50 and export.skipped == {"deleted": 3}
    assert set(export.posts) == {"tailscale", "ipython-draw", "concept", "raft"}  # the threads' <id>
    assert export.posts["tailscale"].post_url == "https://blog.laisky.com/p/tailscale/"
    by_id = {c.origin_id: c for c in export.comments}
    assert by_id["2379386360"].content == "Python 3.4 & python-nvd3"  # <p> and &amp; undone
    assert by_id["6472777036"].status == "spam" and by_id["6472777036"].parent_origin_id == "6051670865"
    depth, reply = 0, by_id["2400626171"]
    while reply.parent_origin_id:  # a conversation seven replies deep, each parent imported
        depth, reply = depth + 1, by_id[reply.parent_origin_id]
    assert depth == 7 and reply.origin_id == "2379354869" and reply.post_id == "ipython-draw"
    assert sum(1 for c in export.comments if c.parent_origin_id) == 32
    assert all(c.email == "" for c in export.comments)  # Disqus exports no addresses


WXR_SNIPPET = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><item><title>Closed one</title><link>https://blog.example/closed/</link>
<wp:post_id>7</wp:post_id><wp:comment_status>closed</wp:comment_status>
{comments}
</item></channel></rss>"""


def comment(cid, approved="1", kind="", parent="0", content="Hello", date="2012-05-14 00:42:13"):
    return (
        f"<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_author><![CDATA[Ann]]></wp:comment_author>"
        f"<wp:comment_author_email>ann@example.com</wp:comment_author_email><wp:comment_date_gmt>{date}</wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[{content}]]></wp:comment_content><wp:comment_approved>{approved}</wp:comment_approved>"
        f"<wp:comment_type>{kind}</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
    )


def test_wordpress_statuses_types_and_closed_posts():
    body = "".join(
        [
            comment(1),
            comment(2, approved="0", parent="1"),
            comment(3, approved="spam"),
            comment(4, approved="trash"),
            comment(5, kind="trackback"),
            comment(6, kind="comment", parent="4"),  # its parent is trashed: it becomes top level
            comment(7, date="0000-00-00 00:00:00"),
        ]
    )
    export = parse_export(WXR_SNIPPET.format(comments=body).encode())
    statuses = {c.origin_id: c.status for c in export.comments}
    assert statuses == {"1": "approved", "2": "pending", "3": "spam", "6": "approved"}
    assert export.skipped == {"trash": 1, "trackback": 1, "no id or date": 1}
    parents = {c.origin_id: c.parent_origin_id for c in export.comments}
    assert parents["2"] == "1" and parents["6"] is None
    assert export.posts["7"].closed is True


DISQUS_SNIPPET = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="900"><id>198 http://blog.example/?p=198</id><link>http://blog.example/a-post/</link>
<title>A post</title><isClosed>true</isClosed></thread>
<post dsq:id="1001"><message><![CDATA[<p>First <a href="http://x.example/">x</a></p>]]></message>
<createdAt>2016-01-31T02:03:22Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
<author><email>bo@example.com</email><name>Bo</name></author><thread dsq:id="900" /></post>
<post dsq:id="1002"><message><![CDATA[<p>Reply</p>]]></message><createdAt>2016-01-31T03:00:00Z</createdAt>
<isDeleted>false</isDeleted><isSpam>true</isSpam><author><name>Spammer</name></author>
<thread dsq:id="900" /><parent dsq:id="1001" /></post>
<post dsq:id="1003"><message><![CDATA[<p>Held</p>]]></message><createdAt>2016-02-01T03:00:00Z</createdAt>
<isDeleted>false</isDeleted><isSpam>false</isSpam><isApproved>false</isApproved><author><name>Cy</name></author>
<thread dsq:id="900" /><parent dsq:id="1001" /></post>
</disqus>"""


def test_disqus_threads_statuses_and_wordpress_identifier():
    export = parse_export(DISQUS_SNIPPET.encode())
    by_id = {c.origin_id: c for c in export.comments}
    assert {k: c.status for k, c in by_id.items()} == {"1001": "approved", "1002": "spam", "1003": "pending"}
    assert by_id["1003"].parent_origin_id == "1001" and by_id["1001"].post_id == "198"
    assert by_id["1001"].content == "First x (http://x.example/)"
    assert export.posts["198"].closed is True and export.posts["198"].post_url == "http://blog.example/a-post/"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<disqus>&lol3;</disqus>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><disqus>&x;</disqus>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL, b"<disqus><post>", b"<html><body/></html>", b"\xff\xfe"])
def test_hostile_or_foreign_files_fail_cleanly(data):
    with pytest.raises(ExportFormatError):
        parse_export(data)


@pytest.mark.parametrize(
    "markup, text",
    [
        ('See <a href="https://a.example/x">the docs</a>.', "See the docs (https://a.example/x)."),
        ('<a href="https://a.example/x">https://a.example/x</a>', "https://a.example/x"),
        ('<a href="https://github.com/boot-clj/boot/issues">https://github.com/boot-clj...</a>', "https://github.com/boot-clj/boot/issues"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ("<p>One</p><p>Two<br>lines</p>", "One\n\nTwo\nlines"),
        ("Tom &amp; Jerry &lt;3 &#8217; &eacute;", "Tom & Jerry <3 \u2019 \xe9"),
        ("<strong>bold</strong> <script>evil()</script>ok", "bold ok"),
        ("a < b and\nnew line", "a < b and\nnew line"),
    ],
)
def test_html_becomes_the_text_a_person_typed(markup, text):
    assert html_to_text(markup) == text
