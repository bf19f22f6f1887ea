"""The HTML answer to a plain form post that failed: every problem named, the form filled in again."""
from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib import errors, wiring
from chalicelib.web import render
from chalicelib.web.pages import BLOG_STYLES

LABELS = {
    "author": "Name",
    "email": "Email",
    "url": "Website",
    "content": "Comment",
    "post_id": "Post",
    "parent_id": "Reply to",
    "post_url": "Post address",
    "body": "Form",
}
INPUT_IDS = {"author": "author", "email": "email", "url": "url", "content": "comment"}
# What the form carries unseen, under the names it posts them (WordPress's where it has one).
HIDDEN = {
    "post_id": "comment_post_ID",
    "parent_id": "comment_parent",
    "post_url": "post_url",
    "redirect_to": "redirect_to",
    "form_token": "form_token",
}


def error_page(
    *, slug: str, status: int, problems: dict[str, str], values: dict[str, Any], back_candidates: list[str],
    headers: dict | None = None,
) -> Response:
    """The demo's page with the problems above the form, everything typed kept, and a link to the post."""
    values = {k: v for k, v in values.items() if isinstance(v, str)}
    return render.page(
        "form_error.html",
        status,
        csp="form",
        headers=headers,
        root="../../",  # the page answers /sites/{site}/comments
        title="Your comment needs a change" if status == 422 else "Your comment was not posted",
        stylesheets=BLOG_STYLES,
        noindex=True,
        values=values,
        problems=problems,
        hidden=[(name, values[field]) for field, name in HIDDEN.items() if values.get(field)],
        labels=LABELS,
        input_ids=INPUT_IDS,
        back=_back_to_post(slug, status, values.get("post_id") or "", back_candidates),
    )


def _back_to_post(slug: str, status: int, post_id: str, candidates: list[str]) -> str:
    """The post's address on the blog, when the site is known (never a second wait on busy storage)."""
    from chalicelib.moderation import post_address

    try:
        service = wiring.service()
        site = service.cached_site(slug)
        if site is None and status not in (500, 503):
            site = service.site(slug)
    except errors.ReplyboxError:
        site = None
    if site is None or not (post_id or any(candidates)):
        return ""
    return post_address(site, candidates, post_id)
