"""Self-promotion cues: weak alone (held at most), a block only with the classifier agreeing."""
from __future__ import annotations

import pytest

from chalicelib.spam import Submission, evaluate
from chalicelib.spam.classifier import Model
from chalicelib.spam.rules import PROMOTION_MAX, Thresholds, decide, Reason

PROMOTION = "hey guys, I'm a small youtuber and I make covers, check out my channel and subscribe!"


def _sure_model(log_odds: float) -> Model:
    """A classifier that says the same of every text (no weights, only a bias)."""
    return Model(log_odds, {}, {})


def _rules(verdict):
    return {r.rule: r.score for r in verdict.reasons}


def test_promotion_alone_is_held_for_a_moderator_never_blocked(judged_by):
    judged_by(None)
    verdict = evaluate(Submission(content=PROMOTION))
    assert verdict.decision == "hold", verdict
    assert 0 < _rules(verdict)["self-promotion"] <= PROMOTION_MAX


def test_a_confident_classifier_with_promotion_blocks_and_either_alone_does_not(judged_by):
    judged_by(_sure_model(4.0))  # P(spam) = 0.98
    assert evaluate(Submission(content=PROMOTION)).decision == "spam"
    assert evaluate(Submission(content="This song brings back so many memories of my dad")).decision == "hold"
    judged_by(_sure_model(-3.0))  # reads like an ordinary comment
    assert evaluate(Submission(content=PROMOTION)).decision == "hold"


@pytest.mark.parametrize("text", [
    "How do I subscribe to the comments on this post?",
    "I subscribed to the RSS feed, thanks",
    "Subscribing to your newsletter was the best decision this year",
    "Check the docs for the second option",
    "I added Staticman to my blog and my own site, and it works",
    "My son loves this song",
])
def test_ordinary_comments_have_no_promotion_cue(judged_by, text):
    judged_by(None)
    assert "self-promotion" not in _rules(evaluate(Submission(content=text)))


def test_promotion_and_solicitation_are_one_kind_of_evidence():
    found = [Reason("solicitation", 5.0, "x"), Reason("self-promotion", 3.0, "y")]
    decision, note = decide(8.0, found, Thresholds())
    assert decision == "hold" and note is not None


def test_the_shipped_engine_blocks_typical_video_spam_and_publishes_thanks():
    spam = evaluate(Submission(author="DJ Kev", content="Hey everyone! Check out my channel, I make beats. Please subscribe http://www.kevbeats-music.com"))
    assert spam.decision == "spam", spam
    thanks = evaluate(Submission(author="Ana", content="Thank you, it works for me!"))
    assert thanks.decision == "approve", thanks


def _cues(verdict) -> str:
    return next((r.detail for r in verdict.reasons if r.rule == "self-promotion"), "")


@pytest.mark.parametrize("text, cue", [
    ("Hi all, I'm a 16 year old singer from Leeds trying to get heard", "introduces a creator"),
    ("we just released our first album, it took two years", "introduces a creator"),
    ("I make lofi jazz beats in my bedroom", "introduces a creator"),
    ("give this a like so more people find the fundraiser", "asks for likes"),
    ("like my page, it means the world", "asks for likes"),
    ("Like and share, the more the better", "asks for likes"),
    ("it would mean so much to me if you could vote for our school", "pleads for help"),
    ("I sell handmade phone cases, only 5 dollars each", "offers something for sale"),
    ("click here for a free Steam code", "offers money or prizes"),
    ("watch this trailer before it's gone", "check it out"),
    ("making extra money from home is easy, ask me how", "offers money or prizes"),
    ("subscribing to you right now, you deserve more views", "talks of subscribers"),
])
def test_cues_read_the_behaviour_in_other_words(judged_by, text, cue):
    judged_by(None)
    assert cue in _cues(evaluate(Submission(content=text)))


@pytest.mark.parametrize("text", [
    "I like this post a lot, the second example finally made it click",  # a reader's praise, no request
    "I really like this video of the talk, the Q&A especially",
    "Thumbs up for the clear write-up",  # fans say it too: a weak cue, not 'asks for likes'
    "I would appreciate it if you could add a section on Windows",  # a reader's request to the author
    "I would appreciate it if you could help me with this error, I am stuck",
    "I'd be so grateful if you could follow up with part two",
    "Posts like this post are why I keep reading",  # 'like' as a comparison
    "Just like my colleague said, the cache was stale",
    "My son is a 12 year old fan of the band",
    "I wrote a cover letter with your template and got the job",  # a cover, no music
    "I agree; I did cover this in more detail in an older post",
])
def test_readers_words_carry_no_strong_cue(judged_by, text):
    judged_by(None)
    cues = _cues(evaluate(Submission(content=text)))
    for strong in ("asks for likes", "pleads for help", "introduces a creator", "offers something for sale"):
        assert strong not in cues, (text, cues)
