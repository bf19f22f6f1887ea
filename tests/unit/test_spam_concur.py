"""Issue 12, third round of video rules: where a link leads (`promoted-link`, a family of its own),
three families that each hold agreeing (a block under the spam threshold), and a capped classifier
that no longer counts as agreeing. Every comment here is made up."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.spam import Reason, Submission, Thresholds, evaluate
from chalicelib.spam.classifier import Model
from chalicelib.spam.rules import (
    CLASSIFIER_NOTHING_PROMOTED_MAX, CONCUR_FAMILIES, CONCUR_POINTS, PROMOTED_LINK_POINTS, SOFT_AGREE_POINTS, decide,
    soft_family,
)


def _says(p: float) -> Model:
    """A classifier that gives every text the same P(spam) (no weights, only a bias)."""
    return Model(math.log(p / (1 - p)), {}, {})


def _rules(verdict) -> dict[str, float]:
    return {r.rule: r.score for r in verdict.reasons}


@pytest.mark.parametrize("link", [
    "https://www.gofundme.com/help-bella-walk",                      # give
    "https://www.change.org/p/city-council-save-the-park",
    "http://www.ebay.com/itm/251638183951",                          # buy
    "https://teespring.com/smiley-shirt",
    "https://play.google.com/store/apps/details?id=com.example.app",  # install
    "https://apps.facebook.com/my-polls/contest2014",
    "https://money-clicks.example/ref/tomuciux99",                   # join
    "https://www.facebook.com/SomeBandOfficial",                      # follow
    "https://soundcloud.com/somebody/house-mix-2",
    "https://instagram.com/p/AbCdEf123/",
    "https://twitter.com/somebody",
    "https://someband.bandcamp.com/album/first",
    "https://www.youtube.com/user/somebodysings",
    "https://www.youtube.com/playlist?list=PL0123456789",
])
def test_a_link_to_a_place_to_give_buy_install_join_or_follow_is_a_promoted_link(judged_by, link):
    judged_by(None)
    verdict = evaluate(Submission(content=f"hi everyone, have a look here {link}"))
    assert _rules(verdict)["promoted-link"] == PROMOTED_LINK_POINTS


@pytest.mark.parametrize("text", [
    "The maintainer explained it here: https://twitter.com/somebody/status/1234567890123",
    "People are discussing it under https://twitter.com/hashtag/nomorestrongnaming",
    "Share buttons are just https://www.facebook.com/sharer/sharer.php?u=https://blog.example/post links",
    "The fix is in https://github.com/someone/gallery/pull/41 and the docs at https://docs.python.org/3/library/re.html",
    "This talk covers it well: https://www.youtube.com/watch?v=dQw4w9WgXcQ (from minute 12)",
    "See https://stackoverflow.com/questions/11227809 for why branch prediction matters here",
    "My notes on it are on my own site, https://jane-doe.example/notes/caching",
    "The list archive has the thread: https://list-archive.example/?t=163876105100002&r=1&w=3",
])
def test_a_reader_citing_a_post_a_page_or_code_is_no_promoted_link(judged_by, text):
    judged_by(None)
    assert "promoted-link" not in _rules(evaluate(Submission(content=text)))


def test_where_a_link_leads_is_its_own_kind_of_evidence(judged_by):
    # Not how many words stand around it (links), nor what the words ask (solicitation).
    assert soft_family("promoted-link") not in {soft_family("lone-link"), soft_family("self-promotion"), soft_family("classifier")}
    judged_by(_says(0.05))  # the words read as ordinary: a promoted link alone is held, never blocked
    alone = evaluate(Submission(content="Tired of the sun in your eyes? This fixes it, see https://www.kickstarter.com/projects/12345/visor"))
    assert alone.decision == "hold"


def test_a_short_line_with_a_profile_link_is_blocked_when_the_words_lean_to_spam(judged_by):
    # a link beside a short line (1.2), to a profile (1.5), words the classifier leans to spam on (P 0.65):
    # three kinds of evidence that each hold a comment, so a block at 4.6 points
    judged_by(_says(0.65))
    verdict = evaluate(Submission(content="Nicee!! so good https://soundcloud.com/somebody/move-your-body"))
    assert verdict.score < Thresholds().spam and verdict.decision == "spam", verdict
    judged_by(_says(0.45))  # the words read as ordinary: two kinds only, held
    assert evaluate(Submission(content="Nicee!! so good https://soundcloud.com/somebody/move-your-body")).decision == "hold"


def _held(found: list[Reason]) -> tuple[str, Reason | None]:
    score = round(sum(r.score for r in found), 2)
    assert Thresholds().hold <= score < Thresholds().spam
    return decide(score, found, Thresholds())


def test_three_families_that_each_hold_block_under_the_spam_threshold():
    token = Reason("form-token-missing", 0.3, "no token")
    three = [token, Reason("lone-link", 1.2, "x"), Reason("promoted-link", 1.5, "x"), Reason("classifier", 1.1, "x")]
    decision, why = _held(three)
    assert CONCUR_FAMILIES == 3 and decision == "spam"
    # the moderator is told why a score that only holds was blocked, and by which kinds of evidence
    assert why is not None and why.rule == "kinds-agree" and why.score == 0.0
    assert "3 independent kinds of evidence agree (classifier, links, promoted-link)" in why.detail
    # one of them a hint under a hold's worth (the text linking the writer's own site, 0.6): held
    weak = [token, Reason("lone-link", 1.2, "x"), Reason("url-repeated", 0.6, "x"), Reason("classifier", 1.1, "x")]
    assert _held(weak)[0] == "hold"
    # three reasons of one family are one kind of evidence
    same = [token, Reason("lone-link", 1.2, "x"), Reason("url-shortener", 1.5, "x"), Reason("disguised-link", 1.5, "x")]
    assert _held(same)[0] == "hold"
    # a capped classifier and capitals are no kind of evidence that holds
    capped = [token, Reason("lone-link", 1.2, "x"), Reason("promoted-link", 1.5, "x"),
              Reason("classifier", CLASSIFIER_NOTHING_PROMOTED_MAX, "capped"), Reason("all-caps", 0.5, "x")]
    assert _held(capped)[0] == "hold"
    assert CONCUR_POINTS > CLASSIFIER_NOTHING_PROMOTED_MAX


def test_a_capped_classifier_is_no_agreeing_evidence():
    # It said it cannot judge this comment (it promotes nothing, or is in a language it met in spam only).
    assert CLASSIFIER_NOTHING_PROMOTED_MAX < SOFT_AGREE_POINTS
    found = [Reason("form-token-missing", 0.3, "no token"), Reason("solicitation", 4.5, "x"),
             Reason("classifier", CLASSIFIER_NOTHING_PROMOTED_MAX, "capped")]
    decision, note = decide(round(sum(r.score for r in found), 2), found, Thresholds())
    assert decision == "hold" and note is not None and note.rule == "needs-strong-evidence"


@pytest.mark.parametrize("text", ["Sucscribe to me!! I am so awesome", "sub 4 sub anyone? drop a comment"])
def test_what_the_solicitation_rules_read_promotes_something(judged_by, text):
    # so the classifier keeps its points there: it is not capped as if the comment offered nothing
    judged_by(_says(0.95))
    verdict = evaluate(Submission(content=text))
    assert _rules(verdict)["classifier"] > CLASSIFIER_NOTHING_PROMOTED_MAX and verdict.decision == "spam", verdict


@pytest.mark.parametrize("text, cue", [
    ("Take a look at this video on YouTube:", True),
    ("please have a listen to my new track", True),
    ("You might want to take a look at the buildout docs, they cover it", False),
    ("Take a look at ossec for monitoring, especially its active response", False),
    ("Have a look at my simple code below, the loop never ends", False),
])
def test_taking_a_look_at_a_creators_media_is_the_check_it_out_cue(judged_by, text, cue):
    judged_by(None)
    assert ("check it out" in _detail(text, "self-promotion")) is cue


# one rule of each of several soft families (none of them hard, none a hint that never agrees)
_ONE_A_FAMILY = ["classifier", "lone-link", "promoted-link", "solicitation", "author-long", "url-invalid", "random-text",
                 "sales-terms", "flattery-template", "pitch", "support-number", "disposable-email", "too-fast"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_ONE_A_FAMILY), min_size=3, max_size=3, unique=True),
       st.lists(st.floats(CONCUR_POINTS, 1.4, allow_nan=False), min_size=3, max_size=3),
       st.floats(0.5, 0.99, allow_nan=False))
def test_three_holding_families_block_and_two_with_a_hint_are_held(rules, points, hint):
    assert len({soft_family(r) for r in rules}) == 3
    three = [Reason(rule, round(p, 2), "generated") for rule, p in zip(rules, points)]
    score = round(sum(r.score for r in three), 2)
    decision, why = decide(score, three, Thresholds())
    assert decision == "spam" and why is not None and why.rule == "kinds-agree"
    assert all(soft_family(rule) in why.detail for rule in rules)
    # the third under a hold's worth: two holding families only, and the score under spam holds
    weaker = [*three[:2], Reason(rules[2], round(hint, 2), "generated")]
    assert decide(round(sum(r.score for r in weaker), 2), weaker, Thresholds())[0] == "hold"


@pytest.mark.parametrize("text, asks", [
    ("shout out to my fans!!! follow me +RealSomebody", True),
    ("follow me @some_handle for more", True),
    ("ALSO FOLLOW ME IN TWITTER for follow back", True),
    ("Do you follow me? The second step reuses the first one's buffer", False),
    ("If you follow me so far, the rest is just algebra", False),
])
def test_following_a_handle_is_asking_readers_to_follow(judged_by, text, asks):
    judged_by(None)
    assert ("'follow me'" in _detail(text, "solicitation")) is asks


def _detail(text: str, rule: str) -> str:
    """What the rule says of a comment of this text, or '' where it says nothing."""
    return next((r.detail for r in evaluate(Submission(content=text)).reasons if r.rule == rule), "")
