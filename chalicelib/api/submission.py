"""POST /sites/{site}/comments: a JSON client gets JSON (201), a plain HTML form a 303 or the form again."""
from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib import errors, i18n, wiring
from chalicelib.api.answers import cors_headers, json_response
from chalicelib.api.error_table import error_status, log_unexpected
from chalicelib.api.reading import informative_referer, is_form, read_body, refill_form, require_valid_slug, viewer_ip
from chalicelib.api.request_log import record_decision


def submit(request: Any, site: str) -> Response:
    """Read, submit, answer; on any error the sender gets everything they typed back."""
    form = is_form(request)
    values: dict[str, Any] = {}
    try:
        values = read_body(request)
        require_valid_slug(site)
        submitted = wiring.service().submit(
            site,
            values,
            ip=viewer_ip(request),
            user_agent=request.headers.get("user-agent") or "",
            idempotency_key=request.headers.get("idempotency-key") or "",
        )
    except errors.ReplyboxError as exc:
        if isinstance(exc, errors.BodyTooLargeError):
            values = refill_form(request)
            exc = errors.BodyTooLargeError(i18n.deferred("the comment is over 256 KiB"))
        elif isinstance(exc, errors.UnreadableFormError):  # what could be read of it goes back to its sender
            values = exc.values
        status, body, headers = error_status(exc)
        return _error(request, form, site, values, status, body, headers)
    except Exception as exc:  # noqa: BLE001 - never let Chalice log a traceback holding the form
        log_unexpected(exc)
        body = {"error": "internal", "message": i18n.deferred("something went wrong on our side; please send it again")}
        return _error(request, form, site, values, 500, body, {})
    record_decision(submitted.decision)
    result = submitted.result
    if form:
        from chalicelib.moderation import redirect_location

        location = redirect_location(
            submitted.site,
            [submitted.comment.redirect_to, submitted.comment.post_url, informative_referer(request)],
            submitted.comment.post_id,
            result.id,
            pending=result.status != "approved",
        )
        return Response(body="", status_code=303, headers={"Location": location, "Cache-Control": "no-store"})
    return json_response(result, 201, cors_headers(request, site))


def _error(request: Any, form: bool, slug: str, values: dict, status: int, body: dict, headers: dict) -> Response:
    """The error in the site's language: the human messages translated, the codes as API.md has them."""
    site = _known_site(slug, status)
    lang = i18n.language(site.lang) if site else i18n.DEFAULT
    body = i18n.translate_answer(body, lang)
    if not form:
        return json_response(body, status, {**headers, **cors_headers(request, slug)})
    from chalicelib.web.form_error import error_page

    return error_page(
        site=site,
        lang=lang,
        status=status,
        problems=body.get("fields") or {"body": body.get("message", "the comment could not be posted")},
        values=values,
        back_candidates=[str(values.get("redirect_to") or ""), str(values.get("post_url") or ""), informative_referer(request)],
        headers=headers,
    )


def _known_site(slug: str, status: int) -> Any:
    """The site's settings if they can be had without a second wait on busy storage, else None."""
    try:
        service = wiring.service()
        site = service.cached_site(slug)
        if site is None and status not in (500, 503):
            site = service.site(slug)
    except errors.ReplyboxError:
        site = None
    return site
