"""Learning from moderators: bounded keys, and per-site counts that catch campaigns and undo mistakes."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.spam import LearnedCounts, Submission, evaluate, learning_tokens

HUMAN = dict(form_token="valid", form_age=45.0)


def teach(marks: list[tuple[Submission, bool]]) -> LearnedCounts:
    """What the app stores after moderators mark these comments spam (True) or ham (False)."""
    spam_docs = ham_docs = 0
    counts: Counter = Counter()
    for submission, is_spam in marks:
        spam_docs += is_spam
        ham_docs += not is_spam
        for key in learning_tokens(submission):
            counts[(key, is_spam)] += 1
    keys = {key for key, _ in counts}
    return LearnedCounts(spam_docs, ham_docs, {k: (counts[(k, True)], counts[(k, False)]) for k in keys})


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=3000), st.text(max_size=300), st.text(max_size=100))
def test_learning_tokens_are_few_short_and_from_a_bounded_universe(content, author, email):
    tokens = learning_tokens(Submission(author=author, email=email, content=content))
    assert len(tokens) <= 64
    assert len(set(tokens)) == len(tokens)
    assert all(re.fullmatch(r"[0-9a-f]{1,4}", t) and int(t, 16) < 8192 for t in tokens)


def test_learning_tokens_are_stable_across_processes():
    code = "from chalicelib.spam import *; print(learning_tokens(Submission(author='Olga', content='write to me at mail dot com')))"
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    outputs = {
        subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


CAMPAIGN = [
    ("Olga", "Hello dear, my name is Olga and I am looking for a serious man. Write to me at olga.love at mail dot com, I send photos"),
    ("Irina", "Hi, my name is Irina, I am looking for a serious man for a relationship. Write to me irina.love at mail dot com, I will send photos"),
    ("Natasha", "Hello, my name is Natasha. I am looking for a kind serious man. Write to me natasha at mail dot com and I send my photos"),
]
NEXT = Submission(author="Svetlana", content="Good day, my name is Svetlana and I am looking for a serious man. "
                  "Write to me sveta.love at mail dot com, I will send you photos", **HUMAN)
HAM = [
    "I have had lower back pain for years and a weekly massage is the only thing that helps.",
    "Is it safe to do this during pregnancy?",
    "This article was really helpful, I tried the tennis ball trick last night and slept much better.",
    "I disagree, massage alone never fixed my sciatica. You need core strength exercises too.",
    "My name is Tom and I am a massage therapist, I agree with most of this.",
]


def test_a_campaign_the_model_misses_is_caught_after_moderators_mark_three():
    assert evaluate(NEXT).decision not in ("spam", "discard")
    one = teach([(Submission(author=CAMPAIGN[0][0], content=CAMPAIGN[0][1], **HUMAN), True)])
    three = teach([(Submission(author=a, content=c, **HUMAN), True) for a, c in CAMPAIGN])
    assert evaluate(NEXT, learned=one).decision != "approve"
    verdict = evaluate(NEXT, learned=three)
    assert verdict.decision in ("spam", "discard")
    assert any(r.rule == "site-learned" and r.score > 0 for r in verdict.reasons)
    for text in HAM:  # ordinary comments that share a few words keep their verdict
        ham = Submission(author="Tom", content=text, **HUMAN)
        assert evaluate(ham, learned=three).decision == evaluate(ham).decision


MISJUDGED = [
    "Great post, thanks for the tips on posture! My back feels better already.",
    "Great post, thanks for the tips. Stretching every morning really helps.",
    "Thanks for the great post and the tips on sleeping positions.",
]


def test_marking_similar_comments_ham_undoes_a_false_positive():
    # The YouTube-only classifier held this; trained on blogs too it no longer does. Teaching still moves it.
    comment = Submission(author="Lee", content="Great post, thanks for the tips on stretching!", **HUMAN)
    learned = teach([(Submission(author="Kim", content=text, **HUMAN), False) for text in MISJUDGED])
    verdict = evaluate(comment, learned=learned)
    assert verdict.decision == "approve"
    assert any(r.rule == "site-learned" and r.score < 0 for r in verdict.reasons)
    spam = Submission(content="Check out my channel and subscribe http://bit.ly/x http://bit.ly/y", **HUMAN)
    assert evaluate(spam, learned=learned).decision in ("spam", "discard")


def test_odd_stored_counts_do_not_break_the_verdict():
    learned = LearnedCounts(-3, 10**30, {"1a": ("x", None), "2b": (5,), "3c": (float("nan"), 2)})  # type: ignore[dict-item]
    assert evaluate(NEXT, learned=learned).decision in ("approve", "hold", "spam", "discard")
