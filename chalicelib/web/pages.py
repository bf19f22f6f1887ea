"""The demo blog page (post, threaded approved comments, the classic form) and the moderation page.

Templates escape everything (`content_html` comes escaped from the service); author links keep only
http(s) addresses. Pages carry a strict Content-Security-Policy (render.CSP): no inline script, style
or event handler; scripts and CSS come from static files of this origin.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from chalice import Response

from chalicelib import errors, i18n, wiring
from chalicelib.moderation import is_origin_number
from chalicelib.web import render
from chalicelib.web.post import demo_post

SITE = "demo"
PAGE_SIZE = 50
MAX_DEPTH = 5  # WordPress's default thread depth: deeper replies line up under the fifth level
AVATAR = re.compile(r"^[0-9a-f]{20}$")
COMMENT_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9a-fA-F:.]+\](:[0-9]{1,5})?$")
BLOG_STYLES = ("palette.css", "blog.css", "comments.css")


# ---- the demo blog page ------------------------------------------------------------------------------------
def demo(request: Any) -> Response:
    """GET /demo[?replybox=pending][&replytocom=ID][&cpage=CURSOR]: the post, its comments and the form."""
    post = demo_post()
    query = request.query_params or {}
    listing, unavailable = _listing(post.post_id, query.get("cpage"))
    comments = listing["comments"]
    reply_to = (query.get("replytocom") or "").upper()
    # An imported comment's old number (?replytocom=123) is what links made before the move carry.
    reply_to = reply_to if COMMENT_ID.match(reply_to) or is_origin_number(reply_to) else ""
    replied = next((c for c in comments if reply_to in (c["id"], c.get("origin_id"))), None)
    reply_name = replied["author"] if replied else ""
    hidden = [("comment_post_ID", post.post_id), ("comment_parent", reply_to or "0"), ("post_title", post.title)]
    page_url, token = _page_url(request), _form_token()
    hidden += [("redirect_to", page_url)] if page_url else []
    hidden += [("form_token", token)] if token else []
    count = int(listing.get("count") or 0)
    cursor = listing.get("next_cursor")
    lang = site_language(SITE)
    _ = i18n.translations(lang).gettext
    return render.page(
        "demo.html",
        csp="blog",
        lang=lang,
        root="",
        title=_("{title} – replybox demo blog").format(title=post.title),
        stylesheets=BLOG_STYLES,
        noindex=False,
        site=SITE,
        post=post,
        pending=query.get("replybox") == "pending",
        count=count,
        comments_title=comments_title(count, lang),
        unavailable=unavailable,
        thread=_thread(comments, lang),
        next_cursor=cursor,
        next_cursor_quoted=quote(cursor, safe="") if cursor else "",
        reply_to=reply_to,
        reply_name=reply_name,
        closed=bool(listing.get("closed")),
        hidden=hidden,
    )


FRAGMENT_MAX = 1000  # comments in one fragment: ten pages of the public listing


def comments_fragment(site: str, post_id: str, if_none_match: str | None) -> Response:
    """A post's approved thread as an escaped HTML fragment with its anchors, cacheable like the JSON."""
    from chalicelib import httpcache

    service = wiring.service()
    comments: list[dict] = []
    cursor = None
    while True:
        page = service.list_public(site, post_id, 100, cursor).model_dump(mode="json")
        comments += page["comments"]
        cursor = page["next_cursor"]
        if not cursor or len(comments) >= FRAGMENT_MAX:
            break
    count = int(page["count"])
    lang = site_language(site)
    body = render.render(
        "comments_fragment.html",
        lang,
        thread=_thread(comments, lang),
        count=count,
        comments_title=comments_title(count, lang),
        closed=bool(page.get("closed")),
    )
    etag = httpcache.etag_of(body)
    headers: dict[str, str | list[str]] = {
        "Cache-Control": httpcache.PUBLIC_READ,
        "ETag": etag,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
        "Access-Control-Allow-Origin": "*",  # public, approved text only: a build script may fetch it anywhere
    }
    if httpcache.not_modified(etag, if_none_match):
        return Response(body="", status_code=304, headers=headers)
    return Response(body=body, status_code=200, headers={"Content-Type": "text/html; charset=utf-8", **headers})


