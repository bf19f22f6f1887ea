"""GET /openapi.json: the OpenAPI 3.1 description of every route, read from the routes themselves.

Chalice's `app.routes` gives each route's path, method, path parameters and content types; the
contract declared beside the route (chalicelib/api/contract.route) gives the rest, naming models of
chalicelib/models.py or chalicelib/views.py whose `model_json_schema()` become the schemas. Nothing here lists a route.
The document is built on the first request and cached: importing this module costs nothing.
"""
from __future__ import annotations

import inspect
import json
from functools import cache
from typing import Any

from chalice import Blueprint, Response

from chalicelib.api.contract import JSON, Answer, Contract, Param, route

api_docs = Blueprint(__name__)

REF = "#/components/schemas/{model}"

# Status -> description, the words of API.md.
DESCRIPTIONS = {
    200: "OK",
    201: "Stored (or replayed for a repeated Idempotency-Key)",
    204: "Deleted",
    303: "Form accepted: see the post (`#comment-{id}`, `?replybox=pending` while it awaits a moderator)",
    304: "Not modified (the ETag matched)",
    400: "The body, a parameter or the cursor cannot be read",
    401: "Missing or unknown moderator token",
    403: "A moderator token of another site; on a submission: comments are closed on the post",
    404: "Unknown site, post parent or comment",
    409: "Duplicate comment, or the comment changed since `version`",
    410: "The link has expired",
    413: "Body over 256 KiB",
    415: "Unsupported content type",
    422: "Validation failed: one message per field",
    429: "Flood: comments from this sender come too fast",
    503: "Storage is unavailable; retry after `Retry-After` seconds",
}

# Path parameters by name (their names come from the routes' paths).
PATH_PARAMETERS = {
    "site": "The site (blog) slug, `[a-z0-9-]{1,40}`",
    "post_id": "The blog's id of the post (URL-encoded)",
    "comment_id": "A comment id (ULID)",
    "token": "The signed link token from the mail",
    "avatar": "`avatar` of a comment, with or without .svg",
    "name": "File name, e.g. blog.css",
}

HEADERS = {
    "Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}, "required": True},
    "WWW-Authenticate": {"schema": {"type": "string"}},
    "Location": {"schema": {"type": "string"}, "required": True},
}
ERROR_HEADERS = {429: ("Retry-After",), 503: ("Retry-After",), 401: ("WWW-Authenticate",)}
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]

TAGS = [
    {"name": "comments", "description": "The public side: the blog's comment form and reading"},
    {"name": "moderation", "description": "Moderator routes (Authorization: Bearer TOKEN)"},
    {"name": "pages", "description": "HTML pages"},
    {"name": "assets", "description": "Static files and avatars"},
    {"name": "meta", "description": "This description"},
]


def _ref(name: str) -> dict:
    return {"$ref": REF.format(model=name)}


def _headers(names: tuple[str, ...]) -> dict:
    return {name: HEADERS[name] for name in names}


def _answer(status: int, answer: str | Answer | None) -> dict:
    if not isinstance(answer, Answer):
        answer = Answer(model=answer)
    out: dict[str, Any] = {"description": answer.description or DESCRIPTIONS[status]}
    if answer.model:
        out["content"] = {JSON: {"schema": _ref(answer.model)}}
    elif answer.media:
        out["content"] = {media: {"schema": {"type": "object" if media == JSON else "string"}} for media in answer.media}
    if answer.headers:
        out["headers"] = _headers(answer.headers)
    return out


def _error(status: int, contract: Contract) -> dict:
    """An error answer: the Error model as JSON, or a page (`error_media`). Chalice answers a 415 for
    a content type the route does not declare, before replybox runs: in its own JSON."""
    media = () if status == 415 and status not in contract.errors else contract.error_media
    content: dict[str, Any] = {m: {"schema": _ref("Error") if m == JSON else {"type": "string"}} for m in media}
    if status == 415:
        content[JSON] = {"schema": {"anyOf": [_ref("Error"), _ref("GatewayError")]}}
    out: dict[str, Any] = {"description": DESCRIPTIONS[status], "content": content}
    if status in ERROR_HEADERS:
        out["headers"] = _headers(ERROR_HEADERS[status])
    return out


def _parameter(param: Param) -> dict:
    if isinstance(param.schema, str):  # a constrained type of chalicelib/models.py or views.py
        from pydantic import TypeAdapter

        schema = TypeAdapter(named_model(param.schema)).json_schema()
    else:
        schema = dict(param.schema)
    return {"name": param.name, "in": param.where, "schema": schema, "description": param.description}


def _free_form(media: str) -> dict:
    """The schema of a body the route reads no fields of."""
    if media.startswith("text/"):
        return {"type": "string"}
    return {} if media == JSON else {"type": "object"}


def _summary(view: Any) -> str:
    """The first paragraph of the view's docstring, on one line."""
    doc = inspect.getdoc(view) or ""
    return " ".join(doc.split("\n\n")[0].split()).rstrip(".")


