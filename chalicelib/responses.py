"""HTML answers with the headers every page of replybox carries; each page brings its own CSP."""
from __future__ import annotations

from chalice import Response


def html_page(body: str, status: int = 200, *, csp: str, headers: dict | None = None) -> Response:
    return Response(
        body=body,
        status_code=status,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Security-Policy": csp,
            "X-Content-Type-Options": "nosniff",
            **(headers or {}),
        },
    )
