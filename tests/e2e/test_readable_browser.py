"""Readable comments in a real browser: Markdown and links on /demo and in the widget, raw text on /moderate."""
from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.e2e

DEMO_POST = "massage-for-lower-back-pain"


def test_markdown_and_links_render_and_payloads_stay_inert(stack, open_page):
    tag = uuid.uuid4().hex[:8]
    text = (f"Try **this** first [{tag}], see https://example.org/stretch_guide.\n\n"
            "> the *knee* hug\n\n- slowly\n- daily\n\n`<img src=x onerror=alert(1)>` and [x](javascript:alert(1))")
    posted = stack.submit(DEMO_POST, author="Markdown Reader", content=text)
    stack.moderate(posted["id"], "approve")
    page = open_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for url in (stack.base + "/demo", stack.blog + "/"):  # server-rendered, then widget-rendered
        page.goto(url)
        content = page.locator(f"#comment-{posted['id']} .rb-content")
        content.wait_for()
        assert content.locator("strong").inner_text() == "this"
        assert content.locator("blockquote em").inner_text() == "knee"
        assert content.locator("ul li").all_inner_texts() == ["slowly", "daily"]
        assert content.locator("code").inner_text() == "<img src=x onerror=alert(1)>"
        link = content.locator("a")
        assert link.count() == 1  # the javascript: one stays text
        assert link.get_attribute("href") == "https://example.org/stretch_guide"
        assert link.get_attribute("rel") == "nofollow ugc noopener"
        assert content.locator("img, script").count() == 0
    page.goto(stack.base + "/moderate")
    page.get_by_label("Moderator token").fill(stack.token)
    page.get_by_role("button", name="Open the queue").click()
    page.get_by_role("tab", name="Approved").click()
    raw = page.locator(f"#mod-{posted['id']} .mod-content")
    raw.wait_for()
    assert "Try **this** first" in raw.inner_text() and "- slowly" in raw.inner_text()  # the text as typed
    beside = page.locator(f"#mod-{posted['id']} .mod-rendered")  # and, beside it, what readers see
    beside.get_by_text("As readers see it").click()
    assert beside.locator("strong").inner_text() == "this"
    assert beside.locator("a").get_attribute("href") == "https://example.org/stretch_guide"
    assert beside.locator("img, script").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []
