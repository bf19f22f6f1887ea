"""Each route's contract, declared once beside it: `route` registers it with Chalice and records it.

The declaration names models of chalicelib/models.py or views.py by name, so importing a route module loads no
pydantic; chalicelib/openapi.py reads the declarations from `app.routes` when /openapi.json is asked.
"""
from __future__ import annotations

from typing import Any, Callable, Literal, Mapping, NamedTuple, TypeVar, Union

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
HTML = "text/html"
# What a mailed link's POST accepts: a mail client's one-click POST sends any of these (RFC 8058).
ANY_BODY = (FORM, "multipart/form-data", "text/plain", JSON)

View = TypeVar("View", bound=Callable[..., Any])
Kind = Literal["api", "page", "asset", "meta"]


# NamedTuples, not dataclasses: every route module builds these at import, and a NamedTuple class
# costs a seventh of a dataclass's to create (cold start).
class Param(NamedTuple):
    """A query or header parameter (path parameters come from the route's path)."""

    name: str
    where: Literal["query", "header"]
    schema: Mapping[str, Any] | str  # a JSON schema, or the name of a constrained type of chalicelib/models.py or views.py
    description: str


class Answer(NamedTuple):
    """A success answer: a model as JSON, or a body of other media types, or none."""

    model: str | None = None  # a model of chalicelib/models.py or views.py
    media: tuple[str, ...] = ()  # a text body of these types (a page, a script)
    headers: tuple[str, ...] = ()  # headers it always carries (chalicelib/openapi.HEADERS)
    description: str | None = None  # else the status's words (chalicelib/openapi.DESCRIPTIONS)


# What `answers` may map a status to: a model's name, an Answer, or None (no body).
Answers = Mapping[int, Union[str, Answer, None]]


class Contract(NamedTuple):
    """What a route takes and answers. Its summary is the first paragraph of the view's docstring."""

    tag: str
    answers: Answers
    errors: tuple[int, ...] = ()  # answered as an Error (JSON, or `error_media`)
    body: Mapping[str, str] = {}  # media type -> model (or free form: ""); never changed in place
    body_required: bool = True
    params: tuple[Param, ...] = ()
    auth: bool = False  # a moderator's bearer token: 401 and 403 come with it
    kind: Kind = "api"  # anything but "api" is a page, an asset or this description
    error_media: tuple[str, ...] = (JSON,)


def route(owner: Any, method: str, path: str, **contract: Any) -> Callable[[View], View]:
    """Register the view on `owner` (the app or a blueprint) for `method path`, with its contract.

    A body's media types are the content types Chalice accepts (it answers others with a 415).
    """
    declared = Contract(**contract)

    def register(view: View) -> View:
        view.contract = declared  # type: ignore[attr-defined]  # read back from app.routes by openapi.py
        options: dict[str, Any] = {"methods": [method]}
        if declared.body:
            options["content_types"] = list(declared.body)
        owner.route(path, **options)(view)
        return view

    return register


# Parameters several routes take.
LIMIT = Param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}, "Page size")
CURSOR = Param("cursor", "query", {"type": "string"}, "`next_cursor` of the previous page")
ETAG = Param("If-None-Match", "header", {"type": "string"}, "ETag of a copy the browser holds")
VERSION = Param("v", "query", {"type": "string"}, "Content hash: a matching one is cached for a year")
IDEMPOTENCY_KEY = Param("Idempotency-Key", "header", "IdempotencyKey",
                        "A repeat with the same key answers the first answer and stores nothing new")
PAGE = Answer(media=(HTML,))
NOT_MODIFIED = None
