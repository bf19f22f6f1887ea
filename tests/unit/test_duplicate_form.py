"""What the duplicate guard counts as the same text: look-alike letters are, other words are not."""
from __future__ import annotations

from chalicelib.models import duplicate_form, normalize_text


def test_a_swapped_in_look_alike_letter_reads_as_the_latin_one():
    assert duplicate_form("L\u043evely p\u03bfst, \u0410da") == duplicate_form("Lovely post, Ada") == "lovely post, ada"


def test_different_russian_or_greek_comments_stay_different():
    assert duplicate_form("Спасибо за статью") != duplicate_form("Спасибо за ответ")
    assert duplicate_form("Ευχαριστώ πολύ") != duplicate_form("Ευχαριστώ λίγο")


def test_trust_keeps_the_name_as_written():
    """Trust digests use normalize_text: a Cyrillic name stays Cyrillic there."""
    assert normalize_text("\u0410nna") != normalize_text("Anna")
