"""The request-log middleware: one JSON line per request (no personal data), and a last net."""
from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Any, Callable

from chalice import Response

from chalicelib.api.answers import json_response
from chalicelib.logs import log_event

_decision: ContextVar[str | None] = ContextVar("decision", default=None)
_route: ContextVar[str] = ContextVar("route", default="")


def record_decision(decision: str) -> None:
    """The spam engine's decision for this request's log line."""
    _decision.set(decision)


def current_route() -> str:
    return _route.get()


def request_log(event: Any, get_response: Callable) -> Response:
    """Chalice "http" middleware (app.py registers it)."""
    started = time.perf_counter()
    _decision.set(None)
    route = (event.context or {}).get("resourcePath", "")
    _route.set(route)
    try:
        response = get_response(event)
    except Exception as exc:  # pragma: no cover - every view is guarded; this is the last net
        log_event("error", route=route, method=event.method, status=500, error=type(exc).__name__)
        return json_response({"error": "internal", "message": "something went wrong on our side"}, 500)
    log_event(
        "info",
        request_id=(event.lambda_context and getattr(event.lambda_context, "aws_request_id", None)),
        method=event.method,
        route=route,
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
        decision=_decision.get(),
    )
    return response
