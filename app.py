"""replybox's HTTP routes: each reads the request, calls one service function and answers.

How a request is read, answered, and how a domain error becomes its status: chalicelib/api/.
"""
from __future__ import annotations

from chalice import Chalice, Response

from chalicelib import wiring
from chalicelib.api.answers import cors_headers, json_response, no_content, preflight, public_json
from chalicelib.api.error_table import guarded
from chalicelib.api.reading import FORM, JSON, json_object, moderator, require_valid_slug
from chalicelib.api.request_log import request_log

app = Chalice(app_name="replybox")
app.api.binary_types = []  # every answer is text; never base64 a body
app.middleware("http")(request_log)


# ---- submitting ---------------------------------------------------------------------------------------
@app.route("/sites/{site}/comments", methods=["POST"], content_types=[JSON, FORM])
def submit_comment(site: str) -> Response:
    """Take a comment from a JSON client (201) or a plain HTML form (303 to the post)."""
    from chalicelib.api.submission import submit

    return submit(app.current_request, site)


@app.route("/sites/{site}/comments", methods=["OPTIONS"])
def submit_preflight(site: str) -> Response:
    return preflight(app.current_request, site, "POST, OPTIONS")


@app.route("/sites/{site}/form-token", methods=["GET"])
@guarded
def form_token(site: str) -> Response:
    """A signed token that dates the form: the spam engine's time check."""
    require_valid_slug(site)
    return json_response(wiring.service().form_token(site), 200, cors_headers(app.current_request, site))


@app.route("/sites/{site}/form-token", methods=["OPTIONS"])
def form_token_preflight(site: str) -> Response:
    return preflight(app.current_request, site, "GET, OPTIONS")


# ---- public reading ---------------------------------------------------------------------------------------
@app.route("/sites/{site}/posts/{post_id}/comments", methods=["GET"])
@guarded
def public_comments(site: str, post_id: str) -> Response:
    """Approved comments of a post, oldest first."""
    require_valid_slug(site)
    from urllib.parse import unquote

    query = app.current_request.query_params or {}
    page = wiring.service().list_public(site, unquote(post_id), query.get("limit", 50), query.get("cursor"))
    return public_json(app.current_request, page, cors_headers(app.current_request, site))


@app.route("/sites/{site}/posts/{post_id}/comments", methods=["OPTIONS"])
def public_comments_preflight(site: str, post_id: str) -> Response:
    return preflight(app.current_request, site, "GET, OPTIONS")


@app.route("/sites/{site}/counts", methods=["GET"])
@guarded
def counts(site: str) -> Response:
    """Approved comment counts of the posts named by repeated post_id parameters."""
    require_valid_slug(site)
    query = app.current_request.query_params
    # Chalice's getlist raises KeyError for a name that is not there at all.
    post_ids = list(dict.fromkeys(query.getlist("post_id"))) if query and "post_id" in query else []
    return public_json(app.current_request, wiring.service().counts(site, post_ids), cors_headers(app.current_request, site))


@app.route("/sites/{site}/counts", methods=["OPTIONS"])
def counts_preflight(site: str) -> Response:
    return preflight(app.current_request, site, "GET, OPTIONS")


@app.route("/sites/{site}/origin-check", methods=["GET"])
def origin_check(site: str) -> Response:
    """Whether the request's Origin may use the site (the widget asks after a call CORS blocked)."""
    from chalicelib.api.answers import origin_check

    return origin_check(app.current_request, site)


# ---- moderation ---------------------------------------------------------------------------------------------
@app.route("/sites/{site}/moderation/comments", methods=["GET"])
@guarded
def moderation_queue(site: str) -> Response:
    """The queue of one status, newest first."""
    moderator(app.current_request, site)
    query = app.current_request.query_params or {}
    page = wiring.service().queue(site, query.get("status", "pending"), query.get("limit", 50), query.get("cursor"))
    return json_response(page)


