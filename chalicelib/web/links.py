"""The pages a mailed one-click link opens: GET confirms (mail scanners follow links), POST acts."""
from __future__ import annotations

import time
from typing import Any

from chalice import Response

from chalicelib import errors, wiring
from chalicelib.links import LinkError, read_link_token
from chalicelib.logs import log_event
from chalicelib.web import render

ROUTE = "/sites/{site}/moderation/links/{token}"
TITLES = {403: "Link not valid", 404: "Comment not found", 409: "Already handled", 410: "Link expired"}
VERBS = {"approve": "Approve", "spam": "Mark as spam"}


def link_page(site: str, token: str, act: bool) -> Response:
    """The confirmation (GET) or the outcome (POST) of a link, or why it does nothing."""
    try:
        payload = read_link_token(wiring.keyring(), site, token, time.time())
        service = wiring.service()
        if not act:
            current = service.get(site, payload["c"])
            if current["version"] != payload["v"]:
                raise errors.ConflictError("already handled")
            return _confirm(payload, current)
        done = service.act(site, payload["c"], payload["a"], payload["v"])
    except LinkError as exc:
        return _page(exc.status, message=str(exc))
    except errors.NotFoundError:
        return _page(404, message="This comment no longer exists.")
    except (errors.ConflictError, errors.IllegalTransitionError):
        return _page(409, message="Someone already handled this comment; this link no longer does anything.")
    except errors.StorageUnavailableError:
        return _page(503, title="Try again", message="The service is busy; reload this page in a moment.")
    except Exception as exc:  # noqa: BLE001 - never a raw 500 that could quote the comment
        log_event("error", route=ROUTE, status=500, error=type(exc).__name__)
        return _page(500, message="Please try again later.")
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
