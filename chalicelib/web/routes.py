"""Routes of the browser side: the demo blog post, the moderation page, mailed links, the widget, static files."""
from __future__ import annotations

from chalice import Blueprint, Response

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