def _listing(post_id: str, cursor: str | None) -> tuple[dict, bool]:
    """One page of approved comments; (empty page, True) when they cannot be read right now."""
    service = wiring.service()
    try:
        try:
            return service.list_public(SITE, post_id, PAGE_SIZE, cursor or None).model_dump(mode="json"), False
        except errors.BadRequestError:  # a stale or edited ?cpage= cursor: show the first page
            return service.list_public(SITE, post_id, PAGE_SIZE, None).model_dump(mode="json"), False
    except errors.ReplyboxError:
        return {"post_id": post_id, "count": 0, "comments": [], "next_cursor": None}, True


def _form_token() -> str:
    """A signed form token, so a form sent without JavaScript still carries its age for the spam check."""
    try:
        return wiring.service().form_token(SITE).form_token
    except errors.ReplyboxError:
        return ""


def _page_url(request: Any) -> str:
    """This page's absolute address, for redirect_to (the API only redirects to the site's origins)."""
    headers = request.headers or {}
    host = headers.get("host") or ""
    if not HOST.match(host):
        return ""
    proto = (headers.get("x-forwarded-proto") or "http").split(",")[0].strip().lower()
    proto = proto if proto in ("http", "https") else "http"
    path = (request.context or {}).get("path") or "/demo"
    return f"{proto}://{host}{path}"


def site_language(slug: str) -> str:
    """The site's language (`create-site --lang`); English when its settings cannot be read now."""
    try:
        return i18n.language(wiring.service().site(slug).lang)
    except errors.ReplyboxError:
        return i18n.DEFAULT


def comments_title(count: int, lang: str = i18n.DEFAULT) -> str:
    catalog = i18n.translations(lang)
    if not count:
        return catalog.gettext("No comments yet")
    return catalog.ngettext("{count} Comment", "{count} Comments", count).format(count=count)


def _thread(comments: list[dict], lang: str = i18n.DEFAULT) -> dict[str | None, list[dict]]:
    """parent id (None: top level) -> its replies, oldest first, as the template shows them."""
    children: dict[str | None, list[dict]] = {}
    depth: dict[str, int] = {}
    shown_under: dict[str, str | None] = {}
    for comment in comments:  # oldest first, so a parent always comes before its replies
        parent = comment.get("parent_id")
        if parent not in depth:
            parent = None
        elif depth[parent] + 1 >= MAX_DEPTH:
            parent = shown_under[parent]
        depth[comment["id"]] = 0 if parent is None else depth[parent] + 1
        shown_under[comment["id"]] = parent
        children.setdefault(parent, []).append(
            {
                **comment,
                "href": safe_href(comment.get("url")),
                "avatar_svg": _avatar_svg(comment.get("avatar")),
                "when": i18n.format_time(comment["created_at"], lang),
            }
        )
    return children


def _avatar_svg(avatar_id: str | None) -> Any:
    """The comment's identicon inline (no request per avatar), or None for an id that is not one."""
    if avatar_id is None or not AVATAR.match(avatar_id):
        return None
    from markupsafe import Markup

    from chalicelib.avatars import inline_identicon

    return Markup(inline_identicon(avatar_id))  # our own markup from a checked hex id


