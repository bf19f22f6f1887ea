"""Pure spam scoring: a comment in, a Verdict (score, decision, readable reasons) out. No I/O."""
from __future__ import annotations

from .verdict import (
    Decision,
    FormTokenState,
    LearnedCounts,
    Reason,
    SiteRules,
    Submission,
    Thresholds,
    Verdict,
)

__all__ = [
    "Decision", "FormTokenState", "LearnedCounts", "Reason", "SiteRules", "Submission",
    "Thresholds", "Verdict", "evaluate", "learning_tokens",
]


def evaluate(
    submission: Submission,
    rules: SiteRules | None = None,
    learned: LearnedCounts | None = None,
) -> Verdict:
    """Score one comment. Never raises. (Foundation engine: honeypot discards, all else is held.)"""
    rules = rules or SiteRules()
    if submission.honeypot.strip():
        reason = Reason("honeypot", rules.thresholds.discard, "the hidden honeypot field was filled")
        return Verdict(reason.score, "discard", (reason,))
    reason = Reason("unreviewed", rules.thresholds.hold, "no rules yet: every comment waits for a moderator")
    return Verdict(reason.score, rules.thresholds.decide(reason.score), (reason,))


def learning_tokens(submission: Submission) -> list[str]:
    """The tokens a moderator's spam/ham decision on this comment teaches (bounded, deduplicated)."""
    words = {w for w in submission.content.lower().split() if 2 < len(w) <= 30}
    return sorted(words)[:200]
