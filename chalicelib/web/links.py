"""The pages a mailed one-click link opens: GET confirms (mail scanners follow links), POST acts.

A "reply" link's page is a reply form instead: its POST publishes a moderator reply through the same
service call as /moderate's Reply (`Service.reply`), approving the comment first when it still waits
at the link's version (a reply can only answer a public comment).
"""
from __future__ import annotations

import time
from typing import Any

from chalice import Response

from chalicelib import errors, wiring
from chalicelib.links import SERVICE_ACTIONS, read_link_token
from chalicelib.web import render

TITLES = {403: "Link not valid", 404: "Comment not found", 409: "Already handled", 410: "Link expired",
          422: "Check your reply", 503: "Try again"}
# What a moderator reads for each answer; 403 and 410 say it in the error's own words.
MESSAGES = {
    404: "This comment no longer exists.",
    409: "Someone already handled this comment; this link no longer does anything.",
    503: "The service is busy; reload this page in a moment.",
    500: "Please try again later.",
}
VERBS = {"approve": "Approve", "spam": "Mark as spam", "delete": "Delete (to the trash)", "reply": "Publish reply"}
REPLY_FIELDS = ("author", "content")


def link_page(site: str, token: str, act: bool, form: dict | None = None) -> Response:
    """The confirmation (GET) or the outcome (POST) of a link, or why it does nothing. `form` is the
    POSTed reply form of a reply link."""
    from chalicelib.api.error_table import log_unexpected, page_status

    typed = {k: str((form or {}).get(k) or "") for k in REPLY_FIELDS}
    try:
        service = wiring.service()
        payload = read_link_token(wiring.keyring(), site, token, time.time())
        current = service.get(site, payload["c"]).model_dump(mode="json")
        if payload["a"] == "reply":
            if not _can_reply(current, payload):
                raise errors.ConflictError("already handled")
            if not act:
                return _confirm(payload, current, typed=typed)
            return _reply(service, site, payload, current, typed)
        if current["version"] != payload["v"]:
            raise errors.ConflictError("already handled")
        if not act:
            return _confirm(payload, current)
        done = service.act(site, payload["c"], SERVICE_ACTIONS[payload["a"]], payload["v"])
    except Exception as exc:  # noqa: BLE001 - never a raw 500 that could quote the comment
        status = page_status(exc)
        if status == 500:
            log_unexpected(exc)
        return _page(status, title=TITLES.get(status, ""), message=MESSAGES.get(status) or str(exc))
    return _page(200, title="Done", outcome=done.status)


def _can_reply(comment: dict, payload: dict) -> bool:
    """A reply answers an approved comment, or one still waiting as the mail saw it (approved first)."""
    return comment["status"] == "approved" or (comment["status"] == "pending" and comment["version"] == payload["v"])


def _reply(service: Any, site: str, payload: dict, current: dict, typed: dict) -> Response:
    from chalicelib.models import parse_author
    from chalicelib.views import parse_content

    problems: dict[str, str] = {}
    for field, parse in (("author", parse_author), ("content", parse_content)):
        try:
            typed[field] = parse(typed[field])
        except errors.FieldsError as exc:
            problems[field] = next(iter(exc.fields.values()))
    if problems:  # the form again, with everything typed and what to fix
        return _confirm(payload, current, typed=typed, problems=problems, code=422)
    if current["status"] == "pending":
        service.act(site, payload["c"], "approve", payload["v"])
    reply = service.reply(site, payload["c"], typed["author"], typed["content"]).model_dump(mode="json")
    return _page(200, title="Reply published", outcome="approved", replied=reply)


def _confirm(payload: dict, comment: dict, *, typed: dict | None = None, problems: dict | None = None,
             code: int = 200) -> Response:
    verb = VERBS[payload["a"]]
    reasons = [
        {"rule": str(r.get("rule", "")), "detail": str(r.get("detail", ""))}
        for r in (comment.get("verdict") or {}).get("reasons") or []
        if isinstance(r, dict)
    ]
    title = "Reply to this comment" if payload["a"] == "reply" else f"{verb} this comment?"
    return _page(code, title=TITLES[422] if code == 422 else title, comment=comment, reasons=reasons, verb=verb,
                 reply_form=payload["a"] == "reply", typed=typed or {}, problems=problems or {})


def _page(code: int, *, title: str = "", **context: Any) -> Response:
    context = {"comment": None, "outcome": "", "message": "", "reasons": [], "verb": "", "reply_form": False,
               "typed": {}, "problems": {}, "replied": None, **context}
    return render.mailed_link_page(
        "link.html",
        code,
        root="../../../../",  # the page answers /sites/{site}/moderation/links/{token}
        title=title or TITLES.get(code, "Something went wrong"),
        **context,
    )
