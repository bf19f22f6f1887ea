"""replybox's HTTP routes: each reads the request, calls one service function and answers.

How a request is read, answered, and how a domain error becomes its status: chalicelib/api/.
"""
from __future__ import annotations

from functools import partial
from urllib.parse import unquote

from chalice import Chalice, Response

from chalicelib import wiring
from chalicelib.api.answers import cors_headers, json_response, no_content, preflights, public_json
from chalicelib.api.contract import CURSOR, ETAG, FORM, HTML, IDEMPOTENCY_KEY, JSON, LIMIT, NOT_MODIFIED, Answer, Param, route
from chalicelib.api.error_table import guarded
from chalicelib.api.reading import json_object, moderator, require_valid_slug
from chalicelib.api.request_log import request_log

app = Chalice(app_name="replybox")
app.api.binary_types = []  # every answer is text; never base64 a body
app.middleware("http")(request_log)
public = partial(route, app, tag="comments")
moderation = partial(route, app, tag="moderation", auth=True)
# CORS preflights of the routes a blog's pages call from their own origin.
preflights(app, {"/sites/{site}/comments": "POST", "/sites/{site}/form-token": "GET",
                 "/sites/{site}/posts/{post_id}/comments": "GET", "/sites/{site}/counts": "GET"})


# ---- submitting ---------------------------------------------------------------------------------------
@public("POST", "/sites/{site}/comments", body={JSON: "CommentIn", FORM: "CommentForm"},
        params=(IDEMPOTENCY_KEY,),
        answers={201: "SubmitResult", 303: Answer(headers=("Location",))},
        errors=(400, 403, 404, 409, 413, 415, 422, 429, 503), error_media=(JSON, HTML))
def submit_comment(site: str) -> Response:
    """Submit a comment (JSON: 201; a plain HTML form: 303 to the post)."""
    from chalicelib.api.submission import submit

    return submit(app.current_request, site)


@public("GET", "/sites/{site}/form-token", answers={200: "FormToken"}, errors=(404, 503))
@guarded
def form_token(site: str) -> Response:
    """A signed token that dates the form (the spam engine's time check)."""
    require_valid_slug(site)
    return json_response(wiring.service().form_token(site), 200, cors_headers(app.current_request, site))


# ---- public reading ---------------------------------------------------------------------------------------
@public("GET", "/sites/{site}/posts/{post_id}/comments", params=(LIMIT, CURSOR, ETAG),
        answers={200: "PublicPage", 304: NOT_MODIFIED}, errors=(400, 404, 422, 503))
@guarded
def public_comments(site: str, post_id: str) -> Response:
    """Approved comments of a post, oldest first."""
    require_valid_slug(site)
    query = app.current_request.query_params or {}
    page = wiring.service().list_public(site, unquote(post_id), query.get("limit", 50), query.get("cursor"))
    return public_json(app.current_request, page, cors_headers(app.current_request, site))


@public("GET", "/sites/{site}/counts", params=(Param("post_id", "query", "PostIds", "A post id; repeat the parameter for more posts"), ETAG),
        answers={200: "Counts", 304: NOT_MODIFIED}, errors=(400, 404, 422, 503))
@guarded
def counts(site: str) -> Response:
    """Approved comment counts of up to 100 posts, named by repeated post_id parameters."""
    require_valid_slug(site)
    query = app.current_request.query_params
    # Chalice's getlist raises KeyError for a name that is not there at all.
    post_ids = list(dict.fromkeys(query.getlist("post_id"))) if query and "post_id" in query else []
    return public_json(app.current_request, wiring.service().counts(site, post_ids), cors_headers(app.current_request, site))


@public("GET", "/sites/{site}/origin-check", params=(Param("Origin", "header", {"type": "string"}, "The page's origin"),),
        answers={200: "OriginCheck"}, errors=(404, 503))
def origin_check(site: str) -> Response:
    """Whether the request's Origin is one of the site's allowed origins (readable from any origin: the
    widget asks after a call CORS blocked)."""
    from chalicelib.api.answers import origin_check

    return origin_check(app.current_request, site)


# ---- moderation ---------------------------------------------------------------------------------------------
@moderation("GET", "/sites/{site}/moderation/comments", answers={200: "QueuePage"}, errors=(400, 404, 422, 503),
            params=(Param("status", "query", "QueueStatus", "Which queue"), LIMIT, CURSOR))
@guarded
def moderation_queue(site: str) -> Response:
    """The moderation queue of one status, newest first."""
    moderator(app.current_request, site)
    query = app.current_request.query_params or {}
    page = wiring.service().queue(site, query.get("status", "pending"), query.get("limit", 50), query.get("cursor"))
    return json_response(page)


