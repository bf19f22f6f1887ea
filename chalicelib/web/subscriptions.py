"""The pages a reader's mailed link opens (confirm reply notifications, or stop them): GET asks, POST acts.

A mail client's RFC 8058 one-click unsubscribe POSTs `List-Unsubscribe=One-Click` to the same address.
"""
from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib import wiring
from chalicelib.web import render

QUESTIONS = {"confirm": "Send me replies to my comment?", "stop": "Stop mails about replies to my comment?"}
BUTTONS = {"confirm": "Yes, notify me of replies", "stop": "Unsubscribe"}
DONE = {
    "confirm": "Confirmed: you will get a mail when a reply to your comment is published.",
    "stop": "Unsubscribed: no more mails about replies to this comment.",
}
TITLES = {403: "Link not valid", 404: "Subscription not found", 410: "Link expired", 503: "Try again"}


def subscription_page(site: str, token: str, act: bool) -> Response:
    """The question (GET) or the outcome (POST) of a subscription link, or why it does nothing."""
    from chalicelib.api.error_table import log_unexpected, page_status
    from chalicelib.mail import Subscriptions, read_token

    try:
        service = wiring.service()
        payload = read_token(service.keyring, site, token, service.clock())
        action = payload["a"]
        if not act:
            return _page(200, title=QUESTIONS[action], verb=BUTTONS[action])
        subscriptions = Subscriptions(service.store)
        if action == "confirm":
            if not subscriptions.confirm(site, payload["c"]):
                return _page(404, message="This subscription no longer exists (it was stopped, or not confirmed in time).")
        else:
            subscriptions.stop(site, payload["c"])  # stopping twice is still stopped
    except Exception as exc:  # noqa: BLE001 - never a raw 500 that could quote the address
        status = page_status(exc)
        if status == 500:
            log_unexpected(exc)
        return _page(status, message=str(exc) if status in (403, 410) else "Please try again in a moment.")
    return _page(200, title="Done", outcome=DONE[action])


def _page(code: int, *, title: str = "", **context: Any) -> Response:
    context = {"outcome": "", "message": "", "verb": "", **context}
    return render.page(
        "subscription.html",
        code,
        csp="link",
        referrer_policy="no-referrer",  # the token is in the URL
        headers={"Retry-After": "2"} if code == 503 else None,
        root="../../../",  # the page answers /sites/{site}/subscriptions/{token}
        title=title or TITLES.get(code, "Something went wrong"),
        stylesheets=("palette.css", "blog.css"),
        noindex=True,
        **context,
    )
