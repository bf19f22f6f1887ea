"""'Notify me of replies' in a real browser: the widget's checkbox stores a subscription awaiting confirmation."""
from __future__ import annotations

import uuid

import pytest

from tests.e2e.test_browser import fill_form, widget_ready

pytestmark = pytest.mark.e2e


def test_the_widget_checkbox_subscribes_and_an_unticked_one_does_not(stack, open_page):
    page = open_page()
    emails = {}
    for ticked in (True, False):
        page.goto(stack.blog + "/")
        widget_ready(page)
        email = emails[ticked] = f"notify-{uuid.uuid4().hex[:6]}@example.org"
        fill_form(page, "Curious Subscriber", email, f"Tell me when someone answers [{uuid.uuid4().hex[:8]}]")
        box = page.get_by_label("Notify me of replies by email (you confirm the address first)")
        assert not box.is_checked()  # never ticked for the reader
        if ticked:
            box.check()
        page.get_by_role("button", name="Post Comment").click()
        page.locator(".rb-comment.rb-pending").wait_for()
    for ticked, email in emails.items():
        status, person = stack.call("POST", "/sites/demo/moderation/export", {"email": email}, token=stack.token)
        assert status == 200
        assert [s["confirmed"] for s in person["subscriptions"]] == ([False] if ticked else [])
