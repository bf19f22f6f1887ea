"""The combined phrase patterns (phrases.any_of) say yes exactly when one of their list matches."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.spam import phrases, rules

LISTS = {
    "sales": ([p for _, p in phrases.SALES], phrases.ANY_SALES),
    "flattery": (list(phrases.FLATTERY), phrases.ANY_FLATTERY),
    "pitch": (list(phrases.PITCH), phrases.ANY_PITCH),
    "solicitation": ([p for _, p in rules._SOLICITATIONS], rules._ANY_SOLICITATION),
    "self-promotion": ([p for _, _, p in rules._PROMOTION], rules._ANY_PROMOTION),
}
# Words the patterns are made of, so generated text hits them (and near-misses them) often.
VOCAB = sorted({w for patterns, _ in LISTS.values() for p in patterns for w in re.findall(r"[a-z]{2,}", p.pattern)})
PIECES = st.sampled_from(VOCAB + ["i", "i'll", "going to", "my", "$", "$77,000", "123", "-", ".", "x", "4", "1,000,000", "1000000", "2m"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=12), st.sampled_from(sorted(LISTS)), st.sampled_from([" ", "", "  "]))
def test_combined_pattern_agrees_with_its_list(pieces, name, glue):
    text = glue.join(pieces)
    patterns, combined = LISTS[name]
    assert bool(combined.search(text)) == any(p.search(text) for p in patterns)


WORDING = ("flattery", "pitch", "solicitation", "self-promotion")  # what rules._ANY_WORDING unites


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=12), st.sampled_from([" ", "", "  "]))
def test_the_wording_gate_says_yes_exactly_when_one_of_its_four_lists_matches(pieces, glue):
    # Comment.wording lets templates, solicitation and promotion skip their searches: a no it
    # gives where a list matches would lose that list's reason.
    text = glue.join(pieces)
    assert bool(rules._ANY_WORDING.search(text)) == any(p.search(text) for name in WORDING for p in LISTS[name][0])


def test_a_union_of_gates_matches_where_either_does_searched_or_not():
    first, second = phrases.any_of([re.compile(r"\bcasino\b")]), phrases.any_of([re.compile(r"\$\d|\bloan")])
    assert first.search("casino") and not first.search("loan")  # a gate searched before the union is made
    union = phrases.Gate.union((first, second))
    assert union.search("a casino") and union.search("$5") and union.search("payday loans")
    assert not union.search("recasino") and not union.search("$x")
    assert second.starts("a loan, $5") == [2, 8]  # and the parts still work on their own


def test_combined_pattern_keeps_branches_inside_groups_and_classes():
    combined = phrases.any_of([re.compile(r"\bab(?:c|d)|[|x]y"), re.compile(r"\bzz")])
    assert combined.search("abd") and combined.search("|y") and combined.search("zz")
    assert not combined.search("xab") and not combined.search("c") and not combined.search("d")


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=12), st.sampled_from(sorted(LISTS)), st.sampled_from([" ", "", "  ", ", "]))
def test_first_matches_are_what_each_pattern_of_the_list_finds(pieces, name, glue):
    text = glue.join(pieces)
    patterns, combined = LISTS[name]
    found = phrases.first_matches(patterns, combined, text)
    expected = [p.search(text) for p in patterns]
    assert [m and (m.span(), m.group(0)) for m in found] == [m and (m.span(), m.group(0)) for m in expected]


def test_the_gate_sees_a_word_at_the_start_and_after_any_non_word_character():
    gate = phrases.any_of([re.compile(r"\b(?<!going to )check it\b|\b(?:online )?casinos?\b|\$\d")])
    assert gate.starts("check it") == [0]
    assert gate.starts("going to check it") == []
    assert gate.starts("(casino) $5, online casino") == [1, 9, 13, 20]
    assert gate.starts("xcheck it") == [] and not gate.search("recasino")


WORD_PATTERNS = {"support": phrases.SUPPORT, "brands": phrases.BRANDS, "business": phrases.BUSINESS_NAME}
WORD_VOCAB = sorted({w for p in WORD_PATTERNS.values() for w in re.findall(r"[a-z&]{2,}", p.pattern)})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORD_VOCAB + ["x", "-", ".", "5", "365", "_"]), max_size=10), st.sampled_from(sorted(WORD_PATTERNS)),
       st.sampled_from([" ", "", "  ", "-"]))
def test_a_word_pattern_finds_what_searching_its_pattern_finds(pieces, name, glue):
    text = glue.join(pieces)
    pattern = WORD_PATTERNS[name]
    match = re.search(pattern.pattern, text)
    assert pattern.find(text) == (match.group(0) if match else None)
