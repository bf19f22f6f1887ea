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
    """A page that says what went wrong, field by field, above the form with everything typed kept.

    Its CSP allows only inline style, so the blog's look is repeated here rather than linked. An `action`
    that is a route pattern (Chalice's request.path is "/sites/{site}/comments") becomes "", which posts
    back to the address this page answered: the comment route itself, under any stage prefix.
    """
    if "{" in action:
        action = ""

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
:root{{--ink:#1f2328;--muted:#5b6169;--line:#e3dfd6;--accent:#2f6b5a;--error:#b3261e;--sans:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}}
*{{box-sizing:border-box}}
body{{margin:0;background:#fbfaf7;color:var(--ink);font:1.0625rem/1.6 Charter,"Bitstream Charter",Cambria,"Noto Serif","DejaVu Serif",Georgia,serif}}
main{{max-width:44rem;margin:0 auto;padding:2rem 1.25rem 3rem}}
h1{{font:700 clamp(1.6rem,1.2rem + 2vw,2.2rem)/1.2 var(--sans);margin:0 0 1.2rem;letter-spacing:-.01em}}
a{{color:var(--accent)}}
:focus-visible{{outline:3px solid #1a56db;outline-offset:2px}}
.problems{{border-left:4px solid var(--error);background:#fdecea;color:#5f1711;padding:.8rem 1.1rem;border-radius:8px;font-family:var(--sans);font-size:.98rem}}
.problems p{{margin:0 0 .4rem}}
.problems ul{{margin:0;padding-left:1.2rem}}
.problems a{{color:#7a1c15;font-weight:700}}
form{{margin-top:1.5rem;background:#fff;border:1px solid var(--line);border-radius:12px;padding:1.1rem 1.3rem 1.3rem;font-family:var(--sans)}}
.notes{{color:var(--muted);font-size:.92rem;margin:0 0 .4rem}}
label{{display:block;margin-top:.9rem;margin-bottom:.3rem;font-weight:600;font-size:.95rem}}
label small{{font-weight:400;color:var(--muted)}}
input,textarea{{display:block;width:100%;font:1rem/1.45 var(--sans);color:var(--ink);padding:.55rem .7rem;border:1px solid #b9b4aa;border-radius:8px;background:#fff}}
textarea{{min-height:9rem;resize:vertical}}
[aria-invalid=true]{{border:2px solid var(--error)}}
button{{margin-top:1.2rem;font:600 1rem/1 var(--sans);padding:.75rem 1.4rem;border:0;border-radius:8px;background:var(--accent);color:#fff;cursor:pointer}}
@media (max-width:30rem){{main{{padding:1.2rem 1rem 2rem}}form{{padding:.9rem}}}}
</style></head>
<body><main>
<h1>{escape(title)}</h1>
<div class="problems" role="alert" aria-live="assertive"><p>Your comment was not posted yet ({status}).
Nothing you wrote is lost: fix what is listed and send it again.</p><ul>{items}</ul></div>
<form method="post" action="{escape(action, quote=True)}">
<p class="notes">Your email address will not be published. Required fields are marked *</p>
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
