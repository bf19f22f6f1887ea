"""Fast paths say what the plain way says: script and case counts as a loop over the characters, the
disguised-link pattern as without its possessive runs."""
from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.spam import rules
from chalicelib.spam.text import case_counts

# ASCII, accented Latin, Cyrillic, Greek, kana, Han, Hangul, digits, spaces, quotes, an invisible one
ALPHABET = st.sampled_from(list("aZq é ñ Жж Ωλ カな 漢 한 7 ’\u200b_") + ["  ", "É", "ǅ"])


def _plain_main_script(text: str, at_least: int) -> str:
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            name = "LATIN" if ch.isascii() else unicodedata.name(ch, "").split(" ", 1)[0]
            script = "HAN" if name in ("CJK", "HIRAGANA", "KATAKANA") else name
            counts[script] = counts.get(script, 0) + 1
    if sum(counts.values()) < at_least:
        return ""
    return max(counts.items(), key=lambda kv: kv[1])[0]


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join), st.sampled_from([1, 2, 5, 20]))
def test_main_script_is_what_counting_every_letter_gives(text, at_least):
    assert rules._main_script(text, at_least) == _plain_main_script(text, at_least)


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_case_counts_are_str_isupper_and_islower_of_each_character(text):
    assert case_counts(text) == (sum(map(str.isupper, text)), sum(map(str.islower, text)))


DISGUISE_PIECES = st.sampled_from(["name", "abc-def", "x" * 61, "y" * 63, " ", "  ", ".", " . ", "*", "(dot)", "(.)", "com", "org",
                                   "net", "tv", "/", "youtu", "be", "w", "www", "(delete spaces)", "(please remove the space)",
                                   "(", "-", "é", "\n"])
# What the rule looks for, as one plain search: '\b' before each alternative, the name runs not possessive.
DISGUISED_REFERENCE = (
    r"\b[a-z0-9][a-z0-9-]{2,62}(?:\s+\.\s+|\s*\*\s*|\s*\((?:dot|\.)\)\s*)(?:com|net|org|info|biz|tv)\b(?![.\w])"
    r"|\b[a-z0-9][a-z0-9-]{2,62}(?:\.\s+|\s+\.)(?:com|org)(?=/|\W*$)"
    r"|\byoutu\s+be\b|\bw\s+w\s+w\b|\bw{3}\s+\.|\((?:please )?(?:delete|remove) (?:the )?spaces?\)"
)


@settings(max_examples=400, deadline=None)
@given(st.lists(DISGUISE_PIECES, max_size=10).map("".join))
def test_the_disguised_link_search_finds_what_one_plain_search_finds(text):
    import re

    expected = re.search(DISGUISED_REFERENCE, text)
    assert rules._disguised(text) == (expected and expected.group(0))
