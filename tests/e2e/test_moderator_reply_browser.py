"""A moderator replies from /moderate; readers see the reply with its badge on /demo and in the widget."""
from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.e2e

DEMO_POST = "massage-for-lower-back-pain"


def test_reply_from_moderate_shows_with_its_badge(stack, open_page):
    question = f"Which stretch first? [{uuid.uuid4().hex[:8]}]"
    asked = stack.submit(DEMO_POST, author="Curious Reader", content=question)
    stack.moderate(asked["id"], "approve")
    page = open_page()
    page.goto(stack.base + "/moderate")
    page.get_by_label("Moderator token").fill(stack.token)
    page.get_by_role("button", name="Open the queue").click()
    page.get_by_role("tab", name="Approved").click()
    item = page.locator(f"#mod-{asked['id']}")
    item.wait_for()
    item.focus()
    page.keyboard.press("r")
    box = page.get_by_label("Your reply to Curious Reader")
    page.get_by_role("button", name="Publish reply").click()  # blank: refused beside the box, nothing sent
    refused = item.locator(".mod-field-error")
    refused.wait_for()
    assert refused.inner_text().startswith("Not published: the text ")
    assert box.get_attribute("aria-invalid") == "true"
    answer = f"Start with the knee hug. [{uuid.uuid4().hex[:8]}]"
    box.fill(answer)
    page.get_by_role("button", name="Publish reply").click()
    page.locator(".mod-item", has_text=answer).locator(".badge-moderator").wait_for()
    assert "published" in page.locator("#toast").inner_text()

    for url in (stack.base + "/demo", stack.blog + "/"):  # server-rendered, then widget-rendered
        page.goto(url)
        # the reply sits under the question it answers, under the token's name, with the badge
        reply = page.locator(f"#comment-{asked['id']} > .rb-children > .rb-comment", has_text=answer)
        reply.wait_for()
        assert reply.locator(".rb-badge").inner_text().strip().lower() == "moderator"
        assert reply.locator(".rb-author").inner_text().strip() == "make-run"
        assert page.locator(f"#comment-{asked['id']} > .rb-body .rb-badge").count() == 0  # the reader's has none
