"""Video-style spam (issue 12): bare links, a link beside a short line, the classifier's points by
probability, and the cues retuned with them. Every comment here is made up."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.spam import Submission, Thresholds, evaluate
from chalicelib.spam.classifier import Model
from chalicelib.spam.rules import (
    BARE_LINK_POINTS, CLASSIFIER_RANGE, DISGUISED_LINK_POINTS, FORM_MISSING_POINTS, LONE_LINK_POINTS, PROMOTED_LINK_POINTS,
    RANDOM_NAME_POINTS, SHORT_LINK_POINTS, SOFT_AGREE_POINTS, classifier_points, soft_family,
)


def _says(p: float) -> Model:
    """A classifier that gives every text the same P(spam) (no weights, only a bias)."""
    return Model(math.log(p / (1 - p)), {}, {})


def _rules(verdict) -> dict[str, float]:
    return {r.rule: r.score for r in verdict.reasons}


@pytest.mark.parametrize("text", [
    "https://bargain-hoodies.example/tiger-pride?24398",
    "More... https://free-credits.example/share/5af5",
    "add mee https://social.example/some.page.name",
])
def test_a_bare_link_is_held_alone_and_blocked_when_anything_agrees(judged_by, text):
    judged_by(None)
    alone = evaluate(Submission(content=text))
    assert _rules(alone)["lone-link"] == BARE_LINK_POINTS
    assert alone.decision == "hold" and "needs-strong-evidence" not in _rules(alone)
    judged_by(_says(0.55))  # what a classifier says of a text with no words: its prior
    assert evaluate(Submission(content=text)).decision == "spam"
    judged_by(_says(0.2))  # the classifier reads it as ordinary: held, not blocked
    assert evaluate(Submission(content=text)).decision == "hold"


@pytest.mark.parametrize("text", [
    "See https://docs.python.org/3/library/re.html, the second example there answers your question about groups",
    "Thanks! The fix for the flicker is in https://github.com/someone/gallery/pull/41 now",
])
def test_a_reader_citing_a_page_in_a_sentence_is_no_bare_link(judged_by, text):
    judged_by(_says(0.55))
    verdict = evaluate(Submission(content=text))
    assert _rules(verdict).get("lone-link", 0) < BARE_LINK_POINTS
    assert verdict.decision in ("approve", "hold")


def test_a_link_beside_a_short_line_is_held_even_when_the_words_read_fine(judged_by):
    judged_by(_says(0.05))  # "reads like an ordinary comment": -0.5
    short = evaluate(Submission(content="I really love this video.. https://news-site.example/account/389088"))
    assert _rules(short)["lone-link"] == SHORT_LINK_POINTS and short.decision == "hold"
    longer = evaluate(Submission(content="If you only sort integers this may help a lot: https://github.com/someone/radix"))
    assert _rules(longer)["lone-link"] == LONE_LINK_POINTS and longer.decision == "approve"


def test_classifier_points_follow_the_probability_to_a_cap_under_spam():
    def at(p):
        return classifier_points(math.log(p / (1 - p)))
    assert at(0.5) < SOFT_AGREE_POINTS < at(0.55)
    assert at(0.6) == 1.0
    assert at(0.7) < at(0.8) < at(0.85) < CLASSIFIER_RANGE[1]
    assert at(0.9) == at(0.99) == CLASSIFIER_RANGE[1]
    assert at(0.01) == CLASSIFIER_RANGE[0]
    # alone, even without a form token, it stays under the spam threshold
    assert CLASSIFIER_RANGE[1] + FORM_MISSING_POINTS < Thresholds().spam


@settings(max_examples=200, deadline=None)
@given(st.floats(-30, 30, allow_nan=False), st.floats(-30, 30, allow_nan=False))
def test_classifier_points_never_fall_as_the_classifier_grows_surer(a, b):
    low, high = sorted((a, b))
    assert CLASSIFIER_RANGE[0] <= classifier_points(low) <= classifier_points(high) <= CLASSIFIER_RANGE[1]


def test_a_sure_classifier_with_one_weak_cue_blocks_and_alone_is_held(judged_by):
    judged_by(_says(0.99))
    assert evaluate(Submission(content="Please become my first subscriber, thank you")).decision == "spam"
    assert evaluate(Submission(content="We can have a party next weekend, my place")).decision == "approve"  # promotes nothing
    alone = evaluate(Submission(url="https://party-hall.example", content="We can have a party next weekend, my place"))
    assert alone.decision == "hold" and alone.score < Thresholds().spam  # under spam by points, before the agreement rule


def test_random_case_in_the_name_alone_is_a_small_hint(judged_by):
    judged_by(None)
    handle = evaluate(Submission(author="DropItLikeItsHot", content="just came here to see how many views it has"))
    assert _rules(handle)["random-text"] == RANDOM_NAME_POINTS
    generated = evaluate(Submission(author="Mary", content="GvrPpYNkSOJ hXqTrWzPlMa"))
    assert _rules(generated)["random-text"] == 2.0


@pytest.mark.parametrize("text, cue", [
    ("If I reach 100 subscribers I will dye my hair green", True),
    ("I have 25,000 subscribers and I make beats", True),
    ("So close to 14,000,000 subscribers, one more hit and it happens", False),
    ("The channel has 3m subscribers but look at the views", False),
    ("Over 8 million subscribers and still humble", False),
])
def test_talk_of_millions_of_subscribers_is_a_fan_not_a_self_promoter(judged_by, text, cue):
    judged_by(None)
    assert ("self-promotion" in _rules(evaluate(Submission(content=text)))) is cue


@pytest.mark.parametrize("link, cue", [
    ("https://money-clicks.example/ref/tomuciux99", True),
    ("https://short.example/a?r=HuPwEH5ab", True),
    ("https://list-archive.example/?t=163876105100002&r=1&w=3", False),
])
def test_a_referral_link_carries_a_code(judged_by, link, cue):
    judged_by(None)
    verdict = evaluate(Submission(content=f"you might want to weigh in here: {link}"))
    assert ("promoted-link" in _rules(verdict)) is cue


@pytest.mark.parametrize("text, asks", [
    ("earn real money from this game, join now", True),
    ("make easy cash at home with my system", True),
    ("I did not make real progress until I read the second part", False),
    ("They earn realistic salaries there, from what I read", False),
])
def test_money_making_with_an_adjective_still_asks(judged_by, text, asks):
    judged_by(None)
    assert ("solicitation" in _rules(evaluate(Submission(content=text)))) is asks


@pytest.mark.parametrize("text", [
    "my cousin got 6,500 new views in a day, all she used was viewbooster. com",
    "best beats ever, go to beatsforyou*com and be famous",
    "everyone share youtu be/AbCdEf12345 on fb to vote",
    "please see and share: w w w. the truth report. net",
    "check out you tube keithsongs, one word, you tube .com",
    "vote daily for her: tv. awards-site. com/vote (delete spaces)",
])
def test_a_link_written_in_pieces_is_evidence_in_the_links_family(judged_by, text):
    judged_by(None)
    verdict = evaluate(Submission(content=text))
    assert _rules(verdict)["disguised-link"] == DISGUISED_LINK_POINTS
    assert verdict.decision == "hold"
    assert soft_family("disguised-link") == soft_family("lone-link") == "links"


@pytest.mark.parametrize("text", [
    "It works. Come back tomorrow and it may not. Net result: flaky tests.",
    "The answer is in the docs.python.org page on re, second example",
    "We moved from the old .com domain to the new one last year",
    "Run it with the flags (-O2 and -march) and compare",
    "I was at my friends house all day, www is down again",
    "Fiz a massagem em casa. Com o tempo a dor nas costas passou, obrigada pela dica",
])
def test_ordinary_prose_and_whole_links_are_not_disguised_links(judged_by, text):
    judged_by(None)
    assert "disguised-link" not in _rules(evaluate(Submission(content=text)))


def test_a_promoted_link_is_held_even_when_the_words_read_fine(judged_by):
    judged_by(_says(0.05))
    verdict = evaluate(Submission(content="Tired of the sun in your eyes while driving? This fixes it for good, see "
                                          "https://www.kickstarter.com/projects/12345/visor-thing"))
    assert _rules(verdict)["promoted-link"] == PROMOTED_LINK_POINTS and verdict.decision == "hold"
    cited = evaluate(Submission(content="The same trick is described in https://docs.example/guide/caching#warm, in the section "
                                         "on warming the cache before the first request"))
    assert "promoted-link" not in _rules(cited) and cited.decision == "approve"


@pytest.mark.parametrize("text, cue", [
    ("Help me get 100 subscribers by Friday!", "asks for subscribers"),
    ("At 500 subscribers I will jump into a lake", "asks for subscribers"),
    ("Please become my first subscriber", "asks for subscribers"),
    ("Katy will hit 14,000,000 subscribers soon", None),
    ("Our newsletter has 300 subscribers, mostly students", "talks of subscribers"),
])
def test_a_subscriber_goal_of_the_writers_own_asks_for_subscribers(judged_by, text, cue):
    judged_by(None)
    detail = next((r.detail for r in evaluate(Submission(content=text)).reasons if r.rule == "self-promotion"), "")
    if cue is None:
        assert detail == ""
    else:
        assert cue in detail


@pytest.mark.parametrize("text", [
    "https://github.com/someone/gallery/pull/41",
    "see https://docs.python.org/3/library/re.html",
    "en.wikipedia.org/wiki/Radix_sort",
    "https://stackoverflow.com/questions/11227809",
    "See https://learn.microsoft.com/en-us/dotnet/api/system.string.intern",
    "https://en.cppreference.com/w/cpp/atomic/memory_order",
    "https://godbolt.org/z/3x8b1Pq",
])
def test_a_bare_link_to_a_code_or_reference_site_is_held_never_blocked(judged_by, text):
    judged_by(_says(0.6))  # even a classifier leaning to spam
    verdict = evaluate(Submission(content=text))
    assert _rules(verdict)["lone-link"] == SHORT_LINK_POINTS
    assert verdict.decision == "hold"
