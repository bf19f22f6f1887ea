"""replybox's HTTP routes: parse the request, call one service function, translate errors to HTTP."""
from __future__ import annotations

import functools
import json
import re
import time
from contextvars import ContextVar
from typing import Any, Callable

from chalice import Chalice, Response

from chalicelib import errors, wiring
from chalicelib.logs import log_event

app = Chalice(app_name="replybox")
app.api.binary_types = []  # every answer is text; never base64 a body

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
SITE_SLUG = re.compile(r"^[a-z0-9-]{1,40}$")
MAX_BODY = 256 * 1024
MAX_REFILL = 10 * 1024 * 1024  # an oversized form is still read back to its sender up to this size
_decision: ContextVar[str | None] = ContextVar("decision", default=None)


# ---- responses -------------------------------------------------------------------------------------
def json_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", **(headers or {})},
    )


def public_json(body: Any, headers: dict | None = None) -> Response:
    """A public read: cacheable at the edge for a few seconds, with an ETag, and 304 when the client has it."""
    from chalicelib import httpcache

    headers = dict(headers or {})
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    etag = httpcache.etag_of(text)
    cache = {
        "Cache-Control": httpcache.PUBLIC_READ,
        "ETag": etag,
        "Vary": httpcache.vary(headers.pop("Vary", None), "Accept-Encoding"),
    }
    if httpcache.not_modified(etag, app.current_request.headers.get("if-none-match")):
        return Response(body="", status_code=304, headers={**headers, **cache})
    return json_response(body, 200, {**headers, **cache})


def error_status(exc: Exception) -> tuple[int, dict, dict]:
    """HTTP status, JSON body and headers for a domain error."""
    from pydantic import ValidationError as PydanticError

    if isinstance(exc, errors.FieldsError):
        return 422, {"error": "validation", "fields": exc.fields}, {}
    if isinstance(exc, PydanticError):
        from chalicelib.models import validation_messages

        return 422, {"error": "validation", "fields": validation_messages(exc)}, {}
    if isinstance(exc, errors.BadRequestError):
        return 400, {"error": "bad_request", "message": str(exc)}, {}
    if isinstance(exc, errors.NotFoundError):
        return 404, {"error": "not_found", "message": str(exc)}, {}
    if isinstance(exc, errors.IdempotencyError):
        return 422, {"error": "idempotency", "message": str(exc)}, {}
    if isinstance(exc, errors.DuplicateError):
        return 409, {"error": "duplicate", "message": str(exc)}, {}
    if isinstance(exc, errors.ConflictError):
        body = {"error": "conflict", "message": str(exc)}
        if exc.current is not None:
            body["current"] = exc.current
        return 409, body, {}
    if isinstance(exc, errors.IllegalTransitionError):
        return 422, {"error": "illegal_action", "message": str(exc), "fields": {"action": str(exc)}}, {}
    if isinstance(exc, errors.FloodError):
        return 429, {"error": "flood", "message": str(exc)}, {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, errors.AuthError):
        return 401, {"error": "unauthorized", "message": str(exc)}, {"WWW-Authenticate": 'Bearer realm="replybox"'}
    if isinstance(exc, errors.ClosedError):
        return 403, {"error": "closed", "message": str(exc)}, {}
    if isinstance(exc, errors.ForbiddenError):
        return 403, {"error": "forbidden", "message": str(exc)}, {}
    if isinstance(exc, errors.StorageUnavailableError):
        return 503, {"error": "unavailable", "message": "storage is busy; please retry"}, {
            "Retry-After": str(exc.retry_after)
        }
    raise exc


def error_answer(exc: Exception) -> Response:
    """The JSON answer to any error. An unexpected one is logged by type only: its message or
    traceback could quote what the person sent (an email), and Chalice would log it whole."""
    from pydantic import ValidationError as PydanticError

    if isinstance(exc, (errors.ReplyboxError, PydanticError)):
        status, body, headers = error_status(exc)
        return json_response(body, status, headers)
    log_event("error", route=_route(app.current_request), status=500, error=type(exc).__name__)
    return json_response({"error": "internal", "message": "something went wrong on our side"}, 500)


