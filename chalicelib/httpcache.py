"""HTTP caching of public reads: their Cache-Control, validators (ETag) and the 304 answer to If-None-Match.

Public answers (a post's comments, counts, the widget) may be kept by a shared cache (CloudFront) for
S_MAXAGE seconds and served stale while it refetches; browsers revalidate every time (max-age=0) and
get a bodiless 304 when nothing changed. An approval therefore shows within S_MAXAGE seconds on a
busy page, with no invalidation. Everything else answers `no-store`.
"""
from __future__ import annotations

import hashlib

S_MAXAGE = 5
STALE_WHILE_REVALIDATE = 10
PUBLIC_READ = f"public, max-age=0, s-maxage={S_MAXAGE}, stale-while-revalidate={STALE_WHILE_REVALIDATE}"


def etag_of(body: str) -> str:
    """A weak validator of the body's text: API Gateway or CloudFront may compress the bytes on the way."""
    return 'W/"' + hashlib.blake2b(body.encode("utf-8"), digest_size=12).hexdigest() + '"'


def not_modified(etag: str, if_none_match: str | None) -> bool:
    """Whether If-None-Match names this ETag (weak comparison, as RFC 9110 asks for GET), or is `*`."""
    if not if_none_match:
        return False
    wanted = _opaque(etag)
    return any(tag == "*" or _opaque(tag) == wanted for tag in (t.strip() for t in if_none_match.split(",")))


def vary(*values: str | None) -> str:
    """One Vary header out of several (each may already list names), without repeats."""
    names: dict[str, None] = {}
    for value in values:
        for name in (value or "").split(","):
            if name.strip():
                names.setdefault(name.strip(), None)
    return ", ".join(names)


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag
