"""The pages a reader's mailed link opens (confirm reply notifications, or stop them): GET asks, POST acts.

A mail client's RFC 8058 one-click unsubscribe POSTs `List-Unsubscribe=One-Click` to the same address.
"""
from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib import i18n, wiring
from chalicelib.i18n import deferred
from chalicelib.web import render

QUESTIONS = {"confirm": deferred("Send me replies to my comment?"), "stop": deferred("Stop mails about replies to my comment?")}
BUTTONS = {"confirm": deferred("Yes, notify me of replies"), "stop": deferred("Unsubscribe")}
DONE = {
    "confirm": deferred("Confirmed: you will get a mail when a reply to your comment is published."),
    "stop": deferred("Unsubscribed: no more mails about replies to this comment."),
}
TITLES = {
    403: deferred("Link not valid"), 404: deferred("Subscription not found"), 410: deferred("Link expired"),
    503: deferred("Try again"),
}
GONE = deferred("This subscription no longer exists (it was stopped, or not confirmed in time).")
AGAIN = deferred("Please try again in a moment.")


def subscription_page(site: str, token: str, act: bool) -> Response:
    """The question (GET) or the outcome (POST) of a subscription link, or why it does nothing."""
    from chalicelib.api.error_table import log_unexpected, page_status
    from chalicelib.mail import Subscriptions, read_token

    lang = i18n.DEFAULT
    try:
        service = wiring.service()
        lang = _site_language(service, site)
        payload = read_token(service.keyring, site, token, service.clock())
        action = payload["a"]
        if not act:
            return _page(200, lang, title=QUESTIONS[action], verb=BUTTONS[action])
        subscriptions = Subscriptions(service.store)
        if action == "confirm":
            if not subscriptions.confirm(site, payload["c"]):
                return _page(404, lang, message=GONE)
        else:
            subscriptions.stop(site, payload["c"])  # stopping twice is still stopped
    except Exception as exc:  # noqa: BLE001 - never a raw 500 that could quote the address
        status = page_status(exc)
        if status == 500:
            log_unexpected(exc)
        return _page(status, lang, message=str(exc) if status in (403, 410) else AGAIN)
    return _page(200, lang, title=deferred("Done"), outcome=DONE[action])


def _site_language(service: Any, slug: str) -> str:
    """The site's language; English for a slug that names no site (the link is refused anyway)."""
    from chalicelib import errors

    try:
        return i18n.language(service.site(slug).lang)
    except errors.NotFoundError:
        return i18n.DEFAULT


def _page(code: int, lang: str, *, title: str = "", **context: Any) -> Response:
    context = {"outcome": "", "message": "", "verb": "", **context}
    context = {name: i18n.translate(text, lang) for name, text in context.items()}
    return render.mailed_link_page(
        "subscription.html",
        code,
        root="../../../",  # the page answers /sites/{site}/subscriptions/{token}
        lang=lang,
        title=i18n.translate(title or TITLES.get(code, deferred("Something went wrong")), lang),
        **context,
    )
