"""A comment's stored HTML (WordPress, Disqus) back to the text a person typed."""
from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr"}
_HIDDEN = {"script", "style", "template"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class _TextMaker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[tuple[str, list[str]]] = []  # open <a>: its href and the text inside it
        self.hidden = 0

    def _emit(self, text: str) -> None:
        (self.links[-1][1] if self.links else self.out).append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self._emit("\n")
        elif tag in _BLOCKS:
            self._emit("\n\n" if tag != "li" else "\n- ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self._emit("\n\n")
        elif tag == "a" and self.links:
            href, parts = self.links.pop()
            self._emit(_link_text("".join(parts), href))

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self._emit(data)

    def text(self) -> str:
        while self.links:  # an <a> never closed still keeps its text
            href, parts = self.links.pop()
            self._emit(_link_text("".join(parts), href))
        return "".join(self.out)


def _link_text(text: str, href: str) -> str:
    """`<a href="u">t</a>` -> "t (u)"; just the URL when the text is the URL or Disqus's shortened
    form of it ("https://github.com/boot-clj..."); only http(s) and mailto targets are kept."""
    shown = text.strip()
    if not href or not re.match(r"(?i)^(https?://|mailto:)", href.strip()):
        return text
    href = href.strip()
    if not shown or shown == href or (shown.endswith("...") and href.startswith(shown[:-3])):
        return href
    if shown.rstrip("/") == href.rstrip("/") or href.split("://", 1)[-1].rstrip("/") == shown.rstrip("/"):
        return href
    return f"{shown} ({href})"


def html_to_text(markup: str) -> str:
    """Tags dropped (links kept as URLs), <br>/<p> to newlines, entities decoded, blank runs squeezed."""
    maker = _TextMaker()
    maker.feed(markup.replace("\r\n", "\n").replace("\r", "\n"))
    maker.close()
    text = _CONTROL.sub("", maker.text()).replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
