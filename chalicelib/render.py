"""A comment's text as safe HTML: links for http(s) URLs and a small Markdown subset, everything else escaped.

The subset readers of Isso and Waline expect: *emphasis* / _emphasis_, **strong**, `inline code`,
fenced code blocks (```), > quotes, - / * / + and 1. lists; blank lines make paragraphs, a newline
is a <br>. Nothing the person typed ever becomes markup of its own: the text is escaped first, and
only the tags below are written, each opened and closed here (so they always balance). A link's
href is an http/https URL, escaped, with rel="nofollow ugc noopener". Pure Python and regular
expressions with bounded spans: no import cost beyond `re` and `html`, linear in the text.

Linear with a small constant, whatever the text: every span a pattern tries ends at the next
delimiter of its kind (a `**` span cannot run across another `**`, a `*` span across a `*`, a `_`
span across a `_`, a code span across a backtick), so each failed try costs the distance to the next
delimiter and the tries of one line add up to its length. A `**` span that could cross `**` made a
64 KiB line of `**a ` cost ~200 steps a position (bench/bench_render.py measures the ratio).
The HTML is not stored with the comment instead: escaping can quadruple the text (`<` -> `&lt;`), and
a 64 KiB comment of 4-byte letters beside its HTML would pass DynamoDB's 400 KB item limit; the
public index would also need re-creating on every existing table to project it.
"""
from __future__ import annotations

import html
import re
from typing import Callable

TAGS = frozenset({"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"})
LINK_REL = "nofollow ugc noopener"
MAX_QUOTE_DEPTH = 3
MAX_EMPHASIS_DEPTH = 3
SPAN = 200  # longest emphasised or code span: bounds the regex work on a 64 KiB comment

# Placeholders for code spans and links while emphasis is found: private-use characters that the
# input can never hold (they are replaced first), and that contain no * or _.
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_CODE_SPAN = re.compile(r"`([^`\n]{1," + str(SPAN) + r"})`")
_URL = re.compile(r"\bhttps?://[^\s<>\"'`\ue000\ue001]{1,2000}", re.IGNORECASE)
_TRAILING = ".,;:!?*_'\""
_EMPHASIS = re.compile(
    r"\*\*(?=\S)(?P<strong>(?:[^*\n]|\*(?!\*)){1," + str(SPAN) + r"}?)(?<=\S)\*\*"
    r"|\*(?=[^\s*])(?P<star>[^*\n]{1," + str(SPAN) + r"}?)(?<=[^\s*])\*"
    r"|(?<![\w])_(?=[^\s_])(?P<under>[^_\n]{1," + str(SPAN) + r"}?)(?<=[^\s_])_(?![\w])"
)
_BLOCK_MARKS = frozenset("`>-*+1")  # the first character of every block below (after up to 3 spaces)
_FENCE = re.compile(r"^\s{0,3}```")
_QUOTE = re.compile(r"^\s{0,3}> ?")
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(?=\S)")  # "*emphasis*" has no space: not a list
_NUMBER = re.compile(r"^\s{0,3}\d{1,9}[.)]\s+(?=\S)")
_FIRST_NUMBER = re.compile(r"^\s{0,3}1[.)]\s+(?=\S)")


