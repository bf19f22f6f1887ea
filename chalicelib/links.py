"""Signed links of mails: the token a moderator's one-click link carries, and reading any link back
(a reader's subscription links, chalicelib/mail.py, are read the same way)."""
from __future__ import annotations

from typing import Any

from .errors import ExpiredLinkError, InvalidLinkError

LINK_PURPOSE = "moderation-link"
LINK_TTL = 3 * 24 * 3600
# What a mailed link does: "delete" moves the comment to the trash (a link in a mail must be undoable,
# and the trash empties itself after the site's spam_retention_days); "reply" opens a reply form.
LINK_ACTIONS = ("approve", "spam", "delete", "reply")
SERVICE_ACTIONS = {"approve": "approve", "spam": "spam", "delete": "trash"}


def make_link_token(keyring: Any, site: str, comment_id: str, action: str, version: int, now: float) -> str:
    return keyring.sign(
        LINK_PURPOSE, {"s": site, "c": comment_id, "a": action, "v": int(version), "e": int(now) + LINK_TTL}
    )


def read_link_token(keyring: Any, site: str, token: str, now: float) -> dict:
    """The payload of a moderation link for this site, or InvalidLinkError / ExpiredLinkError."""
    return read_signed_link(keyring, LINK_PURPOSE, site, token, now, LINK_ACTIONS, invalid="This link is not valid.",
                            expired="This link has expired. Open the moderation queue instead.", numbers=("v", "e"))


def read_signed_link(keyring: Any, purpose: str, site: str, token: str, now: float, actions: tuple[str, ...], *,
                     invalid: str, expired: str, numbers: tuple[str, ...] = ("e",)) -> dict:
    """The payload {s: site, c: comment id, a: action, e: expiry, ...} of a link signed for `purpose`:
    InvalidLinkError (saying `invalid`) when forged, of another site or odd (`numbers` not whole
    numbers), ExpiredLinkError (saying `expired`) past its expiry."""
    payload = keyring.unsign(purpose, token)
    if (
        payload is None
        or payload.get("s") != site
        or payload.get("a") not in actions
        or not isinstance(payload.get("c"), str)
        or not all(isinstance(payload.get(name), int) for name in numbers)
    ):
        raise InvalidLinkError(invalid)
    if now > payload["e"]:
        raise ExpiredLinkError(expired)
    return payload


def link_url(public_url: str, site: str, token: str) -> str:
    from urllib.parse import quote

    return f"{public_url.rstrip('/')}/sites/{quote(site)}/moderation/links/{token}"
