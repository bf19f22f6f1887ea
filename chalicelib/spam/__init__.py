"""Pure spam scoring: a comment in, a Verdict (score, decision, readable reasons) out. No I/O.

The score is a sum of named rules (see rules.py), SpamAssassin-style; the site's Thresholds turn
it into a decision. Data files (the community key list, the classifier weights) load on first use.
"""
from __future__ import annotations

import math
from dataclasses import fields as dataclass_fields
from typing import Any

from .learned import learning_keys
from .rules import RULES, Comment, decide, is_akismet_test, is_floor
from .rules import memory_domains as _memory_domains
from .text import Prepared
from .verdict import (
    Decision,
    FormTokenState,
    LearnedCounts,
    Reason,
    SiteMemory,
    SiteRules,
    Submission,
    Thresholds,
    Verdict,
)

__all__ = [
    "Decision", "FormTokenState", "LearnedCounts", "Reason", "SiteMemory", "SiteRules", "Submission",
    "Thresholds", "Verdict", "evaluate", "learning_tokens", "memory_domains",
]

_TOKEN_STATES = ("valid", "missing", "forged", "expired")


def evaluate(
    submission: Submission,
    rules: SiteRules | None = None,
    learned: LearnedCounts | None = None,
    memory: SiteMemory | None = None,
) -> Verdict:
    """Score one comment against the shipped rules, the site's keys, what its moderators taught
    (`learned`) and what they marked spam before (`memory`, looked up by the service).

    Never raises: a rule that fails on some odd input is skipped and named in the reasons.
    """
    site = rules or SiteRules()
    submission = _clean(submission)
    thresholds = site.thresholds
    if submission.honeypot.strip():
        reason = Reason("honeypot", thresholds.discard, "the hidden honeypot field was filled (only scripts see it)")
        return Verdict(reason.score, "discard", (reason,))
    if is_akismet_test(submission):
        reason = Reason("akismet-test", thresholds.spam, "Akismet's test value for a guaranteed spam verdict")
        return Verdict(reason.score, "spam", (reason,))

    comment = Comment(submission, site, learned, memory if isinstance(memory, SiteMemory) else None)
    reasons: list[Reason] = []
    for rule in RULES:
        try:
            reasons.extend(rule(comment))
        except Exception as exc:  # noqa: BLE001 (one broken rule must not take the verdict down)
            reasons.append(Reason("rule-error", 0.0, f"rule {rule.__name__} failed ({type(exc).__name__}); skipped"))
    if any(is_floor(r) for r in reasons):
        reasons = [r for r in reasons if r.score >= 0]
    score = round(sum(r.score for r in reasons), 2)
    decision, held_back = decide(score, reasons, thresholds)
    if held_back is not None:
        reasons.append(held_back)
    return Verdict(score, decision, tuple(reasons))


def learning_tokens(submission: Submission) -> list[str]:
    """The keys a moderator's spam/ham decision on this comment teaches: at most 64 distinct,
    each a hex bucket below 8192 ('1f3a'), stable across processes. Never raises."""
    try:
        s = _clean(submission)
        return learning_keys(s.author, s.email, s.url, Prepared(s.content))
    except Exception:  # noqa: BLE001 (teaching nothing beats failing a moderator's click)
        return []


def memory_domains(submission: Submission) -> list[str]:
    """The lower-case registrable domains (no 'www.') of the author URL field, then of the content's
    links: at most 5, in that stable order. The service hashes these for the spam memory. Never raises."""
    try:
        return _memory_domains(_clean(submission))
    except Exception:  # noqa: BLE001 (no lookup beats failing a submission)
        return []


_TEXT_FIELDS = tuple(f.name for f in dataclass_fields(Submission) if f.name not in ("form_token", "form_age"))


def _clean(submission: Submission) -> Submission:
    """The submission with every text field a str and the token fields in their documented range."""
    if type(submission) is Submission and _is_clean(submission):
        return submission  # what the service sends: making it again would give the same values
    values: dict[str, Any] = {}
    for f in dataclass_fields(Submission):
        value = getattr(submission, f.name, None)
        if f.name == "form_token":
            values[f.name] = value if value in _TOKEN_STATES else "missing"
        elif f.name == "form_age":
            values[f.name] = None
            if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
                values[f.name] = float(value)
        else:
            values[f.name] = value if isinstance(value, str) else ("" if value is None else str(value))
    return Submission(**values)


def _is_clean(submission: Submission) -> bool:
    """Whether _clean would keep every value as it is (checked without building a new one)."""
    age = submission.form_age
    return (
        all(type(getattr(submission, name)) is str for name in _TEXT_FIELDS)
        and submission.form_token in _TOKEN_STATES
        and (age is None or (type(age) is float and math.isfinite(age)))
    )