def guarded(view: Callable[..., Response]) -> Callable[..., Response]:
    """Turn domain errors into their HTTP answers; nothing raw reaches Chalice (that would be a 500)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every error gets an answer; see error_answer()
            return error_answer(exc)

    return wrapper


@app.middleware("http")
def request_log(event: Any, get_response: Callable) -> Response:
    """One JSON log line per request (no personal data), and a last net under every view."""
    started = time.perf_counter()
    _decision.set(None)
    try:
        response = get_response(event)
    except Exception as exc:  # pragma: no cover - every view is guarded; this is the last net
        log_event("error", route=_route(event), method=event.method, status=500, error=type(exc).__name__)
        return json_response({"error": "internal", "message": "something went wrong on our side"}, 500)
    log_event(
        "info",
        request_id=(event.lambda_context and getattr(event.lambda_context, "aws_request_id", None)),
        method=event.method,
        route=_route(event),
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
        decision=_decision.get(),
    )
    return response


def _route(event: Any) -> str:
    return (event.context or {}).get("resourcePath", "")


# ---- CORS -------------------------------------------------------------------------------------------
def cors_headers(slug: str) -> dict:
    """Echo the request's Origin only when it is one of the site's allowed origins."""
    origin = app.current_request.headers.get("origin")
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


def preflight(slug: str, methods: str) -> Response:
    headers = cors_headers(slug)
    if "Access-Control-Allow-Origin" in headers:
        headers.update(
            {
                "Access-Control-Allow-Methods": methods,
                "Access-Control-Allow-Headers": "Content-Type, Idempotency-Key",
                "Access-Control-Max-Age": "600",
            }
        )
    return Response(body="", status_code=204, headers=headers)


def require_valid_slug(slug: str) -> None:
    if not SITE_SLUG.match(slug):
        raise errors.NotFoundError("no such site")


# ---- submitting ---------------------------------------------------------------------------------------
@app.route("/sites/{site}/comments", methods=["POST"], content_types=[JSON, FORM])
def submit_comment(site: str) -> Response:
    """Take a comment from a JSON client (201) or a plain HTML form (303 to the post)."""
    request = app.current_request
    is_form = (request.headers.get("content-type") or "").split(";")[0].strip().lower() == FORM
    raw = request.raw_body or b""
    values: dict[str, str] = {}
    try:
        if len(raw) > MAX_BODY:
            raise _TooLarge()
        values = _read_form(raw) if is_form else _read_json(raw)
        require_valid_slug(site)
        submitted = wiring.service().submit(
            site,
            values,
            ip=viewer_ip(request),
            user_agent=request.headers.get("user-agent") or "",
            idempotency_key=request.headers.get("idempotency-key") or "",
        )
    except _TooLarge:
        if is_form and len(raw) <= MAX_REFILL:
            try:  # still give the person back what they typed
                values = _read_form(raw)
            except errors.BadRequestError:
                pass
        return _submit_error(is_form, site, values, 413, {"error": "too_large", "message": "the comment is over 256 KiB"}, {})
    except errors.ReplyboxError as exc:
        status, body, headers = error_status(exc)
        return _submit_error(is_form, site, values, status, body, headers)
    except Exception as exc:  # noqa: BLE001 - never let Chalice log a traceback holding the form
        log_event("error", route=_route(request), status=500, error=type(exc).__name__)
        body = {"error": "internal", "message": "something went wrong on our side; please send it again"}
        return _submit_error(is_form, site, values, 500, body, {})
    _decision.set(submitted.decision)
    result = submitted.result
    if is_form:
        from chalicelib.moderation import redirect_location

        location = redirect_location(
            submitted.site,
            [submitted.comment.redirect_to, submitted.comment.post_url, _informative_referer(request.headers.get("referer"))],
            submitted.comment.post_id,
            result.id,
            pending=result.status != "approved",
        )
        return Response(body="", status_code=303, headers={"Location": location, "Cache-Control": "no-store"})
    return json_response(result.model_dump(mode="json"), 201, cors_headers(site))


def viewer_ip(request: Any) -> str:
    """The sender's address: API Gateway's source IP, or behind CloudFront the viewer's address it
    adds ("198.51.100.7:46532", "2001:db8::1:46532"), since API Gateway then sees an edge server."""
    from chalicelib.config import get_settings

    viewer = request.headers.get("cloudfront-viewer-address") if get_settings().behind_edge else None
    if viewer and ":" in viewer:
        return viewer.rpartition(":")[0].strip("[]")
    return (request.context.get("identity") or {}).get("sourceIp") or ""


class _TooLarge(Exception):
    pass


def _informative_referer(referer: str | None) -> str:
    """A Referer that names a page; browsers often send only the origin, which says nothing of the post."""
    if not referer:
        return ""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(referer)
    except ValueError:
        return ""
    return referer if parts.path not in ("", "/") or parts.query else ""


def _read_json(raw: bytes) -> dict:
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
    return _canonical(data)


def _read_form(raw: bytes) -> dict:
    from urllib.parse import parse_qsl

    try:
        text = raw.decode("ascii")
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=500)
    except (UnicodeDecodeError, ValueError):
        raise errors.BadRequestError("the form is not valid (it must be UTF-8, URL-encoded)") from None
    return _canonical(dict(pairs))  # a repeated field: the last one wins, as in PHP


def _canonical(data: dict) -> dict:
    from chalicelib.models import FORM_ALIASES

    out = dict(data)
    for alias, name in FORM_ALIASES.items():
        if alias in data and name not in data:
            out[name] = data[alias]
    return out


def _submit_error(is_form: bool, site: str, values: dict, status: int, body: dict, headers: dict) -> Response:
    if not is_form:
        return json_response(body, status, {**headers, **cors_headers(site)})
    from chalicelib.web.form_error import error_page

    referer = _informative_referer(app.current_request.headers.get("referer"))
    return error_page(
        slug=site,
        status=status,
        problems=body.get("fields") or {"body": body.get("message", "the comment could not be posted")},
        values=values,
        back_candidates=[str(values.get("redirect_to") or ""), str(values.get("post_url") or ""), referer],
        headers=headers,
    )


@app.route("/sites/{site}/comments", methods=["OPTIONS"])
def submit_preflight(site: str) -> Response:
    return preflight(site, "POST, OPTIONS")


@app.route("/sites/{site}/form-token", methods=["GET"])
@guarded
def form_token(site: str) -> Response:
    """A signed token that dates the form: the spam engine's time check."""
    require_valid_slug(site)
    return json_response(wiring.service().form_token(site), 200, cors_headers(site))


