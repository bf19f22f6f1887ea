"""The demo post is read from the shipped seed text as a person would lay it out."""
from __future__ import annotations

import os

from chalicelib.web.post import demo_post, parse_post
from tests.conftest import ROOT


def test_the_shipped_copy_is_the_whole_seed_post():
    """The copy under chalicelib/ (only it is deployed) holds the page from its theme line to the form."""
    shipped = os.path.join(ROOT, "chalicelib", "web", "content", "massage-for-lower-back-pain.txt")
    text = open(shipped, encoding="utf-8").read()
    assert text.startswith("Posted on\n\nMassage for Lower Back Pain\n")
    assert "Leave a Reply" in text and "Your email address will not be published." in text
    post = demo_post()
    kind, last = post.blocks[-1]
    assert kind == "p" and last.endswith("This leads to bulging or compressed discs.")
    assert sum(len(b) if isinstance(b, str) else sum(map(len, b)) for _, b in post.blocks) > 3000


def test_title_headings_paragraphs_and_the_list():
    post = demo_post()
    assert post.title == "Massage for Lower Back Pain"
    headings = [text for kind, text in post.blocks if kind == "h2"]
    assert "Rheumatoid Arthritis and Lower Back Pain" in headings
    assert headings[0] != post.title  # the repeated title line is not a heading of the body
    (items,) = [text for kind, text in post.blocks if kind == "ul"]
    assert items[0] == "Alleviate Low-Back Pain and Improve Range of Motion."
    assert len(items) > 10
    # A paragraph the copied page broke mid-sentence is joined again.
    assert any("acts more like a symptom" in text for kind, text in post.blocks if kind == "p")


def test_theme_lines_and_the_form_are_not_part_of_the_post():
    post = parse_post("p", "Posted on\n\nTitle\n\nTitle\n\nBody text here.\n\nLeave a Reply\n\nYour email address")
    assert post.title == "Title"
    assert post.blocks == (("p", "Body text here."),)