@app.route("/sites/{site}/moderation/comments/{comment_id}", methods=["GET"])
@guarded
def moderation_get(site: str, comment_id: str) -> Response:
    moderator(app.current_request, site)
    return json_response(wiring.service().get(site, comment_id))


@app.route("/sites/{site}/moderation/comments/{comment_id}", methods=["POST"], content_types=[JSON])
@guarded
def moderation_act(site: str, comment_id: str) -> Response:
    """approve / hold / spam / ham / trash / restore / edit (with `content`), if the comment is still at `version`."""
    moderator(app.current_request, site)
    from chalicelib.models import ModerationAction

    action = ModerationAction.model_validate(json_object(app.current_request))
    return json_response(wiring.service().act(site, comment_id, action.action, action.version, action.content))


@app.route("/sites/{site}/moderation/comments/{comment_id}/reply", methods=["POST"], content_types=[JSON])
@guarded
def moderation_reply(site: str, comment_id: str) -> Response:
    """The site's reply to an approved comment, published at once under the token's name."""
    name = moderator(app.current_request, site)
    from chalicelib.models import ReplyRequest

    reply = ReplyRequest.model_validate(json_object(app.current_request))
    return json_response(wiring.service().reply(site, comment_id, name, reply.content), 201)


@app.route("/sites/{site}/moderation/comments/{comment_id}", methods=["DELETE"])
@guarded
def moderation_delete(site: str, comment_id: str) -> Response:
    moderator(app.current_request, site)
    wiring.service().delete(site, comment_id)
    return no_content()


@app.route("/sites/{site}/moderation/bulk", methods=["POST"], content_types=[JSON])
@guarded
def moderation_bulk(site: str) -> Response:
    moderator(app.current_request, site)
    data = json_object(app.current_request)
    return json_response(wiring.service().bulk(site, data.get("action"), data.get("ids")))


@app.route("/sites/{site}/moderation/stats", methods=["GET"])
@guarded
def moderation_stats(site: str) -> Response:
    """Counts of each tab and the discarded comments of the last 7 days (counts only)."""
    moderator(app.current_request, site)
    return json_response(wiring.service().stats(site))


@app.route("/sites/{site}/moderation/empty", methods=["POST"], content_types=[JSON])
@guarded
def moderation_empty(site: str) -> Response:
    """Delete one page of the spam or trash queue for good; repeat with `cursor` while next_cursor is set."""
    moderator(app.current_request, site)
    from chalicelib.models import EmptyRequest

    request = EmptyRequest.model_validate(json_object(app.current_request))
    return json_response(wiring.service().empty(site, request.status, request.cursor))


@app.route("/sites/{site}/moderation/erase", methods=["POST"], content_types=[JSON])
@guarded
def moderation_erase(site: str) -> Response:
    """Right to erasure: every comment and datum of an email address on this site."""
    moderator(app.current_request, site)
    return json_response(wiring.service().erase(site, json_object(app.current_request).get("email")))


@app.route("/sites/{site}/moderation/export", methods=["POST"], content_types=[JSON])
@guarded
def moderation_export(site: str) -> Response:
    """Right of access: every comment of an email address on this site, in the full view."""
    moderator(app.current_request, site)
    return json_response(wiring.service().export_person(site, json_object(app.current_request).get("email")))


@app.route("/sites/{site}/moderation/posts/{post_id}", methods=["POST"], content_types=[JSON])
@guarded
def moderation_post(site: str, post_id: str) -> Response:
    """Close a post to new comments, or open it again: {"closed": true|false}."""
    moderator(app.current_request, site)
    from urllib.parse import unquote

    return json_response(wiring.service().set_closed(site, unquote(post_id), json_object(app.current_request).get("closed")))


# Pages, avatars and static files, the OpenAPI document, and moderator mail live in blueprints of their own.
from chalicelib.web.routes import web  # noqa: E402
from chalicelib.openapi import api_docs  # noqa: E402
from chalicelib.notify import notify  # noqa: E402

app.register_blueprint(web)
app.register_blueprint(api_docs)
app.register_blueprint(notify)
