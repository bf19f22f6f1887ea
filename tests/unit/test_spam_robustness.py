"""evaluate never raises, stays fast, and treats hostile input in linear time."""
from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.spam import LearnedCounts, SiteRules, Submission, Verdict, evaluate

texts = st.one_of(st.text(max_size=300), st.text(max_size=65_525, alphabet=st.characters(codec="utf-8")))
states = st.sampled_from(["valid", "missing", "forged", "expired", "bogus"])
ages = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(texts, st.text(max_size=300), st.text(max_size=120), st.text(max_size=250), st.text(max_size=60),
       st.text(max_size=300), st.text(max_size=20), states, ages, st.lists(st.text(max_size=12), max_size=5))
def test_evaluate_never_raises(content, author, email, url, ip, agent, honeypot, token, age, site_keys):
    submission = Submission(author, email, url, content, ip, agent, honeypot, token, age)  # type: ignore[arg-type]
    learned = LearnedCounts(2, 1, {"1a": (2, 0), "ff": (0, 1)})
    verdict = evaluate(submission, SiteRules(tuple(site_keys), tuple(site_keys)), learned)
    assert isinstance(verdict, Verdict)
    assert verdict.decision in ("approve", "hold", "spam", "discard")


HOSTILE = ["a" * 65_525, "<a " * 21_841, "http://" * 9_360, "a-" * 32_762, "x." * 32_762, " ." * 32_762,
           "\x00" * 65_525, "[url=" * 13_105, "(" * 65_525, "aaaa.com" * 8_190, "Ab" * 32_762]


def _seconds(content: str) -> float:
    started = time.perf_counter()
    evaluate(Submission(author=content[:245], content=content, url=content[:200]))
    return time.perf_counter() - started


def test_hostile_huge_comments_cost_linear_time():
    """Ten times the input costs about ten times the time, never a hundred (no quadratic pattern).
    A ratio within one run, not a timed limit: the machine's speed cancels out."""
    evaluate(Submission(content="warm up"))
    for content in HOSTILE:
        small, large = content[: len(content) // 10], content
        ratio = min(_seconds(large) for _ in range(2)) / max(min(_seconds(small) for _ in range(2)), 1e-4)
        assert ratio < 40, (content[:20], ratio)