@app.route("/sites/{site}/form-token", methods=["OPTIONS"])
def form_token_preflight(site: str) -> Response:
    return preflight(site, "GET, OPTIONS")


# ---- public reading ---------------------------------------------------------------------------------------
@app.route("/sites/{site}/posts/{post_id}/comments", methods=["GET"])
@guarded
def public_comments(site: str, post_id: str) -> Response:
    """Approved comments of a post, oldest first."""
    require_valid_slug(site)
    from urllib.parse import unquote

    query = app.current_request.query_params or {}
    page = wiring.service().list_public(site, unquote(post_id), query.get("limit", 50), query.get("cursor"))
    return public_json(page, cors_headers(site))


@app.route("/sites/{site}/posts/{post_id}/comments.html", methods=["GET"])
@guarded
def public_comments_fragment(site: str, post_id: str) -> Response:
    """The approved thread as an escaped HTML fragment with anchors, for a static site's build."""
    require_valid_slug(site)
    from urllib.parse import unquote

    from chalicelib.web import pages

    return pages.comments_fragment(site, unquote(post_id), app.current_request.headers.get("if-none-match"))


@app.route("/sites/{site}/posts/{post_id}/comments", methods=["OPTIONS"])
def public_comments_preflight(site: str, post_id: str) -> Response:
    return preflight(site, "GET, OPTIONS")


@app.route("/sites/{site}/counts", methods=["GET"])
@guarded
def counts(site: str) -> Response:
    """Approved comment counts of the posts named by repeated post_id parameters."""
    require_valid_slug(site)
    query = app.current_request.query_params
    # Chalice's getlist raises KeyError for a name that is not there at all.
    post_ids = list(dict.fromkeys(query.getlist("post_id"))) if query and "post_id" in query else []
    return public_json(wiring.service().counts(site, post_ids), cors_headers(site))


@app.route("/sites/{site}/counts", methods=["OPTIONS"])
def counts_preflight(site: str) -> Response:
    return preflight(site, "GET, OPTIONS")


@app.route("/sites/{site}/origin-check", methods=["GET"])
def origin_check(site: str) -> Response:
    """Whether the request's Origin may use the site: the widget asks after a call the browser blocked
    (CORS hides why), so it can tell the blog's owner. Any page may ask; it answers nothing else."""
    open_to_all = {"Access-Control-Allow-Origin": "*"}
    try:
        require_valid_slug(site)
        wiring.service().site(site)  # an unknown site is a 404, not "not allowed"
    except Exception as exc:  # noqa: BLE001 - same answers as every route, readable from any origin
        answer = error_answer(exc)
        answer.headers.update(open_to_all)
        return answer
    allowed = "Access-Control-Allow-Origin" in cors_headers(site)
    return json_response({"origin_allowed": allowed}, 200, open_to_all)


# ---- moderation ---------------------------------------------------------------------------------------------
def moderator(site: str) -> str:
    """The moderator's name for this site's token, or AuthError (401) / ForbiddenError (403)."""
    header = app.current_request.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.AuthError("send Authorization: Bearer <moderator token>")
    name = wiring.service().authenticate(site, token.strip())
    require_valid_slug(site)
    return name