def comment_html(text: str) -> str:
    """A comment's stored text -> the HTML every reader sees (`content_html`)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace(_OPEN, "\ufffd").replace(_CLOSE, "\ufffd")
    return _blocks(text.split("\n"), 0)


def _blocks(lines: list[str], depth: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif _FENCE.match(line):
            end = next((j for j in range(i + 1, len(lines)) if _FENCE.match(lines[j])), len(lines))
            out.append("<pre><code>" + html.escape("\n".join(lines[i + 1:end])) + "</code></pre>")
            i = end + 1
        elif _QUOTE.match(line) and depth < MAX_QUOTE_DEPTH:
            end = _run(lines, i, _matches(_QUOTE))
            inner = [_QUOTE.sub("", s, count=1) for s in lines[i:end]]
            out.append("<blockquote>" + _blocks(inner, depth + 1) + "</blockquote>")
            i = end
        elif _BULLET.match(line) or _FIRST_NUMBER.match(line):
            marker = _BULLET if _BULLET.match(line) else _NUMBER
            end = _run(lines, i, _matches(marker))
            tag = "ul" if marker is _BULLET else "ol"
            items = "".join(f"<li>{_inline(marker.sub('', s, count=1).strip())}</li>" for s in lines[i:end])
            out.append(f"<{tag}>{items}</{tag}>")
            i = end
        else:
            end = _run(lines, i, lambda s: bool(s.strip()) and not _starts_block(s, depth))
            out.append("<p>" + "<br>\n".join(_inline(s.strip()) for s in lines[i:end]) + "</p>")
            i = end
    return "".join(out)


def _run(lines: list[str], start: int, belongs: Callable[[str], bool]) -> int:
    """The index after the run of lines from `start` (which belongs) that `belongs` accepts."""
    end = start + 1
    while end < len(lines) and belongs(lines[end]):
        end += 1
    return end


def _matches(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda line: bool(pattern.match(line))


def _starts_block(line: str, depth: int) -> bool:
    """Whether a line ends the paragraph above it. A numbered list starts only at 1 ("2016. was a
    good year" stays text), then takes any number."""
    if line.lstrip()[:1] not in _BLOCK_MARKS:  # the common case, without four regex matches (re.\s is str.isspace)
        return False
    return bool(
        _FENCE.match(line) or (_QUOTE.match(line) and depth < MAX_QUOTE_DEPTH) or _BULLET.match(line)
        or _FIRST_NUMBER.match(line)
    )


def _inline(text: str) -> str:
    """One line: code spans and links kept apart, the rest escaped, then emphasis."""
    if "`" not in text and "*" not in text and "_" not in text and "://" not in text:
        return html.escape(text)  # most lines of most comments: nothing any inline pattern could find
    atoms: list[str] = []

    def keep(markup: str) -> str:
        atoms.append(markup)
        return f"{_OPEN}{len(atoms) - 1}{_CLOSE}"

    text = _CODE_SPAN.sub(lambda m: keep("<code>" + html.escape(m.group(1)) + "</code>"), text)
    text = _URL.sub(lambda m: _link(m.group(0), keep), text)
    text = _emphasis(html.escape(text), 0)
    return _PLACEHOLDER.sub(lambda m: atoms[int(m.group(1))], text)


def _link(found: str, keep: Callable[[str], str]) -> str:
    """A URL as a link (its trailing punctuation, and a closing parenthesis it did not open, left out)."""
    url = found.rstrip(_TRAILING)
    unopened = url.count(")") - url.count("(")  # counted once: the loop below only drops ")" and _TRAILING
    while url.endswith(")") and unopened > 0:
        url = url[:-1].rstrip(_TRAILING)
        unopened -= 1
    rest = found[len(url):]
    if not _is_web_address(url):
        return found
    escaped = html.escape(url, quote=True)
    return keep(f'<a href="{escaped}" rel="{LINK_REL}">{escaped}</a>') + rest


def _is_web_address(url: str) -> bool:
    """An http(s) URL with a host (and a valid port, if any): only these become links."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _emphasis(text: str, depth: int) -> str:
    """*em*, _em_ and **strong** on escaped text. Each match is split into before / inside / after,
    so the tags written always nest properly, however the stars are placed."""
    if depth >= MAX_EMPHASIS_DEPTH:
        return text
    out: list[str] = []
    pos = 0
    for match in _EMPHASIS.finditer(text):
        out.append(text[pos:match.start()])
        tag = "strong" if match.group("strong") is not None else "em"
        inner = match.group("strong") or match.group("star") or match.group("under") or ""
        out.append(f"<{tag}>{_emphasis(inner, depth + 1)}</{tag}>")
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)
