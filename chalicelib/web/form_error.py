"""The HTML answer to a plain form post that failed: every problem named, the form filled in again."""
from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib import i18n
from chalicelib.i18n import deferred
from chalicelib.models import Site
from chalicelib.web import render
from chalicelib.web.pages import BLOG_STYLES

LABELS = {
    "author": deferred("Name"),
    "email": deferred("Email"),
    "url": deferred("Website"),
    "content": deferred("Comment"),
    "post_id": deferred("Post"),
    "parent_id": deferred("Reply to"),
    "post_url": deferred("Post address"),
    "body": deferred("Form"),
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
    *, site: Site | None, status: int, problems: dict[str, str], values: dict[str, Any], back_candidates: list[str],
    headers: dict | None = None, lang: str = i18n.DEFAULT,
) -> Response:
    """The demo's page with the problems above the form, everything typed kept, and a link to the post;
    in the site's language (`problems` come translated)."""
    values = {k: v for k, v in values.items() if isinstance(v, str)}
    title = deferred("Your comment needs a change") if status == 422 else deferred("Your comment was not posted")
    return render.page(
        "form_error.html",
        status,
        csp="form",
        headers=headers,
        lang=lang,
        root="../../",  # the page answers /sites/{site}/comments
        title=i18n.translate(title, lang),
        stylesheets=BLOG_STYLES,
        noindex=True,
        values=values,
        problems=problems,
        hidden=[(name, values[field]) for field, name in HIDDEN.items() if values.get(field)],
        labels={field: i18n.translate(label, lang) for field, label in LABELS.items()},
        input_ids=INPUT_IDS,
        back=_back_to_post(site, values.get("post_id") or "", back_candidates),
    )


def _back_to_post(site: Site | None, post_id: str, candidates: list[str]) -> str:
    """The post's address on the blog, when the site is known."""
    from chalicelib.moderation import post_address

    if site is None or not (post_id or any(candidates)):
        return ""
    return post_address(site, candidates, post_id)
