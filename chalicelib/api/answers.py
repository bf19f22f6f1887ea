"""JSON answers (no-store, or cacheable public reads with ETags) and CORS for the site's origins."""
from __future__ import annotations

import json
from typing import Any

from chalice import Response

from chalicelib import errors, wiring
from chalicelib.api.reading import SITE_SLUG


def json_text(body: Any) -> str:
    """An answer's JSON: the one place the service's models become JSON (a dict passes as it is)."""
    if hasattr(body, "model_dump"):  # a pydantic model, told without importing pydantic on an error's path
        body = body.model_dump(mode="json")
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def json_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    return _json_answer(json_text(body), status, headers)


def _json_answer(text: str, status: int, headers: dict | None) -> Response:
    return Response(
        body=text,
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", **(headers or {})},
    )


def no_content() -> Response:
    return Response(body="", status_code=204)


def public_json(request: Any, body: Any, headers: dict | None = None) -> Response:
    """A public read: cacheable at the edge for a few seconds, with an ETag, and 304 when the client has it."""
    from chalicelib import httpcache

    headers = dict(headers or {})
    text = json_text(body)
    etag = httpcache.etag_of(text)
    cache = {
        "Cache-Control": httpcache.PUBLIC_READ,
        "ETag": etag,
        "Vary": httpcache.vary(headers.pop("Vary", None), "Accept-Encoding"),
    }
    if httpcache.not_modified(etag, request.headers.get("if-none-match")):
        return Response(body="", status_code=304, headers={**headers, **cache})
    return _json_answer(text, 200, {**headers, **cache})


def cors_headers(request: Any, slug: str) -> dict:
    """Echo the request's Origin only when it is one of the site's allowed origins."""
    origin = request.headers.get("origin")
    if not origin or not SITE_SLUG.match(slug):
        return {}
    from chalicelib.moderation import is_allowed

    try:
        site = wiring.service().site(slug)
    except errors.ReplyboxError:
        return {}
    if not is_allowed(origin, site) or origin.rstrip("/") != origin:
        return {"Vary": "Origin"}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Expose-Headers": "Retry-After",
        "Vary": "Origin",
    }


def preflight(request: Any, slug: str, methods: str) -> Response:
    headers = cors_headers(request, slug)
    if "Access-Control-Allow-Origin" in headers:
        headers.update(
            {
                "Access-Control-Allow-Methods": methods,
                "Access-Control-Allow-Headers": "Content-Type, Idempotency-Key",
                "Access-Control-Max-Age": "600",
            }
        )
    return Response(body="", status_code=204, headers=headers)


def preflights(app: Any, routes: dict[str, str]) -> None:
    """Register the OPTIONS route of each path, allowing its method and OPTIONS to the site's origins."""
    for path, method in routes.items():
        def view(site: str, _methods: str = f"{method}, OPTIONS", **_: str) -> Response:
            return preflight(app.current_request, site, _methods)

        app.route(path, methods=["OPTIONS"], name=f"preflight {path}")(view)


def origin_check(request: Any, site: str) -> Response:
    """{"origin_allowed": bool} for the request's Origin, readable from any page: the widget asks after
    a call the browser blocked (CORS hides why), so it can tell the blog's owner. It says nothing else."""
    from chalicelib.api.error_table import error_answer
    from chalicelib.api.reading import require_valid_slug

    open_to_all = {"Access-Control-Allow-Origin": "*"}
    try:
        require_valid_slug(site)
        wiring.service().site(site)  # an unknown site is a 404, not "not allowed"
    except Exception as exc:  # noqa: BLE001 - same answers as every route, readable from any origin
        answer = error_answer(exc)
        answer.headers.update(open_to_all)
        return answer
    allowed = "Access-Control-Allow-Origin" in cors_headers(request, site)
    return json_response({"origin_allowed": allowed}, 200, open_to_all)
