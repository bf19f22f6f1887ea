"""A block needs strong evidence: a hard reason, or two soft signals of different kinds agreeing."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import inspect

from chalicelib.spam import Reason, SiteMemory, Submission, Thresholds, evaluate
from chalicelib.spam import classifier, keys
from chalicelib.spam.rules import (
    COMMUNITY_AGREE_POINTS, CONCUR_FAMILIES, CONCUR_POINTS, HARD_RULES, NEVER_AGREE, RULES, SOFT_AGREE_POINTS, decide, is_hard,
    soft_family,
)

SOFT_RULES = sorted(
    {"classifier", "community-list", "solicitation", "links", "html-links", "bbcode-links", "url-shortener",
     "author-is-link", "author-long", "author-sales-words", "memory-ip", "memory-common-domain", "too-fast",
     "form-token-expired", "form-token-missing", "site-learned", "all-caps", "disposable-email", "moderation-key",
     "url-redirector", "seo-anchor", "url-repeated", "author-script", "unexpected-script", "author-keywords", "sales-terms",
     "self-promotion", "lone-link", "disguised-link", "promoted-link"}
)
reasons = st.lists(
    st.builds(
        Reason,
        rule=st.sampled_from(SOFT_RULES + sorted(HARD_RULES)),
        score=st.floats(min_value=-6, max_value=12, allow_nan=False).map(lambda x: round(x, 2)),
        detail=st.just("generated"),
    ),
    max_size=8,
)
thresholds = st.builds(
    Thresholds,
    hold=st.floats(0.5, 3, allow_nan=False),
    spam=st.floats(3, 8, allow_nan=False),
    discard=st.floats(8, 15, allow_nan=False),
)


@settings(max_examples=400, deadline=None)
@given(reasons, thresholds)
def test_a_block_always_has_a_hard_reason_or_two_agreeing_soft_families(found, limits):
    score = round(sum(r.score for r in found), 2)
    decision, note = decide(score, found, limits)
    hard = any((r.rule in HARD_RULES and r.score > 0) or (r.rule == "site-learned" and r.score >= 3) for r in found)
    assert hard == any(is_hard(r) for r in found)
    def families(at_least: float) -> set[str]:
        return {soft_family(r.rule) for r in found if not is_hard(r) and r.rule not in NEVER_AGREE
                and r.score >= max(at_least, COMMUNITY_AGREE_POINTS if r.rule == "community-list" else SOFT_AGREE_POINTS)}
    agreeing = families(SOFT_AGREE_POINTS)
    if decision in ("spam", "discard"):
        assert hard or len(agreeing) >= 2
    if decision == "discard":
        assert hard
    # The rule only ever holds a comment back, never lets one through: it is held, not approved.
    wanted = limits.decide(score)
    if wanted in ("spam", "discard") and decision not in ("spam", "discard"):
        assert decision == "hold" and note is not None and note.score == 0
    # ... except that three families that each hold, agreeing, block a comment the score only holds.
    concur = len(families(CONCUR_POINTS)) >= CONCUR_FAMILIES
    if wanted == "hold" and concur:
        assert decision == "spam" and note is not None and note.rule == "kinds-agree" and note.score == 0
    elif wanted in ("approve", "hold"):
        assert decision == wanted and note is None


def test_capitals_and_repeated_letters_never_agree():
    # Hints of manner: a sure classifier written in capitals is still one kind of evidence.
    found = [Reason("classifier", 4.5, "sure"), Reason("all-caps", 0.5, "capitals"),
             Reason("repeated-characters", 0.3, "!!!!!"), Reason("form-token-missing", 0.3, "no token")]
    decision, note = decide(5.6, found, Thresholds())
    assert decision == "hold" and note is not None and note.rule == "needs-strong-evidence"
    assert decide(6.1, [*found, Reason("links", 0.5, "two links")], Thresholds())[0] == "spam"


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-3, max_value=30, allow_nan=False))
def test_the_classifier_alone_never_blocks_however_sure_it_is(points):
    found = [Reason("classifier", round(points, 2), "generated"), Reason("form-token-missing", 0.3, "no token")]
    decision, _ = decide(round(points + 0.3, 2), found, Thresholds())
    assert decision in ("approve", "hold")


def test_every_hard_rule_is_a_rule_the_engine_gives():
    text = "".join(inspect.getsource(rule) for rule in RULES) + inspect.getsource(evaluate)
    for name in HARD_RULES:
        assert f'"{name}"' in text, name


def test_a_single_heuristic_is_held_and_says_why_while_the_site_word_blocks():
    text = "Check out my channel, subscribe to me, sub for sub, visit my site"  # asking, 4 ways
    classifier.use_model(None)  # asking readers to act as the only soft signal
    keys.use_default_matcher(keys.KeyMatcher(()))
    try:
        alone = evaluate(Submission(content=text))
        marked = evaluate(Submission(content=text), memory=SiteMemory(email=2))
    finally:
        classifier.reset_shipped_model()
        keys.use_default_matcher(None)
    assert alone.decision == "hold", alone
    assert "needs-strong-evidence" in {r.rule for r in alone.reasons}
    assert marked.decision in ("spam", "discard")


def test_the_community_list_agrees_only_from_two_specific_keys():
    sure = Reason("classifier", 4.0, "generated")
    token = Reason("form-token-missing", 0.3, "no token")
    one_key = [sure, token, Reason("community-list", 0.9, "generated"), Reason("links", 0.45, "2 links")]
    assert decide(5.65, one_key, Thresholds())[0] == "hold"
    two_keys = [sure, token, Reason("community-list", 1.0, "generated")]
    assert decide(5.3, two_keys, Thresholds())[0] == "spam"
