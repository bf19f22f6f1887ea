"""After a move from WordPress, in a real browser: old links land, old numbers reply, closed posts say so, count.js counts."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from tests.e2e.test_browser import fill_form, unique, widget_ready

pytestmark = pytest.mark.e2e
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def manage(stack, *args: str) -> subprocess.CompletedProcess:
    env = {**stack.env, "DYNAMODB_ENDPOINT_URL": f"http://127.0.0.1:{stack.env['DDB_PORT']}",
           "REPLYBOX_SECRET_FILE": os.path.join(stack.data_dir, "secret")}
    done = subprocess.run([sys.executable, os.path.join(ROOT, "manage.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done


def wxr(post_id: str, numbers: range, status: str = "open") -> str:
    comments = "".join(
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>Old Reader {n}</wp:comment_author>"
        f"<wp:comment_author_email>old{n}@example.org</wp:comment_author_email>"
        f"<wp:comment_date_gmt>2014-05-{n - 500:02d} 10:00:00</wp:comment_date_gmt>"
        f"<wp:comment_content>Imported remark number {n}.</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>"
        for n in numbers
    )
    return ('<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>'
            f"<link>https://old.example/{post_id}/</link><wp:post_id>{post_id}</wp:post_id>"
            f"<wp:comment_status>{status}</wp:comment_status>{comments}</item></channel></rss>")


@pytest.fixture(scope="module")
def imported(stack, tmp_path_factory):
    path = tmp_path_factory.mktemp("wxr") / "export.xml"
    path.write_text(wxr("imported-post", range(501, 507)))
    manage(stack, "import", "demo", str(path))
    return stack


def test_an_old_link_lands_on_its_comment_beyond_the_first_page(imported, open_page):
    page = open_page()
    page.goto(imported.blog + "/imported#comment-506")  # two comments a page: 506 is on the third
    target = page.locator("#comment-506")
    target.wait_for(state="attached")  # an empty anchor beside the comment's own id
    from playwright.sync_api import expect

    comment = page.locator(".rb-comment", has=target)
    expect(comment).to_be_in_viewport()  # scrolled to it
    assert "Imported remark number 506." in comment.inner_text()
    assert page.locator("[id^='comment-']").count() >= 12  # each imported comment: its id and its old number


def test_replytocom_with_an_old_number_replies_to_that_comment(imported, open_page):
    page = open_page()
    page.goto(imported.blog + "/imported?replytocom=503")
    widget_ready(page)
    old = page.locator(".rb-comment", has=page.locator("#comment-503"))
    old.locator("#commentform").wait_for()  # the form moved under the old comment
    assert "Leave a Reply to Old Reader 503" in page.locator("#reply-title").inner_text()
    text = unique("A reply to an old comment.")
    fill_form(page, "New Reader", f"new-{uuid.uuid4().hex[:6]}@example.org", text)
    page.get_by_role("button", name="Post Comment").click()
    pending = old.locator(".rb-children .rb-pending")
    pending.wait_for()
    assert text in pending.inner_text()


def test_a_closed_post_says_so_instead_of_the_form(stack, open_page):
    comment = stack.submit("closed-post")
    stack.moderate(comment["id"], "approve")
    status, answer = stack.call("POST", "/sites/demo/moderation/posts/closed-post", {"closed": True}, token=stack.token)
    assert status == 200 and answer["closed"] is True
    page = open_page()
    page.goto(stack.blog + "/closed")
    page.get_by_text("Comments are closed.").wait_for()
    assert not page.locator("#commentform").is_visible()
    assert page.locator(f"#comment-{comment['id']}").is_visible()
    assert not page.get_by_role("link", name="Reply to").first.is_visible()  # no replies either


def test_count_js_fills_every_count_with_one_request(stack, open_page):
    from playwright.sync_api import expect

    for _ in range(2):
        stack.moderate(stack.submit("count-a")["id"], "approve")
    page = open_page()
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/counts" in r.url else None)
    page.goto(stack.blog + "/index")
    # A locator wait: the blog's CSP forbids the eval that wait_for_function's polling needs.
    expect(page.locator("[data-replybox-counted]")).to_have_count(3)
    assert page.locator("[data-replybox-count='count-a']").all_inner_texts() == ["2 Comments", "2 Comments"]
    assert page.locator("[data-replybox-count='count-b']").inner_text() == "No comments"
    assert len(asked) == 1 and "post_id=count-a" in asked[0] and "post_id=count-b" in asked[0]
