"""HTML of the demo blog page (post, threaded approved comments, the classic form) and the moderation page.

Everything a commenter wrote is escaped here (`content_html` comes escaped from the service); author
links keep only http(s) addresses. Pages carry a strict Content-Security-Policy: no inline script, style
or event handler; scripts and CSS come from static files of this origin.
"""
from __future__ import annotations

import re
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote, urlsplit

from chalice import Response

from chalicelib import errors, wiring
from chalicelib.web import assets
from chalicelib.web.post import demo_post

SITE = "demo"
PAGE_SIZE = 50
MAX_DEPTH = 5  # WordPress's default thread depth: deeper replies line up under the fifth level
AVATAR = re.compile(r"^[0-9a-f]{20}$")
COMMENT_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9a-fA-F:.]+\](:[0-9]{1,5})?$")
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def page_response(body: str, status: int = 200, referrer_policy: str = "strict-origin-when-cross-origin") -> Response:
    from chalicelib.responses import html_page

    return html_page(body, status, csp=CSP, headers={"X-Frame-Options": "DENY", "Referrer-Policy": referrer_policy})


# ---- the demo blog page ------------------------------------------------------------------------------------
def demo(request: Any) -> Response:
    """GET /demo[?replybox=pending][&replytocom=ID][&cpage=CURSOR]: the post, its comments and the form."""
    post = demo_post()
    query = request.query_params or {}
    listing, unavailable = _listing(post.post_id, query.get("cpage"))
    comments = listing["comments"]
    reply_to = (query.get("replytocom") or "").upper()
    reply_to = reply_to if COMMENT_ID.match(reply_to) else ""
    reply_name = next((c["author"] for c in comments if c["id"] == reply_to), "")
    notice = ""
    if query.get("replybox") == "pending":
        notice = (
            '<div class="rb-notice" role="status"><p><strong>Thank you.</strong> '
            "Your comment is awaiting moderation. It will appear here once a moderator approves it.</p></div>"
        )
    body = "\n".join(
        [
            _post_html(post),
            _comments_html(listing, unavailable),
            _form_html(post.post_id, reply_to, reply_name, _page_url(request), _form_token()),
        ]
    )
    return page_response(
        _layout(
            title=f"{post.title} – replybox demo blog",
            head=(
                f'<link rel="stylesheet" href="{assets.url("blog.css")}">\n'
                f'<link rel="stylesheet" href="{assets.url("comments.css")}">\n'
                f'<script src="{assets.url("widget.js")}" data-site="{SITE}" '
                f'data-post="{escape(post.post_id, quote=True)}" defer></script>'
            ),
            body=f"""<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><div class="wrap">
<a class="site-title" href="demo">Gentle Hands Massage</a>
<p class="site-tagline">Notes on massage, posture and everyday pain</p>
</div></header>
<main id="main" class="wrap" tabindex="-1">
{notice}
{body}
</main>
<footer class="site-footer"><div class="wrap"><p>Comments by replybox &middot; <a href="moderate">Moderate comments</a></p></div></footer>""",
        )
    )


def _listing(post_id: str, cursor: str | None) -> tuple[dict, bool]:
    """One page of approved comments; (empty page, True) when they cannot be read right now."""
    service = wiring.service()
    try:
        try:
            return service.list_public(SITE, post_id, PAGE_SIZE, cursor or None), False
        except errors.BadRequestError:  # a stale or edited ?cpage= cursor: show the first page
            return service.list_public(SITE, post_id, PAGE_SIZE, None), False
    except errors.ReplyboxError:
        return {"post_id": post_id, "count": 0, "comments": [], "next_cursor": None}, True


def _form_token() -> str:
    """A signed form token, so a form sent without JavaScript still carries its age for the spam check."""
    try:
        return wiring.service().form_token(SITE)["form_token"]
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