def safe_href(url: str | None) -> str:
    """The address if it is an absolute http(s) URL, else "" (javascript:, data:, odd spacing...)."""
    if not isinstance(url, str) or not url or any(ord(ch) <= 32 or ch == "\\" for ch in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else ""


# ---- the moderation page ------------------------------------------------------------------------------------
def moderate() -> Response:
    """A static shell; moderate.js signs in with the pasted token and drives the moderation API."""
    return render.page(
        "moderate.html",
        csp="blog",
        referrer_policy="no-referrer",
        root="",
        title="Moderate comments – replybox",
        stylesheets=("palette.css", "moderate.css"),
        noindex=True,
        body=MODERATE_BODY,
    )


MODERATE_BODY = """<a class="skip-link" href="#main">Skip to content</a>
<header class="bar"><p class="brand">replybox <span>moderation</span></p>
<p class="who" id="who" hidden><span id="who-site"></span> <button type="button" id="signout" class="link">Sign out</button></p></header>
<main id="main" tabindex="-1">
<div id="announce" class="visually-hidden" role="status" aria-live="polite"></div>
<div id="problem" class="problem" role="alert" aria-live="assertive" hidden></div>
<form id="signin" class="signin" autocomplete="off">
<h1>Moderate comments</h1>
<p>Paste a moderator token (for example the one in <code>$DATA_DIR/demo-token</code>). It is kept in this tab only
(sessionStorage) and sent only to this server.</p>
<p><label for="site">Site</label><input id="site" name="site" value="demo" required pattern="[a-z0-9\\-]{1,40}"
 spellcheck="false" autocapitalize="off"></p>
<p><label for="token">Moderator token</label><input id="token" name="token" type="password" required spellcheck="false" autocomplete="off"
 autocapitalize="off"></p>
<p><button type="submit" class="primary">Open the queue</button></p>
<noscript><p class="problem">The moderation page needs JavaScript.</p></noscript>
</form>
<section id="queue" hidden aria-labelledby="queue-title">
<h1 id="queue-title" class="visually-hidden">Moderation queue</h1>
<div class="tabs" role="tablist" aria-label="Comment status">
<button type="button" role="tab" id="tab-pending" data-status="pending" aria-controls="panel">Pending <span class="tab-count" id="count-pending"></span></button>
<button type="button" role="tab" id="tab-approved" data-status="approved" aria-controls="panel">Approved <span class="tab-count" id="count-approved"></span></button>
<button type="button" role="tab" id="tab-spam" data-status="spam" aria-controls="panel">Spam <span class="tab-count" id="count-spam"></span></button>
<button type="button" role="tab" id="tab-trash" data-status="trash" aria-controls="panel">Trash <span class="tab-count" id="count-trash"></span></button>
</div>
<div id="panel" role="tabpanel" aria-labelledby="tab-pending">
<div class="filters" role="search">
<p><label for="search">Search</label> <input type="search" id="search" placeholder="Author, email, website or text" spellcheck="false"></p>
<p><label for="post-filter">Post</label> <select id="post-filter"><option value="">All posts</option></select></p>
<p><button type="button" id="compact" aria-pressed="false">Compact list</button> <span id="shown-count" class="muted"></span></p>
</div>
<div class="bulk" role="group" aria-label="Selected comments">
<label class="check"><input type="checkbox" id="select-all"> Select all</label>
<span id="selected-count" class="muted">0 selected</span>
<span id="bulk-actions" class="actions"></span>
<button type="button" id="empty-status" class="act act-delete" hidden>Empty spam</button>
</div>
<div id="empty-confirm" class="confirm" role="alertdialog" aria-labelledby="empty-confirm-text" hidden>
<p id="empty-confirm-text"></p>
<p class="actions"><button type="button" id="empty-yes" class="act act-delete">Delete them for good</button>
<button type="button" id="empty-no" class="act">Cancel</button></p>
</div>
<ol id="items" class="items"></ol>
<p id="empty" class="empty" hidden>Nothing here.</p>
<p><button type="button" id="more" hidden>Load more</button></p>
</div>
<div id="toast" class="toast" hidden><span id="toast-text"></span> <button type="button" id="undo">Undo</button></div>
<section class="discards" aria-labelledby="discards-title">
<h2 id="discards-title">Discarded comments, last 7 days</h2>
<p class="muted">Comments the spam check was sure about are dropped without being stored: nothing of them is kept,
only how many were dropped each day and for which strongest reason. A real comment that scored too high shows up
here as a number.</p>
<p id="discard-total"></p>
<table class="discard-table"><thead><tr><th scope="col">Day (UTC)</th><th scope="col">Discarded</th><th scope="col">Strongest reasons</th></tr></thead>
<tbody id="discard-days"></tbody></table>
</section>
<details class="help"><summary>Keyboard shortcuts</summary>
<dl><dt><kbd>j</kbd> / <kbd>k</kbd></dt><dd>next / previous comment</dd><dt><kbd>x</kbd></dt><dd>select the comment</dd>
<dt><kbd>a</kbd></dt><dd>approve</dd><dt><kbd>s</kbd></dt><dd>spam</dd><dt><kbd>d</kbd></dt><dd>trash</dd>
<dt><kbd>e</kbd></dt><dd>edit the text (<kbd>Ctrl</kbd>+<kbd>Enter</kbd> saves, <kbd>Esc</kbd> cancels)</dd>
<dt><kbd>r</kbd></dt><dd>reply as the site (an approved comment; published at once)</dd>
<dt><kbd>u</kbd></dt><dd>undo the last action</dd><dt><kbd>/</kbd></dt><dd>search</dd></dl>
<p>The keys act on the comment that has focus; the buttons above the list act on the selected ones.
They do nothing while you type in a field.</p></details>
</section>
</main>"""

