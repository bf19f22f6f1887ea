"""GET /openapi.json: the OpenAPI 3.1 description of every route, built from the pydantic models.

The request and response schemas come from `model_json_schema()` of the models the routes use, and
the field limits from the constants models.py validates with, so the description cannot drift from
the code. Which routes exist, their methods and path parameters are listed here once (`OPERATIONS`);
tests/reliability/test_openapi.py compares that list with `app.routes` and fails on any difference.
The spec is built on the first request and cached: importing this module costs nothing.
"""
from __future__ import annotations

import json
from functools import cache
from typing import Any, Optional

from chalice import Blueprint, Response

api_docs = Blueprint(__name__)

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
HTML = "text/html"
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


# ---- models that only describe answers (the service returns plain dicts for these) ------------------
def _doc_models() -> dict[str, Any]:
    """Pydantic models of the answers the service builds as dicts, so their schemas come from models too."""
    from pydantic import BaseModel, ConfigDict, Field

    from .models import ModeratorComment, PublicComment, Status

    class PublicPage(BaseModel):
        """Approved comments of a post, oldest first."""

        post_id: str
        count: int = Field(ge=0)
        comments: list[PublicComment]
        next_cursor: Optional[str] = None
        closed: bool = False  # new comments are refused: the widget says "Comments are closed"

    class PersonExport(BaseModel):
        """Every comment of one email address on the site, in the moderator's full view."""

        email: str
        comments: list[ModeratorComment]
        subscriptions: list[dict[str, Any]]  # reply notifications: comment_id, post_id, confirmed, created_at

    class PostState(BaseModel):
        """A post opened or closed by a moderator."""

        post_id: str
        closed: bool

    class QueuePage(BaseModel):
        """One status of the moderation queue, newest first."""

        status: Status
        comments: list[ModeratorComment]
        next_cursor: Optional[str] = None

    class FormToken(BaseModel):
        form_token: str
        expires_in: int

    class BulkResult(BaseModel):
        """Each id: its new status, `deleted`, or `error: ...`."""

        results: dict[str, str]

    class OriginCheck(BaseModel):
        """The widget's question after a blocked call; it carries nothing else."""

        origin_allowed: bool

    class DiscardDay(BaseModel):
        day: str
        total: int = Field(ge=0)
        reasons: dict[str, int]

    class ModerationStats(BaseModel):
        """Tab counts stop at 1,000 (`capped` names those past it); discards are counts only."""

        counts: dict[str, int]
        capped: list[Status]
        discarded: list[DiscardDay]

    class EmptyResult(BaseModel):
        deleted: int = Field(ge=0)
        skipped: int = Field(ge=0)
        next_cursor: Optional[str] = None

    class EraseResult(BaseModel):
        erased: int = Field(ge=0)

    class Error(BaseModel):
        """Every JSON error of replybox; `fields` on 422, `current` on a stale-version 409."""

        model_config = ConfigDict(extra="allow")
        error: str
        message: Optional[str] = None
        fields: Optional[dict[str, str]] = None
        current: Optional[ModeratorComment] = None

    class GatewayError(BaseModel):
        """An error Chalice / API Gateway answers before replybox runs (e.g. 415 on a JSON-only route)."""

        model_config = ConfigDict(extra="allow")
        Code: Optional[str] = None
        Message: Optional[str] = None
        message: Optional[str] = None

    return {
        m.__name__: m
        for m in (PublicPage, PostState, PersonExport, QueuePage, FormToken, OriginCheck, BulkResult, EraseResult, Error, GatewayError,
                  DiscardDay, ModerationStats, EmptyResult)
    }


def _components() -> dict[str, Any]:
    """Every schema under components/schemas, from model_json_schema() of each model."""
    from . import models

    named = {
        "CommentIn": models.CommentIn,
        "PublicComment": models.PublicComment,
        "SubmitResult": models.SubmitResult,
        "ModeratorComment": models.ModeratorComment,
        "ModerationAction": models.ModerationAction,
        "BulkAction": models.BulkAction,
        "EraseRequest": models.EraseRequest,
        "EmptyRequest": models.EmptyRequest,
        "ReplyRequest": models.ReplyRequest,
        **_doc_models(),
    }
    schemas: dict[str, Any] = {}
    for name, model in named.items():
        mode = "validation" if name in ("CommentIn", "ModerationAction", "BulkAction", "EraseRequest", "EmptyRequest", "ReplyRequest") else "serialization"
        schema = model.model_json_schema(ref_template=REF, mode=mode)
        schemas.update(schema.pop("$defs", {}))
        schemas[name] = schema
    _comment_in_rules(schemas["CommentIn"])
    schemas["CommentForm"] = _comment_form(schemas["CommentIn"])
    return schemas


