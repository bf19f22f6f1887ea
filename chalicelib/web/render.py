"""HTML pages from Jinja2 templates (autoescape on): one layout, one CSP table, the headers every page carries.

Each language has its own environment, whose `_` / `ngettext` read that language's catalog (chalicelib/i18n)
and whose `lang` / `dir` the layout writes on <html>. A translation is text: autoescape applies to it too.

Only a route that renders a page imports this module, so Jinja2 never loads on the JSON path.
"""
from __future__ import annotations

import html
import os
from functools import cache
from typing import Any

from chalice import Response

from chalicelib import i18n
from chalicelib.web import assets

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")

# Each kind of page and its Content-Security-Policy. No page has inline script or style.
CSP = {
    # The demo blog and the moderation page: scripts, styles and API calls of this origin only.
    "blog": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    # The form error page: its corrected form posts back here, and that answer's 303 leads to the blog's
    # own origin (Chromium applies form-action to the redirect too), hence `*`.
    "form": "default-src 'none'; style-src 'self'; img-src 'self'; form-action *; frame-ancestors 'none'; "
    "base-uri 'none'",
    # The mailed-link pages: their one button posts to the page's own address.
    "link": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
}


def _attribute_safe(value: Any) -> Any:
    """Escape with html.escape (quotes as &quot;), the same way everywhere; Markup passes as it is."""
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value
    from markupsafe import Markup

    return Markup(html.escape(str(value), quote=True))


@cache
def environment(lang: str = i18n.DEFAULT) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_attribute_safe,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalog = i18n.translations(lang)
    env.globals.update(asset=assets.url, _=catalog.gettext, ngettext=catalog.ngettext, lang=lang, dir=i18n.direction(lang))
    return env


def render(template: str, lang: str = i18n.DEFAULT, **context: Any) -> str:
    """The template in a language (a shipped one; anything else is English)."""
    return environment(i18n.language(lang)).get_template(template).render(**context)


def page(
    template: str,
    status: int = 200,
    *,
    csp: str,
    referrer_policy: str = "strict-origin-when-cross-origin",
    headers: dict | None = None,
    lang: str = i18n.DEFAULT,
    **context: Any,
) -> Response:
    """The rendered template as an HTML answer with the CSP of its kind (a key of CSP)."""
    return Response(
        body=render(template, lang, **context),
        status_code=status,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Security-Policy": CSP[csp],
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": referrer_policy,
            "Content-Language": i18n.language(lang),
            **(headers or {}),
        },
    )


def mailed_link_page(template: str, status: int, *, root: str, lang: str = i18n.DEFAULT, **context: Any) -> Response:
    """A page a mailed link opens: its token is in the URL (so no Referer, no search engine), and a
    busy 503 says when to try again."""
    return page(
        template,
        status,
        csp="link",
        referrer_policy="no-referrer",
        headers={"Retry-After": "2"} if status == 503 else None,
        lang=lang,
        root=root,
        stylesheets=("palette.css", "blog.css"),
        noindex=True,
        **context,
    )
