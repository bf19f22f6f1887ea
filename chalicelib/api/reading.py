"""Reading requests: the body (JSON or a WordPress form, 256 KiB at most), the sender, the moderator.

Everything here takes the request as a parameter and raises domain errors (error_table.py answers them).
"""
from __future__ import annotations

import json
import re
from typing import Any

from chalicelib import errors, wiring
from chalicelib.i18n import deferred

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
SITE_SLUG = re.compile(r"^[a-z0-9-]{1,40}$")
MAX_BODY = 256 * 1024
MAX_REFILL = 10 * 1024 * 1024  # an oversized form is still read back to its sender up to this size


def require_valid_slug(slug: str) -> None:
    """A slug that cannot name a site is a 404 before anything is read for it."""
    if not SITE_SLUG.match(slug):
        raise errors.NotFoundError("no such site")


def is_form(request: Any) -> bool:
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower() == FORM


def read_body(request: Any) -> dict:
    """The body as a dict: a JSON object, or a URL-encoded form with WordPress's names as ours too.
    Over MAX_BODY it is BodyTooLargeError; unreadable, BadRequestError."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY:
        raise errors.BodyTooLargeError("the body is over 256 KiB")
    return _read_form(raw, request.headers.get("content-type") or "") if is_form(request) else _canonical(_read_json(raw))


def refill_form(request: Any) -> dict:
    """What an oversized form held, to give it back to its sender (up to MAX_REFILL), else {}."""
    raw = request.raw_body or b""
    if not is_form(request) or len(raw) > MAX_REFILL:
        return {}
    try:
        return _read_form(raw, request.headers.get("content-type") or "")
    except errors.UnreadableFormError as exc:
        return exc.values


def json_object(request: Any) -> dict:
    """A moderation route's JSON object (its names as sent); any unreadable body, oversized too, is a 400."""
    try:
        return _read_json(request.raw_body or b"", limit=MAX_BODY)
    except errors.BodyTooLargeError as exc:
        raise errors.BadRequestError(str(exc)) from None


def _read_json(raw: bytes, limit: int | None = None) -> dict:
    if limit is not None and len(raw) > limit:
        raise errors.BodyTooLargeError("the body is over 256 KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.BadRequestError("the body is not valid UTF-8") from None
    try:
        data = json.loads(text) if text.strip() else {}
    except (ValueError, RecursionError):
        raise errors.BadRequestError("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise errors.BadRequestError("the body must be a JSON object")
    return data


# WHATWG Encoding: browsers send the pages of these labels as windows-1252.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp819", "windows-1252", "cp1252"}
MAX_FORM_FIELDS = 500
_KNOWN_FIELDS = {"post_id", "parent_id", "author", "email", "url", "content", "post_url", "redirect_to", "form_token", "hp"}


def _form_charset(content_type: str) -> str:
    from email.message import Message

    header = Message()
    header["content-type"] = content_type
    return str(header.get_param("charset") or "utf-8").strip().lower()


def _read_form(raw: bytes, content_type: str = FORM) -> dict:
    """The form's fields decoded in its declared charset (a legacy page's; UTF-8 when none is given).

    What cannot be read is an UnreadableFormError carrying what could be decoded (unreadable bytes
    as U+FFFD), so the error page still gives the person back what they typed.
    """
    from urllib.parse import unquote_to_bytes

    charset = _form_charset(content_type)
    # Bytes first, text after: the stdlib's parse_qsl decodes as UTF-8 before the charset is known.
    pairs = [
        tuple(unquote_to_bytes(part.replace(b"+", b" ")) for part in (field.split(b"=", 1) + [b""])[:2])
        for field in raw.split(b"&")
        if field
    ]
    try:
        b"a".decode(charset)
    except LookupError:
        values = _canonical({k.decode("utf-8", "replace"): v.decode("utf-8", "replace") for k, v in pairs})
        raise errors.FormCharsetError(deferred("the form's charset {charset} is not one we read; send UTF-8", charset=repr(charset)), values) from None

    def decode(data: bytes) -> str:
        if charset in _WINDOWS_1252_LABELS:
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                return data.decode("latin-1")  # the five bytes cp1252 leaves out: C1 controls, as browsers read them
        return data.decode(charset)

    try:
        values = _canonical({decode(k): decode(v) for k, v in pairs})  # a repeated field: the last one wins, as in PHP
    except UnicodeDecodeError:
        values = _canonical({k.decode(charset, "replace"): v.decode(charset, "replace") for k, v in pairs})
        raise errors.UnreadableFormError(
            deferred(  # one literal: the catalog's extractor reads no joined strings
                "the form is not valid {charset}: the page should send UTF-8 or declare its charset (what could not be read shows as \ufffd)",
                charset=charset.upper(),
            ),
            values,
        ) from None
    if len(pairs) > MAX_FORM_FIELDS:
        known = {k: v for k, v in values.items() if k in _KNOWN_FIELDS}
        raise errors.TooManyFieldsError(deferred("the form has more than {count} fields", count=MAX_FORM_FIELDS), known)
    return values


def _canonical(data: dict) -> dict:
    """WordPress's form names (comment, comment_post_ID, ...) read as ours where ours are not given."""
    from chalicelib.models import FORM_ALIASES

    out = dict(data)
    for alias, name in FORM_ALIASES.items():
        if alias in data and name not in data:
            out[name] = data[alias]
    return out


def viewer_ip(request: Any) -> str:
    """The sender's address: API Gateway's source IP, or behind CloudFront the viewer's address it
    adds ("198.51.100.7:46532", "2001:db8::1:46532"), since API Gateway then sees an edge server."""
    from chalicelib.config import get_settings

    viewer = request.headers.get("cloudfront-viewer-address") if get_settings().behind_edge else None
    if viewer and ":" in viewer:
        return viewer.rpartition(":")[0].strip("[]")
    return (request.context.get("identity") or {}).get("sourceIp") or ""


def informative_referer(request: Any) -> str:
    """A Referer that names a page; browsers often send only the origin, which says nothing of the post."""
    referer = request.headers.get("referer")
    if not referer:
        return ""
    try:  # a browser sends an IRI's UTF-8 bytes raw; the server hands them over as Latin-1
        referer = referer.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(referer)
    except ValueError:
        return ""
    return referer if parts.path not in ("", "/") or parts.query else ""


def bearer_token(request: Any) -> str:
    """The token of `Authorization: Bearer <token>`, or AuthError (401)."""
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.AuthError("send Authorization: Bearer <moderator token>")
    return token.strip()


def moderator(request: Any, site: str) -> str:
    """The moderator's name for this site's token, or AuthError (401) / ForbiddenError (403)."""
    name = wiring.service().authenticate(site, bearer_token(request))
    require_valid_slug(site)
    return name
