"""Routes of the browser side: the demo post, the moderation page, mailed links, the widget, avatars, static files."""
from __future__ import annotations

import re

from functools import partial

from chalice import Blueprint, Response

from chalicelib import errors
from chalicelib.api.contract import ANY_BODY, ETAG, HTML, NOT_MODIFIED, PAGE, VERSION, Answer, Param, route
from chalicelib.api.error_table import guarded

web = Blueprint(__name__)
page = partial(route, web, tag="pages", kind="page")
asset = partial(route, web, tag="assets", kind="asset")
SCRIPT = Answer(media=("text/javascript",))


@page("GET", "/demo", answers={200: PAGE}, params=(
    Param("replybox", "query", {"type": "string"}, "`pending` shows the awaiting-moderation note"),
    Param("replytocom", "query", {"type": "string"}, "Reply to this comment"),
    Param("cpage", "query", {"type": "string"}, "Cursor of a later page of comments"),
))
def demo_page() -> Response:
    """The demo blog post with its approved comments and the classic "Leave a Reply" form."""
    from chalicelib.web import pages

    return pages.demo(web.current_request)


@page("GET", "/moderate", answers={200: PAGE})
def moderate_page() -> Response:
    """The moderation page (it works from a token the moderator pastes, kept in sessionStorage)."""
    from chalicelib.web import pages

    return pages.moderate()


@asset("GET", "/widget.js", params=(VERSION, ETAG), answers={200: SCRIPT, 304: NOT_MODIFIED})
def widget_script() -> Response:
    """The embeddable comment widget."""
    from chalicelib.web import assets

    request = web.current_request
    return assets.serve("widget.js", request.query_params, request.headers)


@asset("GET", "/count.js", params=(VERSION, ETAG), answers={200: SCRIPT, 304: NOT_MODIFIED})
def count_script() -> Response:
    """Comment counts for index pages: fills every element with data-replybox-count (one counts request)."""
    from chalicelib.web import assets

    request = web.current_request
    return assets.serve("count.js", request.query_params, request.headers)


@asset("GET", "/static/{name}", params=(VERSION, ETAG), answers={
    200: Answer(media=("text/css", "text/javascript")), 304: NOT_MODIFIED,
    404: Answer(media=("text/plain",), description="No such file")})
def static_file(name: str) -> Response:
    """A static file of the browser side (CSS, scripts)."""
    from chalicelib.web import assets

    request = web.current_request
    return assets.serve(name, request.query_params, request.headers)


@page("GET", "/sites/{site}/posts/{post_id}/comments.html", tag="comments", params=(ETAG,),
      answers={200: PAGE, 304: NOT_MODIFIED}, errors=(400, 404, 503))
@guarded
def public_comments_fragment(site: str, post_id: str) -> Response:
    """The approved thread as an escaped HTML fragment with id="comment-…" anchors, for a static site's build."""
    from urllib.parse import unquote

    from chalicelib.api.reading import require_valid_slug
    from chalicelib.web import pages

    require_valid_slug(site)
    return pages.comments_fragment(site, unquote(post_id), web.current_request.headers.get("if-none-match"))


@page("GET", "/sites/{site}/moderation/links/{token}", tag="moderation", answers={200: PAGE},
      errors=(403, 404, 409, 410, 503), error_media=(HTML,))
def moderation_link_page(site: str, token: str) -> Response:
    """Confirmation page of a mailed one-click link (approve, spam, delete; reply: its form); changes nothing
    (mail scanners follow links)."""
    from chalicelib.web.links import link_page

    return link_page(site, token, act=False)


@page("POST", "/sites/{site}/moderation/links/{token}", tag="moderation", body=dict.fromkeys(ANY_BODY, ""),
      body_required=False, answers={200: PAGE}, errors=(403, 404, 409, 410, 422, 503), error_media=(HTML,))
def moderation_link_act(site: str, token: str) -> Response:
    """Carry out the mailed action if the comment is still at the version the link was made for (a reply
    link: publish the reply its form sent)."""
    from chalicelib.api.reading import is_form, read_body
    from chalicelib.web.links import link_page

    form: dict = {}
    if is_form(web.current_request):
        try:
            form = read_body(web.current_request)
        except errors.ReplyboxError:  # an unreadable form is an empty one: the page asks again
            form = {}
    return link_page(site, token, act=True, form=form)


@page("GET", "/sites/{site}/subscriptions/{token}", tag="comments", answers={200: PAGE},
      errors=(403, 410, 503), error_media=(HTML,))
def subscription_link_page(site: str, token: str) -> Response:
    """A reader's mailed link (confirm reply notifications, or stop them): a page with one button; changes nothing."""
    from chalicelib.web.subscriptions import subscription_page

    return subscription_page(site, token, act=False)


@page("POST", "/sites/{site}/subscriptions/{token}", tag="comments", body=dict.fromkeys(ANY_BODY, ""),
      body_required=False, answers={200: PAGE}, errors=(403, 404, 410, 503), error_media=(HTML,))
def subscription_link_act(site: str, token: str) -> Response:
    """Confirm or stop reply notifications: the page's button, or a mail client's RFC 8058 one-click POST."""
    from chalicelib.web.subscriptions import subscription_page

    return subscription_page(site, token, act=True)


@asset("GET", "/avatars/{avatar}", answers={200: Answer(media=("image/svg+xml",))}, errors=(404,))
@guarded
def avatar(avatar: str) -> Response:
    """An identicon drawn from a keyed avatar id, never a hash of the email: no third party learns who reads the page."""
    from chalicelib.avatars import identicon

    name = avatar[:-4] if avatar.endswith(".svg") else avatar
    if not re.fullmatch(r"[0-9a-f]{20}", name):
        raise errors.NotFoundError("no such avatar")
    return Response(
        body=identicon(name),
        status_code=200,
        headers={"Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=31536000, immutable"},
    )
