"""The spam engine's input and output types: what it reads of a comment, and the verdict it gives."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping

Decision = Literal["approve", "hold", "spam", "discard"]
FormTokenState = Literal["valid", "missing", "forged", "expired"]


@dataclass(frozen=True)
class Submission:
    """What the engine sees of one comment. Every field may be empty; nothing here is trusted."""

    author: str = ""
    email: str = ""
    url: str = ""
    content: str = ""
    ip: str = ""
    user_agent: str = ""
    honeypot: str = ""
    form_token: FormTokenState = "missing"
    # Seconds between the form token's issue and the submission; None when there is no valid token.
    form_age: float | None = None


@dataclass(frozen=True)
class Thresholds:
    """Score boundaries: below `hold` approve, from `hold` hold, from `spam` spam, from `discard` discard."""

    hold: float = 1.0
    spam: float = 5.0
    discard: float = 10.0

    def decide(self, score: float) -> Decision:
        if score >= self.discard:
            return "discard"
        if score >= self.spam:
            return "spam"
        if score >= self.hold:
            return "hold"
        return "approve"


@dataclass(frozen=True)
class SiteRules:
    """A site's own spam settings (WordPress's Discussion settings, plus thresholds)."""

    moderation_keys: tuple[str, ...] = ()
    disallowed_keys: tuple[str, ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)
    # Unicode scripts the site's comments are written in ("Latin", "Cyrillic", "Han", ...): a comment
    # mostly in others is held. Empty (the default): any script is fine.
    expected_scripts: tuple[str, ...] = ()


@dataclass(frozen=True)
class LearnedCounts:
    """What a site's moderators taught: how many comments they marked spam/ham, and per-token counts."""

    spam_docs: int = 0
    ham_docs: int = 0
    tokens: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # token -> (spam, ham)


@dataclass(frozen=True)
class SiteMemory:
    """What this site's moderators already marked spam, matched by keyed hash by the service (never plain values)."""

    email: int = 0  # how many comments from this email (keyed hash) were marked spam on this site
    ip: int = 0  # ... from this IP
    domains: tuple[str, ...] = ()  # this comment's link/URL domains that were marked spam on this site


@dataclass(frozen=True)
class Reason:
    rule: str
    score: float
    detail: str

    def to_dict(self) -> dict:
        return {"rule": self.rule, "score": self.score, "detail": self.detail}


@dataclass(frozen=True)
class Verdict:
    score: float
    decision: Decision
    reasons: tuple[Reason, ...] = ()

    def to_dict(self) -> dict:
        return {
            "score": self.score,
            "decision": self.decision,
            "reasons": [reason.to_dict() for reason in self.reasons],
        }