def _json_object() -> dict:
    raw = app.current_request.raw_body or b""
    if len(raw) > MAX_BODY:
        raise errors.BadRequestError("the body is over 256 KiB")
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise errors.BadRequestError("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise errors.BadRequestError("the body must be a JSON object")
    return data


@app.route("/sites/{site}/moderation/comments", methods=["GET"])
@guarded
def moderation_queue(site: str) -> Response:
    """The queue of one status, newest first."""
    moderator(site)
    query = app.current_request.query_params or {}
    page = wiring.service().queue(site, query.get("status", "pending"), query.get("limit", 50), query.get("cursor"))
    return json_response(page)


@app.route("/sites/{site}/moderation/comments/{comment_id}", methods=["GET"])
@guarded
def moderation_get(site: str, comment_id: str) -> Response:
    moderator(site)
    return json_response(wiring.service().get(site, comment_id))


@app.route("/sites/{site}/moderation/comments/{comment_id}", methods=["POST"], content_types=[JSON])
@guarded
def moderation_act(site: str, comment_id: str) -> Response:
    """approve / hold / spam / ham / trash / restore / edit (with `content`), if the comment is still at `version`."""
    moderator(site)
    from chalicelib.models import ModerationAction

    action = ModerationAction.model_validate(_json_object())
    return json_response(wiring.service().act(site, comment_id, action.action, action.version, action.content))


@app.route("/sites/{site}/moderation/comments/{comment_id}", methods=["DELETE"])
@guarded
def moderation_delete(site: str, comment_id: str) -> Response:
    moderator(site)
    wiring.service().delete(site, comment_id)
    return Response(body="", status_code=204)


@app.route("/sites/{site}/moderation/bulk", methods=["POST"], content_types=[JSON])
@guarded
def moderation_bulk(site: str) -> Response:
    moderator(site)
    data = _json_object()
    return json_response(wiring.service().bulk(site, data.get("action"), data.get("ids")))


@app.route("/sites/{site}/moderation/stats", methods=["GET"])
@guarded
def moderation_stats(site: str) -> Response:
    """Counts of each tab and the discarded comments of the last 7 days (counts only)."""
    moderator(site)
    return json_response(wiring.service().stats(site))


@app.route("/sites/{site}/moderation/empty", methods=["POST"], content_types=[JSON])
@guarded
def moderation_empty(site: str) -> Response:
    """Delete one page of the spam or trash queue for good; repeat with `cursor` while next_cursor is set."""
    moderator(site)
    from chalicelib.models import EmptyRequest

    request = EmptyRequest.model_validate(_json_object())
    return json_response(wiring.service().empty(site, request.status, request.cursor))


@app.route("/sites/{site}/moderation/erase", methods=["POST"], content_types=[JSON])
@guarded
def moderation_erase(site: str) -> Response:
    """Right to erasure: every comment and datum of an email address on this site."""
    moderator(site)
    return json_response(wiring.service().erase(site, _json_object().get("email")))


@app.route("/sites/{site}/moderation/export", methods=["POST"], content_types=[JSON])
@guarded
def moderation_export(site: str) -> Response:
    """Right of access: every comment of an email address on this site, in the full view."""
    moderator(site)
    return json_response(wiring.service().export_person(site, _json_object().get("email")))


@app.route("/sites/{site}/moderation/posts/{post_id}", methods=["POST"], content_types=[JSON])
@guarded
def moderation_post(site: str, post_id: str) -> Response:
    """Close a post to new comments, or open it again: {"closed": true|false}."""
    moderator(site)
    from urllib.parse import unquote

    return json_response(wiring.service().set_closed(site, unquote(post_id), _json_object().get("closed")))


# ---- avatars ------------------------------------------------------------------------------------------------
@app.route("/avatars/{avatar}", methods=["GET"])
@guarded
def avatar(avatar: str) -> Response:
    """An identicon drawn from the keyed avatar id: no third party learns who reads the page."""
    from chalicelib.avatars import identicon

    name = avatar[:-4] if avatar.endswith(".svg") else avatar
    if not re.fullmatch(r"[0-9a-f]{20}", name):
        raise errors.NotFoundError("no such avatar")
    return Response(
        body=identicon(name),
        status_code=200,
        headers={"Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=31536000, immutable"},
    )


# Pages, the OpenAPI document, and moderator notifications live in blueprints of their own.
from chalicelib.web.routes import web  # noqa: E402
from chalicelib.openapi import api_docs  # noqa: E402
from chalicelib.notify import notify  # noqa: E402

app.register_blueprint(web)
app.register_blueprint(api_docs)
app.register_blueprint(notify)