def _comment_in_rules(schema: dict) -> None:
    """CommentIn checks its rules in validators; state them in the schema from the same constants."""
    from .models import MAX_AUTHOR, MAX_CONTENT, MAX_EMAIL, MAX_POST_ID, MAX_URL

    props = schema["properties"]
    props["post_id"].update(minLength=1, maxLength=MAX_POST_ID, description="The blog's id of the post")
    props["author"].update(minLength=1, maxLength=MAX_AUTHOR, description="1..245 characters after trimming")
    props["email"].update(
        minLength=3, maxLength=MAX_EMAIL, format="email", description="Never shown publicly; at most 100 characters"
    )
    props["url"].update(maxLength=MAX_URL, description="http(s) only; a bare host gets http://")
    props["content"].update(minLength=1, maxLength=MAX_CONTENT, description="Plain text; shown escaped")
    props["parent_id"]["description"] = "An approved comment of the same post; empty or 0 = top level"
    props["post_url"]["description"] = "Permalink of the post; must be on an allowed origin"
    props["redirect_to"]["description"] = "Form only: where to go back to; must be on an allowed origin"
    props["form_token"]["description"] = "From GET /sites/{site}/form-token"
    props["hp"]["description"] = "Honeypot: humans leave it empty"
    schema["required"] = ["post_id", "author", "email", "content"]
    schema["description"] = (
        "A comment. Unknown fields are ignored; WordPress's form names are accepted too "
        "(comment_post_ID, comment_parent, comment, ak_hp_textarea)."
    )


def _comment_form(comment_in: dict) -> dict:
    """CommentIn under the WordPress form names (wp-comments-post.php), as a plain HTML form posts it."""
    from .models import FORM_ALIASES

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
    }


# ---- responses ------------------------------------------------------------------------------------------
def _ref(name: str) -> dict:
    return {"$ref": REF.format(model=name)}


def _json(schema: dict) -> dict:
    return {JSON: {"schema": schema}}


RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}, "required": True}}


def _error(status: int, *, html: bool = False, gateway: bool = False) -> dict:
    schema = _ref("Error")
    if gateway:
        schema = {"anyOf": [_ref("Error"), _ref("GatewayError")]}
    content = _json(schema)
    if html:  # a form's error is a page naming each problem, with the form again
        content[HTML] = {"schema": {"type": "string"}}
    answer: dict = {"description": DESCRIPTIONS[status], "content": content}
    if status in (429, 503):
        answer["headers"] = RETRY_AFTER
    if status == 401:
        answer["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return answer


def _ok(status: int, schema: dict | None, media: str = JSON, **extra: Any) -> dict:
    answer: dict = {"description": DESCRIPTIONS[status], **extra}
    if schema is not None:
        answer["content"] = {media: {"schema": schema}}
    return answer


def _errors(*codes: int, html: bool = False, gateway: tuple[int, ...] = ()) -> dict:
    return {str(c): _error(c, html=html, gateway=c in gateway) for c in codes}


def _pages(*codes: int) -> dict:
    """HTML answers of the mailed-link pages (their errors are pages too)."""
    return {str(c): {"description": DESCRIPTIONS[c], "content": {HTML: {"schema": {"type": "string"}}}}
            for c in codes}


def _param(name: str, where: str, schema: dict, description: str, required: bool = False) -> dict:
    param: dict[str, Any] = {"name": name, "in": where, "schema": schema, "description": description}
    if where == "path" or required:
        param["required"] = True
    return param


SITE = _param("site", "path", {"type": "string"}, "The site (blog) slug, `[a-z0-9-]{1,40}`")
POST_ID = _param("post_id", "path", {"type": "string"}, "The blog's id of the post (URL-encoded)")
COMMENT_ID = _param("comment_id", "path", {"type": "string"}, "A comment id (ULID)")
LIMIT = _param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}, "Page size")
CURSOR = _param("cursor", "query", {"type": "string"}, "`next_cursor` of the previous page")
LINK_TOKEN = _param("token", "path", {"type": "string"}, "The signed link token from the moderator's mail")
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
MODERATOR = (401, 403)


