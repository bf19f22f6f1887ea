"""The one table of domain error -> HTTP answer, and the guard that applies it to every view.

A row names the status, the JSON `error` code, and what the answer adds (fields, headers). The link
pages read the same table, with their own status where a person clicking a mailed link needs another.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, NamedTuple

from chalice import Response

from chalicelib import errors
from chalicelib.api.answers import json_response
from chalicelib.api.request_log import current_route
from chalicelib.i18n import deferred
from chalicelib.logs import log_event

INTERNAL = {"error": "internal", "message": "something went wrong on our side"}


class Row(NamedTuple):  # not a dataclass: ~0.8 ms less of a cold start
    status: int
    code: str
    body: Callable[[Any], dict] = lambda exc: {"message": str(exc)}
    headers: Callable[[Any], dict] = lambda exc: {}
    page_status: int | None = None  # the mailed-link pages' status, where it differs


def _fields(exc: Any) -> dict:
    if isinstance(exc, errors.FieldsError):
        return {"fields": exc.fields}
    from chalicelib.models import validation_messages  # a pydantic ValidationError

    return {"fields": validation_messages(exc)}


def _conflict(exc: errors.ConflictError) -> dict:
    return {"message": str(exc), **({"current": exc.current} if exc.current is not None else {})}


TABLE: dict[type, Row] = {
    errors.FieldsError: Row(422, "validation", _fields),
    errors.BodyTooLargeError: Row(413, "too_large"),
    errors.TooManyFieldsError: Row(413, "too_many_fields", lambda exc: {"message": str(exc), "fields": {"body": str(exc)}}),
    errors.FormCharsetError: Row(415, "charset", lambda exc: {"message": str(exc), "fields": {"body": str(exc)}}),
    errors.UnreadableFormError: Row(400, "bad_request", lambda exc: {"message": str(exc), "fields": {"body": str(exc)}}),
    errors.BadRequestError: Row(400, "bad_request"),
    errors.NotFoundError: Row(404, "not_found"),
    errors.IdempotencyError: Row(422, "idempotency"),
    errors.DuplicateError: Row(409, "duplicate"),
    errors.ConflictError: Row(409, "conflict", _conflict),
    errors.IllegalTransitionError: Row(
        422, "illegal_action", lambda exc: {"message": str(exc), "fields": {"action": str(exc)}}, page_status=409
    ),
    errors.FloodError: Row(429, "flood", headers=lambda exc: {"Retry-After": str(exc.retry_after)}),
    errors.AuthError: Row(401, "unauthorized", headers=lambda exc: {"WWW-Authenticate": 'Bearer realm="replybox"'}),
    errors.ClosedError: Row(403, "closed"),
    errors.ForbiddenError: Row(403, "forbidden"),
    errors.ExpiredLinkError: Row(410, "expired"),
    errors.StorageUnavailableError: Row(
        503,
        "unavailable",
        lambda exc: {"message": deferred("storage is busy; please retry")},
        lambda exc: {"Retry-After": str(exc.retry_after)},
    ),
}


def row_of(exc: BaseException) -> Row | None:
    """The table's row for this error (its nearest listed class), or None for an unexpected one."""
    for cls in type(exc).__mro__:
        if cls in TABLE:
            return TABLE[cls]
        if cls.__name__ == "ValidationError" and cls.__module__.startswith("pydantic"):
            return TABLE[errors.FieldsError]
    return None


def error_status(exc: BaseException) -> tuple[int, dict, dict]:
    """HTTP status, JSON body and headers of a domain error; an unexpected error is raised again."""
    row = row_of(exc)
    if row is None:
        raise exc
    return row.status, {"error": row.code, **row.body(exc)}, row.headers(exc)


def page_status(exc: BaseException) -> int:
    """The status of a mailed-link page for this error (500 for an unexpected one)."""
    row = row_of(exc)
    return 500 if row is None else row.page_status or row.status


def log_unexpected(exc: BaseException) -> None:
    """By type only: its message or traceback could quote what the person sent (an email)."""
    log_event("error", route=current_route(), status=500, error=type(exc).__name__)


def error_answer(exc: Exception) -> Response:
    """The JSON answer to any error; an unexpected one is a logged 500 that quotes nothing."""
    if row_of(exc) is None:
        log_unexpected(exc)
        return json_response(INTERNAL, 500)
    status, body, headers = error_status(exc)
    return json_response(body, status, headers)


def guarded(view: Callable[..., Response]) -> Callable[..., Response]:
    """Turn domain errors into their HTTP answers; nothing raw reaches Chalice (that would be a 500)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every error gets an answer; see error_answer()
            return error_answer(exc)

    return wrapper
