"""The pages a mailed one-click link opens: GET confirms (mail scanners follow links), POST acts."""
from __future__ import annotations

import time
from typing import Any

from chalice import Response

from chalicelib import errors, wiring
from chalicelib.links import read_link_token
from chalicelib.web import render

TITLES = {403: "Link not valid", 404: "Comment not found", 409: "Already handled", 410: "Link expired", 503: "Try again"}
# What a moderator reads for each answer; 403 and 410 say it in the error's own words.
MESSAGES = {
    404: "This comment no longer exists.",
    409: "Someone already handled this comment; this link no longer does anything.",
    503: "The service is busy; reload this page in a moment.",
    500: "Please try again later.",
}
VERBS = {"approve": "Approve", "spam": "Mark as spam"}


def link_page(site: str, token: str, act: bool) -> Response:
    """The confirmation (GET) or the outcome (POST) of a link, or why it does nothing."""
    from chalicelib.api.error_table import log_unexpected, page_status

    try:
        payload = read_link_token(wiring.keyring(), site, token, time.time())
        service = wiring.service()
        if not act:
            current = service.get(site, payload["c"])
            if current["version"] != payload["v"]:
                raise errors.ConflictError("already handled")
            return _confirm(payload, current)
        done = service.act(site, payload["c"], payload["a"], payload["v"])
    except Exception as exc:  # noqa: BLE001 - never a raw 500 that could quote the comment
        status = page_status(exc)
        if status == 500:
            log_unexpected(exc)
        return _page(status, title=TITLES.get(status, ""), message=MESSAGES.get(status) or str(exc))
    return _page(200, title="Done", outcome=done["status"])


def _confirm(payload: dict, comment: dict) -> Response:
    verb = VERBS[payload["a"]]
    reasons = [
        {"rule": str(r.get("rule", "")), "detail": str(r.get("detail", ""))}
        for r in (comment.get("verdict") or {}).get("reasons") or []
        if isinstance(r, dict)
    ]
    return _page(200, title=f"{verb} this comment?", comment=comment, reasons=reasons, verb=verb)


def _page(code: int, *, title: str = "", **context: Any) -> Response:
    context = {"comment": None, "outcome": "", "message": "", "reasons": [], "verb": "", **context}
    return render.page(
        "link.html",
        code,
        csp="link",
        referrer_policy="no-referrer",  # the token is in the URL
        headers={"Retry-After": "2"} if code == 503 else None,
        root="../../../../",  # the page answers /sites/{site}/moderation/links/{token}
        title=title or TITLES.get(code, "Something went wrong"),
        stylesheets=("palette.css", "blog.css"),
        noindex=True,
        **context,
    )