def operation(entry: Any) -> dict:
    """One route's operation object, from its Chalice RouteEntry and the contract declared with it."""
    contract: Contract | None = getattr(entry.view_function, "contract", None)
    if contract is None:
        raise LookupError(f"{entry.method} {entry.uri_pattern} has no contract: declare it with api.contract.route")
    errors = set(contract.errors)
    if contract.auth:
        errors |= {401, 403}
    if contract.body and any(media != "*/*" for media in contract.body):
        errors.add(415)
    responses = {str(status): _answer(status, answer) for status, answer in contract.answers.items()}
    responses.update({str(status): _error(status, contract) for status in sorted(errors)})
    op: dict[str, Any] = {
        "summary": _summary(entry.view_function),
        "tags": [contract.tag],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}, "description": PATH_PARAMETERS[name]}
            for name in entry.view_args
        ] + [_parameter(p) for p in contract.params],
        "responses": dict(sorted(responses.items())),
    }
    if contract.body:
        op["requestBody"] = {
            "required": contract.body_required,
            "content": {media: {"schema": _ref(model) if model else _free_form(media)} for media, model in contract.body.items()},
        }
    if contract.auth:
        op["security"] = BEARER
    if contract.kind != "api":
        op["x-replybox-kind"] = contract.kind  # an HTML page or a static asset, not part of the JSON API
    return op


def _models(contracts: list[Contract]) -> tuple[set[str], set[str]]:
    """The model names the contracts take (validation mode) and answer (serialization mode)."""
    taken = {model for c in contracts for model in c.body.values() if model}
    answered = {"Error", "GatewayError"}
    for c in contracts:
        for answer in c.answers.values():
            name = answer.model if isinstance(answer, Answer) else answer
            if name:
                answered.add(name)
    return taken, answered


def named_model(name: str) -> Any:
    """A model (or constrained type) a contract names: a submission's in models.py, the others in views.py."""
    from . import models, views

    return getattr(models, name) if hasattr(models, name) else getattr(views, name)


def components(contracts: list[Contract]) -> dict[str, Any]:
    """Every schema under components/schemas, from model_json_schema() of the models the routes name."""
    taken, answered = _models(contracts)
    schemas: dict[str, Any] = {}
    for names, mode in ((answered, "serialization"), (taken - set(DERIVED), "validation")):
        for name in sorted(names):
            schema = named_model(name).model_json_schema(ref_template=REF, mode=mode)
            schemas.update(schema.pop("$defs", {}))
            schemas[name] = schema
    for name in taken & set(DERIVED):
        schemas[name] = DERIVED[name](schemas)
    return schemas


def _comment_form(schemas: dict) -> dict:
    """CommentIn under the WordPress form names (wp-comments-post.php), as a plain HTML form posts it."""
    from .models import FORM_ALIASES

    comment_in = schemas["CommentIn"]
    names = {ours: theirs for theirs, ours in FORM_ALIASES.items()}
    props = {names.get(k, k): dict(v) for k, v in comment_in["properties"].items()}
    for prop in props.values():  # a form carries strings only
        prop.pop("anyOf", None)
        prop.pop("default", None)
        prop["type"] = "string"
    return {
        "title": "CommentForm",
        "type": "object",
        "description": "The comment as a plain HTML form sends it: WordPress's field names, strings only.",
        "properties": props,
        "required": [names.get(k, k) for k in comment_in["required"]],
        "examples": [{"comment_post_ID": "42", "comment_parent": "0", "author": "Grace", "email": "grace@example.org",
                      "url": "https://grace.example", "comment": "Thanks, this helped.", "submit": "Post Comment"}],
    }


# Schemas made from another one rather than from a model of their own.
DERIVED = {"CommentForm": _comment_form}


@cache
def spec(app: Any) -> dict:
    """The OpenAPI 3.1 document of `app`'s routes (built once per warm function)."""
    paths: dict[str, dict[str, dict]] = {}
    contracts = []
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            if method == "OPTIONS":  # CORS preflights
                continue
            paths.setdefault(path, {})[method.lower()] = operation(entry)
            contracts.append(entry.view_function.contract)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "replybox",
            "version": "1",
            "description": "Comment moderation for blogs. The contract is API.md; this is its machine-readable form. "
            "Operations marked `x-replybox-kind` (page, asset, meta) are not part of the JSON API.",
        },
        "tags": TAGS,
        "paths": paths,
        "components": {
            "schemas": components(contracts),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "A moderator token (manage.py create-token)"}
            },
        },
    }


@cache
def spec_json(app: Any) -> str:
    return json.dumps(spec(app), ensure_ascii=False, separators=(",", ":"))


@route(api_docs, "GET", "/openapi.json", tag="meta", kind="meta", answers={200: Answer(media=(JSON,))})
def openapi_document() -> Response:
    """This description: OpenAPI 3.1 of every route."""
    return Response(
        body=spec_json(api_docs.current_app),
        status_code=200,
        headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300",
                 "Access-Control-Allow-Origin": "*"},
    )