@moderation("GET", "/sites/{site}/moderation/comments/{comment_id}", answers={200: "ModeratorComment"}, errors=(400, 404, 503))
@guarded
def moderation_get(site: str, comment_id: str) -> Response:
    """One comment, full view."""
    moderator(app.current_request, site)
    return json_response(wiring.service().get(site, comment_id))


@moderation("POST", "/sites/{site}/moderation/comments/{comment_id}", body={JSON: "ModerationAction"},
            answers={200: "ModeratorComment"}, errors=(400, 404, 409, 422, 503))
@guarded
def moderation_act(site: str, comment_id: str) -> Response:
    """approve / hold / spam / ham / trash / restore, or edit (with `content`), if the comment is still at `version`."""
    moderator(app.current_request, site)
    data = json_object(app.current_request)
    return json_response(wiring.service().act(site, comment_id, data.get("action"), data.get("version"), data.get("content")))


@moderation("POST", "/sites/{site}/moderation/comments/{comment_id}/reply", body={JSON: "ReplyRequest"},
            answers={201: "ModeratorComment"}, errors=(400, 404, 409, 422, 503))
@guarded
def moderation_reply(site: str, comment_id: str) -> Response:
    """The site's reply to an approved comment: published at once, `moderator: true`, under the token's name."""
    name = moderator(app.current_request, site)
    return json_response(wiring.service().reply(site, comment_id, name, json_object(app.current_request).get("content")), 201)


@moderation("DELETE", "/sites/{site}/moderation/comments/{comment_id}", answers={204: None}, errors=(400, 404, 409, 503))
@guarded
def moderation_delete(site: str, comment_id: str) -> Response:
    """Delete a comment for good."""
    moderator(app.current_request, site)
    wiring.service().delete(site, comment_id)
    return no_content()


@moderation("POST", "/sites/{site}/moderation/bulk", body={JSON: "BulkAction"}, answers={200: "BulkResult"},
            errors=(400, 404, 409, 422, 503))
@guarded
def moderation_bulk(site: str) -> Response:
    """One action (or delete) on up to 100 comments."""
    moderator(app.current_request, site)
    data = json_object(app.current_request)
    return json_response(wiring.service().bulk(site, data.get("action"), data.get("ids")))


@moderation("GET", "/sites/{site}/moderation/stats", answers={200: "ModerationStats"}, errors=(400, 404, 503))
@guarded
def moderation_stats(site: str) -> Response:
    """Counts of each status (up to 1,000) and the discarded comments of the last 7 days, by reason."""
    moderator(app.current_request, site)
    return json_response(wiring.service().stats(site))


@moderation("POST", "/sites/{site}/moderation/empty", body={JSON: "EmptyRequest"}, answers={200: "EmptyResult"},
            errors=(400, 404, 422, 503))
@guarded
def moderation_empty(site: str) -> Response:
    """Delete one page of the spam or trash queue for good; repeat with `cursor` while next_cursor is set."""
    moderator(app.current_request, site)
    data = json_object(app.current_request)
    return json_response(wiring.service().empty(site, data.get("status"), data.get("cursor")))


@moderation("POST", "/sites/{site}/moderation/erase", body={JSON: "EraseRequest"}, answers={200: "EraseResult"},
            errors=(400, 404, 422, 503))
@guarded
def moderation_erase(site: str) -> Response:
    """Erase every comment and stored datum of an email address on this site (right to erasure)."""
    moderator(app.current_request, site)
    return json_response(wiring.service().erase(site, json_object(app.current_request).get("email")))


@moderation("POST", "/sites/{site}/moderation/export", body={JSON: "EraseRequest"}, answers={200: "PersonExport"},
            errors=(400, 404, 422, 503))
@guarded
def moderation_export(site: str) -> Response:
    """One person's data (a GDPR access request): every comment of an email address on this site, full view."""
    moderator(app.current_request, site)
    return json_response(wiring.service().export_person(site, json_object(app.current_request).get("email")))


@moderation("POST", "/sites/{site}/moderation/posts/{post_id}", body={JSON: "PostClosing"}, answers={200: "PostState"},
            errors=(400, 404, 422, 503))
@guarded
def moderation_post(site: str, post_id: str) -> Response:
    """Close a post to new comments, or open it again (outranks the site's close-after-days rule)."""
    moderator(app.current_request, site)
    return json_response(wiring.service().set_closed(site, unquote(post_id), json_object(app.current_request).get("closed")))


# Pages, avatars and static files, the OpenAPI document, and moderator mail live in blueprints of their own.
from chalicelib.web.routes import web  # noqa: E402
from chalicelib.openapi import api_docs  # noqa: E402
from chalicelib.notify import notify  # noqa: E402

for blueprint in (web, api_docs, notify):
    app.register_blueprint(blueprint)
