"""Static files of the browser side (CSS, scripts), read once per warm function, served with ETags."""
from __future__ import annotations

import hashlib
import os
from functools import cache
from typing import Mapping

from chalice import Response

from chalicelib.httpcache import not_modified
from chalicelib.i18n import DEFAULT, LANGUAGES

STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
CSS = "text/css; charset=utf-8"
JS = "text/javascript; charset=utf-8"
JSON = "application/json; charset=utf-8"
# Every file that may be served, and its type: nothing else under static/ is reachable.
TYPES = {
    "palette.css": CSS,
    "blog.css": CSS,
    "comments.css": CSS,
    "moderate.css": CSS,
    "moderate.js": JS,
    "widget.js": JS,
    "count.js": JS,
    "favicon.svg": "image/svg+xml",
    # The widget's and count.js's strings per language (scripts/i18n.py compiles them from the catalogs).
    **{f"widget-{lang}.json": JSON for lang in LANGUAGES if lang != DEFAULT},
}
# Unversioned URLs (the widget embedded on blogs): fresh within minutes in browsers, a minute at the edge.
SHORT_CACHE = "public, max-age=300, s-maxage=60, stale-while-revalidate=600"
LONG_CACHE = "public, max-age=31536000, immutable"  # ?v=<hash> URLs change whenever the file does


@cache
def load(name: str) -> tuple[str, str]:
    """(text, version) of a static file; the version is a prefix of its SHA-256."""
    with open(os.path.join(STATIC_DIR, name), encoding="utf-8") as fh:
        text = fh.read()
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def url(name: str) -> str:
    """A page-relative, versioned address (relative, so it also works under an API Gateway stage)."""
    prefix = "" if name in ("widget.js", "count.js") else "static/"
    return f"{prefix}{name}?v={load(name)[1]}"


def serve(name: str, query: Mapping[str, str] | None, headers: Mapping[str, str]) -> Response:
    """The file with its content type, an ETag (304 when the browser has it) and a cache lifetime."""
    if name not in TYPES:
        return Response(body="not found\n", status_code=404, headers={"Content-Type": "text/plain; charset=utf-8"})
    text, version = load(name)
    etag = f'"{version}"'
    common: dict[str, str | list[str]] = {
        "ETag": etag,
        "Cache-Control": LONG_CACHE if (query or {}).get("v") == version else SHORT_CACHE,
        "X-Content-Type-Options": "nosniff",
        # Blogs on other origins load the widget (and its CSS); let them, even under COEP.
        "Cross-Origin-Resource-Policy": "cross-origin",
        "Access-Control-Allow-Origin": "*",
        "Vary": "Accept-Encoding",  # the edge and API Gateway compress it
    }
    if not_modified(etag, headers.get("if-none-match")):
        return Response(body="", status_code=304, headers=common)
    return Response(body=text, status_code=200, headers={"Content-Type": TYPES[name], **common})