def _post_html(post: Any) -> str:
    parts = []
    for kind, value in post.blocks:
        if kind == "ul":
            parts.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in value) + "</ul>")
        else:
            parts.append(f"<{kind}>{escape(str(value))}</{kind}>")
    return f"""<article class="post" aria-labelledby="post-title">
<header class="post-header"><p class="post-kicker">Back care</p><h1 id="post-title">{escape(post.title)}</h1></header>
<div class="entry">
{chr(10).join(parts)}
</div>
</article>"""


def comments_title(count: int) -> str:
    return "No comments yet" if not count else f"{count} Comment" + ("" if count == 1 else "s")


def _comments_html(listing: dict, unavailable: bool) -> str:
    comments = listing["comments"]
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
        children.setdefault(parent, []).append(comment)

    def thread(parent: str | None) -> str:
        return "".join(_comment_html(c, thread(c["id"])) for c in children.get(parent, []))

    more = ""
    if listing.get("next_cursor"):
        cursor = escape(listing["next_cursor"], quote=True)
        more = (
            f'<p class="rb-more"><a class="rb-more-link" href="?cpage={quote(listing["next_cursor"], safe="")}#comments" '
            f'data-cursor="{cursor}">Newer comments</a></p>'
        )
    problem = (
        '<p class="rb-unavailable" role="status">Comments cannot be shown right now. Please try again in a minute.</p>'
        if unavailable
        else ""
    )
    return f"""<section id="comments" class="rb-comments" aria-labelledby="comments-title" data-rendered="server" data-count="{int(listing.get('count') or 0)}">
<h2 id="comments-title" class="rb-title">{comments_title(int(listing.get('count') or 0))}</h2>
{problem}<ol class="rb-thread">{thread(None)}</ol>
{more}"""


