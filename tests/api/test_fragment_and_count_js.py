"""The comments.html fragment a static site includes (escaped, anchored) and the count.js script."""
from __future__ import annotations

import json
import re

from chalicelib.migrate.importer import import_export
from chalicelib.migrate.parse import parse_export

XSS = '<script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"'
WXR = """<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>
<link>https://blog.example/?p=5</link><wp:post_id>5</wp:post_id><wp:comment_status>open</wp:comment_status>
<wp:comment><wp:comment_id>41</wp:comment_id><wp:comment_author><![CDATA[<b>Mallory</b>]]></wp:comment_author>
<wp:comment_author_email>m@example.com</wp:comment_author_email><wp:comment_author_url>javascript:alert(3)</wp:comment_author_url>
<wp:comment_date_gmt>2015-01-01 10:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[First &lt;b&gt;line&lt;/b&gt;]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item></channel></rss>"""


def test_fragment_is_escaped_threaded_and_anchored(api, app_service):
    import_export(app_service, "blog", parse_export(WXR.encode()))
    old = app_service.list_public("blog", "5").model_dump(mode="json")["comments"][0]
    app_service.act("blog", app_service.submit("blog", {
        "post_id": "5", "parent_id": old["id"], "author": "Eve <i>", "email": "eve@example.com", "content": XSS,
    }).result.id, "approve")
    answer = api.get("/sites/blog/posts/5/comments.html")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/html")
    body = answer.body.decode()
    assert f'id="comment-{old["id"]}"' in body and 'id="comment-41"' in body  # the new id and the old number
    assert "<script" not in body and "<img" not in body and "javascript:" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert ">Mallory<" in body  # a name is text: the importer keeps the words, not the tags
    assert "Eve &lt;i&gt;" in body and "First &lt;b&gt;line&lt;/b&gt;" in body
    reply = re.search(r'<li id="comment-([0-9A-Z]{26})"', body.split('class="rb-children"', 1)[1])
    assert reply and reply.group(1) != old["id"]  # the reply sits inside its parent's children
    assert "2 Comments" in body and "m@example.com" not in body and "eve@example.com" not in body

    again = api.get("/sites/blog/posts/5/comments.html", headers={"if-none-match": answer.headers["ETag"]})
    assert again.status_code == 304
    assert api.get("/sites/nosuch/posts/5/comments.html").status_code == 404


def test_fragment_of_an_empty_post_and_of_a_closed_one(api, app_service, moderator_token):
    body = api.get("/sites/blog/posts/empty/comments.html").body.decode()
    assert "No comments yet" in body and "<li" not in body
    api.post("/sites/blog/moderation/posts/empty", json_body={"closed": True}, headers=moderator_token)
    assert "Comments are closed." in api.get("/sites/blog/posts/empty/comments.html").body.decode()


def test_count_js_is_served_as_a_script_any_blog_may_load(api):
    answer = api.get("/count.js")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/javascript")
    assert "data-replybox-count" in answer.body.decode()
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(api.get("/sites/blog/counts?post_id=a&post_id=b").body) == {"a": 0, "b": 0}
