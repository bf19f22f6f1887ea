"""The demo blog post: the shipped plain text turned into a title and blocks (headings, paragraphs, lists)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache

POST_ID = "massage-for-lower-back-pain"
CONTENT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "content")
# The text was copied from a rendered page: these lines are the theme's, not the author's.
THEME_LINES = ("Posted on",)
FORM_START = "Leave a Reply"


@dataclass(frozen=True)
class Post:
    post_id: str
    title: str
    blocks: tuple[tuple[str, str | tuple[str, ...]], ...]  # ("h2"|"p", text) or ("ul", items)


@cache
def demo_post() -> Post:
    """The demo post, read and parsed once per warm function."""
    with open(os.path.join(CONTENT_DIR, POST_ID + ".txt"), encoding="utf-8") as fh:
        return parse_post(POST_ID, fh.read())


def parse_post(post_id: str, text: str) -> Post:
    """Blank-line separated chunks -> blocks. A chunk starting in lower case continues the paragraph
    the page broke; short chunks without a full stop are headings; short sentences after a line ending
    in ':' form a list."""
    chunks = [" ".join(chunk.split()) for chunk in re.split(r"\n\s*\n", text)]
    chunks = [c for c in chunks if c and c not in THEME_LINES]
    if FORM_START in chunks:
        chunks = chunks[: chunks.index(FORM_START)]
    title = chunks[0] if chunks else post_id
    body = chunks[1:]
    while body and body[0] == title:
        body = body[1:]
    blocks: list[tuple[str, str | tuple[str, ...]]] = []
    for chunk in body:
        kind, previous = (blocks[-1][0], blocks[-1][1]) if blocks else ("", "")
        if kind == "p" and chunk[0].islower():
            blocks[-1] = ("p", f"{previous} {chunk}")
        elif _is_heading(chunk):
            blocks.append(("h2", chunk))
        elif _is_list_item(chunk) and kind == "ul":
            blocks[-1] = ("ul", (*previous, chunk))
        elif _is_list_item(chunk) and kind == "p" and str(previous).endswith(":"):
            blocks.append(("ul", (chunk,)))
        else:
            blocks.append(("p", chunk))
    return Post(post_id, title, tuple(blocks))


def _is_heading(chunk: str) -> bool:
    return (
        len(chunk) <= 90
        and chunk[0].isupper()
        and not chunk.endswith((".", ":", "!", "?", ",", ";"))
        and ". " not in chunk
    )


def _is_list_item(chunk: str) -> bool:
    return len(chunk) <= 140 and chunk.endswith(".") and chunk.count(". ") == 0
