"""Readable comments: links and a small Markdown subset in content_html, with everything else inert."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.render import LINK_REL, TAGS, comment_html

VOID = {"br"}


class Audit(HTMLParser):
    """Reads rendered HTML and records everything outside the whitelist, and whether tags balance."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, _value in attrs:
            if tag != "a" or name not in ("href", "rel"):
                self.problems.append(f"attribute {name} on <{tag}>")
        if tag == "a":
            found = dict(attrs)
            href = found.get("href") or ""
            if not href.lower().startswith(("http://", "https://")) or found.get("rel") != LINK_REL:
                self.problems.append(f"link {found}")
            self.links.append(href)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")

    def handle_comment(self, data):
        self.problems.append("comment")

    def handle_decl(self, decl):
        self.problems.append("declaration")

    def unknown_decl(self, data):
        self.problems.append("declaration")

    def handle_pi(self, data):
        self.problems.append("processing instruction")


def audit(text: str) -> Audit:
    out = comment_html(text)
    checker = Audit()
    checker.feed(out)
    checker.close()
    if checker.stack:
        checker.problems.append(f"unclosed {checker.stack}")
    lowered = out.lower()
    checker.problems.extend(n for n in ("<script", "<iframe", "<img", "<svg", "<style") if n in lowered)
    from urllib.parse import urlsplit

    for href in checker.links:  # what the browser follows: its scheme, after entities are undone
        if urlsplit(href.strip()).scheme.lower() not in ("http", "https"):
            checker.problems.append(f"href {href}")
    return checker


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Lovely post.", "<p>Lovely post.</p>"),
        ("one\ntwo\n\nthree", "<p>one<br>\ntwo</p><p>three</p>"),
        ("*soft* **loud** _also_", "<p><em>soft</em> <strong>loud</strong> <em>also</em></p>"),
        ("run `pip <x>` now", "<p>run <code>pip &lt;x&gt;</code> now</p>"),
        ("```\n<b>raw</b>\n  kept\n```", "<pre><code>&lt;b&gt;raw&lt;/b&gt;\n  kept</code></pre>"),
        ("> quoted *bit*\n> more\n\nmine", "<blockquote><p>quoted <em>bit</em><br>\nmore</p></blockquote><p>mine</p>"),
        ("- a\n- b", "<ul><li>a</li><li>b</li></ul>"),
        ("1. a\n2. b", "<ol><li>a</li><li>b</li></ol>"),
        ("2016. was a good year", "<p>2016. was a good year</p>"),
        ("snake_case_name stays", "<p>snake_case_name stays</p>"),
        ("2 * 3 * 4", "<p>2 * 3 * 4</p>"),
        ("**a ** b**", "<p>**a ** b**</p>"),  # a strong span ends at the next `**` (what keeps it linear)
        ("\t> tabbed quote\nnext", "<blockquote><p>tabbed quote</p></blockquote><p>next</p>"),
    ],
)
def test_markdown_subset(text, expected):
    assert comment_html(text) == expected


def test_urls_become_nofollow_links_without_their_punctuation():
    out = comment_html("See https://example.org/a_b?x=1&y=2. Or (http://ex.example/p).")
    assert '<a href="https://example.org/a_b?x=1&amp;y=2" rel="nofollow ugc noopener">' in out
    assert '<a href="http://ex.example/p" rel="nofollow ugc noopener">http://ex.example/p</a>).' in out
    assert "<em>" not in out  # the underscore of a URL is no emphasis


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "[x](javascript:alert(1))",
        'https://x.example/"onmouseover="alert(1)',
        "https://x.example/<script>",
        "`</code><script>alert(1)</script>`",
        "**<b onclick=alert(1)>x</b>**",
        "> <svg onload=alert(1)>",
        "```\n</code></pre><script>x</script>\n```",
        "- <a href=javascript:alert(1)>x</a>",
        "*a **b* c**",
        "\ue0000\ue001 placeholders `x`",
    ],
)
def test_known_payloads_stay_inert(payload):
    checker = audit(payload)
    assert checker.problems == []


MARKUP = st.sampled_from(
    ["*", "**", "_", "`", "```", "\n", "\n\n", "> ", "- ", "1. ", "<", ">", '"', "'", "&", "(", ")",
     "https://", "http://x.example/", "javascript:", "<script>", "onerror=", " ", "a", "\ue000", "\ue001", "0"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(MARKUP, st.text(max_size=4)), max_size=40).map("".join))
def test_any_text_renders_to_whitelisted_balanced_html(text):
    checker = audit(text)
    assert checker.problems == [], (text, comment_html(text))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_text_is_never_lost(text):
    """Every letter and digit typed is still there once the markup is taken away."""
    from html import unescape
    import re

    shown = unescape(re.sub(r"<[^>]+>", "", comment_html(text)))
    assert [c for c in shown if c.isalnum()] == [c for c in text.replace("\ue000", "\ufffd").replace("\ue001", "\ufffd") if c.isalnum()]