def safe_href(url: str | None) -> str:
    """The address if it is an absolute http(s) URL, else "" (javascript:, data:, odd spacing...)."""
    if not isinstance(url, str) or not url or any(ord(ch) <= 32 or ch == "\\" for ch in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else ""


def format_time(iso: str) -> str:
    try:
        moment = datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S")
    except (TypeError, ValueError):
        return escape(str(iso))
    # The widget rewrites it in the reader's zone and locale with the same fields (widget.js, formatDate).
    return f"{moment.day} {moment:%B} {moment.year} at {moment:%H:%M} UTC"


def _comment_html(comment: dict, replies: str) -> str:
    cid = escape(comment["id"], quote=True)
    author = escape(comment["author"])
    href = safe_href(comment.get("url"))
    name = f'<a href="{escape(href, quote=True)}" rel="nofollow ugc noopener">{author}</a>' if href else author
    avatar_id = comment.get("avatar") or ""
    avatar = (
        f'<img class="rb-avatar" src="avatars/{avatar_id}.svg" alt="" width="44" height="44" loading="lazy">'
        if AVATAR.match(avatar_id)
        else '<span class="rb-avatar" aria-hidden="true"></span>'
    )
    return f"""<li id="comment-{cid}" class="rb-comment">
<article class="rb-body" aria-label="Comment by {escape(comment['author'], quote=True)}">
<footer class="rb-meta">{avatar}<b class="rb-author">{name}</b>
<a class="rb-date" href="#comment-{cid}"><time datetime="{escape(comment['created_at'], quote=True)}">{format_time(comment['created_at'])}</time></a></footer>
<div class="rb-content">{comment['content_html']}</div>
<a class="rb-reply" href="?replytocom={cid}#respond" data-reply-to="{cid}" aria-label="Reply to {escape(comment['author'], quote=True)}">Reply</a>
</article>
<ol class="rb-children">{replies}</ol>
</li>"""


def _form_html(post_id: str, reply_to: str, reply_name: str, page_url: str, form_token: str) -> str:
    heading = "Leave a Reply"
    if reply_to:
        heading += f" to {escape(reply_name)}" if reply_name else " to a comment"
    cancel_hidden = "" if reply_to else " hidden"
    token = f'\n<input type="hidden" name="form_token" value="{escape(form_token, quote=True)}">' if form_token else ""
    redirect = f'\n<input type="hidden" name="redirect_to" value="{escape(page_url, quote=True)}">' if page_url else ""
    return f"""<div id="respond" class="rb-respond">
<h3 id="reply-title" class="rb-reply-title"><span class="rb-reply-heading">{heading}</span>
<small><a id="cancel-comment-reply-link" href="?#respond"{cancel_hidden}>Cancel reply</a></small></h3>
<form action="sites/{SITE}/comments" method="post" id="commentform" class="rb-form">
<p class="comment-notes"><span id="email-notes">Your email address will not be published.</span>
<span class="required-field-message">Required fields are marked <span class="required">*</span></span></p>
<div class="rb-form-status" role="alert" aria-live="assertive"></div>
<p class="comment-form-author"><label for="author">Name <span class="required" aria-hidden="true">*</span></label>
<input id="author" name="author" type="text" maxlength="245" autocomplete="name" required></p>
<p class="comment-form-email"><label for="email">Email <span class="required" aria-hidden="true">*</span></label>
<input id="email" name="email" type="email" maxlength="100" autocomplete="email" aria-describedby="email-notes" required></p>
<p class="comment-form-url"><label for="url">Website</label>
<input id="url" name="url" type="url" maxlength="200" autocomplete="url"></p>
<p class="comment-form-comment"><label for="comment">Comment <span class="required" aria-hidden="true">*</span></label>
<textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>
<p class="rb-hp" hidden aria-hidden="true"><label>Leave this empty
<textarea name="ak_hp_textarea" cols="45" rows="2" maxlength="100" tabindex="-1" autocomplete="off"></textarea></label></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment">
<input type="hidden" name="comment_post_ID" value="{escape(post_id, quote=True)}" id="comment_post_ID">
<input type="hidden" name="comment_parent" id="comment_parent" value="{escape(reply_to or '0', quote=True)}"></p>{redirect}{token}
</form>
</div>
</section>"""


# ---- the moderation page ------------------------------------------------------------------------------------
def moderate() -> Response:
    """A static shell; moderate.js signs in with the pasted token and drives the moderation API."""
    return page_response(
        _layout(
            title="Moderate comments – replybox",
            head=(
                '<meta name="referrer" content="no-referrer">\n'
                f'<link rel="stylesheet" href="{assets.url("moderate.css")}">\n'
                f'<script src="{assets.url("moderate.js")}" defer></script>'
            ),
            body=MODERATE_BODY,
        ),
        referrer_policy="no-referrer",
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
<button type="button" role="tab" id="tab-pending" data-status="pending" aria-controls="panel">Pending</button>
<button type="button" role="tab" id="tab-approved" data-status="approved" aria-controls="panel">Approved</button>
<button type="button" role="tab" id="tab-spam" data-status="spam" aria-controls="panel">Spam</button>
<button type="button" role="tab" id="tab-trash" data-status="trash" aria-controls="panel">Trash</button>
</div>
<div id="panel" role="tabpanel" aria-labelledby="tab-pending">
<div class="bulk" role="group" aria-label="Selected comments">
<label class="check"><input type="checkbox" id="select-all"> Select all</label>
<span id="selected-count" class="muted">0 selected</span>
<span id="bulk-actions" class="actions"></span>
</div>
<ol id="items" class="items"></ol>
<p id="empty" class="empty" hidden>Nothing here.</p>
<p><button type="button" id="more" hidden>Load more</button></p>
</div>
<details class="help"><summary>Keyboard shortcuts</summary>
<dl><dt><kbd>j</kbd> / <kbd>k</kbd></dt><dd>next / previous comment</dd><dt><kbd>x</kbd></dt><dd>select the comment</dd>
<dt><kbd>a</kbd></dt><dd>approve</dd><dt><kbd>s</kbd></dt><dd>spam</dd><dt><kbd>d</kbd></dt><dd>trash</dd></dl>
<p>The keys act on the comment that has focus; the buttons above the list act on the selected ones.
They do nothing while you type in a field.</p></details>
</section>
</main>"""


def _layout(*, title: str, head: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="icon" href="{assets.url("favicon.svg")}" type="image/svg+xml">
{head}
</head>
<body>
{body}
</body>
</html>
"""
