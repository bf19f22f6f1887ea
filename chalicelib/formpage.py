"""The HTML answer to a plain form post that failed: every problem named, the form filled in again."""
from __future__ import annotations

from html import escape

FIELD_LABELS = {
    "author": "Name",
    "email": "Email",
    "url": "Website",
    "content": "Comment",
    "post_id": "Post",
    "parent_id": "Reply to",
    "post_url": "Post address",
    "body": "Form",
}
# Field -> the name the form posts it under (WordPress's names where it has one).
FORM_NAMES = {"post_id": "comment_post_ID", "parent_id": "comment_parent", "content": "comment"}
HIDDEN = ("post_id", "parent_id", "post_url", "redirect_to", "form_token")


def error_page(
    *, title: str, problems: dict[str, str], values: dict[str, str], action: str, status: int
) -> str:
    """A page that says what went wrong, field by field, above the form with everything typed kept."""

    def value(name: str) -> str:
        return escape(values.get(name) or "", quote=True)

    def invalid(name: str) -> str:
        return ' aria-invalid="true" aria-describedby="err-%s"' % name if name in problems else ""

    items = "".join(
        f'<li id="err-{escape(field)}"><a href="#f-{escape(field)}">{escape(FIELD_LABELS.get(field, field))}</a>: '
        f"{escape(message)}</li>"
        for field, message in problems.items()
    )
    hidden = "".join(
        f'<input type="hidden" name="{FORM_NAMES.get(name, name)}" value="{value(name)}">'
        for name in HIDDEN
        if values.get(name)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>
body{{font:17px/1.55 Georgia,serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}}
.problems{{border-left:4px solid #b3261e;background:#fdf0ef;padding:.6rem 1rem}}
label{{display:block;margin-top:.8rem;font-family:system-ui,sans-serif;font-size:.95rem}}
input,textarea{{width:100%;box-sizing:border-box;font:inherit;padding:.4rem}}
[aria-invalid=true]{{border:2px solid #b3261e}}
button{{margin-top:1rem;font:inherit;padding:.5rem 1.2rem}}
</style></head>
<body><main>
<h1>{escape(title)}</h1>
<div class="problems" role="alert" aria-live="assertive"><p>Your comment was not posted yet ({status}).
Nothing you wrote is lost: fix what is listed and send it again.</p><ul>{items}</ul></div>
<form method="post" action="{escape(action, quote=True)}">
<label for="f-author">Name *</label>
<input id="f-author" name="author" required maxlength="245" autocomplete="name" value="{value('author')}"{invalid('author')}>
<label for="f-email">Email * <small>(will not be published)</small></label>
<input id="f-email" name="email" type="email" required maxlength="100" autocomplete="email" value="{value('email')}"{invalid('email')}>
<label for="f-url">Website</label>
<input id="f-url" name="url" type="url" maxlength="200" autocomplete="url" value="{value('url')}"{invalid('url')}>
<label for="f-content">Comment *</label>
<textarea id="f-content" name="comment" rows="8" required maxlength="65525"{invalid('content')}>{value('content')}</textarea>
{hidden}
<button type="submit">Post Comment</button>
</form></main></body></html>"""
