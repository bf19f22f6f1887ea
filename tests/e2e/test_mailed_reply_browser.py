"""A moderator answers from the mailed notice in Chromium: its Reply link opens a signed form that approves the
waiting comment and publishes the reply with its badge; a form sent empty comes back with what was typed."""
from __future__ import annotations

import os
import re
import uuid

import pytest
from playwright.sync_api import expect

from chalicelib.notify import Notifier
from chalicelib.signing import Keyring, load_secret

pytestmark = pytest.mark.e2e

DEMO_POST = "massage-for-lower-back-pain"


def mailed_notice(stack, comment_id: str) -> str:
    """The per-comment mail the stream handler would publish for this comment, signed with the stack's secret."""
    keyring = Keyring(load_secret(os.path.join(stack.data_dir, "secret"), None, "us-east-1"))
    status, comment = stack.call("GET", f"/sites/demo/moderation/comments/{comment_id}", token=stack.token)
    assert status == 200 and comment["status"] == "pending"
    _, message = Notifier(None, keyring, None, stack.base).message({**comment, "site": "demo"})
    return message


def test_reply_from_the_mailed_notice_approves_and_publishes_with_the_badge(stack, open_page):
    question = f"Does the knee hug help? [{uuid.uuid4().hex[:8]}]"
    asked = stack.submit(DEMO_POST, author="Worried Reader", content=question)
    reply_url = re.search(r"^Reply:\s+(\S+)$", mailed_notice(stack, asked["id"]), re.M).group(1)

    page = open_page()
    page.goto(reply_url)
    expect(page.get_by_role("heading", name="Reply to this comment")).to_be_visible()
    expect(page.locator("blockquote")).to_contain_text(question)
    answer = f"Yes, hold it for thirty seconds. [{uuid.uuid4().hex[:8]}]"
    page.get_by_label("Your reply (published at once, as the site's)").fill(answer)
    page.get_by_label("Your name (shown with the Moderator badge)").fill("   ")  # blank: the browser lets it through
    page.get_by_role("button", name="Publish reply").click()  # the server refuses it and gives the form back
    expect(page.get_by_role("heading", name="Check your reply")).to_be_visible()
    expect(page.get_by_label("Your reply (published at once, as the site's)")).to_have_value(answer)
    expect(page.locator("#reply-author-error")).to_contain_text("Your name is required")
    assert stack.call("GET", f"/sites/demo/moderation/comments/{asked['id']}", token=stack.token)[1]["status"] == "pending"

    page.get_by_label("Your name (shown with the Moderator badge)").fill("The Editor")
    page.get_by_role("button", name="Publish reply").click()
    expect(page.get_by_role("heading", name="Reply published")).to_be_visible()

    page.goto(stack.base + "/demo")
    reply = page.locator(f"#comment-{asked['id']} > .rb-children > .rb-comment", has_text=answer)
    reply.wait_for()
    expect(reply.locator(".rb-author")).to_have_text("The Editor")
    assert reply.locator(".rb-badge").inner_text().strip().lower() == "moderator"

    page.goto(reply_url)  # the link still opens a form (the comment is approved now), never acts on GET
    expect(page.get_by_role("button", name="Publish reply")).to_be_visible()
    expect(page.locator(f"#comment-{asked['id']} > .rb-children > .rb-comment")).to_have_count(0)