def _operation(summary: str, responses: dict, *, tag: str, params: list | None = None, body: dict | None = None,
               security: list | None = None, kind: str = "api", **extra: Any) -> dict:
    op: dict = {"summary": summary, "tags": [tag], "parameters": params or [], "responses": responses}
    if body is not None:
        op["requestBody"] = body
    if security is not None:
        op["security"] = security
    if kind != "api":
        op["x-replybox-kind"] = kind  # an HTML page or a static asset, not part of the JSON API
    op.update(extra)
    return op


def _json_body(name: str) -> dict:
    return {"required": True, "content": _json(_ref(name))}


def operations() -> dict[str, dict[str, dict]]:
    """path -> method -> operation, for every route of the app (OPTIONS preflights aside)."""
    html_page = {"type": "string"}
    text = {"type": "string"}
    example = {"post_id": "hello-world", "author": "Ada", "email": "ada@example.com", "content": "Lovely post."}
    form_example = {"comment_post_ID": "42", "comment_parent": "0", "author": "Grace", "email": "grace@example.org",
                    "url": "https://grace.example", "comment": "Thanks, this helped.", "submit": "Post Comment"}
    comment_body = {
        "required": True,
        "content": {JSON: {"schema": _ref("CommentIn"), "example": example},
                    FORM: {"schema": _ref("CommentForm"), "example": form_example}},
    }
    idempotency = _param("Idempotency-Key", "header", {"type": "string", "maxLength": 255},
                         "A repeat with the same key answers the first answer and stores nothing new")
    etag = _param("If-None-Match", "header", {"type": "string"}, "ETag of a copy the browser holds")
    version = _param("v", "query", {"type": "string"}, "Content hash: a matching one is cached for a year")
    return {
        "/sites/{site}/comments": {
            "post": _operation(
                "Submit a comment (JSON: 201; a plain HTML form: 303 to the post)",
                {
                    "201": _ok(201, _ref("SubmitResult")),
                    "303": _ok(303, None, headers={"Location": {"schema": {"type": "string"}, "required": True}}),
                    **_errors(400, 403, 404, 409, 413, 415, 422, 429, 503, html=True, gateway=(415,)),
                },
                tag="comments", params=[SITE, idempotency], body=comment_body,
            )
        },
        "/sites/{site}/form-token": {
            "get": _operation(
                "A signed token that dates the form (the spam engine's time check)",
                {"200": _ok(200, _ref("FormToken")), **_errors(404, 503)},
                tag="comments", params=[SITE],
            )
        },
        "/sites/{site}/posts/{post_id}/comments": {
            "get": _operation(
                "Approved comments of a post, oldest first",
                {"200": _ok(200, _ref("PublicPage")), "304": _ok(304, None), **_errors(400, 404, 422, 503)},
                tag="comments", params=[SITE, POST_ID, LIMIT, CURSOR, etag],
            )
        },
        "/sites/{site}/counts": {
            "get": _operation(
                "Approved comment counts of up to 100 posts",
                {
                    "200": _ok(200, {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}),
                    "304": _ok(304, None),
                    **_errors(400, 404, 422, 503),
                },
                tag="comments",
                params=[SITE, _param("post_id", "query", {"type": "array", "items": {"type": "string"}, "maxItems": 100},
                                     "A post id; repeat the parameter for more posts"), etag],
            )
        },
        "/sites/{site}/origin-check": {
            "get": _operation(
                "Whether the request's Origin is one of the site's allowed origins (readable from any origin)",
                {"200": _ok(200, _ref("OriginCheck")), **_errors(404, 503)},
                tag="comments", params=[SITE, _param("Origin", "header", {"type": "string"}, "The page's origin")],
            )
        },
        "/sites/{site}/moderation/comments": {
            "get": _operation(
                "The moderation queue of one status, newest first",
                {"200": _ok(200, _ref("QueuePage")), **_errors(400, *MODERATOR, 404, 422, 503)},
                tag="moderation", security=BEARER,
                params=[SITE, _param("status", "query", {"type": "string", "enum": ["pending", "approved", "spam", "trash"],
                                                         "default": "pending"}, "Which queue"), LIMIT, CURSOR],
            )
        },
        "/sites/{site}/moderation/comments/{comment_id}": {
            "get": _operation(
                "One comment, full view",
                {"200": _ok(200, _ref("ModeratorComment")), **_errors(400, *MODERATOR, 404, 503)},
                tag="moderation", security=BEARER, params=[SITE, COMMENT_ID],
            ),
            "post": _operation(
                "approve / hold / spam / ham / trash / restore, or edit (with `content`), if the comment is still at `version`",
                {"200": _ok(200, _ref("ModeratorComment")),
                 **_errors(400, *MODERATOR, 404, 409, 415, 422, 503, gateway=(415,))},
                tag="moderation", security=BEARER, params=[SITE, COMMENT_ID], body=_json_body("ModerationAction"),
            ),
            "delete": _operation(
                "Delete a comment for good",
                {"204": _ok(204, None), **_errors(400, *MODERATOR, 404, 409, 503)},
                tag="moderation", security=BEARER, params=[SITE, COMMENT_ID],
            ),
        },
        "/sites/{site}/moderation/comments/{comment_id}/reply": {
            "post": _operation(
                "The site's reply to an approved comment: published at once, `moderator: true`, under the token's name",
                {"201": _ok(201, _ref("ModeratorComment")),
                 **_errors(400, *MODERATOR, 404, 409, 415, 422, 503, gateway=(415,))},
                tag="moderation", security=BEARER, params=[SITE, COMMENT_ID], body=_json_body("ReplyRequest"),
            )
        },
        "/sites/{site}/moderation/bulk": {
            "post": _operation(
                "One action (or delete) on up to 100 comments",
                {"200": _ok(200, _ref("BulkResult")), **_errors(400, *MODERATOR, 404, 409, 415, 422, 503, gateway=(415,))},
                tag="moderation", security=BEARER, params=[SITE], body=_json_body("BulkAction"),
            )
        },
        "/sites/{site}/moderation/stats": {
            "get": _operation(
                "Counts of each status (up to 1,000) and the discarded comments of the last 7 days, by reason",
                {"200": _ok(200, _ref("ModerationStats")), **_errors(400, *MODERATOR, 404, 503)},
                tag="moderation", security=BEARER, params=[SITE],
            )
        },
        "/sites/{site}/moderation/empty": {
            "post": _operation(
                "Delete one page of the spam or trash queue for good; repeat with `cursor` while `next_cursor` is set",
                {"200": _ok(200, _ref("EmptyResult")), **_errors(400, *MODERATOR, 404, 415, 422, 503, gateway=(415,))},
                tag="moderation", security=BEARER, params=[SITE], body=_json_body("EmptyRequest"),
            )
        },
        "/sites/{site}/moderation/erase": {
            "post": _operation(
                "Erase every comment and stored datum of an email address on this site",
                {"200": _ok(200, _ref("EraseResult")), **_errors(400, *MODERATOR, 404, 415, 422, 503, gateway=(415,))},
                tag="moderation", security=BEARER, params=[SITE], body=_json_body("EraseRequest"),
            )
        },
        "/sites/{site}/moderation/export": {
            "post": _operation(
                "One person's data (a GDPR access request): every comment of an email address on this site",
                {"200": _ok(200, _ref("PersonExport")), **_errors(400, *MODERATOR, 404, 415, 422, 503, gateway=(415,))},
                tag="moderation", security=BEARER, params=[SITE], body=_json_body("EraseRequest"),
            )
        },
        "/sites/{site}/moderation/posts/{post_id}": {
            "post": _operation(
                "Close a post to new comments, or open it again (outranks the site's close-after-days rule)",
                {"200": _ok(200, _ref("PostState")), **_errors(400, *MODERATOR, 404, 415, 422, 503, gateway=(415,))},
                tag="moderation", security=BEARER, params=[SITE, POST_ID],
                body={"required": True, "content": {JSON: {"schema": {
                    "type": "object", "properties": {"closed": {"type": "boolean"}}, "required": ["closed"]}}}},
            )
        },
        "/sites/{site}/moderation/links/{token}": {
            "get": _operation(
                "Confirmation page of a mailed one-click link (approve or spam); changes nothing",
                _pages(200, 403, 404, 409, 410, 503), tag="moderation", kind="page", params=[SITE, LINK_TOKEN],
            ),
            "post": _operation(
                "Carry out a mailed link's action if the comment is still at the link's version",
                {**_pages(200, 403, 404, 409, 410, 503), "415": _error(415, gateway=True)},
                tag="moderation", kind="page", params=[SITE, LINK_TOKEN],
                requestBody={"required": False, "content": {
                    FORM: {"schema": {"type": "object"}}, "multipart/form-data": {"schema": {"type": "object"}},
                    "text/plain": {"schema": {"type": "string"}}, JSON: {"schema": {}}}},
            ),
        },
        "/sites/{site}/subscriptions/{token}": {
            "get": _operation(
                "A reader's mailed link (confirm reply notifications, or stop them): a page with one button; changes nothing",
                _pages(200, 403, 410, 503), tag="comments", kind="page", params=[SITE, LINK_TOKEN],
            ),
            "post": _operation(
                "Confirm or stop reply notifications: the page's button, or RFC 8058 one-click unsubscribe",
                {**_pages(200, 403, 404, 410, 503), "415": _error(415, gateway=True)},
                tag="comments", kind="page", params=[SITE, LINK_TOKEN],
                requestBody={"required": False, "content": {
                    FORM: {"schema": {"type": "object"}}, "multipart/form-data": {"schema": {"type": "object"}},
                    "text/plain": {"schema": {"type": "string"}}, JSON: {"schema": {}}}},
            ),
        },
        "/avatars/{avatar}": {
            "get": _operation(
                "An identicon drawn from a keyed avatar id (never a hash of the email)",
                {"200": _ok(200, text, "image/svg+xml"), **_errors(404)},
                tag="assets", kind="asset",
                params=[_param("avatar", "path", {"type": "string"}, "`avatar` of a comment, with or without .svg")],
            )
        },
        "/demo": {
            "get": _operation(
                "The demo blog post with its approved comments and the 'Leave a Reply' form",
                {"200": _ok(200, html_page, HTML)}, tag="pages", kind="page",
                params=[_param("replybox", "query", {"type": "string"}, "`pending` shows the awaiting-moderation note"),
                        _param("replytocom", "query", {"type": "string"}, "Reply to this comment"),
                        _param("cpage", "query", {"type": "string"}, "Cursor of a later page of comments")],
            )
        },
        "/moderate": {
            "get": _operation(
                "The moderation page (works from a pasted moderator token)",
                {"200": _ok(200, html_page, HTML)}, tag="pages", kind="page",
            )
        },
        "/count.js": {
            "get": _operation(
                "Comment counts for index pages: fills every element with data-replybox-count (one counts request)",
                {"200": _ok(200, text, "text/javascript"), "304": _ok(304, None)},
                tag="assets", kind="asset", params=[version, etag],
            )
        },
        "/sites/{site}/posts/{post_id}/comments.html": {
            "get": _operation(
                "The approved thread as an escaped HTML fragment with id=\"comment-…\" anchors, for a static site's build",
                {"200": _ok(200, html_page, HTML), "304": _ok(304, None), **_errors(400, 404, 503)},
                tag="comments", kind="page", params=[SITE, POST_ID, etag],
            )
        },
        "/widget.js": {
            "get": _operation(
                "The embeddable comment widget",
                {"200": _ok(200, text, "text/javascript"), "304": _ok(304, None)},
                tag="assets", kind="asset", params=[version, etag],
            )
        },
        "/static/{name}": {
            "get": _operation(
                "A static file of the browser side (CSS, scripts)",
                {"200": {"description": "OK", "content": {"text/css": {"schema": text}, "text/javascript": {"schema": text}}},
                 "304": _ok(304, None),
                 "404": _ok(404, text, "text/plain", description="No such file")},
                tag="assets", kind="asset",
                params=[_param("name", "path", {"type": "string"}, "File name, e.g. blog.css"), version, etag],
            )
        },
        "/openapi.json": {
            "get": _operation(
                "This description",
                {"200": _ok(200, {"type": "object"})}, tag="meta", kind="meta",
            )
        },
    }


@cache
def spec() -> dict:
    """The OpenAPI 3.1 document (built once per warm function)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "replybox",
            "version": "1",
            "description": "Comment moderation for blogs. The contract is API.md; this is its machine-readable form. "
            "Operations marked `x-replybox-kind` (page, asset, meta) are not part of the JSON API.",
        },
        "tags": [
            {"name": "comments", "description": "The public side: the blog's comment form and reading"},
            {"name": "moderation", "description": "Moderator routes (Authorization: Bearer TOKEN)"},
            {"name": "pages", "description": "HTML pages"},
            {"name": "assets", "description": "Static files and avatars"},
            {"name": "meta", "description": "This description"},
        ],
        "paths": operations(),
        "components": {
            "schemas": _components(),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "A moderator token (manage.py create-token)"}
            },
        },
    }


@cache
def spec_json() -> str:
    return json.dumps(spec(), ensure_ascii=False, separators=(",", ":"))


@api_docs.route("/openapi.json", methods=["GET"])
def openapi_document() -> Response:
    """The OpenAPI 3.1 description of every route."""
    return Response(
        body=spec_json(),
        status_code=200,
        headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300",
                 "Access-Control-Allow-Origin": "*"},
    )
