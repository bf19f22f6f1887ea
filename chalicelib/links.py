"""Signed one-click moderation links: the token a moderator's mail carries, and reading it back."""
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
    """The payload of a link for this site, or InvalidLinkError (forged or foreign) / ExpiredLinkError."""
    payload = keyring.unsign(LINK_PURPOSE, token)
    if (
        payload is None
        or payload.get("s") != site
        or payload.get("a") not in LINK_ACTIONS
        or not isinstance(payload.get("c"), str)
        or not isinstance(payload.get("v"), int)
        or not isinstance(payload.get("e"), int)
    ):
        raise InvalidLinkError("This link is not valid.")
    if now > payload["e"]:
        raise ExpiredLinkError("This link has expired. Open the moderation queue instead.")
    return payload


def link_url(public_url: str, site: str, token: str) -> str:
    from urllib.parse import quote

    return f"{public_url.rstrip('/')}/sites/{quote(site)}/moderation/links/{token}"
