"""Routes of the browser side: the demo post, the moderation page, mailed links, the widget, avatars, static files."""
from __future__ import annotations

import re

from chalice import Blueprint, Response

from chalicelib import errors
from chalicelib.api.error_table import guarded

web = Blueprint(__name__)


@web.route("/demo", methods=["GET"])
def demo_page() -> Response:
    """The demo blog post with its approved comments and the classic "Leave a Reply" form."""
    from chalicelib.web import pages

    return pages.demo(web.current_request)


@web.route("/moderate", methods=["GET"])
def moderate_page() -> Response:
    """The moderation page; it works from a token the moderator pastes (kept in sessionStorage)."""
    from chalicelib.web import pages

    return pages.moderate()


@web.route("/widget.js", methods=["GET"])
def widget_script() -> Response:
    """The embeddable comment widget."""
    from chalicelib.web import assets

    request = web.current_request
    return assets.serve("widget.js", request.query_params, request.headers)


@web.route("/count.js", methods=["GET"])
def count_script() -> Response:
    """Comment counts on a blog's index pages: one counts request fills every data-replybox-count."""
    from chalicelib.web import assets

    request = web.current_request
    return assets.serve("count.js", request.query_params, request.headers)


@web.route("/static/{name}", methods=["GET"])
def static_file(name: str) -> Response:
    from chalicelib.web import assets

    request = web.current_request
    return assets.serve(name, request.query_params, request.headers)


@web.route("/sites/{site}/posts/{post_id}/comments.html", methods=["GET"])
@guarded
def public_comments_fragment(site: str, post_id: str) -> Response:
    """The approved thread as an escaped HTML fragment with anchors, for a static site's build."""
    from urllib.parse import unquote

    from chalicelib.api.reading import require_valid_slug
    from chalicelib.web import pages

    require_valid_slug(site)
    return pages.comments_fragment(site, unquote(post_id), web.current_request.headers.get("if-none-match"))


@web.route("/sites/{site}/moderation/links/{token}", methods=["GET"])
def moderation_link_page(site: str, token: str) -> Response:
    """Confirmation page of a mailed link; changes nothing (mail scanners follow links)."""
    from chalicelib.web.links import link_page

    return link_page(site, token, act=False)


@web.route(
    "/sites/{site}/moderation/links/{token}",
    methods=["POST"],
    content_types=["application/x-www-form-urlencoded", "multipart/form-data", "text/plain", "application/json"],
)
def moderation_link_act(site: str, token: str) -> Response:
    """Carry out the mailed action if the comment is still at the version the link was made for."""
    from chalicelib.web.links import link_page

    return link_page(site, token, act=True)


@web.route("/sites/{site}/subscriptions/{token}", methods=["GET"])
def subscription_link_page(site: str, token: str) -> Response:
    """A reader's mailed link (confirm or stop reply notifications): asks, changes nothing."""
    from chalicelib.web.subscriptions import subscription_page

    return subscription_page(site, token, act=False)


@web.route(
    "/sites/{site}/subscriptions/{token}",
    methods=["POST"],
    content_types=["application/x-www-form-urlencoded", "multipart/form-data", "text/plain", "application/json"],
)
def subscription_link_act(site: str, token: str) -> Response:
    """Confirm or stop: the page's button, or a mail client's RFC 8058 one-click POST."""
    from chalicelib.web.subscriptions import subscription_page

    return subscription_page(site, token, act=True)


@web.route("/avatars/{avatar}", methods=["GET"])
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
